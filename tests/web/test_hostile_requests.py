"""No request that can be typed into a browser or an API client ends in a server error.

Every URL pattern of the project (walked from ``get_resolver()``, so a new page joins by
existing) is requested as each role and as an anonymous visitor, and as one role it lets in
with hostile values in each URL argument, in the query and in the form, by GET and by POST
(which role, and why one is enough: ``_sweep_pages``); and every form that reaches a service is
posted valid but for one hostile field, so that the hostile value gets past the form to the
service and the database. The API is swept the same way from its OpenAPI document. A refusal
is any 4xx; a 500 fails, naming the requests.

The client does not check CSRF tokens (Django's test client), so every POST reaches its view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import quote, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from inclusio.api import api
from inclusio.appeals.services import Upload, appeal_file
from inclusio.assessment.models import Referral
from inclusio.assessment.services import referral_file
from inclusio.benefits.models import Programme
from inclusio.benefits.services import proposal_refuse
from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.core.roles import NATIONAL_ROLES, ROLES
from inclusio.core.tokens import api_token_issue
from inclusio.emergency.services import residences_compile
from inclusio.employment.services import vacancy_publish
from inclusio.housing import services as housing
from inclusio.marketplace import services as services_marketplace
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import care_link_create
from inclusio.synthetic.marketplace import make_iban
from inclusio.web.worklists import ROLE_WORKLISTS
from tests import database_reset
from tests.accessibility.builders import make_facility, make_inspected
from tests.browser.benefits_data import make_offer, make_run
from tests.crpd.builders import crpd_world
from tests.employment.builders import make_workplace
from tests.factories import Trio, form_token, make_person, make_trio, make_user, new_iin, sign_in
from tests.interop.attestation_builders import attestation_world
from tests.marketplace.builders import a_bin, make_item
from tests.marketplace.hour_builders import hours_world
from tests.marketplace.orders_builders import an_order
from tests.marketplace.till_builders import a_sale_and_token
from tests.socialservices.builders import social_services_world

pytestmark = pytest.mark.django_db

VALID_IIN = "800517401002"  # well formed; registered or not depending on the test data
WRONG_CHECKSUM_IIN = VALID_IIN[:11] + str((int(VALID_IIN[11]) + 1) % 10)

# What someone could type where a value is expected: not digits, too big for any integer
# column, negative, non-ASCII digits and letters, an IIN one digit too long or mistyped, a NUL
# (PostgreSQL refuses it in text), text longer than any column, a year zero, a day that does
# not exist.
HOSTILE = (
    "x",
    str(10**20),
    "-1",
    "٣٤",
    "Ω☃ قزاق",
    "1234567890123",
    WRONG_CHECKSUM_IIN,
    "\x00",
    "9" * 5000,
    "0000-01",
    "0000-01-01",
    "2024-02-30",
)
# The back office is Django's admin, which parses its own arguments: the first few suffice.
HOSTILE_TO_THE_BACK_OFFICE = HOSTILE[:8]
OTHER_METHODS = ("head", "options", "put", "patch", "delete")
# The query parameters the pages read, and a few every site is probed with.
QUERY_PARAMETERS = (
    *("q", "iin", "lookup-iin", "next", "programme", "page", "month", "date", "purpose", "lang"),
    "show",  # the claims an attestation's SD-JWT shows
    # the auditor's searches
    *("since", "until", "account", "action", "entity", "what", "reader", "outcome"),
    # the page of each worklist on the start page, under its key
    *dict.fromkeys(
        worklist_of.__name__.removeprefix("worklist_")
        for worklists in ROLE_WORKLISTS.values()
        for worklist_of in worklists
    ),
    # the catalogue's filters
    *("category", "region", "at_or_under_cap", "sort"),
    # employment: the report's year; the mortgage calculator's price
    *("year", "price"),
    # the accessibility map's filters and its GeoJSON's box
    *("limitation", "rating", "bbox", "zoom"),
    # a sanatorium stay's dates
    *("first_day", "days"),
    # the CRPD report's years
    *("first_year", "last_year"),
)


@dataclass(frozen=True)
class Route:
    template: str  # the path with {name} where each URL argument goes
    arguments: tuple[str, ...]
    name: str


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            text = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", str(pattern))
        elif isinstance(pattern, RegexPattern):
            text = re.sub(r"\(\?P<([^>]+)>[^)]*\)", r"{\1}", str(pattern)).strip("^$")
        else:  # the language prefix of i18n_patterns
            text = str(pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + text, inner)
        elif isinstance(entry, URLPattern):
            template = prefix + text
            arguments = tuple(re.findall(r"{([^}]+)}", template))
            yield Route("/" + template, arguments, f"{namespace}{entry.name or template}")


def all_routes() -> list[Route]:
    with translation.override("en"):
        return list(_routes(get_resolver().url_patterns))


def _url(route: Route, value: str | None = None, known: dict[str, str] | None = None) -> str:
    values = {
        name: quote(value if value is not None else (known or {}).get(name, "1"), safe="")
        for name in route.arguments
    }
    return route.template.format(**values)


@dataclass
class World:
    """The accounts and records the sweep runs against."""

    accounts: dict[str, User]
    known: dict[str, str]  # a real value for each URL argument, where there is one


def _accounts(trio: Trio) -> dict[str, User]:
    """An account of each role, staff of the trio's region unless the role is national."""
    accounts: dict[str, User] = {"person": trio.person.user}
    for role in ROLES:
        if role.code != "person":
            region = None if role.code in NATIONAL_ROLES or not role.staff else "71"
            accounts[role.code] = make_user(f"sweep_{role.code}", role.code, region)
    return accounts


