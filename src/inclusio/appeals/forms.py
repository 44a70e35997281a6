"""The forms of the appeal pages. Emptiness and length are the services' to refuse, with their
codes, so the fields here accept what a browser sends."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.appeals.models import State
from inclusio.registry.models import Category, Cause


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why the decision is wrong, in your own words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    attachment = forms.FileField(
        label=_("A document (optional)"),
        help_text=_(
            "A PDF document of at most 5 MB, or a JPEG, PNG or WebP image of at most 2 MB."
        ),
        required=False,
    )
    attachment_title = forms.CharField(
        label=_("What the document is"), max_length=300, required=False
    )


OUTCOMES = [
    (State.GRANTED, State.GRANTED.label),
    (State.PARTLY_GRANTED, State.PARTLY_GRANTED.label),
    (State.REFUSED, State.REFUSED.label),
]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision on the appeal"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class MseRemedyForm(DecideForm):
    category = forms.ChoiceField(
        label=_("Disability category the appeal establishes (when granted)"),
        choices=[("", "—"), *Category.choices],
        required=False,
    )
    disability_cause = forms.ChoiceField(
        label=_("Cause of disability (when the decision gave none)"),
        choices=[("", "—"), *Cause.choices],
        required=False,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class BenefitRemedyForm(DecideForm):
    amount_kzt = forms.IntegerField(
        label=_("Monthly amount the appeal establishes, tenge"),
        help_text=_(
            "For a refusal granted in part, or an amount corrected; empty keeps the amount."
        ),
        min_value=0,
        max_value=10_000_000,
        required=False,
    )
    from_day = forms.DateField(
        label=_("Paid from (for a benefit ended or an amount)"), widget=DateInput, required=False
    )


class HousingRemedyForm(DecideForm):
    registered_on = forms.DateField(
        label=_("Registration date the appeal establishes"),
        help_text=_("Empty restores a removed registration with its own date."),
        widget=DateInput,
        required=False,
    )


class OrderRemedyForm(DecideForm):
    order_remedy = forms.ChoiceField(
        label=_("What the appeal gives (when granted)"),
        choices=[
            ("refund", _("The order is undone and the voucher's quantity returns")),
            ("redeliver", _("The supplier delivers again, and is paid only then")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )


class PlacementRemedyForm(DecideForm):
    from_day = forms.DateField(
        label=_("The placement resumes from"),
        help_text=_("Empty means the day after the last day served."),
        widget=DateInput,
        required=False,
    )
