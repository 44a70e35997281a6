from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from inclusio.api import api
from inclusio.web.views import admin_login

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/docs", RedirectView.as_view(pattern_name="web:api_reference")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The DCI Disability Registry server: the standard's paths, no language prefix.
    path(f"{settings.DCI_PATH}/", include("inclusio.interop.urls")),
]
urlpatterns += i18n_patterns(
    # Not the admin's own sign-in form, which would bypass the throttle and the second factor.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("inclusio.web.urls")),
    path("registry/", include("inclusio.registry.urls")),
    path("assessment/", include("inclusio.assessment.urls")),
    path("benefits/", include("inclusio.benefits.urls")),
    path("emergency/", include("inclusio.emergency.urls")),
    path("housing/", include("inclusio.housing.urls")),
    path("accessibility/", include("inclusio.accessibility.urls")),
    path("payments/", include("inclusio.payments.urls")),
    path("marketplace/", include("inclusio.marketplace.urls")),
    path("rehabilitation/", include("inclusio.rehabilitation.urls")),
    path("employment/", include("inclusio.employment.urls")),
    path("crpd/", include("inclusio.crpd.urls")),
    path("social-services/", include("inclusio.socialservices.urls")),
    path("attestations/", include("inclusio.interop.attestation_urls")),
    path("appeals/", include("inclusio.appeals.urls")),
    path("statistics/", include("inclusio.statistics.urls")),
    prefix_default_language=True,
)