def _world() -> World:
    trio = make_trio()
    accounts = _accounts(trio)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    parent = make_person(surname="Parent", user=accounts["representative"])
    care_link_create(
        actor=accounts["district_officer"],
        carer=parent,
        cared=child,
        relation="parent",
        since=dt.date(2016, 2, 2),
    )
    referral = referral_file(
        actor=accounts["medical_referrer"],
        person=make_person(surname="Referred"),
        kind=Referral.Kind.INITIAL,
        mode=Referral.Mode.IN_ABSENTIA,
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
        clinical_summary="",
        documents=[],
    )
    offer = make_offer(trio.person, run=make_run())
    refusal = proposal_refuse(
        actor=trio.person.user, proposal_id=make_offer(trio.person, "free_legal_aid").pk
    )
    supplier = services_marketplace.supplier_register(
        actor=accounts["supplier"],
        bin=a_bin(77),
        legal_name="Sweep supplier",
        regions_served=["71"],
        categories=["wheelchair_manual", "sanatorium_treatment"],
        iban=make_iban(77),
        phone="+7 700 000 00 77",
        address="Astana",
    )
    item = make_item(supplier, category_code="sanatorium_treatment")
    photo = services_marketplace.item_photo_add(
        actor=accounts["supplier"],
        item_id=item.pk,
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + bytes(16)),
        alt_text="A photo",
    )
    # A home in the emergency registry, for its person's pages and the dispatcher's lookups
    # (group I: one who cannot leave home alone).
    DisabilityStatus.objects.filter(person=trio.person).update(category="I")
    Person.objects.filter(pk=trio.person.pk).update(
        latitude=51.128, longitude=71.43, address="Astana, Abai avenue 12"
    )
    residences_compile()
    order = an_order(trio.person.user, trio.person)
    # An employer of Astana with a vacancy and a special workplace, for the employment pages.
    workplace = make_workplace(accounts["employment_officer"], trio.person)
    employer = workplace.placement.employer
    vacancy = vacancy_publish(
        actor=accounts["employment_officer"], employer=employer, title="Clerk", wage_kzt=1000
    )
    # The person waits on the housing list, for their housing page and the officer's decisions.
    housing.registration_create(
        actor=accounts["housing_officer"], person=trio.person, registered_on=dt.date(2019, 4, 2)
    )
    social = social_services_world(trio, accounts)
    sale, token = a_sale_and_token()
    hours = hours_world()
    accounts["hours_person"], accounts["hours_supplier"] = hours.person, hours.supplier
    # The parent's appeal against a refusal for the child, for the appeal pages and forms.
    appeal = appeal_file(
        actor=accounts["representative"],
        kind="benefit_decision",
        decision_id=proposal_refuse(
            actor=accounts["representative"], proposal_id=make_offer(child).pk
        ).pk,
        grounds="The offer was not explained.",
        attachments=[Upload("Letter", SimpleUploadedFile("a.pdf", b"%PDF-1.4 letter"))],
    )
    known = _joined(
        social,
        attestation_world(trio.person),
        # CRPD monitoring's recommendation, survey and article.
        crpd_world(),
        # State control's inspection, prescription and barrier report (accessibility).
        {name: str(pk) for name, pk in make_inspected(trio.person.user).items()},
        {
            # The portal's records: the supplier's own item and photo, the supplier for officers.
            "item_id": str(item.pk),
            "photo_id": str(photo.pk),
            "supplier_id": str(supplier.pk),
            "iin": trio.person.iin,
            # Someone to add to a family or appoint as a representative.
            "other_iin": make_person(surname="Spouse").iin,
            "referral_id": str(referral.pk),
            "proposal_id": str(offer.pk),
            "run_id": str(offer.run_id),
            "decision_id": str(refusal.pk),
            "order_id": str(order.pk),
            "action": "confirm",
            "bin": employer.bin,
            "workplace_id": str(workplace.pk),
            "placement_id": str(workplace.placement_id),
            "vacancy_id": str(vacancy.pk),
            # Someone the housing officer may register (given a category with its document).
            "housing_iin": make_person(surname="Housing").iin,
            "facility_id": str(make_facility().pk),
            # The in-shop till's sale and a supplier's API token.
            "sale_id": str(sale.pk),
            "token_id": str(token.pk),
            "kind": "benefit_decision",
            "appeal_id": str(appeal.pk),
            "attachment_id": str(appeal.attachments.get().pk),
        },
        hours.known,
    )
    return World(accounts, known)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The sweeps' world, built once a module in each worker instead of once a test: on
    PostgreSQL a build is a few thousand queries. It is committed, as a test's transaction
    would leave it (its on_commit callbacks dropped unrun, as in a rolled-back test); each test
    runs in its own transaction over it, rolled back after it, and the world is emptied when
    the module's tests are done (tests/database_reset.py)."""
    with database_reset.committed_world(django_db_blocker):
        built = _world()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            database_reset.put_back()


