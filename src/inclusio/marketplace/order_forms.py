"""Forms of orders: they parse what was typed; the services decide what is accepted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.marketplace.models import Order, Voucher


def voucher_choices(vouchers: list[Voucher]) -> list[tuple[int, str]]:
    """A voucher as the person picks it: its code, what is left and until when."""
    return [
        (
            v.pk,
            _("%(code)s: %(left)s left, valid until %(until)s")
            % {"code": v.code, "left": v.left, "until": v.valid_until.isoformat()},
        )
        for v in vouchers
    ]


class OrderForm(forms.Form):
    voucher = forms.TypedChoiceField(label=_("Voucher"), coerce=int)
    quantity = forms.IntegerField(
        label=_("Quantity"), initial=1, min_value=-(10**6), max_value=10**6
    )
    # The co-payment the person was shown and agreed to (a price changed since is shown again).
    co_payment = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, vouchers: list[Voucher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["voucher"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = voucher_choices(vouchers)


class ScheduleForm(forms.Form):
    prefix = "schedule"
    day = forms.DateField(
        label=_("Date"), help_text=_("For example 2027-03-15."), widget=forms.DateInput
    )


class ReasonForm(forms.Form):
    prefix = "behalf"
    reason = forms.CharField(
        label=_("Why you confirm for the person (they read it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ComplaintForm(forms.Form):
    prefix = "complaint"
    complaint = forms.ChoiceField(
        label=_("What do you want?"), choices=Order.Complaint.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("What went wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ResolveForm(forms.Form):
    prefix = "resolve"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("person", _("For the person: the order is undone, the voucher is theirs again")),
            ("supplier", _("For the supplier: the order counts as delivered")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (the person and the supplier read it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class RateForm(forms.Form):
    prefix = "rate"
    stars = forms.TypedChoiceField(
        label=_("Your rating of the supplier"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
