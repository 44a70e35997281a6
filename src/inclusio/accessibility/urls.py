from django.urls import path

from inclusio.accessibility import control_views, views

app_name = "accessibility"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("facilities/<int:facility_id>/", views.facility, name="facility"),
    path("statistics/", views.statistics, name="statistics"),
    path("map/", views.facility_map, name="map"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]

# State control and barrier reports (control_views.py).
urlpatterns += [
    path("control/", control_views.home, name="control"),
    path("control/plan/", control_views.plan, name="plan"),
    path("control/facilities/<int:facility_id>/inspect/", control_views.inspect, name="inspect"),
    path("control/inspections/<int:inspection_id>/", control_views.inspection, name="inspection"),
    path("control/prescriptions/", control_views.prescriptions, name="prescriptions"),
    path(
        "control/prescriptions/<int:prescription_id>/",
        control_views.prescription,
        name="prescription",
    ),
    path("control/fines/", control_views.fines, name="fines"),
    path("control/reports/<int:report_id>/", control_views.moderate, name="moderate"),
    path("reports/<int:report_id>/photo/", control_views.report_photo, name="report_photo"),
    path("facilities/<int:facility_id>/report/", control_views.report, name="report"),
    path("reports/mine/", control_views.my_reports, name="my_reports"),
]