def _joined(*parts: dict[str, str]) -> dict[str, str]:
    """The worlds' records under their URL argument names. Two worlds giving one name would
    point a form at the other's row (the same id on SQLite by chance, another on PostgreSQL)."""
    joined: dict[str, str] = {}
    for part in parts:
        shared = joined.keys() & part.keys()
        assert not shared, f"two worlds name {sorted(shared)}: give each its own name"
        joined |= part
    return joined


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        sign_in(client, user)
    return client


def send_undone(client: Client, method: str, url: str, **kwargs: Any) -> HttpResponse:
    """A request whose writes are rolled back after it, so that each request meets the same
    records (a referral filed by one would refuse the next as a duplicate before it reached
    the field under test) and a database error does not spoil the test's transaction."""
    with transaction.atomic():
        response: HttpResponse = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    return response


def _resolves(url: str) -> bool:
    with translation.override("en"):  # the routes' addresses are the English ones
        try:
            resolve(urlsplit(url).path)
        except Resolver404:
            return False
    return True


def _is_sign_in(location: str) -> bool:
    try:
        return resolve(urlsplit(location).path).view_name == "web:login"
    except Resolver404:
        return False


@dataclass
class _Noted:
    # The keys read; "*" for all the data at once.
    keys: set[str] = dataclasses.field(default_factory=set)


# Where a request's query, form, files or body can be read. QueryDict and MultiValueDict are
# dicts underneath: membership, iteration and the views of their keys are reads too.
_DATA_READERS = (
    *("__getitem__", "get", "getlist", "__contains__", "__iter__", "items", "lists"),
    *("values", "keys", "dict", "copy", "urlencode"),
)
_KEY_READERS = frozenset({"__getitem__", "get", "getlist", "__contains__"})


@contextmanager
def _reads_noted() -> Iterator[_Noted]:
    """Note what reads the data of the requests sent inside: the keys of the query, the form or
    the files asked for, and "*" for all of it at once (iterated, copied, the body itself other
    than Django parsing the form from it)."""
    noted = _Noted()
    parsing = False

    def noting(original: Any, name: str) -> Any:
        def read(self: Any, *args: Any, **kwargs: Any) -> Any:
            by_key = name in _KEY_READERS and args and isinstance(args[0], str)
            noted.keys.add(args[0] if by_key else "*")
            return original(self, *args, **kwargs)

        return read

    load_post_and_files = HttpRequest._load_post_and_files
    body = HttpRequest.body

    def loading(self: HttpRequest) -> None:
        nonlocal parsing
        parsing = True
        try:
            load_post_and_files(self)
        finally:
            parsing = False

    def body_read(self: HttpRequest) -> bytes:
        if not parsing:
            noted.keys.add("*")
        return body.fget(self)  # type: ignore[attr-defined,no-any-return]

    with ExitStack() as patches:
        for kind in (QueryDict, MultiValueDict):
            for name in _DATA_READERS:
                if hasattr(kind, name) and (kind is MultiValueDict or name in vars(QueryDict)):
                    original = getattr(kind, name)
                    patches.enter_context(mock.patch.object(kind, name, noting(original, name)))
        patches.enter_context(mock.patch.object(HttpRequest, "_load_post_and_files", loading))
        patches.enter_context(mock.patch.object(HttpRequest, "body", property(body_read)))
        yield noted


