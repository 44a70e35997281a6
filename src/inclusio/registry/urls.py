from django.urls import path

from inclusio.registry import views

app_name = "registry"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<str:iin>/", views.person_card, name="person"),
    path("me/", views.me, name="me"),
    path("me/access-log/", views.access_log, name="my_access_log"),
]
