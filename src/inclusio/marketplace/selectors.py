"""Reads of the Social Services Portal. The catalogue is public to everyone signed in but shows
only verified suppliers' items; a supplier reads its own record; officers read the suppliers
of their region. Nothing here is a person's data: suppliers see nothing about persons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor
from inclusio.core.errors import NotFound, ValidationFailed
from inclusio.core.models import User
from inclusio.core.roles import SUPPLIER_VERIFY
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.marketplace.catalogue import caps_on
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, SanatoriumPlaces, Supplier

PAGE_SIZE = 20
SORTS = {
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "lead_time": ("lead_time_days", "price", "id"),
}


def shown_items() -> QuerySet[Item]:
    """Items of verified suppliers: a supplier waiting, refused or suspended shows nothing."""
    return Item.objects.filter(supplier__status=Supplier.Status.VERIFIED)


@dataclass(frozen=True)
class SearchResult:
    page: Page[Item]
    caps: dict[str, int]  # state price cap by category, in force today


def catalogue_search(
    *,
    category: str = "",
    region: str = "",
    at_or_under_cap: bool = False,
    sort: str = "price",
    page: int | str | None = 1,
    day: dt.date | None = None,
    min_rating: int | None = None,
    free_on: dt.date | None = None,
) -> SearchResult:
    """One page of the catalogue, filtered and sorted; the count is of every match.
    ``min_rating``: only suppliers whose orders are rated that many stars or more on average;
    ``free_on``: only sanatoriums with a free place on that date, each with how many."""
    caps = caps_on(day or timezone.localdate())
    # The suppliers first (a few hundred rows), then their items through the supplier index:
    # the database never tests a region against each of 50,000 items.
    suppliers = Supplier.objects.filter(status=Supplier.Status.VERIFIED)
    if region:
        suppliers = suppliers.filter(regions_served=region)
    if min_rating is not None:
        suppliers = rated_at_least(suppliers, min_rating)
    items = Item.objects.filter(supplier_id__in=suppliers.values("pk"))
    if free_on is not None:
        items = with_free_places(items, free_on)
    if category:
        items = items.filter(category=category)
    if at_or_under_cap:
        under = Q(pk__in=[])
        for code, cap in caps.items():
            if not category or code == category:
                under |= Q(category=code, price__lte=cap)
        items = items.filter(under)
    items = items.select_related("supplier").order_by(*SORTS.get(sort, SORTS["price"]))
    paginator = Paginator(items, PAGE_SIZE)
    return SearchResult(page=paginator.get_page(page), caps=caps)


def item_shown(item_id: int) -> Item:
    found = (
        shown_items()
        .select_related("supplier")
        .prefetch_related("photos", "supplier__regions_served")
        .filter(pk=item_id)
        .first()
    )
    if found is None:
        raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in the catalogue."))
    return found


def places_ahead(item: Item, *, days: int = 60) -> list[tuple[dt.date, int]]:
    today = timezone.localdate()
    return list(
        item.places.filter(day__gte=today, day__lte=today + dt.timedelta(days=days)).values_list(
            "day", "places"
        )
    )


def supplier_items(supplier: Supplier) -> QuerySet[Item]:
    return supplier.items.annotate(photo_count=Count("photos")).order_by("category", "name")


def supplier_register_page(*, actor: Actor, page: int | str | None = 1) -> Page[Any]:
    """The officer's register: suppliers of the officer's region (every region for the
    ministry), those waiting for verification first, oldest first."""
    officer = require_permission(actor, SUPPLIER_VERIFY)
    rows = Supplier.objects.select_related("region")
    if officer.region_id is not None:
        rows = rows.filter(region_id=officer.region_id)
    rows = rows.annotate(
        waiting=ExpressionWrapper(Q(status=Supplier.Status.PENDING), output_field=BooleanField())
    ).order_by("-waiting", "registered_at", "pk")
    return Paginator(rows, PAGE_SIZE).get_page(page)


def caps_on_today() -> dict[str, int]:
    return caps_on(timezone.localdate())


def accessible_description(item: Item) -> str:
    """The plain-language description in the page's language."""
    language = (get_language() or "kk").split("-")[0]
    return str(getattr(item, f"accessible_{language}", "") or item.accessible_kk)


def suppliers_waiting(*, actor: Actor) -> int:
    """How many suppliers of the officer's scope wait for verification: the worklist's count."""
    return _waiting(require_permission(actor, SUPPLIER_VERIFY)).count()


def _waiting(officer: User) -> QuerySet[Supplier]:
    rows = Supplier.objects.filter(status=Supplier.Status.PENDING)
    if officer.region_id is not None:
        rows = rows.filter(region_id=officer.region_id)
    return rows


def worklist_suppliers_waiting(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer (and the ministry): suppliers of the officer's region that wait
    for verification, the longest waiting first. Nothing here is a person's data."""
    officer = require_permission(actor, SUPPLIER_VERIFY)
    found = page_of(
        _waiting(officer).select_related("region").order_by("registered_at", "pk"), page
    )
    return Worklist(
        key="suppliers_waiting",
        title=_("Suppliers waiting for verification"),
        description=_("Check each supplier's BIN and bank account, then verify or refuse it."),
        template="marketplace/worklist_suppliers_waiting.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No supplier waits for verification."),
    )


# --- the "hours" part: search by rating and by free sanatorium places ---------------------------

RATINGS = (1, 2, 3, 4, 5)


def rated_at_least(suppliers: QuerySet[Supplier], stars: int) -> QuerySet[Supplier]:
    """Suppliers whose rated orders average ``stars`` or more (one not yet rated is left out:
    it has not earned the filter)."""
    if stars not in RATINGS:
        raise ValidationFailed(ErrorCode.RATING_FILTER_INVALID, _("Choose 1 to 5 stars."))
    return suppliers.annotate(average=Avg("orders__rating")).filter(average__gte=stars)


def with_free_places(items: QuerySet[Item], day: dt.date) -> QuerySet[Item]:
    """Sanatoriums with a free place on ``day``, each annotated with how many (``free``)."""
    free = SanatoriumPlaces.objects.filter(item=OuterRef("pk"), day=day).values("places")[:1]
    return items.annotate(free=Subquery(free)).filter(free__gte=1)