class _Sweep:
    """The requests of one sweep, one signed-in client a role, and the 500s they met."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.failures: list[str] = []
        self._clients: dict[str | None, Client] = {}

    def send(self, role: str | None, method: str, url: str, **kwargs: Any) -> HttpResponse:
        if role not in self._clients:
            self._clients[role] = _client(self.world.accounts[role] if role else None)
        response = send_undone(self._clients[role], method, url, **kwargs)
        if response.status_code >= 500:
            value = next(iter(kwargs.get("data", {}).values()), "")[:40]
            self.failures.append(
                f"{role or 'visitor'}: {method.upper()} {url[:80]!r} (value {value!r}) → 500"
            )
        return response


def _turned_away(answer: HttpResponse) -> bool:
    """Refused for want of a permission (403), for its method (405) or sent to sign in."""
    return answer.status_code in (403, 405) or (
        answer.status_code == 302 and _is_sign_in(answer["Location"])
    )


def _sweep_pages(
    world: World,
    routes: list[Route],
    *,
    roles: tuple[str | None, ...],
    values: tuple[str, ...] = HOSTILE,
) -> list[str]:
    """Request every route as every role, and send every hostile value to it as one role it
    lets in; the requests that ended in a 500.

    What a hostile value meets depends on the view, not on who sends it: the code before a
    gate is the same for every role, and behind it the roles that pass meet the same parsing
    of the path, the query and the form. So each role sends each route the plain requests that
    show its gate's answer (an empty GET and POST, and, where it is let in, the first value in
    the query and the form), and one role — the first of ``roles`` that the page lets in, by
    preference one it answers with something other than 404 — sends every value in the path,
    the query and the form, and the other methods. Where the page reads other keys of the
    query or the form for another role it lets in, that role sends every value there too."""
    sweep = _Sweep(world)
    # Signing out last: it would end the sessions that the other requests use.
    routes = sorted(routes, key=lambda route: route.name == "web:logout")
    sent_as = {"get": QUERY_PARAMETERS, "post": FORM_FIELDS}
    # A value in the path that no route's converters take (letters for an <int:pk>) never reaches
    # a view: it meets the not-found page, whatever the route. Each such value is sent there
    # once a sweep, not once a route.
    unresolved_sent: set[str] = set()
    for route in routes:
        # Each route starts with a whole allowance of look-ups by IIN: a 429 would hide what
        # comes after the gate of the limit.
        cache.clear()
        known = _url(route, known=world.known)
        let_in: list[str | None] = []
        found_by: list[str | None] = []
        for role in roles:
            answers = [sweep.send(role, method, known, data={}) for method in ("get", "post")]
            if all(_turned_away(answer) for answer in answers):
                continue
            let_in.append(role)
            if any(answer.status_code != 404 for answer in answers):
                found_by.append(role)
        chosen = (found_by or let_in or [roles[0]])[0]
        # Every role let in meets the first value in the query and the form, and shows meanwhile
        # which keys the page reads of them for it. The chosen role sends every value by each
        # method whose data the page reads; so does any other role for which the page reads a
        # key it did not read for a role before (a branch of the view only that role reaches).
        senders: list[tuple[str | None, str]] = []
        covered: dict[str, set[str]] = {method: set() for method in sent_as}
        for role in sorted(let_in, key=lambda role: role != chosen):
            for method, names in sent_as.items():
                with _reads_noted() as noted:
                    sweep.send(role, method, known, data=dict.fromkeys(names, values[0]))
                if "*" in covered[method] or noted.keys <= covered[method]:
                    continue  # reads nothing, or nothing a role before it did not read
                senders.append((role, method))
                covered[method] |= noted.keys
        # The path's values go to the chosen role; a page no role is let in to still gets them
        # (the URL's converters read them before any gate).
        for value in values[1:]:
            for role, method in senders:
                sweep.send(role, method, known, data=dict.fromkeys(sent_as[method], value))
        for value in values:
            hostile = _url(route, value)
            if hostile == known:
                continue
            if not _resolves(hostile):
                if value in unresolved_sent:
                    continue
                unresolved_sent.add(value)
            for method, names in sent_as.items():
                sweep.send(chosen, method, hostile, data=dict.fromkeys(names, value))
        # The methods an API client can send as easily as GET and POST, by the role chosen (a
        # gate shutting GET and POST meets the other methods alike).
        if let_in:
            for method in OTHER_METHODS:
                sweep.send(chosen, method, known, data={})
    return sweep.failures


# Every field of every form of the pages, posted all at once with the same hostile value.
FORM_FIELDS = (
    "username",
    "password",
    "code",
    "next",
    "language",
    "q",
    "iin",
    "kind",
    "mode",
    "organisation_name",
    "organisation_bin",
    "diagnosis_code",
    "clinical_summary",
    "document_title",
    "document_issued_on",
    "document_file_name",
    "document_sha256",
    "document_size_bytes",
    "outcome",
    "category",
    "cause",
    "work_capacity_loss_pct",
    "limitations",
    "valid_from",
    "reexamination_date",
    "rationale",
    "answer",
    "iban",
    "report",
    "month",
    "programme",
    "date",
    "draft",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "sex",
    "region",
    "residence",
    "address",
    "phone",
    "preferred_language",
    "reason",
    "action",
    "add-member_iin",
    "add-role",
    # the emergency registry: the dispatcher's lookup and the person's entry
    *("incident", "latitude", "longitude", "radius_m", "floor", "apartment", "entrance_code"),
    *("equipment", "contact_name", "contact_phone", "carer_name", "carer_phone"),
    # the emergency officer's alert: its area and its texts
    *("area", "points", "regions", "text_kk", "text_ru", "text_en"),
    "add-housing",
    "add-reason",
    "remove-member",
    "remove-reason",
    "appoint-carer_iin",
    "appoint-relation",
    "appoint-since",
    "appoint-reason",
    "end-link",
    "end-until",
    "end-reason",
    "current_password",
    "new_password",
    "new_password_again",
    "identifier",
    # The Social Services Portal's forms.
    "bin",
    "legal_name",
    "regions_served",
    "categories",
    "name",
    "price",
    "description",
    "accessible_kk",
    "accessible_ru",
    "accessible_en",
    "lead_time_days",
    "stock",
    "photo",
    "alt_text",
    "day",
    "places",
    "at_or_under_cap",
    "sort",
    # Vouchers and orders.
    *("voucher", "quantity", "co_payment", "confirm", "schedule-day", "behalf-reason"),
    *("complaint-complaint", "complaint-reason", "resolve-decision", "resolve-reason"),
    "rate-stars",
    # Appeals: the appeal form and the decide form.
    *("grounds", "attachment", "attachment_title", "reasons", "amount_kzt", "disability_cause"),
    # employment: employers, vacancies, placements, special workplaces, subsidy months
    *("headcount", "hazardous_jobs", "title", "wage_kzt", "needs", "vacancy", "started"),
    *("first_month", "monthly_wage_kzt", "equipment_kzt"),
    # The Washington Group upload's year (its title is the vacancy's field above).
    "year",
    # The housing lists' registration and decisions.
    *("registered_on", "category_document", "allocate-dwelling", "allocate-legal_basis"),
    *("allocate-skip_ground", "decline-dwelling", "decline-reason", "remove-legal_basis"),
    # Special social services' forms.
    *("hours_per_month", "starts", "ends", "provider", "placement", "days", "held_on"),
    *("summary", "requirement", "note", "deadline", "prescription", "remedied_on"),
    # The in-shop till.
    *("check", "record", "item", "unit_price", "resend"),
    # Attestations: the IIN in clear, an agency's consent, the claims an SD-JWT shows.
    *("with_iin", "agency", "show"),
    # The one-time token of a form that creates something (core/submissions.py).
    "submission",
    # Services by the hour: a session's slot and time, a month's hours, a stay's arrival.
    *("slot", "time", "hours", "capacity", "day_1", "day_2", "first_day"),
)


def _roles_that_differ() -> list[str]:
    """One role for each set of permissions: the checks read permissions and the person's
    links, never a role's name, so roles granting the same permissions meet the same answers.
    The person and the representative differ by their links, so both are kept."""
    kept: dict[object, str] = {}
    for role in ROLES:
        key = role.code if role.code in ("person", "representative") else role.permissions
        kept.setdefault(key, role.code)
    return list(kept.values())


# The order in which the sweep looks, route by route, for the role to send every value as.
SWEEP_ROLES: tuple[str | None, ...] = (None, *_roles_that_differ())
# The pages are swept in this many tests, so that the workers share them and neither is left
# alone with a long one at the end of the run; the world is built once a module per worker
# (the `world` fixture), so a shard more costs only the not-found pages' values sent again.
PAGE_SHARDS = 8


def _pages(*, admin: bool) -> list[Route]:
    routes = [
        route
        for route in all_routes()
        # The API is swept from its OpenAPI document, with a token.
        if admin == ("/admin/" in route.template) and not route.template.startswith("/api/v1/")
    ]
    return sorted(routes, key=lambda route: (route.template, route.name))


@pytest.mark.parametrize("shard", range(PAGE_SHARDS))
def test_no_page_answers_a_hostile_request_with_a_server_error(world: World, shard: int) -> None:
    routes = _pages(admin=False)[shard::PAGE_SHARDS]
    failures = _sweep_pages(world, routes, roles=SWEEP_ROLES)
    assert not failures, "\n".join(failures)


def test_no_back_office_page_answers_a_hostile_request_with_a_server_error(world: World) -> None:
    failures = _sweep_pages(
        world, _pages(admin=True), roles=("ministry_admin",), values=HOSTILE_TO_THE_BACK_OFFICE
    )
    assert not failures, "\n".join(failures)


# --- forms posted valid but for one field ---------------------------------------------------


def _valid_forms(world: World) -> list[tuple[str | None, str, dict[str, str], int]]:
    """(role, URL, a submission its service accepts, the status it gets) for each form whose
    data reaches a service."""
    dana = world.known["iin"]
    programme = Programme.objects.select_related("active_version").get(code="disability_benefit")
    return [
        ("district_officer", "/en/registry/search/", {"q": dana}, 200),
        (
            "district_officer",
            f"/en/registry/persons/{dana}/life-events/",
            {
                "kind": "death",
                "date": "2024-03-05",
                "source": "Civil registry record No. 4711",
                "reason": "Notice from the civil registry",
            },
            302,
        ),
        (
            "district_officer",
            "/en/registry/persons/new/",
            {
                "iin": new_iin(dt.date(1990, 3, 8), "F"),
                "surname": "Ахметова",
                "given_name": "Әсел",
                "patronymic": "",
                "birth_date": "1990-03-08",
                "sex": "F",
                "region": "71",
                "residence": "urban",
                "address": "",
                "phone": "",
                "preferred_language": "kk",
            },
            302,
        ),
        (
            "medical_referrer",
            "/en/assessment/referrals/new/",
            {
                "iin": dana,
                "kind": "initial",
                "mode": "in_absentia",
                "organisation_name": "Polyclinic",
                "organisation_bin": "000000000000",
                "diagnosis_code": "G80.1",
                "clinical_summary": "",
                "document_title": "Discharge summary",
                "document_issued_on": "2024-01-10",
                "document_file_name": "summary.pdf",
                "document_sha256": "a" * 64,
                "document_size_bytes": "1024",
            },
            302,
        ),
        (
            "district_officer",
            f"/en/registry/persons/{dana}/correct/",
            {
                "surname": "Ахметова",
                "given_name": "Дана",
                "patronymic": "",
                "address": "",
                "phone": "",
                "residence": "urban",
                "preferred_language": "kk",
                "reason": "Married",
            },
            302,
        ),
        (
            "district_officer",
            f"/en/registry/persons/{dana}/family/",
            {
                "action": "add",
                "add-member_iin": world.known["other_iin"],
                "add-role": "spouse",
                "add-housing": "own",
                "add-reason": "Married",
            },
            302,
        ),
        (
            "district_officer",
            f"/en/registry/persons/{dana}/representation/",
            {
                "action": "appoint",
                "appoint-carer_iin": world.known["other_iin"],
                "appoint-relation": "attorney",
                "appoint-since": "2024-01-01",
                "appoint-reason": "Power of attorney",
            },
            302,
        ),
        (
            "medical_referrer",
            "/en/assessment/referrals/new/",
            {
                "iin": new_iin(dt.date(2012, 6, 1), "M"),
                "kind": "initial",
                "mode": "in_absentia",
                "organisation_name": "Polyclinic",
                "organisation_bin": "000000000000",
                "diagnosis_code": "G80.1",
                "surname": "Сейітов",
                "given_name": "Нұрлан",
                "birth_date": "2012-06-01",
                "sex": "M",
                "residence": "rural",
            },
            302,
        ),
        (
            "mse_specialist",
            f"/en/assessment/referrals/{world.known['referral_id']}/",
            {
                "outcome": "establish",
                "category": "II",
                "cause": "general_disease",
                "work_capacity_loss_pct": "50",
                "limitations": "mobility",
                "valid_from": "2024-02-01",
                "reexamination_date": "2025-02-01",
                "rationale": "Examined in absentia.",
            },
            302,
        ),
        (
            "person",
            f"/en/benefits/offers/{world.known['proposal_id']}/",
            {"answer": "accept", "iban": "KZ18722S000012345678"},
            302,
        ),
        (
            "ministry_admin",
            "/en/benefits/what-if/",
            {
                "programme": programme.code,
                "date": "2024-01-01",
                "draft": programme.active_version.text,
            },
            302,  # to the request's page: a worker compares
        ),
        (None, "/en/login/", {"username": "nobody", "password": "wrong"}, 200),
        (
            "person",
            "/en/account/password/",
            {
                "current_password": "correct horse battery",
                "new_password": "a new and longer passphrase",
                "new_password_again": "a new and longer passphrase",
            },
            302,
        ),
        (None, "/en/password-reset/", {"identifier": dana}, 302),
        (
            "employment_officer",
            "/en/employment/employers/",
            {
                "bin": a_bin(91),
                "name": "Sweep employer",
                "headcount": "120",
                "hazardous_jobs": "3",
                "iban": make_iban(91),
            },
            302,
        ),
        (
            "housing_officer",
            "/en/housing/register/",
            {
                "iin": world.known["housing_iin"],
                "registered_on": "2024-01-15",
                "category": "disability_group_3",
                "category_document": "Certificate No. 5",
            },
            302,
        ),
        (
            "employment_officer",
            f"/en/employment/employers/{world.known['bin']}/vacancy/",
            {"title": "Clerk", "wage_kzt": "150000", "needs": "vision", "description": ""},
            302,
        ),
        (
            "employment_officer",
            f"/en/employment/employers/{world.known['bin']}/place/",
            {"iin": dana, "vacancy": world.known["vacancy_id"], "started": "2024-03-01"},
            302,
        ),
        (
            "employment_officer",
            f"/en/employment/workplaces/{world.known['workplace_id']}/subsidy/",
            {"month": "2024-02", "wage_kzt": "150000"},
            302,
        ),
        (
            "housing_officer",
            f"/en/housing/person/{dana}/allocate/",
            {
                "allocate-dwelling": "Abai 12-4",
                "allocate-legal_basis": "Akimat decision No. 7",
                "allocate-skip_ground": "Art. 74",
            },
            302,
        ),
        *_social_services_forms(world),
        # Attestations: the person obtains one, and lets an agency obtain them.
        (
            "person",
            f"/en/attestations/person/{dana}/issue/",
            {"with_iin": "on", **form_token(world.accounts["person"])},
            302,
        ),
        (
            "person",
            f"/en/attestations/person/{dana}/consent/",
            {"agency": world.known["agency_id"]},
            302,
        ),
        *_appeal_forms(world),
        *_hour_forms(world),
    ]


def _hour_forms(world: World) -> list[tuple[str | None, str, dict[str, str], int]]:
    known = world.known
    person = f"/en/marketplace/hours/{known['hours_iin']}/"
    month = known["hours_month"]
    return [
        ("hours_supplier", "/en/marketplace/supplier/slots/",
         {"item": known["sign_item"], "day": known["slot_day"], "time": "10:30", "hours": "1",
          "capacity": "2"}, 302),
        ("hours_person", f"{person}sessions/",
         {"slot": known["slot_id"], "voucher": known["sign_voucher"]}, 302),
        ("hours_supplier", f"/en/marketplace/supplier/timesheets/?month={month}",
         {"month": month, "code": known["assist_code"], "item": known["assist_item"],
          "day_1": "4", "day_2": "3"}, 302),
        ("hours_person", f"{person}stays/",
         {"first_day": known["stay_day"], "days": "3", "item": known["stay_item"],
          "voucher": known["stay_voucher"]}, 302),
    ]  # fmt: skip


def _appeal_forms(world: World) -> list[tuple[str | None, str, dict[str, str], int]]:
    known = world.known
    return [
        ("person", f"/en/appeals/new/benefit_decision/{known['decision_id']}/",
         {"grounds": "I did not understand the offer.", "attachment_title": ""}, 302),
        ("district_officer", f"/en/appeals/{known['appeal_id']}/decide/",
         {"outcome": "refused", "reasons": "The offer was clear.", "amount_kzt": ""}, 302),
    ]  # fmt: skip


def _social_services_forms(world: World) -> list[tuple[str | None, str, dict[str, str], int]]:
    dana, known = world.known["iin"], world.known
    person = f"/en/social-services/person/{dana}/"
    provider = f"/en/social-services/provider/{known['provider_id']}/"
    today = dt.date.today()
    return [
        (
            "district_officer",
            f"{person}need/",
            {"kind": "home_care", "hours_per_month": "40", "starts": "2025-02-01",
             "ends": "2025-12-31"},
        302),
        ("person", f"{person}need/{known['need_id']}/choose/",
         {"provider": known["provider_id"]}, 302),
        ("social_provider", f"{provider}attendance/?month=2025-03",
         {"placement": known["social_placement_id"], "days": "20"}, 302),
        ("social_inspector", provider,
         {"held_on": str(today), "summary": "Planned", "requirement": "premises",
          "note": "Broken lift", "deadline": str(today + dt.timedelta(days=30))}, 302),
        ("person", f"{person}placement/{known['social_placement_id']}/end/",
         {f"end{known['social_placement_id']}-last_day": "2025-06-30",
          f"end{known['social_placement_id']}-reason": "We move"}, 302),
        ("person", f"{provider}complaint/",
         {"complaint-person": dana, "complaint-text": "Nobody met me at the door."}, 302),
        ("social_provider", f"{provider}incident/",
         {"incident-day": str(today), "incident-text": "A resident fell on the stairs."}, 302),
        ("district_officer", "/en/social-services/social-order/",
         {"ngo_name": "Kamkor", "ngo_bin": known["bin"], "title": "Home help",
          "area": "home_care", "year": "2023", "budget_kzt": "25000000",
          "persons_covered": "40"}, 302),
        ("social_inspector", f"{provider}follow-up/",
         {"prescription": known["social_prescription_id"], "remedied_on": str(today),
          "note": "Repaired"}, 302),
    ]  # fmt: skip


# The forms are swept in this many tests, as the pages are: one test of them all was the
# suite's longest (50–60 s), and whichever worker drew it last ran on alone.
FORM_SHARDS = 3


@pytest.mark.parametrize("shard", range(FORM_SHARDS))
def test_no_form_answers_one_hostile_field_with_a_server_error(world: World, shard: int) -> None:
    failures = []
    for role, url, valid, accepted in _valid_forms(world)[shard::FORM_SHARDS]:
        client = _client(world.accounts[role] if role else None)
        method = "get" if url.endswith("/search/") else "post"
        # The valid submission gets through, so each hostile field below reaches the service.
        # Each form starts with a whole allowance of look-ups by IIN: the sweep of the one
        # before may have spent it.
        cache.clear()
        assert send_undone(client, method, url, data=valid).status_code == accepted, url
        for field in valid:
            for value in HOSTILE:
                response = send_undone(client, method, url, data={**valid, field: value})
                if response.status_code >= 500:
                    failures.append(f"{role} {url} {field}={value[:40]!r} → 500")
    assert not failures, "\n".join(failures)


# --- the API, from its OpenAPI document -------------------------------------------------------


def _api_operations() -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path template, path parameters, query parameters) of every operation."""
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            operations.append(
                (
                    method,
                    path,
                    [p["name"] for p in parameters if p["in"] == "path"],
                    [p["name"] for p in parameters if p["in"] == "query"],
                )
            )
    return operations


