from django.urls import path

from inclusio.marketplace import hour_views, order_views, till_views, views

app_name = "marketplace"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("items/<int:item_id>/", views.item_page, name="item"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("supplier/", views.dashboard, name="dashboard"),
    path("supplier/register/", views.supplier_register, name="supplier_register"),
    path("supplier/items/new/", views.item_new, name="item_new"),
    path("supplier/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("supplier/items/<int:item_id>/photos/", views.item_photo_add, name="item_photo_add"),
    path("supplier/items/<int:item_id>/places/", views.item_places_set, name="item_places_set"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/<int:supplier_id>/", views.supplier_review, name="supplier_review"),
    # Vouchers and orders.
    path("wallet/", order_views.wallet_mine, name="wallet"),
    path("wallet/<str:iin>/", order_views.wallet_for, name="wallet_for"),
    path("items/<int:item_id>/order/", order_views.order_new, name="order_new"),
    path("orders/<int:order_id>/", order_views.order_page, name="order"),
    path("orders/<int:order_id>/<slug:action>/", order_views.order_act, name="order_act"),
    path("performance/", order_views.performance, name="performance"),
]

# The in-shop till and the supplier's API tokens.
urlpatterns += [
    path("supplier/till/", till_views.till_page, name="till"),
    path("supplier/sales/<int:sale_id>/", till_views.till_sale, name="till_sale"),
    path("supplier/tokens/", till_views.token_list, name="tokens"),
    path("supplier/tokens/<int:token_id>/revoke/", till_views.token_revoke, name="token_revoke"),
    path("sales/<int:sale_id>/", till_views.sale_page, name="sale"),
]

# Services by the hour and sanatorium stays: the person's pages and the supplier's.
urlpatterns += [
    path("hours/<str:iin>/sessions/", hour_views.sessions, name="hours_sessions"),
    path(
        "hours/bookings/<int:booking_id>/cancel/", hour_views.booking_cancel, name="booking_cancel"
    ),
    path("hours/<str:iin>/timesheets/", hour_views.timesheets, name="hours_timesheets"),
    path("hours/<str:iin>/stays/", hour_views.stays, name="hours_stays"),
    path("supplier/slots/", hour_views.supplier_slots, name="supplier_slots"),
    path("supplier/slots/<int:slot_id>/hold/", hour_views.slot_hold, name="slot_hold"),
    path("supplier/timesheets/", hour_views.supplier_timesheets, name="supplier_timesheets"),
    path("supplier/stays/", hour_views.supplier_stays, name="supplier_stays"),
]
