"""``{% submission_field %}``: the hidden one-time token of a form that creates something
(core/submissions.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from inclusio.core import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_field(context: dict[str, Any]) -> SafeString:
    token = submissions.token_for(user=context["request"].user)
    return format_html('<input type="hidden" name="{}" value="{}">', submissions.FIELD, token)