@pytest.mark.parametrize("role", ["ministry_admin", "district_officer", "person"])
def test_no_api_operation_answers_a_hostile_request_with_a_server_error(
    world: World, role: str
) -> None:
    token = api_token_issue(
        actor=SYSTEM,
        user=world.accounts[role],
        name="sweep",
        agency="Sweep agency",
        purposes=["status_verification"],
    )
    operations = _api_operations()
    assert operations, "the OpenAPI document lists no operation"
    failures = []
    client = Client(raise_request_exception=False)
    for method, path, path_names, query_names in operations:
        for other in OTHER_METHODS:
            url = path
            for name in path_names:
                url = url.replace("{" + name + "}", world.known.get(name, "1"))
            response = getattr(client, other)(url, headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(f"{other.upper()} {url!r} → {response.status_code}")
        for value in (*HOSTILE, world.known["iin"], new_iin()):
            url = path
            for name in path_names:
                url = url.replace("{" + name + "}", quote(value, safe=""))
            for headers in (
                {"Authorization": f"Bearer {token}"},
                {"Authorization": f"Bearer {value}"},
                {},
            ):
                response = getattr(client, method)(
                    url, data=dict.fromkeys(query_names, value), headers=headers
                )
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url!r} {headers} → {response.status_code}")
    assert not failures, "\n".join(failures)


