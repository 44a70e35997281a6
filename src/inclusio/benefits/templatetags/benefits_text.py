"""Amounts and dates in words on the worklists, as the benefit pages write them."""

from __future__ import annotations

import datetime as dt

from django import template

from inclusio.benefits import page_data

register = template.Library()


@register.filter
def monthly(amount: int | None) -> str:
    return page_data.monthly_text(amount)


@register.filter
def in_words(day: dt.date | dt.datetime | None) -> str:
    return page_data.date_text(day)
