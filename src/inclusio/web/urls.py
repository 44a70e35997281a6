from django.urls import path

from inclusio.web import account_views, audit, views
from inclusio.web.api_reference import api_reference

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("api-reference/", api_reference, name="api_reference"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("audit/access-log/", audit.access_events, name="access_events"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("password-reset/", account_views.password_reset, name="password_reset"),
    path("password-reset/code/", account_views.password_reset_code, name="password_reset_code"),
    path("demo/outbox/", account_views.outbox, name="outbox"),
]
