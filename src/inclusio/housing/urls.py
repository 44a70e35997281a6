from django.urls import path

from inclusio.housing import views

app_name = "housing"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("register/", views.register, name="register"),
    path("person/<str:iin>/", views.person, name="person"),
    path("person/<str:iin>/allocate/", views.allocate, name="allocate"),
    path("person/<str:iin>/decline/", views.decline, name="decline"),
    path("person/<str:iin>/remove/", views.remove, name="remove"),
]
