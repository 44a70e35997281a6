"""The primary navigation: the pages this user may use, in the order they are listed here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from inclusio.core import roles
from inclusio.web.addresses import address


@dataclass(frozen=True)
class NavigationItem:
    label: str
    description: str
    url: str
    current: bool  # the page being shown; the template marks it aria-current="page"


def _has_permission(permission: str) -> Callable[[Any], bool]:
    return lambda user: user.has_perm(permission)


def _has_own_record(user: Any) -> bool:
    """A person whose account is linked to their registry record, or a representative."""
    try:
        # Reverse one-to-one from registry.Person; missing until the account is linked.
        user.person  # noqa: B018
    except (AttributeError, ObjectDoesNotExist):
        pass
    else:
        return True
    return any(role.code == "representative" for role in roles.roles_of(user))


@dataclass(frozen=True)
class _Entry:
    url_name: str
    label: str | Promise
    description: str | Promise
    shown_to: Callable[[Any], bool]


ENTRIES: tuple[_Entry, ...] = (
    _Entry(
        "registry:search",
        _("Find a person"),
        _("Search the registry by IIN or name."),
        _has_permission(roles.PERSON_READ),
    ),
    _Entry(
        "registry:person_new",
        _("Register a person"),
        _("Register a person from the population register, or by hand."),
        _has_permission(roles.PERSON_MANAGE),
    ),
    _Entry(
        "assessment:queue",
        _("Referral queue"),
        _("Referrals waiting for a medical-social expertise decision."),
        _has_permission(roles.REFERRAL_QUEUE),
    ),
    _Entry(
        "assessment:referral_new",
        _("New referral"),
        _("Refer a person for medical-social expertise."),
        _has_permission(roles.REFERRAL_FILE),
    ),
    _Entry(
        "benefits:runs",
        _("Screening runs"),
        _("Screenings of the registry and the benefits they proposed."),
        _has_permission(roles.SCREENING_VIEW),
    ),
    _Entry(
        "benefits:payrolls",
        _("Payroll"),
        _("The monthly payroll and its payment file for the treasury."),
        _has_permission(roles.PAYROLL_MANAGE),
    ),
    _Entry(
        "benefits:what_if",
        _("What if the law changes"),
        _("Compare a drafted programme with the law in force: recipients and cost."),
        _has_permission(roles.REFORM_SIMULATE),
    ),
    _Entry(
        "emergency:lookup",
        _("Look up homes at an incident"),
        _("Homes of persons with limited mobility at an incident's address, for rescuers."),
        _has_permission(roles.EMERGENCY_LOOKUP),
    ),
    _Entry(
        "emergency:alerts",
        _("Send an emergency alert"),
        _("Warn the persons with hearing or vision impairment in an area, in their language."),
        _has_permission(roles.EMERGENCY_ALERT),
    ),
    _Entry(
        "housing:register",
        _("Register on the housing list"),
        _("Put a person with a disability, or a family raising a child with one, on the list."),
        _has_permission(roles.HOUSING_MANAGE),
    ),
    _Entry(
        "marketplace:suppliers",
        _("Suppliers"),
        _("Suppliers of aids and services: verification, suspension."),
        _has_permission(roles.SUPPLIER_VERIFY),
    ),
    _Entry(
        "accessibility:list",
        _("Accessibility map"),
        _("Facilities assessed against the accessibility standard, by region and category."),
        _has_permission(roles.ACCESSIBILITY_RECORD),
    ),
    _Entry(
        "marketplace:dashboard",
        _("My catalogue"),
        _("Your organisation's items, stock and verification."),
        _has_permission(roles.SUPPLIER_MANAGE),
    ),
    _Entry(
        "rehabilitation:rates",
        _("Rehabilitation programmes carried out"),
        _("The implementation rate of rehabilitation programmes, by region and year."),
        _has_permission(roles.IMPLEMENTATION_RATE_VIEW),
    ),
    _Entry(
        "employment:employers",
        _("Employers and job quotas"),
        _("Employers' quotas and compliance, quota vacancies, placements, special workplaces."),
        _has_permission(roles.EMPLOYMENT_MANAGE),
    ),
    _Entry(
        "employment:report",
        _("Employment support measures"),
        _("Persons with disabilities covered by each employment support measure."),
        _has_permission(roles.EMPLOYMENT_MANAGE),
    ),
    _Entry(
        "crpd:index",
        _("Monitoring of the Convention"),
        # Both strings are in the CRPD app's catalogue.
        _("The Convention's articles: figures, indicators, measures, recommendations, reports."),
        _has_permission(roles.CRPD_VIEW),
    ),
    _Entry(
        "socialservices:inspections",
        _("Inspections of providers"),
        _("The preventive-control plan, inspections and overdue prescriptions."),
        _has_permission(roles.SOCIAL_INSPECT),
    ),
    _Entry(
        "socialservices:social_order",
        _("State social order"),
        _("Projects of non-governmental organisations paid from the budget, by year."),
        _has_permission(roles.SOCIAL_NEEDS_MANAGE),
    ),
    _Entry(
        "web:audit_trail",
        _("Audit trail"),
        _("Every change made on the platform, searchable, and whether the chains are intact."),
        _has_permission(roles.AUDIT_READ),
    ),
    _Entry(
        "web:access_events",
        _("Every person's access log"),
        _("Every read of a person's data by someone else, searchable."),
        _has_permission(roles.ACCESS_LOG_READ),
    ),
    _Entry(
        "registry:me",
        _("My record"),
        _("Your disability status, programme and benefits."),
        _has_own_record,
    ),
    _Entry(
        "registry:my_access_log",
        _("Who looked at my data"),
        _("Every time someone else opened your record, and why."),
        _has_own_record,
    ),
    _Entry(
        "emergency:mine",
        _("Emergency information"),
        _("What rescuers know about your home at a fire or another emergency."),
        _has_own_record,
    ),
    _Entry(
        "employment:mine",
        _("Work and quota vacancies"),
        _("Quota vacancies near you that suit you, your placements and support measures."),
        _has_own_record,
    ),
    _Entry(
        "housing:mine",
        _("My place on the housing list"),
        _("Your place in the housing waiting list, why, and what a state mortgage would cost."),
        _has_own_record,
    ),
    _Entry(
        "rehabilitation:mine",
        _("My rehabilitation programme"),
        _("The aids and services prescribed to you, what you received and what is left."),
        _has_own_record,
    ),
    _Entry(
        "socialservices:mine",
        _("My special social services"),
        _("Your assessed need, the provider you chose and your place."),
        _has_own_record,
    ),
    _Entry(
        "attestations:mine",
        _("My attestations of disability status"),
        _("A signed statement of your status to show, printed or as a QR code."),
        _has_own_record,
    ),
    _Entry(
        "benefits:mine",
        _("My benefits"),
        _("Benefits offered to you, the ones you receive, and why."),
        _has_own_record,
    ),
    _Entry(
        "marketplace:wallet",
        _("My vouchers and orders"),
        _("Vouchers of your programme with their QR codes, and your orders."),
        _has_own_record,
    ),
    _Entry(
        "marketplace:performance",
        _("Supplier performance"),
        _("Orders of your region by supplier: received, overdue, disputed, rating."),
        _has_permission(roles.PERSON_MANAGE),
    ),
    _Entry(
        "marketplace:catalogue",
        _("Catalogue of aids and services"),
        _("Technical aids, services and sanatoriums from verified suppliers."),
        _has_own_record,
    ),
)


def _visible_entries(user: Any) -> tuple[int, ...]:
    """The positions in ENTRIES of the entries ``user`` is shown, kept in the process cache as
    the permissions are (core.backends: AUTH_CACHE_SECONDS, dropped when a role changes): the
    tests read the account's permissions, groups and own registry record, the same on every
    page."""
    key = f"inclusio:navigation:{user.pk}"
    visible: tuple[int, ...] | None = cache.get(key)
    if visible is None:
        # Several entries share a test (a person's own pages all ask for an own record, which
        # costs a query): each test is asked once.
        answers: dict[Callable[[Any], bool], bool] = {}
        for entry in ENTRIES:
            if entry.shown_to not in answers:
                answers[entry.shown_to] = entry.shown_to(user)
        visible = tuple(
            position for position, entry in enumerate(ENTRIES) if answers[entry.shown_to]
        )
        cache.set(key, visible, settings.AUTH_CACHE_SECONDS)
    return visible


def navigation_items(request: HttpRequest) -> list[NavigationItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for position in _visible_entries(user):
        entry = ENTRIES[position]
        try:
            url = address(entry.url_name)
        except NoReverseMatch:  # a page this URL configuration does not have
            continue
        items.append(
            NavigationItem(
                label=str(entry.label),
                description=str(entry.description),
                url=url,
                current=request.path == url,
            )
        )
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Lazy: many templates rendered with a request (fragments, e-mails) never show the menu, and
    # building it costs permission queries.
    return {"navigation": SimpleLazyObject(lambda: navigation_items(request))}
