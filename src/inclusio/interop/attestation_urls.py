"""The person's attestation pages (language-prefixed, under ``attestations/``)."""

from django.urls import path

from inclusio.interop import attestation_views as views

app_name = "attestations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<str:iin>/", views.person, name="person"),
    path("person/<str:iin>/issue/", views.issue, name="issue"),
    path("person/<str:iin>/consent/", views.consent, name="consent"),
    path("person/<str:iin>/consent/<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
    path("person/<str:iin>/<int:attestation_id>/", views.detail, name="detail"),
]
