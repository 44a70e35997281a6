"""The wallet's list of in-shop sales waiting for the person's confirmation."""

from __future__ import annotations

from typing import Any

from django import template

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.marketplace import till
from inclusio.registry.models import Person

register = template.Library()


@register.inclusion_tag("marketplace/_pending_sales.html")
def pending_sales(person: Person, reader: Actor) -> dict[str, Any]:
    """Only for those who may confirm them: the person and their representative."""
    if not access.may_act_for(reader, person):
        return {"sales": []}
    return {"sales": till.pending_sales_of(person.pk)}
