"""Benefit offers, decisions, runs and payrolls for the page tests (view tests and browser).

Proposals are written as a screening run writes them (reasons, parameters with their effective
dates, a message to the person), without running a screening: the pages only read them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from inclusio.benefits.models import Message, Programme, Proposal, ScreeningRun
from inclusio.benefits.services import programmes_load
from inclusio.core.audit import SYSTEM
from inclusio.registry.models import Person

ON = dt.date(2024, 1, 1)
IBAN = "KZ18722S000012345678"  # a valid Kazakh IBAN (the check digits hold)
_snapshots = itertools.count(1)

SOCIAL_CODE = {
    "kk": "Қазақстан Республикасының 2023 жылғы 20 сәуірдегі № 224-VII Әлеуметтік кодексі",
    "ru": "Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VII",
    "en": "Social Code of the Republic of Kazakhstan of 20 April 2023 No. 224-VII",
}
# Reasons, parameters and the person's own values as `inclusio screen` writes them for a person
# of group II on ON.
DISABILITY_BENEFIT: dict[str, Any] = {
    "amount_kzt": 50352,
    "reasons": [
        {"condition": "has_group", "met": True},
        {"condition": "valid_on_date", "met": True},
    ],
    "parameters": {
        "coefficient_group_1": {
            "value": "1.40",
            "effective": "2023-01-01",
            "reference": SOCIAL_CODE,
            "illustrative": True,
        },
        "coefficient_group_2": {
            "value": "1.16",
            "effective": "2023-01-01",
            "reference": SOCIAL_CODE,
            "illustrative": True,
        },
        "coefficient_group_3": {
            "value": "0.88",
            "effective": "2023-01-01",
            "reference": SOCIAL_CODE,
            "illustrative": True,
        },
        "subsistence_minimum": {
            "value": 43407,
            "effective": "2024-01-01",
            "reference": "Law on the republican budget for 2024-2026",
        },
    },
    "inputs": [{"name": "category", "value": "II"}],
}
FREE_LEGAL_AID: dict[str, Any] = {
    "amount_kzt": None,
    "reasons": [
        {"condition": "group_1_or_2", "met": True},
        {"condition": "valid_on_date", "met": True},
    ],
    "parameters": {},
}
FREE_CULTURAL_SERVICES: dict[str, Any] = {
    "amount_kzt": None,
    "rate": "0.5",  # a share of the price: group III pays half
    "reasons": [
        {"condition": "valid_on_date", "met": True},
        {"condition": "free_of_charge", "met": False},
        {"condition": "half_price", "met": True},
    ],
    "parameters": {},
}
PROGRAMME_DATA = {
    "disability_benefit": DISABILITY_BENEFIT,
    "free_legal_aid": FREE_LEGAL_AID,
    "free_cultural_services": FREE_CULTURAL_SERVICES,
}


def programmes() -> dict[str, Programme]:
    """The country's programmes, loaded as `inclusio benefits-programmes` does (idempotent)."""
    if not Programme.objects.filter(code="disability_benefit").exists():
        report = programmes_load(actor=SYSTEM)
        assert not report.errors, report.errors
    return {p.code: p for p in Programme.objects.all()}


def make_run(
    *, counts: dict[str, Any] | None = None, snapshot_dir: Path | None = None
) -> ScreeningRun:
    """A completed run; ``snapshot_dir`` a real snapshot where the page reads it (what-if)."""
    serial = next(_snapshots)
    return ScreeningRun.objects.create(
        snapshot_dir=str(snapshot_dir or f"var/snapshot-test-{serial}"),
        snapshot_id=f"{serial:064x}",
        screening_date=ON,
        engine="duckdb",
        status=ScreeningRun.Status.COMPLETED,
        finished_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
        seconds=2.4,
        counts=counts or {},
    )


def make_offer(
    person: Person,
    code: str = "disability_benefit",
    *,
    run: ScreeningRun | None = None,
    kind: str = Proposal.Kind.NEW,
    status: str = Proposal.Status.PENDING,
) -> Proposal:
    """A proposal of ``code`` for ``person``, and the message telling them about it."""
    programme = programmes()[code]
    data = PROGRAMME_DATA[code]
    ended = kind == Proposal.Kind.ENDED
    reasons = [
        {"condition": r["condition"], "met": not (ended and i == 0)}
        for i, r in enumerate(data["reasons"])
    ]
    proposal = Proposal.objects.create(
        run=run or make_run(),
        programme=programme,
        version=programme.active_version,
        subject_kind="person",
        subject_id=person.iin,
        person=person,
        kind=kind,
        amount_kzt=None if ended else data["amount_kzt"],
        rate=None if ended else data.get("rate"),
        previous_amount_kzt=data["amount_kzt"] if ended else None,
        reasons=reasons,
        parameters=data["parameters"],
        inputs=data.get("inputs", []),
        status=status,
    )
    Message.objects.create(
        recipient=person,
        kind=Message.Kind.ENDED if ended else Message.Kind.OFFER,
        proposal=proposal,
    )
    return proposal


def make_group_offers(person: Person) -> tuple[Proposal, Proposal]:
    """Two offers of one exclusivity group, the proposed one and an alternative, for the pages
    that show a group. Page data only: the country's programmes are in no group (no law makes
    them one choice), so two of them are put in one here, on the offers alone."""
    proposed, alternative = make_offer(person), make_offer(person, "free_legal_aid")
    Proposal.objects.filter(pk__in=[proposed.pk, alternative.pk]).update(
        exclusive_group="state_benefit"
    )
    Proposal.objects.filter(pk=alternative.pk).update(alternative=True)
    return Proposal.objects.get(pk=proposed.pk), Proposal.objects.get(pk=alternative.pk)


def make_counted_run(persons: list[Person]) -> ScreeningRun:
    """A run with an offer for each person and the counts a screening run keeps."""
    run = make_run()
    by_region: dict[str, dict[str, int]] = {}
    for person in persons:
        make_offer(person, run=run)
        region = by_region.setdefault(person.region_id, {"new": 0, "changed": 0, "ended": 0})
        region["new"] += 1
    run.counts = {
        "subjects": 4321,
        "eligible": {"disability_benefit": 4321, "free_legal_aid": 1234},
        "proposals": {"new": len(persons), "changed": 0, "ended": 0},
        "automatic": 0,
        "not_in_registry": 0,
        "by_region": by_region,
    }
    run.save(update_fields=["counts"])
    return run
