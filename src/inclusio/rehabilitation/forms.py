"""The prescription as the specialist writes it: rows of a category and its amount.

The rows are a formset without any script: the form shows a few empty rows, and "Add a row"
sends the form back to the server, which shows it again with one more (nothing is decided).
Each row is checked on its own, so that an error stands beside the field it is about.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.rehabilitation.catalogue import (
    SANATORIUM,
    Category,
    catalogue,
)
from inclusio.rehabilitation.errors import ErrorCode
from inclusio.rehabilitation.services import Prescribed, check_prescription

ROWS_SHOWN = 3
ADD_ROW = "add_row"


def amount_meaning(category: Category) -> str:
    """What the amount of a row means for its category, in the reader's language."""
    if category.hygiene:
        return gettext("items a day, at most %(norm)s") % {"norm": category.daily_norm}
    if category.hourly:
        return gettext("hours a year")
    if category.kind == SANATORIUM:
        return gettext("courses for the programme")
    return gettext("pieces for the programme")


def category_choices() -> list[tuple[str, str]]:
    # A callable: the labels are made in the language of the page being rendered.
    return [("", gettext("— no item —"))] + [
        (code, f"{category.name()} — {amount_meaning(category)}")
        for code, category in catalogue().items()
    ]


class PrescriptionRowForm(forms.Form):
    category = forms.ChoiceField(label=_("Item"), choices=category_choices, required=False)
    amount = forms.IntegerField(
        label=_("Amount"),
        required=False,
        help_text=_(
            "As the item says: pieces or courses for the whole programme, hygiene items a day, "
            "hours a year."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, amount = data.get("category"), data.get("amount")
        if "amount" in self.errors or "category" in self.errors:
            return data
        if code and amount is None:
            self.add_error(
                "amount",
                forms.ValidationError(
                    _("Give the amount of this item."), code=ErrorCode.QUANTITY_NOT_POSITIVE
                ),
            )
        elif amount is not None and not code:
            self.add_error(
                "category",
                forms.ValidationError(
                    _("Choose the item this amount is for."),
                    code=ErrorCode.PRESCRIPTION_CATEGORY_UNKNOWN,
                ),
            )
        elif code and amount is not None:
            try:
                check_prescription([Prescribed(code, amount)])
            except ValidationFailed as exc:
                field = (
                    "category" if exc.code == ErrorCode.PRESCRIPTION_CATEGORY_UNKNOWN else "amount"
                )
                self.add_error(field, forms.ValidationError(exc.message, code=exc.code))
        return data

    def prescribed(self) -> Prescribed | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        return Prescribed(data["category"], data["amount"])


class BasePrescriptionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            code = form.cleaned_data.get("category")
            if not code:
                continue
            if code in seen:
                form.add_error(
                    "category",
                    forms.ValidationError(
                        _("This item is already prescribed above: give it once."),
                        code=ErrorCode.CATEGORY_REPEATED,
                    ),
                )
            seen.add(code)

    def sent_valid(self) -> bool:
        """Valid, or not sent at all (a client that sends no rows prescribes nothing)."""
        return not self.is_bound or self.is_valid()

    def prescription(self) -> list[Prescribed]:
        if not self.is_bound:
            return []
        rows = [form.prescribed() for form in self.forms]
        return [row for row in rows if row is not None]


def prescription_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, extra: int = ROWS_SHOWN
) -> BasePrescriptionFormSet:
    """The rows, bound to ``data`` when it holds them."""
    if data is not None and "rx-TOTAL_FORMS" not in data:
        data = None
    formset_class = forms.formset_factory(
        PrescriptionRowForm,
        formset=BasePrescriptionFormSet,
        extra=extra,
        max_num=len(catalogue()),
        validate_max=True,
        absolute_max=len(catalogue()),
    )
    return cast(BasePrescriptionFormSet, formset_class(data, initial=initial, prefix="rx"))


def with_a_row_more(data: Any) -> BasePrescriptionFormSet:
    """The form as sent, shown again unbound with one empty row more ("Add a row")."""
    rows = []
    total = str(data.get("rx-TOTAL_FORMS", "0"))
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    count = min(int(total) if total.isdecimal() else 0, len(catalogue()))
    for number in range(count):
        rows.append(
            {
                "category": data.get(f"rx-{number}-category", ""),
                "amount": data.get(f"rx-{number}-amount", ""),
            }
        )
    filled = [row for row in rows if row["category"] or row["amount"]]
    extra = max(1, min(len(rows) + 1, len(catalogue())) - len(filled))
    return prescription_formset(initial=filled, extra=extra)


class RevisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the programme is revised"),
        widget=forms.Textarea,
        required=False,
        help_text=_("The person reads it in the history of their programme."),
    )
