"""Every read of the benefits app, scoped to the actor; reads by someone else are logged.

The person reads their own offers, awards, decisions and messages silently; a representative or
an officer leaves an entry in the access log. Runs are staff data: national staff see every
count, regional staff only their region's proposal counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.messaging import message_text
from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    Payment,
    PaymentAccount,
    Payroll,
    ProgrammeVersion,
    Proposal,
    ScreeningRun,
    TopUp,
)
from inclusio.core import access
from inclusio.core.audit import Actor, batched
from inclusio.core.errors import AccessDenied, NotFound
from inclusio.core.errors import ErrorCode as CoreErrorCode
from inclusio.core.models import Purpose, Seen, User
from inclusio.core.parameters import shared_parameters
from inclusio.core.roles import SCREENING_RUN, SCREENING_VIEW
from inclusio.core.worklists import Worklist, page_of, require_permission
from inclusio.payments.models import Transfer
from inclusio.payments.reasons import reason_text
from inclusio.registry.models import Person
from inclusio.registry.selectors import own_person, represented_persons
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import CARED_COUNT, MEMBER_COUNT, load_programme_text
from inclusio.rules.loader import Programme as RuleProgramme


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
    reference: str  # in the reader's language
    label: str = ""  # the rule file's plain-language name in the reader's language, else the name
    illustrative: bool = False  # an example value of the demonstration, not the law's


@dataclass(frozen=True)
class CheckedPerson:
    """One cared person or family member as the screening checked them (``rules.detail``): the
    IIN is for looking them up, never shown."""

    iin: str
    counted: bool
    reasons: list[ConditionLine] = field(default_factory=list)


@dataclass(frozen=True)
class PerPerson:
    """A carer or family programme's test of each cared person or member: how many met every
    condition, the conditions in the reader's language, and who met which (``persons``; empty
    for an explanation written before the screening recorded it)."""

    kind: str  # "cared" or "members"
    count: int | None  # None: not recorded (an explanation written before it was)
    conditions: list[str] = field(default_factory=list)
    persons: list[CheckedPerson] = field(default_factory=list)


@dataclass(frozen=True)
class ShownPerson:
    """A checked person as the page may show them (docs/access.md, "Who met which condition"):
    the reader themself, or a cared person or child by given name and age."""

    myself: bool
    given_name: str  # "" for the reader themself and for a person the registry does not hold
    age: int | None
    counted: bool
    reasons: list[ConditionLine] = field(default_factory=list)


@dataclass(frozen=True)
class ShownPersons:
    persons: list[ShownPerson]
    # Other members of the family (adults, or persons the registry does not hold, whose age it
    # cannot tell): checked, but what concerns them is theirs to read.
    others: int = 0


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
    version_id: int | None = None
    # The programme's period of validity: False when the screening date is outside it (a
    # repealed programme); then no condition was checked.
    in_force: bool = True
    valid_until: dt.date | None = None
    inputs: dict[str, str] = field(default_factory=dict)  # the person's own values, as text
    per_person: PerPerson | None = None
    rule: RuleProgramme | None = field(default=None, compare=False)  # the version's rule file
    rate: Decimal | None = None  # a benefit that is a share of a price, not money


@dataclass(frozen=True)
class RunView:
    """A run as the actor may see it: national staff every count, regional staff their region's
    proposal counts only (``counts`` then holds ``proposals`` of the region and nothing else)."""

    run: ScreeningRun
    counts: dict[str, Any]
    region_code: str | None  # the region the counts are limited to, None = national


def _authorise_read(actor: Actor, person: Person, *, what: Seen) -> None:
    """The person reads silently; a representative or an officer of the person's region is
    let through and logged (once per page); anyone else is refused as if the person were not
    there, and the refusal logged."""
    access.see(actor, person, what=what, purpose=Purpose.BENEFITS)


def offers_for(*, actor: Actor, person: Person) -> list[Proposal]:
    """The person's pending proposals, most urgent family situation first, then oldest."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    return list(
        Proposal.objects.filter(person=person, status=Proposal.Status.PENDING)
        .select_related("programme", "run")
        .order_by("priority", "created_at", "id")
    )


