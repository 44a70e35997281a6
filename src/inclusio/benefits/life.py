"""A death, an emigration or an imprisonment recorded in the registry stops benefits at once.

The registry sends ``life_event_recorded`` inside the transaction that records the event; this
receiver, in the same transaction, ends from the event's date:

* every current award of the person (the award runs until the day before the event), and the
  offers still waiting for their answer (withdrawn: they no longer apply);
* the current award of a carer programme held by a carer of the person when the person was the
  only one that carer cares for: a carer's right rests on the cared person. A carer who also
  cares for someone else keeps the award until the next screening recounts the amount;
* the payments of those awards for a month that begins on or after the event's date, and the
  top-ups owed on appeal for such a month of the same benefits (stopped: a payment file
  produced from then on leaves them out); the payroll of a later month pays current awards
  only, so it has none of them.

A release records nothing here: the next screening offers the rights again. The next screening
agrees with all this, because the snapshot export writes the recorded dates into the persons
(``registry.export``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db.models import Q

from inclusio.benefits.models import Award, Payment, Programme, Proposal, TopUp
from inclusio.core.audit import Actor, record_write
from inclusio.core.parameters import shared_parameters
from inclusio.registry.models import CareLink, LifeEvent, Person
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme_text

# The kinds that end rights (a release does not).
ENDING = frozenset({LifeEvent.Kind.DEATH, LifeEvent.Kind.EMIGRATION, LifeEvent.Kind.IMPRISONMENT})


@cache
def _is_carer_programme(version_id: int, text: str, file: str) -> bool:
    """Whether the rule version has a ``cared`` section (versions are never edited)."""
    try:
        return load_programme_text(text, file=file, shared=shared_parameters()).cared is not None
    except RuleError:  # a version the loader now refuses: not read as a carer programme
        return False


def _carer_programmes() -> set[int]:
    found = set()
    for programme in Programme.objects.select_related("active_version").filter(
        active_version__isnull=False
    ):
        version = programme.active_version
        assert version is not None
        if _is_carer_programme(version.pk, version.text, version.file):
            found.add(programme.pk)
    return found


def _sole_carers(person: Person, day: dt.date) -> list[int]:
    """The carers of ``person`` on ``day`` who care for nobody else who is still present (a
    cared person with an event that ends rights on or before ``day`` is not)."""
    links = CareLink.objects.filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)
    carers = set(links.filter(cared=person).values_list("carer_id", flat=True))
    gone = LifeEvent.objects.filter(kind__in=list(ENDING), date__lte=day).values("person_id")
    others = (
        links.filter(carer_id__in=carers)
        .exclude(cared=person)
        .exclude(cared_id__in=gone)
        .values_list("carer_id", flat=True)
    )
    return sorted(carers - set(others))


def _end(awards: list[Award], day: dt.date) -> None:
    last = day - dt.timedelta(days=1)
    for award in awards:
        award.ends = max(award.starts, last)
    Award.objects.bulk_update(awards, ["ends"])


def awards_end_on_life_event(
    *, actor: Actor, person_id: int, kind: str, date: dt.date, event_id: int, **_signal: Any
) -> None:
    """The receiver of ``registry.events.life_event_recorded`` (see the module's text)."""
    if kind not in ENDING:
        return
    person = Person.objects.get(pk=person_id)
    own = list(Award.objects.select_for_update().filter(person=person, ends__isnull=True))
    carers = _sole_carers(person, date)
    carer_awards = []
    if carers:
        carer_awards = list(
            Award.objects.select_for_update().filter(
                person_id__in=carers,
                ends__isnull=True,
                programme_id__in=_carer_programmes(),
            )
        )
    ended = own + carer_awards
    _end(ended, date)
    stopped = Payment.objects.filter(
        award__in=ended, month__gte=date, status__in=[Payment.Status.SCHEDULED, Payment.Status.HELD]
    ).update(status=Payment.Status.STOPPED)
    # A top-up may belong to an earlier award of the same benefit (an amount corrected on
    # appeal from a past day ends the award it corrects).
    benefits = Q(pk__in=[])
    for award in ended:
        benefits |= Q(award__person_id=award.person_id, award__programme_id=award.programme_id)
    stopped_top_ups = (
        TopUp.objects.filter(benefits)
        .filter(month__gte=date, status__in=[Payment.Status.SCHEDULED, Payment.Status.HELD])
        .update(status=Payment.Status.STOPPED)
        if ended
        else 0
    )
    withdrawn = Proposal.objects.filter(person=person, status=Proposal.Status.PENDING).update(
        status=Proposal.Status.WITHDRAWN
    )
    record_write(
        actor=actor,
        action="awards_end_on_life_event",
        entity="person",
        entity_id=person.iin,
        data={
            "event": event_id,
            "kind": kind,
            "awards": sorted(a.pk for a in own),
            "carer_awards": sorted(a.pk for a in carer_awards),
            "payments_stopped": stopped,
            "top_ups_stopped": stopped_top_ups,
            "offers_withdrawn": withdrawn,
        },
    )
