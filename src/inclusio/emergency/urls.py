from django.urls import path

from inclusio.emergency import views

app_name = "emergency"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<str:iin>/", views.person, name="person"),
    path("person/<str:iin>/update/", views.update, name="update"),
    path("person/<str:iin>/consent/", views.consent, name="consent"),
    path("lookup/", views.lookup, name="lookup"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert, name="alert"),
]
