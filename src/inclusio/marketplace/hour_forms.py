"""Forms of services by the hour and sanatorium stays: they parse what was typed; the services in
``hours.py`` decide what is accepted."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from inclusio.core.money import format_tenge
from inclusio.marketplace.hour_models import SessionSlot
from inclusio.marketplace.models import Item, Voucher
from inclusio.marketplace.order_forms import voucher_choices


def _item_choices(items: list[Item]) -> list[tuple[int, str]]:
    return [(i.pk, f"{i.name} · {format_tenge(i.price)}") for i in items]


class BookForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("Session"), coerce=int, widget=forms.RadioSelect)
    voucher = forms.TypedChoiceField(label=_("Voucher"), coerce=int)
    # The co-payment the person was shown and agreed to, when the price is above the cap.
    co_payment = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, slots: list[SessionSlot], vouchers: list[Voucher], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [  # type: ignore[attr-defined]
            (
                s.pk,
                _("%(when)s, %(hours)s h · %(item)s, %(supplier)s · %(free)s free")
                % {
                    "when": formats.date_format(timezone.localtime(s.starts), "Y-m-d H:i"),
                    "hours": s.hours,
                    "item": s.item.name,
                    "supplier": s.item.supplier.legal_name,
                    "free": s.free,
                },
            )
            for s in slots
        ]
        self.fields["voucher"].choices = voucher_choices(vouchers)  # type: ignore[attr-defined]


class StaySearchForm(forms.Form):
    first_day = forms.DateField(
        label=_("Arrival"),
        help_text=_("A date: year-month-day, for example 2027-06-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=30, initial=14)


class StayForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Sanatorium"), coerce=int, widget=forms.RadioSelect)
    voucher = forms.TypedChoiceField(label=_("Voucher"), coerce=int)
    first_day = forms.DateField(widget=forms.HiddenInput)
    days = forms.IntegerField(widget=forms.HiddenInput)
    co_payment = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, items: list[Item], vouchers: list[Voucher], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _item_choices(items)  # type: ignore[attr-defined]
        self.fields["voucher"].choices = voucher_choices(vouchers)  # type: ignore[attr-defined]


class SlotForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Service"), coerce=int)
    day = forms.DateField(
        label=_("Date"),
        help_text=_("A date: year-month-day, for example 2027-06-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time = forms.TimeField(
        label=_("Starts at"),
        help_text=_("Hours and minutes, for example 10:30."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    hours = forms.IntegerField(label=_("Hours"), initial=1, min_value=-999, max_value=999)
    capacity = forms.IntegerField(
        label=_("Places"),
        initial=1,
        min_value=-999,
        max_value=999,
        help_text=_("More than one for a group session."),
    )

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _item_choices(items)  # type: ignore[attr-defined]

    def starts(self) -> dt.datetime | None:
        data = self.cleaned_data
        if not data.get("day") or not data.get("time"):
            return None
        return timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))


def months_open() -> list[dt.date]:
    """The months a timesheet may be entered for: this one and the two before it."""
    first = timezone.localdate().replace(day=1)
    months = [first]
    for _step in range(2):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months


class MonthForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=dt.date.fromisoformat, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (m.isoformat(), formats.date_format(m, "YEAR_MONTH_FORMAT")) for m in months_open()
        ]


class TimesheetForm(forms.Form):
    """The person's voucher code, the service, and the hours of each past day of the month."""

    month = forms.DateField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        help_text=_("The person's personal-assistant voucher: 12 letters and digits."),
    )
    item = forms.TypedChoiceField(label=_("Service"), coerce=int)

    def __init__(self, *args: Any, items: list[Item], month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _item_choices(items)  # type: ignore[attr-defined]
        self.fields["month"].initial = month
        today = timezone.localdate()
        self.days: list[dt.date] = []
        for number in range(1, calendar.monthrange(month.year, month.month)[1] + 1):
            day = month.replace(day=number)
            if day > today:
                break
            self.days.append(day)
            self.fields[f"day_{number}"] = forms.IntegerField(
                label=formats.date_format(day, "j F, D"),
                required=False,
                min_value=-999,
                max_value=999,
            )

    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"day_{day.day}"] for day in self.days]

    def hours_by_day(self) -> dict[dt.date, object]:
        return {
            day: self.cleaned_data[f"day_{day.day}"]
            for day in self.days
            if self.cleaned_data.get(f"day_{day.day}") not in (None, 0)
        }
