"""Forms of the benefits pages: the answer to an offer, and a monthly payroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.services import parse_month
from inclusio.core.errors import ValidationFailed
from inclusio.payments.iban import parse_kz_iban

ACCOUNT_REQUIRED = _("Enter the bank account (IBAN) the money should be paid into.")


class AccountField(forms.CharField):
    """The bank account of a consent: the form makes it required when no account is on file,
    so that its label does not say "(optional)" for an account the consent cannot do without;
    a missing one is refused with the consent's own code."""

    def validate(self, value: Any) -> None:
        if self.required and value in self.empty_values:
            raise forms.ValidationError(ACCOUNT_REQUIRED, code=ErrorCode.PAYMENT_ACCOUNT_REQUIRED)
        super().validate(value)


class AnswerForm(forms.Form):
    """'I agree' (with the account to pay into, for a programme that pays) or 'I refuse'.

    The two buttons are separate forms on the page; ``answer`` says which one was pressed.
    """

    ACCEPT = "accept"
    REFUSE = "refuse"

    answer = forms.ChoiceField(
        choices=[(ACCEPT, _("I agree")), (REFUSE, _("I refuse"))], widget=forms.HiddenInput
    )
    iban = AccountField(
        label=_("Your bank account (IBAN)"),
        max_length=40,
        required=False,
        help_text=_(
            "20 characters: KZ, then 18 letters and digits. You can find it in your bank's app "
            "or card agreement. For example KZ86 125K ZT50 0410 0100."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )

    def __init__(
        self, *args: Any, pays_money: bool, has_account: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # An account given before is used again unless another is given now.
        self.account_required = pays_money and not has_account
        # A refusal sent here (rather than from its confirmation page) needs no account.
        self.fields["iban"].required = (
            self.account_required and self.data.get("answer") != self.REFUSE
        )
        if not pays_money:
            del self.fields["iban"]
        elif has_account:
            self.fields["iban"].label = _("Another bank account (IBAN)")

    def clean_iban(self) -> str:
        raw = self.cleaned_data.get("iban") or ""
        if self.data.get("answer") != self.ACCEPT:
            return ""  # a refusal needs no account
        if not raw.strip():
            if self.account_required:
                raise forms.ValidationError(
                    ACCOUNT_REQUIRED, code=ErrorCode.PAYMENT_ACCOUNT_REQUIRED
                )
            return ""
        try:
            return parse_kz_iban(raw)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class CorrectedAccountForm(forms.Form):
    """A new account after the bank returned a payment (the service checks the IBAN)."""

    iban = forms.CharField(
        label=_("A corrected bank account (IBAN)"),
        max_length=40,
        required=False,
        help_text=_("20 characters: KZ, then 18 letters and digits, from your bank's app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class ReopenForm(forms.Form):
    """An officer's reason for reopening a refusal at the person's request."""

    reason = forms.CharField(
        label=_("Why the refusal is reopened"),
        help_text=_("What the person asked, when and how (in person, by phone, in writing)."),
        widget=forms.Textarea(attrs={"rows": 3}),
        # The service says what is missing or too long, with its code.
        required=False,
    )


class PayrollForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=20,
        help_text=_("Year and month, for example 2024-01."),
    )

    def clean_month(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
