"""What a worklist is: a titled list of things to do, counted, shown a page at a time.

Each app builds its own worklists in its selectors (``worklist_*``), scoped to the actor, and
renders their rows with a template include of its own; the start page (web) puts together the
worklists of the roles an account holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor
from inclusio.core.errors import AccessDenied, ErrorCode
from inclusio.core.models import User

# Rows shown on the start page per worklist; the rest are a page away.
WORKLIST_PAGE = 10


@dataclass(frozen=True)
class Worklist:
    key: str  # unique on the page: the anchor, and the query parameter of its page number
    title: str | Promise
    template: str  # the app's include that renders ``rows``
    page: Page  # the page's number, its neighbours and the count
    rows: Sequence[Any]  # what the include shows: the page's records, or rows built from them
    empty: str | Promise  # said when there is nothing to do
    description: str | Promise = ""

    @property
    def count(self) -> int:
        return int(self.page.paginator.count)


def page_of(rows: Any, number: str | int | None) -> Page:
    """The page ``number`` of ``rows`` (a queryset or a list); anything not a page number
    gives the first page, a number past the end the last."""
    return Paginator(rows, WORKLIST_PAGE).get_page(number)


def require_permission(actor: Actor, permission: str) -> User:
    """A worklist is shown only to a role that grants ``permission``; its rows are then
    limited to the actor's region (none for national staff)."""
    if not isinstance(actor, User) or not actor.is_authenticated or not actor.has_perm(permission):
        raise AccessDenied(
            ErrorCode.OUT_OF_SCOPE, _("Your role does not include this list of work.")
        )
    return actor
