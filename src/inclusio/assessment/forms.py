from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.assessment.errors import ErrorCode
from inclusio.assessment.models import Decision, Referral
from inclusio.assessment.services import NewPerson, check_document_size
from inclusio.core.errors import ValidationFailed
from inclusio.registry.forms import RESIDENCE_CHOICES
from inclusio.registry.models import Category, Cause, Limitation, Sex


class DateInput(forms.DateInput):
    input_type = "date"


class ReferralForm(forms.Form):
    iin = forms.CharField(label=_("Person's IIN"), max_length=12, min_length=12)
    kind = forms.ChoiceField(label=_("Kind of referral"), choices=Referral.Kind.choices)
    mode = forms.ChoiceField(
        label=_("Examination"),
        choices=Referral.Mode.choices,
        initial=Referral.Mode.IN_ABSENTIA,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(label=_("Medical organisation"), max_length=200)
    organisation_bin = forms.CharField(label=_("Organisation BIN"), max_length=12, min_length=12)
    diagnosis_code = forms.CharField(
        label=_("Diagnosis (ICD-10 code)"), max_length=8, help_text=_("For example G80.1")
    )
    clinical_summary = forms.CharField(
        label=_("Clinical summary"), widget=forms.Textarea, required=False
    )
    document_title = forms.CharField(
        label=_("Attached document: title"), max_length=200, required=False
    )
    document_issued_on = forms.DateField(
        label=_("Attached document: issued on"), widget=DateInput, required=False
    )
    document_file_name = forms.CharField(
        label=_("Attached document: file name"), max_length=200, required=False
    )
    document_sha256 = forms.CharField(
        label=_("Attached document: SHA-256 digest"),
        max_length=64,
        required=False,
        help_text=_("The digest of the file kept in your organisation's system."),
    )
    document_size_bytes = forms.IntegerField(
        label=_("Attached document: size in bytes"), min_value=1, required=False
    )

    # Someone not yet in the registry is registered with the referral, from these.
    surname = forms.CharField(label=_("Surname"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=DateInput,
        required=False,
        help_text=_("It must agree with the first six digits of the IIN."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("It must agree with the seventh digit of the IIN."),
    )
    residence = forms.ChoiceField(
        label=_("Residence"), choices=RESIDENCE_CHOICES, widget=forms.RadioSelect, required=False
    )

    DOCUMENT_FIELDS = (
        "document_title",
        "document_issued_on",
        "document_file_name",
        "document_sha256",
        "document_size_bytes",
    )
    NEW_PERSON_FIELDS = ("surname", "given_name", "patronymic", "birth_date", "sex", "residence")
    NEW_PERSON_REQUIRED = ("surname", "given_name", "birth_date", "sex", "residence")

    def new_person(self) -> NewPerson | None:
        """The person to register with the referral, when their details are given."""
        data = self.cleaned_data
        if not all(data.get(name) for name in self.NEW_PERSON_REQUIRED):
            return None
        return NewPerson(
            iin=data["iin"],
            surname=data["surname"],
            given_name=data["given_name"],
            patronymic=data["patronymic"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            urban=data["residence"] == "urban",
        )

    def clean_document_size_bytes(self) -> int | None:
        # Checked here, before the person is looked up (and the look-up logged), as the
        # service checks it: a size beyond the register's column would otherwise crash.
        size: int | None = self.cleaned_data["document_size_bytes"]
        if size is not None:
            try:
                check_document_size(size)
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
        return size

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A detail refused on its own field was given: it is not missing.
        given = [
            name
            for name in self.DOCUMENT_FIELDS
            if data.get(name) not in (None, "") or name in self.errors
        ]
        if given and len(given) != len(self.DOCUMENT_FIELDS):
            for name in self.DOCUMENT_FIELDS:
                if name not in given:
                    self.add_error(
                        name, _("Fill in every detail of the attached document, or none.")
                    )
        given = [
            name
            for name in self.NEW_PERSON_FIELDS
            if data.get(name) not in (None, "") or name in self.errors
        ]
        if given:
            for name in self.NEW_PERSON_REQUIRED:
                if name not in given:
                    message = _(
                        "To register the person, fill in their surname, given name, birth "
                        "date, sex and residence."
                    )
                    self.add_error(
                        name,
                        forms.ValidationError(message, code=ErrorCode.PERSON_DETAILS_REQUIRED),
                    )
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("— not applicable —")), *Category.choices],
        required=False,
    )
    cause = forms.ChoiceField(
        label=_("Cause"),
        choices=[("", _("— keep or not applicable —")), *Cause.choices],
        required=False,
    )
    work_capacity_loss_pct = forms.IntegerField(
        label=_("Loss of professional working capacity, %"),
        min_value=0,
        max_value=100,
        required=False,
    )
    limitations = forms.MultipleChoiceField(
        label=_("Functional limitations"),
        choices=Limitation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=DateInput, required=False, help_text=_("Empty means today.")
    )
    reexamination_date = forms.DateField(
        label=_("Re-examination date"),
        widget=DateInput,
        required=False,
        help_text=_("Empty means established indefinitely."),
    )
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea)