# --- headers a client chooses ---------------------------------------------------------------------

# WSGI hands headers over as latin-1 text: "\xe2\x98\x83" is how a UTF-8 snowman arrives.
SNOWMAN = "\xe2\x98\x83"
HOSTILE_HEADERS = (
    {"Accept-Language": SNOWMAN + ", x-;q=abc, *;q=-1"},
    {"Accept-Language": "kk" * 2000},
    {"Cookie": f"sessionid={SNOWMAN}; csrftoken=\x01; django_language=zz-ZZ"},
    {"Cookie": "sessionid=" + "a" * 5000},
    {"Authorization": "Bearer"},
    {"Authorization": f"Basic {SNOWMAN}"},
    {"X-Forwarded-For": "not an address, ::1, 999.1.1.1"},
    {"Content-Type": "multipart/form-data; boundary="},
)


def test_no_page_answers_hostile_headers_with_a_server_error(world: World) -> None:
    client = Client(raise_request_exception=False)
    failures = []
    for route in all_routes():
        if "/admin/" in route.template:
            continue
        url = _url(route, known=world.known)
        for headers in HOSTILE_HEADERS:
            for method in ("get", "post"):
                response = send_undone(client, method, url, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {headers!r:.80} → 500")
    assert not failures, "\n".join(failures)


# --- the sweep finds what it is for ---------------------------------------------------------


@pytest.mark.urls("tests.web.planted_urls")
def test_the_sweep_finds_a_planted_server_error(world: World) -> None:
    """Pages that break behind a query value, a form value and a path value, each let in only to
    a role the sweep does not try first, and a gate that breaks for a role that is not the one
    sending the values: the sweep names each."""
    from tests.web import planted_urls

    values = (
        *(planted_urls.QUERY_VALUE, planted_urls.FORM_VALUE),
        *(planted_urls.PATH_VALUE, planted_urls.BRANCH_VALUE),
    )
    assert set(values) <= set(HOSTILE[1:]), "a planted value must be one sent after the first"
    world = World(world.accounts, known={})  # an account of each role; no records
    planted = [route for route in all_routes() if route.name.startswith("planted_")]
    assert len(planted) == 4
    failures = _sweep_pages(world, planted, roles=SWEEP_ROLES)

    def found(start: str, value: str) -> bool:
        return any(f.startswith(start) and f"(value {value!r})" in f for f in failures)

    assert found("district_officer: GET '/planted/query/'", planted_urls.QUERY_VALUE), failures
    assert found("district_officer: POST '/planted/form/'", planted_urls.FORM_VALUE), failures
    path = f"/planted/path/{quote(planted_urls.PATH_VALUE)}/"
    assert found(f"district_officer: GET {path!r}", planted_urls.PATH_VALUE), failures
    assert found("district_officer: GET '/planted/branch/'", planted_urls.BRANCH_VALUE), failures
    # The auditor's gate, on each page: its plain GET and POST.
    for url in ("/planted/query/", "/planted/form/", "/planted/path/1/", "/planted/branch/"):
        for method in ("GET", "POST"):
            assert f"auditor: {method} {url!r} (value '') → 500" in failures, failures
    # Nothing else broke.
    assert all(f.startswith(("district_officer: ", "auditor: ")) for f in failures), failures
