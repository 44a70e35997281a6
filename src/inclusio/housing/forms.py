from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import DomainError
from inclusio.core.identifiers import parse_iin
from inclusio.housing.categories import given_by_officer
from inclusio.housing.mortgage import PRICE_LIMIT


class RegistrationForm(forms.Form):
    iin = forms.CharField(
        label=_("IIN of the person with a disability"),
        help_text=_("For a family raising a child with a disability: the child's IIN."),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    registered_on = forms.DateField(
        label=_("Date of the application"),
        help_text=_("As on the application, for example 2024-03-18."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = forms.ChoiceField(label=_("Priority category"), required=False)
    category_document = forms.CharField(
        label=_("Document proving the category"),
        help_text=_("Only for a category given by the officer: its kind, number and date."),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [
            ("", _("From the registry (group I or II, or a child with a disability)")),
            *[(c.code, c.name) for c in given_by_officer()],
        ]

    def clean_iin(self) -> str:
        try:
            return parse_iin(self.cleaned_data["iin"]).value
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class AllocationForm(forms.Form):
    prefix = "allocate"
    dwelling = forms.CharField(
        label=_("Dwelling allocated"), help_text=_("Its address and rooms."), max_length=300
    )
    legal_basis = forms.CharField(
        label=_("Legal basis of the decision"),
        help_text=_("The decision of the local executive body: its number and date."),
        max_length=500,
    )
    skip_ground = forms.CharField(
        label=_("Ground in law for allocating out of turn"),
        help_text=_("Only when the person is not the first in the list."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    prefix = "decline"
    dwelling = forms.CharField(label=_("Dwelling offered"), max_length=300)
    reason = forms.CharField(
        label=_("Why the person declined"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemovalForm(forms.Form):
    prefix = "remove"
    reason = forms.CharField(
        label=_("Why the registration is removed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_basis = forms.CharField(label=_("Legal basis of the removal"), max_length=500)


class MortgageForm(forms.Form):
    price = forms.IntegerField(
        label=_("Price of the home, tenge"),
        min_value=1,
        max_value=PRICE_LIMIT,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
