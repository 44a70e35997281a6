"""Telling persons about offers and decisions: a small backend interface and the local backend.

A backend receives ``Notice`` objects (recipient, kind, proposal, parameters — never text: the
text is rendered when read, in the reader's language, by ``message_text``). The setting
``MESSAGING_BACKEND`` (``INCLUSIO_MESSAGING_BACKEND``) names the backend class.

``LocalBackend`` stores ``Message`` rows, which the person's pages show. An SMS gateway would be
a subclass of it that, in ``send``, also queues the texts with ``transaction.on_commit`` (so a
rolled-back run sends nothing) in the recipient's preferred language. A screening run notifies
every proposal of the run through ``send_run``: the local backend does that in one set-based
statement; the default implementation goes through ``send`` in chunks, so an adapter that only
implements ``send`` works for runs too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from inclusio.benefits.models import Message, Programme, Proposal
from inclusio.rules.rates import percent

RUN_CHUNK = 5000

# The message kind for a proposal, by whether it was assigned on import (by law or because it
# ends a benefit) or waits for the person's answer.
KIND_OF_PROPOSAL = {
    (Proposal.Kind.NEW, False): Message.Kind.OFFER,
    (Proposal.Kind.CHANGED, False): Message.Kind.CHANGE_OFFERED,
    (Proposal.Kind.NEW, True): Message.Kind.GRANTED,
    (Proposal.Kind.CHANGED, True): Message.Kind.AMOUNT_CHANGED,
    (Proposal.Kind.ENDED, True): Message.Kind.ENDED,
}


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    kind: str  # a Message.Kind value
    proposal_id: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


class Backend:
    """The messaging interface. Subclasses implement ``send``; ``send_run`` may be overridden
    for speed. Both are called inside the transaction of the write that causes them."""

    def send(self, notices: Sequence[Notice]) -> None:
        raise NotImplementedError

    def send_run(self, run_id: int) -> int:
        """Notify the person of every proposal of the run; return how many notices."""
        sent = 0
        batch: list[Notice] = []
        proposals = Proposal.objects.filter(run_id=run_id).order_by("id")
        for proposal in proposals.iterator(chunk_size=RUN_CHUNK):
            batch.append(notice_for(proposal))
            if len(batch) >= RUN_CHUNK:
                self.send(batch)
                sent += len(batch)
                batch = []
        if batch:
            self.send(batch)
            sent += len(batch)
        return sent


class LocalBackend(Backend):
    """Stores messages in the database for the person's pages."""

    def send(self, notices: Sequence[Notice]) -> None:
        now = timezone.now()
        Message.objects.bulk_create(
            [
                Message(
                    recipient_id=n.recipient_id,
                    kind=n.kind,
                    proposal_id=n.proposal_id,
                    parameters=n.parameters,
                    created_at=now,
                )
                for n in notices
            ],
            batch_size=RUN_CHUNK,
        )

    def send_run(self, run_id: int) -> int:
        # One INSERT … SELECT for the whole run: a national run has hundreds of thousands of
        # proposals. The parameters are read from the proposal when the message is rendered.
        message, proposal = Message._meta.db_table, Proposal._meta.db_table
        cases = " ".join(
            f"WHEN p.kind = '{kind}' AND p.status {'=' if assigned else '<>'} 'assigned'"
            f" THEN '{message_kind}'"
            for (kind, assigned), message_kind in KIND_OF_PROPOSAL.items()
        )
        empty = "CAST('{}' AS jsonb)" if connection.vendor == "postgresql" else "'{}'"
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        # Only constant kinds and the models' table names are interpolated.
        sql = (
            f"INSERT INTO {message} (recipient_id, kind, proposal_id, parameters, created_at)"  # noqa: S608
            f" SELECT p.person_id, CASE {cases} END, p.id, {empty}, %s FROM {proposal} p"
            " WHERE p.run_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, run_id])
            return int(cursor.rowcount)


def notice_for(proposal: Proposal) -> Notice:
    assigned = proposal.status == Proposal.Status.ASSIGNED
    return Notice(
        recipient_id=proposal.person_id,
        kind=KIND_OF_PROPOSAL[(Proposal.Kind(proposal.kind), assigned)],
        proposal_id=proposal.pk,
    )


@cache
def _backend_class(path: str) -> type[Backend]:
    backend: type[Backend] = import_string(path)
    return backend


def backend() -> Backend:
    return _backend_class(settings.MESSAGING_BACKEND)()


def send(notices: Iterable[Notice]) -> None:
    backend().send(list(notices))


def _amount(value: int | None) -> str:
    return f"{value:,}".replace(",", "\u00a0") if value is not None else ""


def message_text(message: Message, language: str) -> str:
    """The message in ``language``, rendered now from its kind and its proposal."""
    proposal = message.proposal
    with translation.override(language):
        if proposal is None:
            return str(Message.Kind(message.kind).label)
        programme: Programme = proposal.programme
        values = {
            "programme": programme.title_in(language),
            "amount": _amount(proposal.amount_kzt),
            "previous": _amount(proposal.previous_amount_kzt),
            # A rate is a share of a price, never money (``rules.rates``).
            "percent": percent(proposal.rate, language) if proposal.rate is not None else "",
        }
        kind = message.kind
        if kind == Message.Kind.OFFER:
            if proposal.amount_kzt is None:
                return (
                    _("You are entitled to “%(programme)s”. Give your consent to receive it.")
                    % values
                )
            return (
                _(
                    "You are entitled to “%(programme)s”: %(amount)s tenge a month. "
                    "Give your consent to receive it."
                )
                % values
            )
        if kind == Message.Kind.CHANGE_OFFERED:
            if proposal.rate is not None:
                return (
                    _(
                        "Your “%(programme)s” can change to %(percent)s off the price. Give "
                        "your consent to the new rate."
                    )
                    % values
                )
            return (
                _(
                    "Your “%(programme)s” can change from %(previous)s to %(amount)s tenge a "
                    "month. Give your consent to the new amount."
                )
                % values
            )
        if kind == Message.Kind.GRANTED:
            if proposal.amount_kzt is None:
                return _("You have been granted “%(programme)s”.") % values
            return _("You have been granted “%(programme)s”: %(amount)s tenge a month.") % values
        if kind == Message.Kind.AMOUNT_CHANGED:
            if proposal.rate is not None:
                return _("Your “%(programme)s” changes to %(percent)s off the price.") % values
            return (
                _("Your “%(programme)s” changes from %(previous)s to %(amount)s tenge a month.")
                % values
            )
        if not proposal.reasons:
            # No condition was checked: the programme is no longer in force.
            return _("Your “%(programme)s” ends. The decision says why.") % values
        return _("Your “%(programme)s” ends: you no longer meet its conditions.") % values
