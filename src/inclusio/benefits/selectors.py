"""Every read of the benefits app, scoped to the actor; reads by someone else are logged.

The person reads their own offers, awards, decisions and messages silently; a representative or
an officer leaves an entry in the access log. Runs are staff data: national staff see every
count, regional staff only their region's proposal counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    PaymentAccount,
    Proposal,
    ScreeningRun,
)
from inclusio.core.audit import Actor
from inclusio.registry.models import Person


@dataclass(frozen=True)
class ConditionLine:
    name: str  # the condition's name in the rule file (its reason code)
    met: bool
    text: str  # the rule file's plain-language sentence in the reader's language, else the name


@dataclass(frozen=True)
class ParameterLine:
    name: str
    value: str  # as written in the rule file ("1.61", "43407")
    effective: dt.date | None
    reference: str


@dataclass(frozen=True)
class Explanation:
    """Why a person receives something or not, in plain structured data for a page."""

    programme_code: str
    programme_title: str
    reference: str
    kind: str  # the proposal's kind: new | changed | ended
    eligible: bool
    amount_kzt: int | None
    previous_amount_kzt: int | None
    conditions: list[ConditionLine] = field(default_factory=list)
    parameters: list[ParameterLine] = field(default_factory=list)
    rule_sha256: str = ""
    screening_date: dt.date | None = None
    outcome: str = ""  # a decision's outcome; empty for a proposal not yet decided
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class RunView:
    """A run as the actor may see it: national staff every count, regional staff their region's
    proposal counts only (``counts`` then holds ``proposals`` of the region and nothing else)."""

    run: ScreeningRun
    counts: dict[str, Any]
    region_code: str | None  # the region the counts are limited to, None = national


def offers_for(*, actor: Actor, person: Person) -> list[Proposal]:
    """The person's pending proposals, most urgent family situation first, then oldest."""
    raise NotImplementedError


def awards_for(*, actor: Actor, person: Person, current_only: bool = False) -> list[Award]:
    """The person's awards, current ones first."""
    raise NotImplementedError


def decisions_for(*, actor: Actor, person: Person) -> list[Decision]:
    """The person's benefit decisions, newest first."""
    raise NotImplementedError


def messages_for(*, actor: Actor, person: Person) -> list[Message]:
    """The person's messages, newest first (render each with ``messaging.message_text``)."""
    raise NotImplementedError


def payment_account_current(*, actor: Actor, person: Person) -> PaymentAccount | None:
    """The account the person's payments go to (the latest given), if any."""
    raise NotImplementedError


def proposal_get(*, actor: Actor, proposal_id: int) -> Proposal:
    """One proposal of a person the actor may see (NotFound otherwise, AccessDenied logged)."""
    raise NotImplementedError


def decision_get(*, actor: Actor, decision_id: int) -> Decision:
    """One decision of a person the actor may see."""
    raise NotImplementedError


def explanation(item: Proposal | Decision, language: str) -> Explanation:
    """Why: the conditions met or not (with the rule file's sentence in ``language`` when it has
    one), the parameter values with their effective dates and references, the legal reference
    and the amount. A decision's explanation is the copy frozen when it was taken."""
    raise NotImplementedError


def runs_list(*, actor: Actor) -> list[RunView]:
    """Screening runs, newest first, as the actor may see them."""
    raise NotImplementedError


def run_get(*, actor: Actor, run_id: int) -> RunView:
    """One screening run with the counts the actor may see."""
    raise NotImplementedError
