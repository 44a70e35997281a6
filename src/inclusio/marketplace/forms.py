"""The portal's forms: they parse what was typed; the services decide what is accepted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import Region
from inclusio.marketplace.catalogue import Category, categories
from inclusio.marketplace.photos import ALT_TEXT_LONGEST
from inclusio.marketplace.selectors import SORTS


def _category_choices() -> list[tuple[str, str]]:
    return [(code, entry.name) for code, entry in categories().items()]


def _region_choices() -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in Region.objects.order_by("code")]


class CatalogueSearchForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    region = forms.ChoiceField(label=_("Region served"), required=False)
    at_or_under_cap = forms.BooleanField(
        label=_("Only prices at or under the state price cap"), required=False
    )
    min_rating = forms.TypedChoiceField(
        label=_("Supplier rated at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any rating")),
            ("2", _("2 stars or more on average")),
            ("3", _("3 stars or more on average")),
            ("4", _("4 stars or more on average")),
            ("5", _("5 stars on average")),
        ],
    )
    free_on = forms.DateField(
        label=_("Sanatoriums with a free place on"),
        help_text=_("For example: 2027-03-15"),
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("price", _("Price, lowest first")),
            ("-price", _("Price, highest first")),
            ("lead_time", _("Lead time, shortest first")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("category", [("", _("Every category")), *_category_choices()])
        self._choices("region", [("", _("Every region")), *_region_choices()])

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "price"
        return {
            "category": data.get("category") or "",
            "region": data.get("region") or "",
            "at_or_under_cap": bool(data.get("at_or_under_cap")),
            "sort": sort if sort in SORTS else "price",
            "min_rating": data.get("min_rating"),
            "free_on": data.get("free_on"),
        }


class SupplierRegisterForm(forms.Form):
    bin = forms.CharField(
        label=_("BIN"),
        max_length=20,
        help_text=_("The organisation's business identification number: 12 digits."),
    )
    legal_name = forms.CharField(label=_("Legal name"), max_length=300)
    regions_served = forms.MultipleChoiceField(
        label=_("Regions served"), widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories supplied"), widget=forms.CheckboxSelectMultiple
    )
    iban = forms.CharField(
        label=_("Bank account (IBAN)"),
        max_length=40,
        help_text=_("20 characters starting with KZ; the state pays the organisation here."),
    )
    phone = forms.CharField(label=_("Contact phone"), max_length=30)
    address = forms.CharField(label=_("Address"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = self.fields["regions_served"]
        assert isinstance(regions, forms.MultipleChoiceField)
        regions.choices = _region_choices()
        supplied = self.fields["categories"]
        assert isinstance(supplied, forms.MultipleChoiceField)
        supplied.choices = _category_choices()


def _text(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


class ItemForm(forms.Form):
    """An item's details; the category is chosen when it is created and stays."""

    category = forms.ChoiceField(label=_("Category"))
    name = forms.CharField(label=_("Name"), max_length=200)
    price = forms.IntegerField(
        label=_("Price, tenge"),
        help_text=_("Whole tenge, per piece, pair, hour or course as the category is sold."),
    )
    description = _text(_("Description"), max_length=4000)
    accessible_kk = _text(_("Plain-language description in Kazakh"), max_length=2000)
    accessible_ru = _text(_("Plain-language description in Russian"), max_length=2000)
    accessible_en = _text(_("Plain-language description in English"), max_length=2000)
    lead_time_days = forms.IntegerField(label=_("Lead time, days"))
    stock = forms.IntegerField(
        label=_("Stock"), required=False, help_text=_("Goods only: how many you have now.")
    )

    def __init__(self, *args: Any, supplied: list[str], of: Category | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c, n) for c, n in _category_choices() if c in supplied]
        if of is not None:
            del self.fields["category"]
            if not of.goods:
                del self.fields["stock"]
        # Every field is checked by the service, which gives the refusal its code; the form
        # only parses, so an empty field reaches it too.
        for name, each in self.fields.items():
            each.required = name in ("price", "lead_time_days")


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), help_text=_("A JPEG, PNG or WebP image of at most 2 MB.")
    )
    alt_text = forms.CharField(
        label=_("What the photo shows"),
        required=False,
        max_length=ALT_TEXT_LONGEST,
        help_text=_("Required: read aloud to people who cannot see the photo."),
    )


class PlacesForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        help_text=_("A date: year-month-day, for example 2027-06-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    places = forms.IntegerField(label=_("Places"))


DECISIONS = (
    ("verify", _("Verify")),
    ("refuse", _("Refuse")),
    ("suspend", _("Suspend")),
    ("reinstate", _("Reinstate")),
)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse or suspend: the supplier reads it."),
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in DECISIONS if value in allowed]
