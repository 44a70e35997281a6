from django.urls import path

from inclusio.socialservices import views

app_name = "socialservices"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<str:iin>/", views.person, name="person"),
    path("person/<str:iin>/need/", views.need, name="need"),
    path("person/<str:iin>/need/<int:need_id>/choose/", views.choose, name="choose"),
    path(
        "person/<str:iin>/placement/<int:social_placement_id>/end/",
        views.placement_end,
        name="placement_end",
    ),
    path("provider/<int:provider_id>/attendance/", views.attendance, name="attendance"),
    path("provider/<int:provider_id>/", views.provider, name="provider"),
    path("provider/<int:provider_id>/follow-up/", views.follow_up, name="follow_up"),
    path("provider/<int:provider_id>/complaint/", views.complaint, name="complaint"),
    path("provider/<int:provider_id>/incident/", views.incident, name="incident"),
    path("social-order/", views.social_order, name="social_order"),
    path("inspections/", views.inspections, name="inspections"),
]
