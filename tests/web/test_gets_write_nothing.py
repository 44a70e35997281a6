"""Opening a page or calling the API by GET writes nothing: no audit event, no message marked
read. Every write goes through a service by POST. (Reads of a person's data by someone else are
still recorded in the person's access log: that is the record of the read, not a write.)

The walk takes every GET address of the platform's own URL configuration (the Django admin's
are its own), so a new page joins it by existing; an address whose arguments it cannot fill
fails the test until ARGUMENTS learns them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inclusio.appeals.services import Upload, appeal_file
from inclusio.assessment.models import Referral
from inclusio.assessment.services import referral_file
from inclusio.benefits.models import Award, Decision, Message, Payroll, WhatIfRequest
from inclusio.benefits.selectors import explanation_data
from inclusio.benefits.services import payroll_create
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AuditEvent, User
from inclusio.core.tokens import api_token_issue
from inclusio.emergency import areas
from inclusio.emergency.services import alert_send
from inclusio.marketplace.services import item_photo_add
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import care_link_create
from tests.accessibility.builders import make_facility, make_inspected
from tests.browser.benefits_data import make_counted_run, make_offer
from tests.crpd.builders import crpd_world
from tests.employment.builders import make_workplace
from tests.factories import make_person, make_trio, make_user, sign_in
from tests.interop.attestation_builders import attestation_world
from tests.marketplace.builders import make_item, make_supplier
from tests.marketplace.orders_builders import an_order
from tests.marketplace.till_builders import a_sale_and_token
from tests.socialservices.builders import social_services_world

pytestmark = pytest.mark.django_db

# POST-only addresses: a GET is refused before anything runs (asserted below).
POST_ONLY = {
    "web:logout",
    "benefits:messages_read",
    "benefits:payment_account",
    "benefits:payment_file",
    "benefits:payroll_approve",
    "registry:life_event_record",
    "marketplace:item_photo_add",
    "marketplace:item_places_set",
    "marketplace:order_act",
    "marketplace:token_revoke",
    "emergency:token_revoke",
    *("marketplace:booking_cancel", "marketplace:slot_hold"),
    *("attestations:issue", "attestations:consent", "attestations:withdraw"),
    "dci:attestation_issue",
    *("crpd:indicator_new", "crpd:measure_new"),
}


def _named_routes() -> list[tuple[str, list[str]]]:
    """(namespaced name, argument names) of every route served by the platform's own views."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(("inclusio.", "ninja.")):
                    found.append((namespace + pattern.name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def world() -> dict[str, Any]:
    """A person with an offer, a decision, an award, a referral, a run and a payroll, and the
    people who look at them."""
    trio = make_trio()
    person = trio.person
    offer = make_offer(person)
    decided = make_offer(person, "free_legal_aid")
    decision = Decision.objects.create(
        proposal=decided,
        person=person,
        programme=decided.programme,
        outcome="granted",
        amount_kzt=None,
        explanation=explanation_data(decided),
    )
    Award.objects.create(
        person=person,
        programme=offer.programme,
        amount_kzt=offer.amount_kzt,
        starts=dt.date(2024, 1, 1),
        decision=decision,
    )
    run = make_counted_run([make_person()])
    payroll = payroll_create(actor=SYSTEM, month=dt.date(2024, 2, 1))
    doctor = make_user("doctor", "medical_referrer", "71")
    referral = referral_file(
        actor=doctor,
        person=person,
        kind=Referral.Kind.INITIAL,
        mode=Referral.Mode.IN_ABSENTIA,
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
    )
    carer_account = make_user("mother", "representative", None)
    carer = make_person(user=carer_account, given_name="Айгүл")
    care_link_create(
        actor=SYSTEM, carer=carer, cared=person, relation="guardian", since=dt.date(2020, 1, 1)
    )
    minister = make_user("minister", "ministry_admin", None)
    supplier = make_supplier("supplier", serial=1, status="pending")
    stay = make_item(supplier, category_code="sanatorium_treatment")
    photo = item_photo_add(
        actor=supplier.representative,
        item_id=stay.pk,
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + bytes(16)),
        alt_text="A photo",
    )
    asked = WhatIfRequest.objects.create(
        requested_by=minister,
        programme_code=offer.programme.code,
        compare_on=dt.date(2024, 1, 1),
        draft="id: draft",
        run=run,
    )
    order = an_order(person.user, person)
    sale, supplier_token = a_sale_and_token()
    # An alert an emergency officer sent around the person's home (the person is deaf).
    emergency_officer = make_user("alerts", "emergency_officer", "71")
    DisabilityStatus.objects.filter(person=person).update(hearing=True)
    Person.objects.filter(pk=person.pk).update(latitude=51.128, longitude=71.43)
    alert = alert_send(
        actor=emergency_officer,
        area=areas.circle(51.128, 71.43, 500),
        texts={"kk": "Су тасқыны.", "ru": "Наводнение.", "en": "Flood."},
    )
    employment_officer = make_user("employment", "employment_officer", "71")
    workplace = make_workplace(employment_officer, person)
    social = social_services_world(
        trio,
        {
            "district_officer": trio.own_officer,
            "social_provider": make_user("provider", "social_provider", "71"),
            "social_inspector": make_user("inspector", "social_inspector", "71"),
        },
    )
    # An appeal against the decision, with a document, for the appeal pages.
    appeal = appeal_file(
        actor=person.user,
        kind="benefit_decision",
        decision_id=decision.pk,
        grounds="The amount is wrong.",
        attachments=[Upload("Letter", SimpleUploadedFile("a.pdf", b"%PDF-1.4 letter"))],
    )
    return {
        "viewers": {
            "anonymous": AnonymousUser(),
            "person": person.user,
            "representative": carer_account,
            "own officer": trio.own_officer,
            "other officer": trio.other_officer,
            "doctor": doctor,
            "mse": make_user("mse", "mse_specialist", "71"),
            "minister": minister,
            "supplier": supplier.representative,
            "employment officer": employment_officer,
            "emergency officer": emergency_officer,
            "provider": User.objects.get(username="provider"),
            "inspector": User.objects.get(username="inspector"),
            "crpd officer": make_user("crpd", "crpd_officer", None),
        },
        "token": api_token_issue(
            actor=SYSTEM,
            user=minister,
            name="walk",
            agency="Walk agency",
            purposes=["status_verification"],
        ),
        "arguments": {
            "iin": person.iin,
            "proposal_id": offer.pk,
            "decision_id": decision.pk,
            "run_id": run.pk,
            "payroll_id": payroll.pk,
            "referral_id": referral.pk,
            "request_id": asked.pk,
            "item_id": stay.pk,
            "photo_id": photo.pk,
            "supplier_id": supplier.pk,
            "order_id": order.pk,
            "action": "accept",
            "alert_id": alert.pk,
            "bin": workplace.placement.employer.bin,
            "workplace_id": workplace.pk,
            "placement_id": workplace.placement_id,
            **social,
            **attestation_world(person),
            # The accessibility map's facility (its photos share photo_id's number).
            "facility_id": make_facility().pk,
            # The in-shop till's sale and a supplier's API token.
            "sale_id": sale.pk,
            "token_id": supplier_token.pk,
            # State control's inspection, prescription and barrier report (accessibility).
            **make_inspected(person.user),
            "kind": "benefit_decision",
            "appeal_id": appeal.pk,
            "attachment_id": appeal.attachments.get().pk,
            # Services by the hour: POST-only, refused to a GET before anything is read.
            "booking_id": 1,
            "slot_id": 1,
            **crpd_world(),
            # The public statistics: a dataset and a file (the run's open data is empty: 404).
            "dataset_id": "PWD_REGION_GROUP_SEX",
            "file_name": "catalogue.jsonld",
        },
    }


def _state() -> tuple[int, int]:
    return AuditEvent.objects.count(), Message.objects.exclude(read_at=None).count()


def _urls(world: dict[str, Any]) -> list[tuple[str, str]]:
    urls = []
    for name, names in _named_routes():
        missing = set(names) - set(world["arguments"])
        assert not missing, f"{name}: teach the walk its arguments {sorted(missing)}"
        kwargs = {argument: world["arguments"][argument] for argument in names}
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def test_every_page_and_api_get_writes_nothing(world: dict[str, Any]) -> None:
    urls = _urls(world)
    assert {"benefits:offer", "benefits:decision", "api:person_status"} <= {n for n, _ in urls}
    assert Payroll.objects.exists() and Message.objects.filter(read_at=None).count() == 3
    before = _state()
    for who, viewer in world["viewers"].items():
        client = Client()
        if isinstance(viewer, User):
            sign_in(client, viewer)
        for name, url in urls:
            headers = (
                {"Authorization": f"Bearer {world['token']}"} if name.startswith("api:") else {}
            )
            response = client.get(url, headers=headers)
            assert response.status_code < 500, (who, url, response.status_code)
            if name in POST_ONLY:
                assert response.status_code in (302, 403, 405), (who, url, response.status_code)
            assert _state() == before, f"GET {url} as {who} wrote"
