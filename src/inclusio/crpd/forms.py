"""The officer's forms. Text the services check themselves (a title, a source, a body) is not
required here, so their refusal — with its code — is the one the officer reads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.crpd.models import Indicator, Measure, Recommendation
from inclusio.crpd.services import FIRST_YEAR, LAST_YEAR
from inclusio.crpd.washington_group import REQUIRED, WEIGHT

_NUMERIC = {"inputmode": "numeric"}
_DECIMAL = {"inputmode": "decimal"}


class IndicatorForm(forms.Form):
    title = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Indicator.Kind.choices)
    value = forms.DecimalField(
        label=_("Value"), max_digits=14, decimal_places=2, widget=forms.TextInput(attrs=_DECIMAL)
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=40, required=False, help_text=_("For example: %, persons.")
    )
    year = forms.IntegerField(label=_("Year"), widget=forms.TextInput(attrs=_NUMERIC))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("Where the value comes from: a document, a statistical release, a register."),
    )


class MeasureForm(forms.Form):
    text = forms.CharField(
        label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    responsible_body = forms.CharField(label=_("Responsible body"), max_length=200, required=False)
    first_year = forms.IntegerField(label=_("From year"), widget=forms.TextInput(attrs=_NUMERIC))
    last_year = forms.IntegerField(label=_("To year"), widget=forms.TextInput(attrs=_NUMERIC))
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)


class RecommendationForm(forms.Form):
    article = forms.IntegerField(
        label=_("Article"), widget=forms.TextInput(attrs=_NUMERIC), help_text=_("1 to 33.")
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The concluding observations' symbol and paragraph."),
    )
    text = forms.CharField(
        label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    measures = forms.MultipleChoiceField(
        label=_("Measures answering it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Recommendation.Status.choices)


class ReportForm(forms.Form):
    first_year = forms.IntegerField(
        label=_("From year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.TextInput(attrs=_NUMERIC),
    )
    last_year = forms.IntegerField(
        label=_("To year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.TextInput(attrs=_NUMERIC),
    )


class SurveyUploadForm(forms.Form):
    """A Washington Group file sent from the page: what ``inclusio wg-import`` takes."""

    title = forms.CharField(
        label=_("Survey"),
        max_length=200,
        required=False,
        help_text=_("For example: National census 2021."),
    )
    year = forms.IntegerField(label=_("Year"), widget=forms.TextInput(attrs=_NUMERIC))
    file = forms.FileField(
        label=_("File of answers (CSV)"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request, not once at import.
        self.fields["file"].help_text = gettext(
            "A CSV file in UTF-8 with a header row naming the columns %(columns)s and, if the "
            "survey is weighted, %(weight)s. The answers are read, never kept."
        ) % {"columns": ", ".join(REQUIRED), "weight": WEIGHT}
