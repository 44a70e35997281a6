from django.urls import path

from inclusio.benefits import views, whatif

app_name = "benefits"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("persons/<str:iin>/", views.for_person, name="for_person"),
    path("persons/<str:iin>/messages-read/", views.messages_read, name="messages_read"),
    path("persons/<str:iin>/payment-account/", views.payment_account, name="payment_account"),
    path("offers/<int:proposal_id>/", views.offer, name="offer"),
    path("offers/<int:proposal_id>/refuse/", views.offer_refuse, name="offer_refuse"),
    path("offers/<int:proposal_id>/why/", views.offer_why, name="offer_why"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("decisions/<int:decision_id>/why/", views.decision_why, name="decision_why"),
    path(
        "decisions/<int:decision_id>/withdraw/", views.decision_withdraw, name="decision_withdraw"
    ),
    path("decisions/<int:decision_id>/reopen/", views.decision_reopen, name="decision_reopen"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("payroll/", views.payrolls, name="payrolls"),
    path("payroll/<int:payroll_id>/approve/", views.payroll_approve, name="payroll_approve"),
    path("payroll/<int:payroll_id>/payment-file/", views.payment_file, name="payment_file"),
    path("what-if/", whatif.what_if, name="what_if"),
    path("what-if/<int:request_id>/", whatif.what_if_request_page, name="what_if_request"),
]
