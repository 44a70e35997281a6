from django.urls import path

from inclusio.rehabilitation import views

app_name = "rehabilitation"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("persons/<str:iin>/", views.for_person, name="for_person"),
    path("persons/<str:iin>/revise/", views.revise, name="revise"),
    path("rates/", views.rates, name="rates"),
]
