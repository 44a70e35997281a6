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


class BenefitRemedyForm(DecideForm):
    amount_kzt = forms.IntegerField(
        label=_("Monthly amount granted in part, tenge"),
        min_value=0,
        max_value=10_000_000,
        required=False,
    )
