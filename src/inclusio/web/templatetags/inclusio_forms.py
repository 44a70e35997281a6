"""Helpers for web/includes/field.html: USWDS classes and ARIA links on Django widgets."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def field_kind(field: BoundField) -> str:
    """Which markup pattern the field needs: hidden, checkbox, radio, checkboxes, select,
    textarea, file or input."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def hint_id(field: BoundField) -> str:
    return f"{field.auto_id}_helptext"  # the ids Django itself uses


@register.filter
def error_id(field: BoundField) -> str:
    return f"{field.auto_id}_error"


@register.filter
def described_by(field: BoundField) -> str:
    """The ids of the hint and the error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(hint_id(field))
    if field.errors:
        ids.append(error_id(field))
    return " ".join(ids)


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id an error summary links to: the input itself, or the first of a group."""
    if field_kind(field) in ("radio", "checkboxes"):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


_CSS_CLASS = {
    "checkbox": "usa-checkbox__input",
    "select": "usa-select",
    "textarea": "usa-textarea",
    "file": "usa-file-input__input",
    "input": "usa-input",
}
_ERROR_CSS_CLASS = {
    "select": "usa-input--error",
    "textarea": "usa-input--error",
    "input": "usa-input--error",
}


@register.filter
def usa_widget(field: BoundField) -> SafeString:
    """The field's input with USWDS classes, aria-describedby and aria-invalid."""
    kind = field_kind(field)
    classes = [field.field.widget.attrs.get("class", ""), _CSS_CLASS.get(kind, "")]
    attrs: dict[str, str | bool] = {}
    if field.errors:
        classes.append(_ERROR_CSS_CLASS.get(kind, ""))
        attrs["aria-invalid"] = "true"
    described = described_by(field)
    if described:
        attrs["aria-describedby"] = described
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)


@register.filter
def usa_choice(choice: BoundWidget, kind: str) -> SafeString:
    """One radio button or checkbox of a group, with the USWDS input class."""
    data = choice.data
    css_class = "usa-radio__input" if kind == "radio" else "usa-checkbox__input"
    attrs = {**data["attrs"], "class": css_class}
    value = "" if data["value"] is None else str(data["value"])
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        data["type"],
        data["name"],
        value,
        flatatt(attrs),
    )
