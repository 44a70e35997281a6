"""Pages of services by the hour and sanatorium stays. The person (their representative, or an
officer of their region, who reads without booking): book a sign-language session in a
supplier's free slots and cancel it; read the personal assistant's months and confirm or dispute
each on its order; choose a sanatorium with free places on every date and book a stay. The
supplier: publish sessions and mark them held, submit a month's hours, read its stays. Thin —
parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inclusio.core import access
from inclusio.core.errors import DomainError
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import PERSON_MANAGE, SUPPLIER_MANAGE
from inclusio.marketplace import hour_selectors, hours, orders, services
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.hour_forms import (
    BookForm,
    MonthForm,
    SlotForm,
    StayForm,
    StaySearchForm,
    TimesheetForm,
    months_open,
)
from inclusio.marketplace.models import Item, Supplier
from inclusio.registry import selectors as registry_selectors
from inclusio.registry.models import Person
from inclusio.rehabilitation.catalogue import PERSONAL_ASSISTANT, SANATORIUM, SIGN_LANGUAGE


def _person(request: HttpRequest, iin: str) -> tuple[Person, bool]:
    """The person whose page it is, and whether the reader may book for them (the person or
    their representative; an officer of the region only reads)."""
    person = registry_selectors.person_get(
        actor=request.user,
        iin=iin,
        purpose=Purpose.REHABILITATION,
        what=Seen.REHABILITATION_PROGRAMME,
        permission=PERSON_MANAGE,
    )
    return person, access.may_act_for(request.user, person)


def _co_payment_asked(request: HttpRequest, form: Any, exc: DomainError, **quote: Any) -> None:
    """A price above the cap: show what the person pays and keep it in the form, so sending it
    again agrees to it (a price changed since is shown again, not charged)."""
    if exc.code == ErrorCode.CO_PAYMENT_NOT_ACCEPTED:
        try:
            price = orders.order_quote(actor=request.user, **quote)
        except DomainError:
            return
        data = form.data.copy()
        data["co_payment"] = str(price.co_payment)
        form.data = data


# --- sign-language sessions ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest, iin: str) -> HttpResponse:
    """Free places in sessions for the person's sign-language vouchers; book one; the bookings."""
    person, may_book = _person(request, iin)
    found = hour_selectors.person_sessions(person)
    form = None
    status = 200
    if may_book and found.slots and found.vouchers:
        form = BookForm(
            request.POST if request.method == "POST" else None,
            slots=found.slots,
            vouchers=found.vouchers,
        )
    if request.method == "POST":
        status = 422
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                booking = hours.session_book(
                    actor=request.user,
                    slot_id=data["slot"],
                    voucher_id=data["voucher"],
                    co_payment_accepted=data.get("co_payment"),
                )
            except DomainError as exc:
                add_domain_error(form, exc, "slot" if exc.code.startswith("SLOT") else None)
                slot = next(s for s in found.slots if s.pk == data["slot"])
                _co_payment_asked(
                    request,
                    form,
                    exc,
                    voucher_id=data["voucher"],
                    item_id=slot.item_id,
                    quantity=slot.hours,
                )
            else:
                messages.success(
                    request, _("The session is booked: the hours are taken from the voucher.")
                )
                return redirect("marketplace:order", booking.order_id)
        elif form is None:
            messages.error(request, _("No session can be booked for this person now."))
    return render(
        request,
        "marketplace/hours_sessions.html",
        {"person": person, "found": found, "form": form, "may_book": may_book},
        status=status,
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = hours.session_cancel(actor=request.user, booking_id=booking_id)
    messages.success(request, _("The booking is cancelled: the hours are back on the voucher."))
    return redirect("marketplace:hours_sessions", booking.voucher.person.iin)


# --- personal-assistant months ------------------------------------------------------------------


@login_required
@require_GET
def timesheets(request: HttpRequest, iin: str) -> HttpResponse:
    """The personal assistant's months, day by day; each delivered month is confirmed or
    disputed on its order."""
    person, may_act = _person(request, iin)
    return render(
        request,
        "marketplace/hours_timesheets.html",
        {
            "person": person,
            "sheets": hour_selectors.person_timesheets(person),
            "vouchers": hour_selectors.usable_vouchers(person, PERSONAL_ASSISTANT),
            "may_act": may_act,
        },
    )


# --- sanatorium stays ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def stays(request: HttpRequest, iin: str) -> HttpResponse:
    """Choose the dates, then a sanatorium with a free place on each of them; book the stay."""
    person, may_book = _person(request, iin)
    posted = request.method == "POST"
    search = StaySearchForm(request.POST if posted else (request.GET or None))
    first_day, days = None, None
    if search.is_valid():
        first_day, days = search.cleaned_data["first_day"], search.cleaned_data["days"]
    found = hour_selectors.person_stays(person, first_day, days)
    form = None
    status = 200 if not request.GET or search.is_valid() else 422
    if may_book and found.vouchers and found.sanatoria:
        form = StayForm(
            request.POST if posted else None,
            items=[s.item for s in found.sanatoria],
            vouchers=found.vouchers,
            initial={"first_day": first_day, "days": days},
        )
    if posted:
        status = 422
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                stay = hours.stay_book(
                    actor=request.user,
                    voucher_id=data["voucher"],
                    item_id=data["item"],
                    first_day=data["first_day"],
                    days=data["days"],
                    co_payment_accepted=data.get("co_payment"),
                )
            except DomainError as exc:
                add_domain_error(form, exc, None)
                _co_payment_asked(
                    request, form, exc, voucher_id=data["voucher"], item_id=data["item"], quantity=1
                )
            else:
                messages.success(request, _("The stay is booked: a place is kept on each date."))
                return redirect("marketplace:order", stay.order_id)
        elif form is None:
            messages.error(
                request, _("No sanatorium has a free place on every date: choose other dates.")
            )
    return render(
        request,
        "marketplace/hours_stays.html",
        {
            "person": person,
            "found": found,
            "search": search,
            "form": form,
            "may_book": may_book,
            "first_day": first_day,
            "last_day": first_day + dt.timedelta(days=days - 1) if first_day and days else None,
        },
        status=status,
    )


# --- the supplier's pages -----------------------------------------------------------------------


def _kind_items(request: HttpRequest, kind: str) -> tuple[Supplier, list[Item]]:
    supplier = services.own_supplier(request.user)
    return supplier, list(hour_selectors.supplier_items_of(supplier, kind))


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_slots(request: HttpRequest) -> HttpResponse:
    """Publish a session of a sign-language service; the sessions with who booked them."""
    supplier, items = _kind_items(request, SIGN_LANGUAGE)
    form = SlotForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                hours.slot_publish(
                    actor=request.user,
                    item_id=form.cleaned_data["item"],
                    starts=form.starts(),
                    hours=form.cleaned_data["hours"],
                    capacity=form.cleaned_data["capacity"],
                )
            except DomainError as exc:
                add_domain_error(form, exc, None)
            else:
                messages.success(request, _("The session is published: persons may book it."))
                return redirect("marketplace:supplier_slots")
    return render(
        request,
        "marketplace/supplier_slots.html",
        {
            "form": form,
            "items": items,
            "rows": hour_selectors.supplier_slots(supplier, actor=request.user),
        },
        status=status,
    )


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_POST
def slot_hold(request: HttpRequest, slot_id: int) -> HttpResponse:
    held = hours.slot_hold(actor=request.user, slot_id=slot_id)
    messages.success(
        request,
        _("The session is marked held: %(count)s person(s) confirm it.") % {"count": held},
    )
    return redirect("marketplace:supplier_slots")


def _month_asked(request: HttpRequest) -> dt.date:
    chosen = MonthForm(request.POST if request.method == "POST" else request.GET)
    if chosen.is_valid() and chosen.cleaned_data["month"] is not None:
        return chosen.cleaned_data["month"]
    return months_open()[0]


TIMESHEET_FIELDS: dict[str, str] = {
    ErrorCode.VOUCHER_NOT_FOUND: "code",
    ErrorCode.VOUCHER_EXPIRED: "code",
    ErrorCode.VOUCHER_CATEGORY: "item",
    ErrorCode.ITEM_NOT_YOURS: "item",
}


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_timesheets(request: HttpRequest) -> HttpResponse:
    """Enter a month's hours of a personal assistant, day by day, against the person's voucher
    code; the months entered and whether each is confirmed."""
    supplier, items = _kind_items(request, PERSONAL_ASSISTANT)
    month = _month_asked(request)
    form = TimesheetForm(
        request.POST if request.method == "POST" else None,
        items=items,
        month=month,
        # The worklist's link names the person's voucher code: the form starts with it.
        initial={"code": str(request.GET.get("code", ""))[:40]},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                sheet = hours.timesheet_submit(
                    actor=request.user,
                    voucher_code=form.cleaned_data["code"],
                    item_id=form.cleaned_data["item"],
                    month=month,
                    days=form.hours_by_day(),
                )
            except DomainError as exc:
                add_domain_error(form, exc, TIMESHEET_FIELDS.get(exc.code))
            else:
                messages.success(
                    request,
                    _("%(hours)s hours submitted: the person confirms the month.")
                    % {"hours": sheet.hours},
                )
                return redirect("marketplace:supplier_timesheets")
    return render(
        request,
        "marketplace/supplier_timesheets.html",
        {
            "form": form,
            "items": items,
            "month": month,
            "month_form": MonthForm(initial={"month": month.isoformat()}),
            "rows": hour_selectors.supplier_timesheets(supplier, actor=request.user),
        },
        status=status,
    )


@login_required
@permission_required(SUPPLIER_MANAGE, raise_exception=True)
@require_GET
def supplier_stays(request: HttpRequest) -> HttpResponse:
    """The stays booked in the supplier's sanatoria; the places by date are set on each item."""
    supplier, items = _kind_items(request, SANATORIUM)
    return render(
        request,
        "marketplace/supplier_stays.html",
        {"items": items, "rows": hour_selectors.supplier_stays(supplier, actor=request.user)},
    )
