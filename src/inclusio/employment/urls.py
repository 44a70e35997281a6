from django.urls import path

from inclusio.employment import views

app_name = "employment"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<str:iin>/", views.person, name="person"),
    path("employers/", views.employers, name="employers"),
    path("employers/<str:bin>/", views.employer, name="employer"),
    path("employers/<str:bin>/report/", views.employer_report, name="employer_report"),
    path("employers/<str:bin>/vacancy/", views.vacancy, name="vacancy"),
    path("employers/<str:bin>/place/", views.place, name="place"),
    path("placements/<int:placement_id>/workplace/", views.workplace_new, name="workplace_new"),
    path("workplaces/<int:workplace_id>/", views.workplace, name="workplace"),
    path("workplaces/<int:workplace_id>/subsidy/", views.subsidy, name="subsidy"),
    path("workplaces/<int:workplace_id>/equipment/", views.equipment, name="equipment"),
    path("report/", views.report, name="report"),
]
