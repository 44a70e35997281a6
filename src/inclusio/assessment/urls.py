from django.urls import path

from inclusio.assessment import views

app_name = "assessment"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
]
