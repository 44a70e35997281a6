from django.urls import path

from inclusio.registry import views

app_name = "registry"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<str:iin>/", views.person_card, name="person"),
    path("persons/<str:iin>/life-events/", views.life_event_record, name="life_event_record"),
    path("persons/<str:iin>/correct/", views.person_correct, name="person_correct"),
    path("persons/<str:iin>/family/", views.person_family, name="person_family"),
    path(
        "persons/<str:iin>/representation/",
        views.person_representation,
        name="person_representation",
    ),
    path("me/", views.me, name="me"),
    path("me/access-log/", views.access_log, name="my_access_log"),
]
