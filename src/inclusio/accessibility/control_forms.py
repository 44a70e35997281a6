"""The forms of state control and barrier reports. Dates are typed as ISO dates (the USWDS date
input); what the services refuse comes back on the form with its code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility.criteria import UNIT_NAMES, Standard


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


STATE_CHOICES = [
    ("meets", _("Meets the standard")),
    ("partly", _("Meets it in part")),
    ("not_met", _("Does not meet it")),
    ("not_applicable", _("Does not apply")),
]


class PlanForm(forms.Form):
    facility = forms.IntegerField(
        label=_("Facility number"),
        min_value=1,
        help_text=_("The number in the facility's address on the map, e.g. 1234."),
    )


class PlanSearchForm(forms.Form):
    """For an inspector who does not know the facility's number: a part of its name, address
    or number, among the facilities of their region."""

    find = forms.CharField(
        label=_("Name, address or number of the facility"),
        max_length=100,
        required=False,
        strip=True,
    )


class HalfYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Half-year"),
        coerce=int,
        choices=[(1, _("First (January to June)")), (2, _("Second (July to December)"))],
    )


class InspectionForm(forms.Form):
    """The findings zone by zone: each criterion's state and, where it is measured, the
    measurement; the day, and the deadline of the prescriptions the failed ones give."""

    inspected_on = _date(_("Inspected on"))
    deadline = _date(
        _("Prescriptions: put right by"),
        required=False,
        help_text=_("Needed when a criterion fails; at most two years after the inspection."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, standard: Standard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standard = standard
        for _zone, criteria in standard.by_zone():
            for criterion in criteria:
                self.fields[f"state_{criterion.code}"] = forms.ChoiceField(
                    label=criterion.name(), choices=STATE_CHOICES, initial="meets"
                )
                if criterion.measurement is not None:
                    unit = UNIT_NAMES[criterion.measurement.unit]
                    self.fields[f"value_{criterion.code}"] = forms.CharField(
                        label=_("%(name)s: measured, %(unit)s")
                        % {"name": criterion.name(), "unit": unit},
                        required=False,
                        max_length=20,
                        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                    )

    def zones(self) -> list[tuple[str, list[Any]]]:
        """(zone name, the zone's bound fields), for one fieldset per zone."""
        return [
            (
                self.standard.zone_name(zone),
                [
                    self[name]
                    for criterion in criteria
                    for name in (f"state_{criterion.code}", f"value_{criterion.code}")
                    if name in self.fields
                ],
            )
            for zone, criteria in self.standard.by_zone()
        ]

    def results(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            criterion.code: {
                "state": data.get(f"state_{criterion.code}"),
                "value": data.get(f"value_{criterion.code}") or None,
            }
            for _zone, criteria in self.standard.by_zone()
            for criterion in criteria
        }


class ExtendForm(forms.Form):
    deadline = _date(_("New deadline"))
    reason = forms.CharField(label=_("Reason for the extension"), max_length=500)


class FineForm(forms.Form):
    amount_mci = forms.CharField(
        label=_("Fine, MCI"),
        max_length=20,
        help_text=_("In monthly calculation indices; the amount in tenge follows."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    imposed_on = _date(_("Imposed on"))
    prescription = forms.TypedChoiceField(
        label=_("For the prescription"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, prescriptions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["prescription"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("None in particular")), *prescriptions]


class PaidForm(forms.Form):
    fine = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    paid_on = _date(_("Paid on"))


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What is the barrier, and where?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    photo_alt_text = forms.CharField(
        label=_("What the photo shows"),
        required=False,
        max_length=300,
        help_text=_("For people who cannot see it; needed with a photo."),
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept: request an inspection")),
            ("reject", _("Reject")),
        ],
    )
    answer = forms.CharField(
        label=_("Note or reason, for the reporter"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
