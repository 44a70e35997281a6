"""Every write of the benefits app: programmes, screening runs, consent, refusal, payroll.

Each function is keyword-only, runs in one transaction and leaves an audit record. A screening
run writes all its proposals, messages and automatic decisions in a single transaction (see
``screening.py``): it either completes or leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from inclusio.benefits.models import Decision, Payroll, ScreeningRun
from inclusio.core.audit import Actor


@dataclass
class LoadReport:
    """What ``programmes_load`` did, file by file."""

    loaded: list[str] = field(default_factory=list)  # programme codes with a new version
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that are not benefit programmes
    errors: list[str] = field(default_factory=list)  # "file:line: message"; old version stays


def programmes_load(*, actor: Actor = None, directory: Path | None = None) -> LoadReport:
    """Load every programme file (``*.yaml`` but not ``*.test.yaml``) of ``directory`` (default:
    the configured country's programmes folder).

    A file that fails to load is reported with its place and cause, and the version loaded
    before stays active; an unchanged file makes no new version; an assessment file
    (``kind: assessment``) is skipped.
    """
    raise NotImplementedError


def screening_run(
    *, actor: Actor, snapshot_dir: Path | str, on: dt.date, engine: str = "duckdb"
) -> ScreeningRun:
    """Screen the snapshot on ``on`` and turn the results into proposals.

    Idempotent: the same snapshot (the SHA-256 of its manifest) and date that already has a
    completed run returns that run and writes nothing. Crash-safe: proposals, messages and the
    automatic decisions are written in one transaction; on failure nothing of them remains and
    the run is marked failed (and the error raised again).
    """
    raise NotImplementedError


def proposal_accept(
    *, actor: Actor, proposal_id: int, payment_account: str | None = None
) -> Decision:
    """The person (or their representative) consents to a pending proposal.

    A cash programme needs a payment account: the IBAN given now, or one given before. A second
    consent returns the existing decision and writes nothing.
    """
    raise NotImplementedError


def proposal_refuse(*, actor: Actor, proposal_id: int) -> Decision:
    """The person (or their representative) refuses a pending proposal."""
    raise NotImplementedError


def message_mark_read(*, actor: Actor, message_id: int) -> None:
    """The person (or their representative) has read a message."""
    raise NotImplementedError


def payroll_create(*, actor: Actor, month: dt.date) -> Payroll:
    """The month's payroll: one payment per current cash award that covers the month.

    Ministry only. Running it again for the same month adds only the payments of awards that
    had none yet. Awards without a payment account are kept as held, not paid.
    """
    raise NotImplementedError


def payment_file(payroll: Payroll) -> bytes:
    """The payroll's scheduled payments as an ISO 20022 pain.001.001.09 credit transfer file."""
    raise NotImplementedError
