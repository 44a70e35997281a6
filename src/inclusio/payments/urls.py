from django.urls import path

from inclusio.payments import views

app_name = "payments"
urlpatterns = [
    path("status-reports/", views.status_reports, name="status_reports"),
]
