from django.urls import path

from inclusio.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/<str:kind>/<int:decision_id>/", views.new, name="new"),
    path("<int:appeal_id>/", views.appeal, name="appeal"),
    path("<int:appeal_id>/take-up/", views.take_up, name="take_up"),
    path("<int:appeal_id>/decide/", views.decide, name="decide"),
    path("<int:appeal_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:appeal_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