def awards_for(*, actor: Actor, person: Person, current_only: bool = False) -> list[Award]:
    """The person's awards, current ones first, then the latest started."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    last_paid = Payment.objects.filter(
        award=OuterRef("pk"), status=Payment.Status.SCHEDULED
    ).order_by("-month")
    awards = (
        Award.objects.filter(person=person)
        .select_related("programme", "decision")
        # In the same query: the page says when a one-off grant was paid and the last month
        # paid by the day.
        .annotate(
            **{
                f"last_paid_{name}": Subquery(last_paid.values(name)[:1])
                for name in ("month", "days", "amount_kzt")
            }
        )
    )
    if current_only:
        awards = awards.filter(ends__isnull=True)
    return sorted(awards, key=lambda a: (a.ends is not None, -a.starts.toordinal(), -a.pk))


def returned_payments_for(*, actor: Actor, person: Person) -> list[Payment]:
    """The person's payments the bank returned, held until they give a corrected account,
    oldest month first; each with ``returned_code``, the bank's reason code."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    rejected = Transfer.objects.filter(
        purpose_kind=Transfer.Purpose.BENEFIT,
        purpose_id=OuterRef("pk"),
        state=Transfer.State.REJECTED,
    ).order_by("-settled_at", "-id")
    return list(
        Payment.objects.filter(award__person=person, status=Payment.Status.HELD)
        .annotate(returned_code=Subquery(rejected.values("reason_code")[:1]))
        .filter(Exists(rejected))
        .select_related("award__programme")
        .order_by("month", "id")
    )


def top_ups_for(*, actor: Actor, person: Person) -> list[TopUp]:
    """The top-ups owed to the person on appeal, the latest month first, in one query: each with
    its programme, its payroll, and ``transfer_state`` (its latest payment line's state, None
    before its payment file)."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    latest = Transfer.objects.filter(
        purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP, purpose_id=OuterRef("pk")
    ).order_by("-id")
    return list(
        TopUp.objects.filter(award__person=person)
        .annotate(transfer_state=Subquery(latest.values("state")[:1]))
        .select_related("award__programme", "payroll")
        .order_by("-month", "award__programme_id", "id")
    )


def decisions_for(*, actor: Actor, person: Person) -> list[Decision]:
    """The person's benefit decisions, newest first."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    return list(
        Decision.objects.filter(person=person)
        .select_related("programme", "proposal")
        .order_by("-decided_at", "-id")
    )


def messages_for(*, actor: Actor, person: Person) -> list[Message]:
    """The person's messages, newest first (render each with ``messaging.message_text``)."""
    _authorise_read(actor, person, what=Seen.BENEFITS)
    return list(
        Message.objects.filter(recipient=person)
        .select_related("proposal__programme")
        .order_by("-created_at", "-id")
    )


def payment_account_current(*, actor: Actor, person: Person) -> PaymentAccount | None:
    """The account the person's payments go to (the latest given), if any."""
    _authorise_read(actor, person, what=Seen.PAYMENT_ACCOUNT)
    return PaymentAccount.objects.filter(person=person).order_by("-given_at", "-id").first()


