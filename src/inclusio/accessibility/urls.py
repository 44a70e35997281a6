from django.urls import path

from inclusio.accessibility import views

app_name = "accessibility"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("facilities/<int:facility_id>/", views.facility, name="facility"),
    path("statistics/", views.statistics, name="statistics"),
    path("map/", views.facility_map, name="map"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
