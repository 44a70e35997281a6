from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility.models import Category, Rating
from inclusio.accessibility.selectors import Filters, filters_from
from inclusio.core.models import Region

LIMITATION_CHOICES = [
    ("wheelchair", _("Wheelchair and mobility")),
    ("vision", _("Vision")),
    ("hearing", _("Hearing")),
    ("intellectual", _("Intellectual")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=100)
    limitation = forms.ChoiceField(
        label=_("My kind of limitation"),
        required=False,
        choices=[("", _("Every kind")), *LIMITATION_CHOICES],
    )
    rating = forms.ChoiceField(
        label=_("Rating"),
        required=False,
        help_text=_("For the kind of limitation chosen; for every kind when none is chosen."),
        choices=[("", _("Any rating")), *Rating.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Every category")), *Category.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Every region")),
            *((r.code, str(r)) for r in Region.objects.order_by("code")),
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return filters_from(**{name: data.get(name) or "" for name in self.fields})