def proposal_get(*, actor: Actor, proposal_id: int) -> Proposal:
    """One proposal of a person the actor may see; unknown and out of scope answer alike (the
    refusal logged for the person)."""
    proposal = (
        Proposal.objects.select_related(
            "programme", "run", "person", "version", "award", "closed_by__programme"
        )
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise access.not_yours()
    _authorise_read(actor, proposal.person, what=Seen.BENEFIT_OFFER)
    return proposal


def decision_get(*, actor: Actor, decision_id: int) -> Decision:
    """One decision of a person the actor may see."""
    decision = (
        Decision.objects.select_related("programme", "person", "proposal__run")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise access.not_yours()
    _authorise_read(actor, decision.person, what=Seen.BENEFIT_DECISION)
    return decision


def group_switch_day(on: dt.date) -> dt.date:
    """The day a benefit chosen in a group starts when it replaces one the person holds: the
    offer's screening date ``on``, or, when a payroll is already made for that month or later,
    the first day of the month after the latest payroll (the next payable month).

    The benefit held ends the day before: the payrolls already made keep its payments, and the
    payroll of the month the chosen one starts, and every later one, pay the chosen one instead
    (a payroll pays the awards current when it is made), so no month is paid twice.
    """
    latest = Payroll.objects.aggregate(latest=Max("month"))["latest"]
    if latest is None:
        return on
    next_month = (latest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return max(on, next_month)


def group_offers(proposal: Proposal) -> list[Proposal]:
    """The open offers of ``proposal``'s exclusivity group to its person (``proposal`` among
    them while it is open), proposed one first. Read for a page that ``proposal_get`` opened
    (and logged)."""
    return list(
        Proposal.objects.filter(
            person_id=proposal.person_id,
            exclusive_group=proposal.exclusive_group,
            status=Proposal.Status.PENDING,
        )
        .select_related("programme")
        .order_by("alternative", "-amount_kzt", "pk")
    )


def held_in_group(proposal: Proposal) -> list[Award]:
    """The person's current benefits of another programme of ``proposal``'s group: choosing
    ``proposal`` ends them (``services.proposal_accept``)."""
    return list(
        Award.objects.filter(
            person_id=proposal.person_id,
            programme__exclusive_group=proposal.exclusive_group,
            ends__isnull=True,
        )
        .exclude(programme_id=proposal.programme_id)
        .select_related("programme")
        .order_by("pk")
    )


def explanation_data(proposal: Proposal) -> dict[str, Any]:
    """The copy of why that a decision keeps (the screening run builds the same keys in SQL for
    the decisions it takes itself)."""
    programme = proposal.programme
    return {
        "programme": programme.code,
        "titles": {"kk": programme.title_kk, "ru": programme.title_ru, "en": programme.title_en},
        "reference": programme.references,
        "rule_sha256": proposal.version.sha256 if proposal.version else "",
        "version_id": proposal.version_id,
        "kind": proposal.kind,
        "eligible": proposal.kind != Proposal.Kind.ENDED,
        "amount_kzt": proposal.amount_kzt,
        "previous_amount_kzt": proposal.previous_amount_kzt,
        # A decimal share, as text to stay exact (as the screening's SQL writes it).
        "rate": str(proposal.rate) if proposal.rate is not None else None,
        "reasons": proposal.reasons,
        "parameters": proposal.parameters,
        "inputs": proposal.inputs,
        "members": proposal.members,
        "screening_date": proposal.run.screening_date.isoformat(),
    }


_rules_cache: dict[tuple[int, str], RuleProgramme | None] = {}


def rule_version(version_id: int | None, sha256: str = "") -> RuleProgramme | None:
    """The rule file of a programme version, loaded: its plain-language texts (``explain``), its
    per-person conditions, its amount and its period of validity.

    Versions are never edited, so what is read once stays true. A stored version was checked
    when it was loaded; one the loader now refuses is None (names are shown instead of texts).
    The text's SHA-256, when the caller has it, is part of the key: a version read once is
    never mistaken for another.
    """
    if version_id is None:
        return None
    key = (version_id, sha256)
    if key not in _rules_cache:
        versions = ProgrammeVersion.objects.filter(pk=version_id)
        version = (versions.filter(sha256=sha256) if sha256 else versions).first()
        rule = None
        if version is not None:
            with contextlib.suppress(RuleError):
                rule = load_programme_text(
                    version.text, file=version.file, shared=shared_parameters()
                )
        _rules_cache[key] = rule
    return _rules_cache[key]


def _sentence(explain: dict[str, dict[str, str]], name: str, language: str) -> str:
    """A condition's or parameter's plain-language text in ``language``; its name if none."""
    texts = explain.get(name, {})
    return texts.get(language) or texts.get("en") or name


def in_language(reference: Any, language: str) -> str:
    """A reference as stored: ``{kk, ru, en}`` (read in ``language``), or one text."""
    if isinstance(reference, dict):
        return str(reference.get(language) or reference.get("en") or "")
    return str(reference or "")


def _checked(data: Any, explain: dict[str, dict[str, str]], language: str) -> list[CheckedPerson]:
    """The persons checked as a proposal or decision stored them, malformed entries left out."""
    persons = []
    for entry in data or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("member"), str):
            continue
        persons.append(
            CheckedPerson(
                iin=entry["member"],
                counted=entry.get("counted") is True,
                reasons=[
                    ConditionLine(
                        name=str(reason["condition"]),
                        met=reason.get("met") is True,
                        text=_sentence(explain, str(reason["condition"]), language),
                    )
                    for reason in entry.get("reasons") or []
                    if isinstance(reason, dict) and "condition" in reason
                ],
            )
        )
    return persons


def _per_person(
    rule: RuleProgramme | None, inputs: dict[str, str], members: Any, language: str
) -> PerPerson | None:
    if rule is None:
        return None
    for kind, section, counted in (
        ("cared", rule.cared, CARED_COUNT),
        ("members", rule.members, MEMBER_COUNT),
    ):
        if section is not None:
            count = inputs.get(counted)
            return PerPerson(
                kind=kind,
                count=int(count) if count is not None and count.isdigit() else None,
                conditions=[_sentence(rule.explain, c.name, language) for c in section.conditions],
                persons=_checked(members, rule.explain, language),
            )
    return None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def persons_checked(
    *, actor: Actor, person: Person, checked: PerPerson, on: dt.date | None
) -> ShownPersons:
    """Who of ``person``'s cared persons or family members met which condition, as far as the
    page may show them (docs/access.md): ``person`` themself; a person they care for, and a
    member of their family under 18 on ``on`` (the screening date), by given name and age;
    another member (an adult, or one the registry does not hold) only counted in ``others``.
    Each person named is read from the registry in one query and has that read in their own
    access log, as a family card's names do."""
    on = on or timezone.localdate()
    iins = {entry.iin for entry in checked.persons if entry.iin != person.iin}
    found = {p.iin: p for p in Person.objects.filter(iin__in=iins)} if iins else {}
    shown: list[ShownPerson] = []
    others = 0
    named: dict[int, Person] = {}
    for entry in checked.persons:
        if entry.iin == person.iin:
            shown.append(ShownPerson(True, "", None, entry.counted, entry.reasons))
            continue
        other = found.get(entry.iin)
        age = _age(other.birth_date, on) if other is not None else None
        if checked.kind == "members" and (age is None or age >= 18):
            others += 1
            continue
        if other is not None:
            named[other.pk] = other
        name = other.given_name if other is not None else ""
        shown.append(ShownPerson(False, name, age, entry.counted, entry.reasons))
    with batched():
        for other in named.values():
            access.see_unchecked(
                actor, other, what=Seen.FAMILY_CARD, purpose=Purpose.BENEFITS, related=True
            )
    return ShownPersons(shown, others)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def explanation(item: Proposal | Decision, language: str) -> Explanation:
    """Why: the conditions met or not (with the rule file's sentence in ``language`` when it has
    one), the parameter values with their effective dates and references, the legal reference
    and the amount. A decision's explanation is the copy frozen when it was taken."""
    language = (language or "kk")[:2]
    if isinstance(item, Decision):
        data = dict(item.explanation)
        outcome, decided_at = item.outcome, item.decided_at
    else:
        data = explanation_data(item)
        outcome, decided_at = "", None
    titles = data.get("titles") or {}
    version_id = data.get("version_id")
    rule = rule_version(
        version_id if isinstance(version_id, int) else None, str(data.get("rule_sha256", ""))
    )
    explain = rule.explain if rule is not None else {}
    screening_date = _date(data.get("screening_date"))
    in_force = rule is None or screening_date is None or rule.in_force(screening_date)
    inputs = {
        str(i["name"]): str(i["value"])
        for i in data.get("inputs") or []
        if isinstance(i, dict) and i.get("value") is not None
    }
    conditions = [
        ConditionLine(
            name=str(reason["condition"]),
            met=bool(reason["met"]),
            text=_sentence(explain, str(reason["condition"]), language),
        )
        for reason in data.get("reasons") or []
    ]
    parameters = [
        ParameterLine(
            name=str(name),
            value=str(value.get("value")),
            effective=_date(value.get("effective")),
            reference=in_language(value.get("reference"), language),
            label=_sentence(explain, str(name), language),
            illustrative=value.get("illustrative") is True,
        )
        for name, value in sorted((data.get("parameters") or {}).items())
        if isinstance(value, dict)
    ]
    return Explanation(
        programme_code=str(data.get("programme", "")),
        programme_title=str(titles.get(language) or titles.get("en") or data.get("programme")),
        reference=in_language(data.get("reference"), language),
        kind=str(data.get("kind", "")),
        eligible=bool(data.get("eligible")),
        amount_kzt=data.get("amount_kzt"),
        previous_amount_kzt=data.get("previous_amount_kzt"),
        conditions=conditions,
        parameters=parameters,
        rule_sha256=str(data.get("rule_sha256", "")),
        screening_date=screening_date,
        outcome=outcome,
        decided_at=decided_at,
        version_id=version_id if isinstance(version_id, int) else None,
        in_force=in_force,
        valid_until=rule.valid_until if rule is not None else None,
        inputs=inputs,
        per_person=_per_person(rule, inputs, data.get("members"), language) if in_force else None,
        rule=rule,
        rate=_share(data.get("rate")),
    )


def _share(value: Any) -> Decimal | None:
    """A rate as the explanation keeps it (text), or None."""
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def _require_run_viewer(actor: Actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm(SCREENING_VIEW):
        raise AccessDenied(
            CoreErrorCode.OUT_OF_SCOPE, _("Your role does not allow seeing the screening runs.")
        )


def _view(actor: Actor, run: ScreeningRun) -> RunView:
    """National staff see every count; regional staff the proposal counts of their region."""
    region = getattr(actor, "region_id", None)
    if region is None:
        return RunView(run=run, counts=dict(run.counts), region_code=None)
    zeros = {kind: 0 for kind in Proposal.Kind.values}
    by_region = run.counts.get("by_region") or {}
    mine = [counts for code, counts in by_region.items() if access.covers_region(actor, code)]
    regional = mine[0] if mine else zeros
    return RunView(run=run, counts={"proposals": dict(regional)}, region_code=str(region))


def runs_list(*, actor: Actor) -> list[RunView]:
    """Screening runs, newest first, as the actor may see them."""
    _require_run_viewer(actor)
    return [_view(actor, run) for run in ScreeningRun.objects.order_by("-started_at", "-id")]


def run_get(*, actor: Actor, run_id: int) -> RunView:
    """One screening run with the counts the actor may see."""
    _require_run_viewer(actor)
    run = ScreeningRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(ErrorCode.RUN_NOT_FOUND, _("There is no such screening run."))
    return _view(actor, run)


# --- worklists ----------------------------------------------------------------------------------


def _in_region[M: (Proposal, Decision, Award)](staff: User, rows: QuerySet[M]) -> QuerySet[M]:
    """Regional staff see their region's persons; national staff everyone."""
    if staff.region_id is None:
        return rows
    return rows.filter(person__region_id=staff.region_id)


def _log_read(actor: Actor, persons: list[Person], what: Seen) -> None:
    with batched():
        access.log_bulk_read(
            actor, [person.iin for person in persons], what=what, purpose=Purpose.BENEFITS
        )


def worklist_unanswered_offers(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer: offers still unanswered ``WORKLIST_UNANSWERED_DAYS`` after
    they were made, the oldest first: the person may not have seen them."""
    staff = require_permission(actor, SCREENING_VIEW)
    before = timezone.now() - dt.timedelta(days=settings.WORKLIST_UNANSWERED_DAYS)
    offers = Proposal.objects.filter(status=Proposal.Status.PENDING, created_at__lte=before)
    found = page_of(
        _in_region(staff, offers)
        .select_related("person", "programme")
        .order_by("created_at", "id"),
        page,
    )
    rows = list(found.object_list)
    _log_read(staff, [offer.person for offer in rows], Seen.BENEFIT_OFFER)
    return Worklist(
        key="unanswered_offers",
        title=_("Offers left unanswered"),
        description=_("Benefits offered more than %(days)s days ago and not answered yet.")
        % {"days": settings.WORKLIST_UNANSWERED_DAYS},
        template="benefits/worklist_offers.html",
        page=found,
        rows=rows,
        empty=_("Every offer older than that has been answered."),
    )


def worklist_refusals(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer: offers the persons of the region refused, the latest first;
    one can be reopened at the person's request."""
    staff = require_permission(actor, SCREENING_VIEW)
    refusals = Decision.objects.filter(outcome=Decision.Outcome.REFUSED, withdrawn_at__isnull=True)
    found = page_of(
        _in_region(staff, refusals)
        .select_related("person", "programme")
        .order_by("-decided_at", "-id"),
        page,
    )
    rows = list(found.object_list)
    _log_read(staff, [decision.person for decision in rows], Seen.BENEFIT_DECISION)
    return Worklist(
        key="refusals",
        title=_("Refused offers"),
        description=_("If the person asks, a refusal can be reopened from its page."),
        template="benefits/worklist_refusals.html",
        page=found,
        rows=rows,
        empty=_("Nobody has refused an offer."),
    )


def worklist_held_payments(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the district officer: benefits paid in money whose payments are held because the
    person has given no bank account, or the bank rejected the one given, the earliest award
    first."""
    staff = require_permission(actor, SCREENING_VIEW)
    held = Award.objects.filter(ends__isnull=True, programme__cash=True, amount_kzt__gt=0).exclude(
        Exists(
            PaymentAccount.objects.filter(person_id=OuterRef("person_id"), rejected_at__isnull=True)
        )
    )
    returned = PaymentAccount.objects.filter(
        person_id=OuterRef("person_id"), rejected_at__isnull=False
    ).order_by("-rejected_at", "-id")
    held = held.annotate(returned_code=Subquery(returned.values("rejection_code")[:1]))
    found = page_of(
        _in_region(staff, held).select_related("person", "programme").order_by("starts", "id"),
        page,
    )
    rows = list(found.object_list)
    for award in rows:
        award.returned_reason = (
            reason_text(award.returned_code) if award.returned_code is not None else ""
        )
    _log_read(staff, [award.person for award in rows], Seen.PAYMENT_ACCOUNT)
    return Worklist(
        key="held_payments",
        title=_("Payments held: no bank account"),
        description=_("The person receives a benefit but has not given an account to pay it to."),
        template="benefits/worklist_held.html",
        page=found,
        rows=rows,
        empty=_("No payment is held."),
    )


def worklist_screening_runs(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For the ministry: the screening runs, newest first; a failed or still running one, or
    none since the registry last changed, needs a run."""
    require_permission(actor, SCREENING_RUN)
    found = page_of(ScreeningRun.objects.order_by("-started_at", "-id"), page)
    rows = list(found.object_list)
    return Worklist(
        key="screening_runs",
        title=_("Screening runs"),
        description=_(
            "A failed run must be run again; a run is needed after the registry or a rule "
            "changed (inclusio benefits-screen)."
        ),
        template="benefits/worklist_runs.html",
        page=found,
        rows=rows,
        empty=_("No screening has run yet: run one to make the first offers."),
    )


def _answering_for(actor: Actor) -> list[Person]:
    """The persons whose offers ``actor`` answers: their own, and those they represent."""
    persons = [own] if (own := own_person(actor)) is not None else []
    return persons + represented_persons(actor)


def worklist_to_answer(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a person or a representative: the offers waiting for their answer, most urgent
    first; a representative's read is logged for each person represented."""
    persons = _answering_for(actor)
    for person in persons:
        _authorise_read(actor, person, what=Seen.BENEFITS)
    offers = (
        Proposal.objects.filter(person__in=persons, status=Proposal.Status.PENDING)
        .select_related("person", "programme")
        .order_by("priority", "created_at", "id")
    )
    found = page_of(offers if persons else Proposal.objects.none(), page)
    return Worklist(
        key="to_answer",
        title=_("Offers to answer"),
        description=_("Say yes or no to each benefit offered."),
        template="benefits/worklist_to_answer.html",
        page=found,
        rows=list(found.object_list),
        empty=_("No offer is waiting for your answer."),
    )


def worklist_unread_messages(*, actor: Actor, page: str | int | None = 1) -> Worklist:
    """For a person or a representative: the messages not read yet, newest first."""
    persons = _answering_for(actor)
    for person in persons:
        _authorise_read(actor, person, what=Seen.BENEFITS)
    unread = (
        Message.objects.filter(recipient__in=persons, read_at__isnull=True)
        .select_related("recipient", "proposal__programme")
        .order_by("-created_at", "-id")
    )
    found = page_of(unread if persons else Message.objects.none(), page)
    language = get_language() or "kk"
    return Worklist(
        key="unread_messages",
        title=_("Messages not read yet"),
        description=_("News about your benefits."),
        template="benefits/worklist_messages.html",
        page=found,
        rows=[
            {"message": message, "text": message_text(message, language)}
            for message in found.object_list
        ],
        empty=_("You have read every message."),
    )
