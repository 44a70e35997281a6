"""The DCI server's paths, as the standard names them, under ``settings.DCI_PATH``."""

from django.urls import path

from inclusio.interop import async_views, attestation_views, views

app_name = "dci"
urlpatterns = [
    path("registry/sync/search", views.sync_search, name="sync_search"),
    path("registry/sync/disabled", views.sync_disabled, name="sync_disabled"),
    path(
        "registry/sync/get-disability-details",
        views.sync_disability_details,
        name="sync_disability_details",
    ),
    path(
        "registry/sync/get-disability-support",
        views.sync_disability_support,
        name="sync_disability_support",
    ),
    # The asynchronous half: acknowledged at once, answered through callbacks.
    path("registry/search", async_views.async_search, name="search"),
    path("registry/subscribe", async_views.async_subscribe, name="subscribe"),
    path("registry/unsubscribe", async_views.async_unsubscribe, name="unsubscribe"),
    path("oauth2/client/token", views.token, name="token"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    # Signed attestations (interop/attestations.py): the public status list, and an agency
    # obtaining one with the person's consent.
    path(
        "attestations/status-list",
        attestation_views.status_list,
        name="attestation_status_list",
    ),
    path("attestations/issue", attestation_views.agency_issue, name="attestation_issue"),
]
