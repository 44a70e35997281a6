"""What the benefits pages show, in words: amounts, dates and explanations ready for a template.

The selectors decide what an actor may see; this module only turns what they return into
plain sentences in the reader's language (amounts as "43 407 tenge", dates as "1 January
2024"), and reads the few things the pages need that no selector gives: the payroll list and
the per-programme proposal counts of a run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext, pgettext

from inclusio.benefits import selectors
from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    Payment,
    Payroll,
    Programme,
    Proposal,
    TopUp,
)
from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.models import Region
from inclusio.core.roles import APPEAL_DECIDE_SOCIAL
from inclusio.payments.models import Transfer
from inclusio.payments.reasons import reason_text
from inclusio.registry.models import Person
from inclusio.rules.explanation import Computed, computation, reads
from inclusio.rules.loader import CARED_COUNT, MEMBER_COUNT
from inclusio.rules.rates import percent

# --- numbers and dates in words ---------------------------------------------------------------

_GROUPING = {"en": ","}  # Kazakh and Russian group thousands with a no-break space
_DECIMAL = {"en": "."}  # … and write a decimal comma


def reader_language() -> str:
    return (get_language() or "kk")[:2]


def number_text(value: int | Decimal | str) -> str:
    """43407 → "43 407" (kk, ru) or "43,407" (en); 1.61 → "1,61" (kk, ru) or "1.61" (en)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    language = reader_language()
    sign = "-" if number < 0 else ""
    whole, _point, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", _GROUPING.get(language, "\u00a0"))
    text = grouped + (_DECIMAL.get(language, ",") + fraction if fraction else "")
    return sign + text


def tenge_text(amount: int | None) -> str:
    """The word, not the sign ₸: screen readers skip or misread the sign."""
    if amount is None:
        return ""
    return gettext("%(amount)s tenge") % {"amount": number_text(amount)}


def monthly_text(amount: int | None) -> str:
    if amount is None:
        return gettext("A right to a service: there is no payment.")
    return gettext("%(amount)s tenge a month") % {"amount": number_text(amount)}


def benefit_text(amount: int | None, rate: Decimal | str | None = None) -> str:
    """What a benefit gives, in words: a share off a price (a rate, never money), a monthly
    amount, or a right to a service."""
    if rate is not None:
        try:
            share = Decimal(str(rate))
        except InvalidOperation:
            return monthly_text(amount)
        values = {"percent": percent(share, reader_language())}
        if share == 1:
            return gettext("Free of charge: %(percent)s off the price") % values
        return gettext("%(percent)s off the price") % values
    return monthly_text(amount)


def amount_text(amount: int | None, programme: Programme, rate: Decimal | str | None = None) -> str:
    """An offer's amount: a share off a price, a one-off grant's, or a monthly amount."""
    if rate is not None:
        return benefit_text(amount, rate)
    if amount is not None and programme.one_off:
        return gettext("One-off payment of %(amount)s tenge") % {"amount": number_text(amount)}
    return monthly_text(amount)


def _award_texts(award: Award) -> tuple[str, str]:
    """A current award's amount, and what was last paid by the day ("" for a whole month).
    The last payment comes annotated (``selectors.awards_for``)."""
    month: dt.date | None = getattr(award, "last_paid_month", None)
    days: int | None = getattr(award, "last_paid_days", None)
    if award.rate is None and award.amount_kzt is not None and award.programme.one_off:
        amount = number_text(award.amount_kzt)
        if month is not None:
            return gettext("One-off payment of %(amount)s tenge, paid in %(month)s") % {
                "amount": amount,
                "month": month_text(month),
            }, ""
        return gettext("One-off payment of %(amount)s tenge, not paid yet") % {"amount": amount}, ""
    if award.rate is not None or month is None or days is None:
        return amount_text(award.amount_kzt, award.programme, award.rate), ""
    paid = ngettext(
        "%(amount)s tenge for %(days)d day of %(month)s",
        "%(amount)s tenge for %(days)d days of %(month)s",
        days,
    ) % {
        "amount": number_text(getattr(award, "last_paid_amount_kzt", 0) or 0),
        "days": days,
        "month": month_text(month),
    }
    return monthly_text(award.amount_kzt), paid


def _month_name(month: int) -> str:
    # The form a month takes inside a date ("1 января"), hence the context.
    names = (
        pgettext("in a date", "January"),
        pgettext("in a date", "February"),
        pgettext("in a date", "March"),
        pgettext("in a date", "April"),
        pgettext("in a date", "May"),
        pgettext("in a date", "June"),
        pgettext("in a date", "July"),
        pgettext("in a date", "August"),
        pgettext("in a date", "September"),
        pgettext("in a date", "October"),
        pgettext("in a date", "November"),
        pgettext("in a date", "December"),
    )
    return names[month - 1]


def date_text(day: dt.date | dt.datetime | None) -> str:
    """A date in words: "1 January 2024", "1 января 2024 г.", "2024 жылғы 1 қаңтар"."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return gettext("%(day)d %(month)s %(year)d") % {
        "day": day.day,
        "month": _month_name(day.month),
        "year": day.year,
    }


def month_text(month: dt.date) -> str:
    names = (
        pgettext("a month on its own", "January"),
        pgettext("a month on its own", "February"),
        pgettext("a month on its own", "March"),
        pgettext("a month on its own", "April"),
        pgettext("a month on its own", "May"),
        pgettext("a month on its own", "June"),
        pgettext("a month on its own", "July"),
        pgettext("a month on its own", "August"),
        pgettext("a month on its own", "September"),
        pgettext("a month on its own", "October"),
        pgettext("a month on its own", "November"),
        pgettext("a month on its own", "December"),
    )
    return gettext("%(month)s %(year)d") % {"month": names[month.month - 1], "year": month.year}


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return gettext("%(seconds)s s") % {"seconds": number_text(round(Decimal(seconds), 1))}
    minutes, rest = divmod(round(seconds), 60)
    return gettext("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}


def account_text(iban: str) -> str:
    """Only the end of an account number is shown again: "the account ending in 0100"."""
    return gettext("the account ending in %(end)s") % {"end": iban[-4:]}


# --- whose benefits ---------------------------------------------------------------------------


def may_answer(actor: Actor, person: Person) -> bool:
    """The person, or someone who legally represents them today, may agree or refuse."""
    return access.may_act_for(actor, person)


# --- the person's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    text: str
    new: bool
    sent: str
    url: str
    link: str  # the link's words: "See the offer" or "See the decision"


@dataclass(frozen=True)
class Offer:
    title: str
    what: str  # "New benefit" or "New amount"
    amount: str
    offered: str
    url: str
    why_url: str
    choice: str = ""  # in an exclusivity group with others: proposed, or an alternative


@dataclass(frozen=True)
class CurrentAward:
    title: str
    amount: str
    since: str
    why_url: str
    paid: str = ""  # the last month paid by the day: "14 000 tenge for 14 days of February 2024"


@dataclass(frozen=True)
class PastDecision:
    title: str
    outcome: str
    amount: str
    decided: str
    url: str
    why_url: str


@dataclass(frozen=True)
class ReturnedPayment:
    """A payment the bank returned: it waits for a corrected account."""

    title: str
    month: str
    amount: str
    reason: str


@dataclass(frozen=True)
class TopUpLine:
    """A month paid at an old amount and topped up after an appeal: what is owed, where it is."""

    title: str
    month: str
    amount: str
    state: str
    cause: str
    cause_url: str = ""  # the appeal's page, when the reader may open it


@dataclass(frozen=True)
class BenefitsPage:
    person: Person
    own: bool
    answers: bool  # the viewer may answer the offers: the person or their representative
    notices: list[Notice]
    offers: list[Offer]
    awards: list[CurrentAward]
    decisions: list[PastDecision]
    returned: list[ReturnedPayment] = field(default_factory=list)
    top_ups: list[TopUpLine] = field(default_factory=list)


def _offer_what(proposal: Proposal) -> str:
    if proposal.kind == Proposal.Kind.CHANGED:
        return gettext("A new amount for a benefit you receive")
    return gettext("A new benefit")


def _choice_text(proposal: Proposal) -> str:
    if proposal.alternative:
        return gettext(
            "Only one benefit of a group can be received: you may choose this one instead of "
            "the one proposed."
        )
    return gettext("Only one benefit of a group can be received: this is the one proposed.")


def _decided_benefit(decision: Decision) -> str:
    """What a decision grants, in words; "" for one that grants nothing (a refusal, an end)."""
    rate = (decision.explanation or {}).get("rate")
    if decision.amount_kzt is None and (rate is None or decision.outcome not in _GRANTING):
        return ""
    return amount_text(decision.amount_kzt, decision.programme, rate)


_GRANTING = (Decision.Outcome.GRANTED, Decision.Outcome.AMOUNT_CHANGED)


@dataclass(frozen=True)
class GroupOffer:
    title: str
    benefit: str
    proposed: bool  # the one the state proposes by default
    this: bool  # the offer of the page
    url: str


@dataclass(frozen=True)
class HeldInGroup:
    title: str
    benefit: str
    ends: str  # the last day it is received if the offer is chosen


@dataclass(frozen=True)
class GroupChoice:
    """An offer in an exclusivity group, on its page: the group's open offers side by side and
    the benefit of the group the person holds, which choosing the offer ends."""

    offers: list[GroupOffer]
    proposed: str  # the title of the offer proposed by default ("" if it is no longer open)
    held: list[HeldInGroup]
    starts: str  # the day the offer's benefit starts, if chosen, when it replaces one held


@dataclass(frozen=True)
class GroupClosed:
    """An offer closed because another of its group was chosen: which, when, where."""

    chosen: str
    day: str
    url: str


def group_choice(proposal: Proposal) -> GroupChoice | None:
    """The choice an open offer of a group is part of; None when there is nothing to choose
    (no group, or its only open offer and no benefit of the group held)."""
    if not proposal.exclusive_group or proposal.status != Proposal.Status.PENDING:
        return None
    language = reader_language()
    mates = selectors.group_offers(proposal)
    held = selectors.held_in_group(proposal)
    if len(mates) < 2 and not held:
        return None
    starts = selectors.group_switch_day(proposal.run.screening_date)
    proposed = next((p for p in mates if not p.alternative), None)
    return GroupChoice(
        offers=[
            GroupOffer(
                title=p.programme.title_in(language),
                benefit=amount_text(p.amount_kzt, p.programme, p.rate),
                proposed=not p.alternative,
                this=p.pk == proposal.pk,
                url=reverse("benefits:offer", args=[p.pk]),
            )
            for p in mates
        ],
        proposed=proposed.programme.title_in(language) if proposed is not None else "",
        held=[
            HeldInGroup(
                title=a.programme.title_in(language),
                benefit=amount_text(a.amount_kzt, a.programme, a.rate),
                ends=date_text(max(a.starts, starts - dt.timedelta(days=1))),
            )
            for a in held
        ],
        starts=date_text(starts) if held else "",
    )


def group_closed(proposal: Proposal) -> GroupClosed | None:
    """Why an offer of a group closed: the person chose another of the group."""
    chosen = proposal.closed_by
    if proposal.status != Proposal.Status.EXCLUDED or chosen is None:
        return None
    return GroupClosed(
        chosen=chosen.programme.title_in(reader_language()),
        day=date_text(chosen.decided_at),
        url=reverse("benefits:decision", args=[chosen.pk]),
    )


def group_decided(decision: Decision) -> dict[str, Any]:
    """What a consent in a group changed beside its own award, for the decision's page: the
    other offers it closed and the benefits of the group it ends (with their last day)."""
    if decision.outcome not in _GRANTING or not decision.programme.exclusive_group:
        return {}
    language = reader_language()
    closed = decision.closed_offers.select_related("programme").order_by("pk")
    ended = Award.objects.filter(ended_by=decision).select_related("programme").order_by("pk")
    return {
        "closed_offers": [p.programme.title_in(language) for p in closed],
        "ended_awards": [(a.programme.title_in(language), date_text(a.ends)) for a in ended],
    }


def decision_outcome(decision: Decision) -> str:
    return {
        Decision.Outcome.GRANTED: gettext("Granted"),
        Decision.Outcome.REFUSED: gettext("You refused it"),
        Decision.Outcome.ENDED: gettext("Ended"),
        Decision.Outcome.AMOUNT_CHANGED: gettext("The amount changed"),
    }.get(Decision.Outcome(decision.outcome), decision.get_outcome_display())


def _notice_link(message: Message, decided: dict[int, int]) -> tuple[str, str]:
    """Where a message leads, and the link's words: the offer while it waits, else the
    decision taken on it (``decided``: the person's decision ids by proposal id)."""
    proposal = message.proposal
    if proposal is None:
        return "", ""
    if proposal.status == Proposal.Status.PENDING:
        return reverse("benefits:offer", args=[proposal.pk]), gettext("See the offer")
    decision_id = decided.get(proposal.pk)
    if decision_id is None:
        return "", ""
    return reverse("benefits:decision", args=[decision_id]), gettext("See the decision")


def top_up_state(top_up: TopUp) -> str:
    """Where a top-up is, in words: owed, in a payroll, paid, held or returned, or stopped
    (``transfer_state``: its latest payment line's, annotated by ``selectors.top_ups_for``)."""
    transfer_state = getattr(top_up, "transfer_state", None)
    if top_up.status == Payment.Status.STOPPED:
        return gettext("Stopped: the right to the benefit ended before this month")
    if top_up.status == Payment.Status.HELD:
        if transfer_state == Transfer.State.REJECTED:
            return gettext("Returned by the bank: paid once a corrected account is given")
        return gettext("Held: paid once a payment account is given")
    if top_up.payroll is None:
        return gettext("Owed: it will be paid with the next payroll")
    if transfer_state == Transfer.State.PAID:
        return gettext("Paid with the payroll of %(month)s") % {
            "month": month_text(top_up.payroll.month)
        }
    return gettext("In the payroll of %(month)s, not paid yet") % {
        "month": month_text(top_up.payroll.month)
    }


def top_up_cause(top_up: TopUp, *, sees_appeals: bool) -> tuple[str, str]:
    """What the top-up is owed for, in words, and the appeal's page when the reader may open it
    (``cause``: ``appeal:<id>``, as the appeals app names its grants)."""
    kind, _sep, number = top_up.cause.partition(":")
    if kind == "appeal" and number.isdigit():
        text = gettext("Appeal No. %(number)s, granted") % {"number": number}
        return text, reverse("appeals:appeal", args=[int(number)]) if sees_appeals else ""
    return gettext("A decision corrected"), ""


def benefits_page(*, actor: Actor, person: Person) -> BenefitsPage:
    from inclusio.benefits.messaging import message_text

    language = reader_language()
    pending = selectors.offers_for(actor=actor, person=person)
    current = selectors.awards_for(actor=actor, person=person, current_only=True)
    # A group is a choice when it has several open offers, or an offer and a benefit held.
    in_group = Counter(p.exclusive_group for p in pending if p.exclusive_group)
    in_group.update(a.programme.exclusive_group for a in current if a.programme.exclusive_group)
    offers = [
        Offer(
            title=p.programme.title_in(language),
            what=_offer_what(p),
            amount=amount_text(p.amount_kzt, p.programme, p.rate),
            offered=date_text(p.created_at),
            url=reverse("benefits:offer", args=[p.pk]),
            why_url=reverse("benefits:offer_why", args=[p.pk]),
            choice=_choice_text(p) if in_group[p.exclusive_group] > 1 else "",
        )
        for p in pending
    ]
    awards = [
        CurrentAward(
            title=a.programme.title_in(language),
            amount=texts[0],
            since=date_text(a.starts),
            why_url=reverse("benefits:decision_why", args=[a.decision_id]),
            paid=texts[1],
        )
        for a in current
        for texts in [_award_texts(a)]
    ]
    taken = selectors.decisions_for(actor=actor, person=person)
    decisions = [
        PastDecision(
            title=d.programme.title_in(language),
            outcome=decision_outcome(d),
            amount=_decided_benefit(d),
            decided=date_text(d.decided_at),
            url=reverse("benefits:decision", args=[d.pk]),
            why_url=reverse("benefits:decision_why", args=[d.pk]),
        )
        for d in taken
    ]
    decided = {d.proposal_id: d.pk for d in taken if d.proposal_id is not None}
    notices = []
    for message in selectors.messages_for(actor=actor, person=person):
        url, link = _notice_link(message, decided)
        notices.append(
            Notice(
                text=message_text(message, language),
                new=message.read_at is None,
                sent=date_text(message.created_at),
                url=url,
                link=link,
            )
        )
    returned = [
        ReturnedPayment(
            title=p.award.programme.title_in(language),
            month=month_text(p.month),
            amount=tenge_text(p.amount_kzt),
            reason=reason_text(p.returned_code),  # type: ignore[attr-defined]
        )
        for p in selectors.returned_payments_for(actor=actor, person=person)
    ]
    answers = may_answer(actor, person)
    # The person and their representative follow the person's appeals; an officer opens an
    # appeal of a benefit decision when their region's appeals are theirs to decide.
    sees_appeals = answers or access.may(actor, APPEAL_DECIDE_SOCIAL, person.region_id)
    top_ups = [
        TopUpLine(
            title=t.award.programme.title_in(language),
            month=month_text(t.month),
            amount=tenge_text(t.amount_kzt),
            state=top_up_state(t),
            cause=cause[0],
            cause_url=cause[1],
        )
        for t in selectors.top_ups_for(actor=actor, person=person)
        for cause in [top_up_cause(t, sees_appeals=sees_appeals)]
    ]
    return BenefitsPage(
        person=person,
        own=person.user_id == getattr(actor, "pk", None),
        answers=answers,
        notices=notices,
        offers=offers,
        awards=awards,
        decisions=decisions,
        returned=returned,
        top_ups=top_ups,
    )


# --- why: the explanation in plain language -----------------------------------------------------


@dataclass(frozen=True)
class ConditionText:
    met: bool
    text: str


@dataclass(frozen=True)
class ParameterText:
    label: str
    value: str
    since: str
    reference: str
    illustrative: bool  # an example of the demonstration: the page says so in plain words


@dataclass(frozen=True)
class PersonText:
    """One checked person as the page names them, and what held for them."""

    who: str  # "You", "Aruzhan, 7 years old"
    outcome: str  # "Counted." / "Not counted: …"
    conditions: list[ConditionText]


@dataclass(frozen=True)
class PerPersonText:
    """How the persons cared for or the family's members were checked: the count, and who met
    which condition as far as the reader may see them (``selectors.persons_checked``)."""

    heading: str
    intro: str
    count: str  # "" when not recorded
    conditions: list[str]
    persons: list[PersonText] = field(default_factory=list)
    others: str = ""  # the other members (adults, or not in the registry), not shown
    counted: str = ""  # who the amount counts: "Counted in your amount: Aruzhan, 7 years old."


@dataclass(frozen=True)
class Why:
    title: str  # the programme's title in the reader's language
    headline: str
    eligible: bool
    alternatives: bool  # eligible although a condition is not true: some are either-or
    pays_money: bool
    amount: str
    previous_amount: str
    screening_date: str
    conditions: list[ConditionText]
    parameters: list[ParameterText]
    reference: str
    in_force: bool  # False: the programme was no longer in force on the screening date
    computation: str  # "0,88 × 43 407 = 38 198": the amount with the person's own values
    per_person: PerPersonText | None
    pending: bool  # an offer still waiting for the person's answer
    ended: bool
    outcome: str
    decided: str
    actions: list[str] = field(default_factory=list)


def _parameter_label(line: selectors.ParameterLine) -> str:
    """The rule file's plain name of a parameter; without one, its name made readable."""
    if line.label and line.label != line.name:
        return line.label
    return line.name.replace("_", " ")


def _ended_headline(explained: selectors.Explanation, title: str) -> str:
    """Why a right stopped: the programme is no longer in force, or which condition failed."""
    values = {"programme": title}
    if not explained.in_force:
        if explained.valid_until is not None:
            return gettext(
                "“%(programme)s” stopped because the law that set it up is no longer in force: "
                "it applied until %(day)s."
            ) % {**values, "day": date_text(explained.valid_until)}
        return gettext("“%(programme)s” stopped because it is no longer in force.") % values
    failed = [c.text for c in explained.conditions if not c.met]
    if len(failed) == 1:
        return gettext(
            "“%(programme)s” stopped because this condition is no longer true for you: "
            "%(condition)s"
        ) % {**values, "condition": failed[0]}
    if failed:
        return gettext(
            "“%(programme)s” stopped because these conditions are no longer true for you: "
            "%(conditions)s"
        ) % {**values, "conditions": " ".join(failed)}
    return (
        gettext("“%(programme)s” stopped because one of its conditions is no longer true for you.")
        % values
    )


def _headline(explained: Any, title: str, pending: bool) -> str:
    values = {"programme": title}
    if explained.outcome == Decision.Outcome.REFUSED:
        return gettext("You refused “%(programme)s”. Here is why it was offered to you.") % values
    if explained.kind == Proposal.Kind.ENDED or explained.outcome == Decision.Outcome.ENDED:
        return _ended_headline(explained, title)
    if not explained.eligible:
        return (
            gettext("You cannot receive “%(programme)s” because you do not meet its conditions.")
            % values
        )
    if explained.kind == Proposal.Kind.CHANGED:
        return (
            gettext(
                "The amount of your “%(programme)s” changes. Below are the conditions and the "
                "values it is counted from."
            )
            % values
        )
    if pending:
        return gettext("You can receive “%(programme)s” because you meet its conditions.") % values
    return gettext("You receive “%(programme)s” because you meet its conditions.") % values


def _actions(explained: Any, pending: bool, cash: bool) -> list[str]:
    actions = []
    if pending:
        actions.append(gettext("Agree or refuse on the page of the offer."))
        if cash:
            actions.append(gettext("To receive money, give your bank account (IBAN) there."))
    actions.append(
        gettext(
            "If something here is wrong, for example your disability group or your family, "
            "tell your district social-protection office. They check and correct your data."
        )
    )
    if not explained.eligible or explained.outcome in (
        Decision.Outcome.ENDED,
        Decision.Outcome.AMOUNT_CHANGED,
    ):
        actions.append(
            gettext(
                "If you do not agree with this decision, you can appeal it: to the social-"
                "protection office above your district office, or to a court."
            )
        )
    actions.append(gettext("You can ask for this explanation on paper at the district office."))
    return actions


def _computation(explained: selectors.Explanation) -> Computed:
    """The amount with the person's own values, the branches they do not take left out."""
    rule = explained.rule
    if rule is None or explained.amount_kzt is None or explained.screening_date is None:
        return Computed("")
    values = {p.name: p.value for p in explained.parameters}
    conditions = {c.name: c.met for c in explained.conditions}
    return computation(
        rule,
        explained.screening_date,
        values,
        explained.inputs,
        explained.amount_kzt,
        number_text,
        conditions,
    )


def _who(shown: selectors.ShownPerson, kind: str) -> str:
    if shown.myself:
        return gettext("You")
    if not shown.given_name or shown.age is None:  # only a cared person is shown unfound
        return gettext("A person you care for, not found in the registry")
    return ngettext("%(name)s, %(age)s year old", "%(name)s, %(age)s years old", shown.age) % {
        "name": shown.given_name,
        "age": shown.age,
    }


def _outcome(shown: selectors.ShownPerson, kind: str) -> str:
    if shown.counted:
        return gettext("Counted: every condition is true.")
    if kind == "cared" and all(reason.met for reason in shown.reasons):
        return gettext(
            "Not counted for you: every condition is true, but another person has cared for "
            "them longer, and they are counted for that person."
        )
    return gettext("Not counted: a condition below is not true.")


def _persons_text(
    checked: selectors.PerPerson, shown: selectors.ShownPersons, amount_counts: bool
) -> tuple[list[PersonText], str, str]:
    persons = [
        PersonText(
            who=_who(person, checked.kind),
            outcome=_outcome(person, checked.kind),
            conditions=[ConditionText(met=r.met, text=r.text) for r in person.reasons],
        )
        for person in shown.persons
    ]
    others = (
        ngettext(
            "%(count)s other member of your family was checked too. What concerns them is "
            "theirs to read, so it is not shown here.",
            "%(count)s other members of your family were checked too. What concerns them is "
            "theirs to read, so it is not shown here.",
            shown.others,
        )
        % {"count": number_text(shown.others)}
        if shown.others
        else ""
    )
    counted = ""
    names = [
        text.who for text, person in zip(persons, shown.persons, strict=True) if person.counted
    ]
    if amount_counts and names:
        counted = gettext("Counted in your amount: %(persons)s.") % {"persons": "; ".join(names)}
    return persons, others, counted


def _per_person(
    explained: selectors.Explanation, shown: selectors.ShownPersons | None
) -> PerPersonText | None:
    checked = explained.per_person
    if checked is None:
        return None
    persons: list[PersonText] = []
    others = counted = ""
    if shown is not None:
        rule = explained.rule
        name = CARED_COUNT if checked.kind == "cared" else MEMBER_COUNT
        amount_counts = rule is not None and reads(rule.amount, name)
        persons, others, counted = _persons_text(checked, shown, amount_counts)
    if checked.kind == "cared":
        heading = gettext("The persons you care for")
        intro = gettext("Each person you care for is checked against these conditions:")
        count = gettext("Persons you care for who meet all of them: %(count)s.")
    else:
        heading = gettext("The members of your family")
        intro = gettext("Each member of your family is checked against these conditions:")
        count = gettext("Members of your family who meet all of them: %(count)s.")
    return PerPersonText(
        heading=heading,
        intro=intro,
        count=count % {"count": number_text(checked.count)} if checked.count is not None else "",
        conditions=checked.conditions,
        persons=persons,
        others=others,
        counted=counted,
    )


def why(item: Proposal | Decision, *, actor: Actor) -> Why:
    """The why page of a proposal or decision the actor may see (the selector that found
    ``item`` checked it); the cared persons or members it names are logged as read by
    ``actor``."""
    language = reader_language()
    explained = selectors.explanation(item, language)
    shown = None
    if explained.per_person is not None and explained.per_person.persons:
        shown = selectors.persons_checked(
            actor=actor,
            person=item.person,
            checked=explained.per_person,
            on=explained.screening_date,
        )
    programme = item.programme
    title = explained.programme_title or programme.title_in(language)
    pending = isinstance(item, Proposal) and item.status == Proposal.Status.PENDING
    ended = explained.kind == Proposal.Kind.ENDED or explained.outcome == Decision.Outcome.ENDED
    computed = _computation(explained) if not ended else Computed("")
    return Why(
        title=title,
        headline=_headline(explained, title, pending),
        eligible=bool(explained.eligible),
        alternatives=bool(explained.eligible) and not all(c.met for c in explained.conditions),
        pays_money=explained.amount_kzt is not None,
        amount=amount_text(explained.amount_kzt, programme, explained.rate) if not ended else "",
        previous_amount=(
            monthly_text(explained.previous_amount_kzt)
            if explained.previous_amount_kzt is not None
            else ""
        ),
        screening_date=date_text(explained.screening_date),
        conditions=[ConditionText(met=c.met, text=c.text) for c in explained.conditions],
        parameters=[
            ParameterText(
                label=_parameter_label(p),
                value=number_text(p.value),
                since=date_text(p.effective),
                reference=p.reference,
                illustrative=p.illustrative,
            )
            for p in explained.parameters
            if p.name not in computed.not_taken
        ],
        reference=explained.reference or programme.reference_in(language),
        in_force=explained.in_force,
        computation=computed.text,
        per_person=_per_person(explained, shown),
        pending=pending,
        ended=ended,
        outcome=decision_outcome(item) if isinstance(item, Decision) else "",
        decided=date_text(explained.decided_at) if explained.decided_at else "",
        actions=_actions(explained, pending, programme.cash),
    )


# --- staff: runs and payroll --------------------------------------------------------------------


def region_name(code: str | None) -> str:
    """The region's name in the reader's language ("" for national staff)."""
    if code is None:
        return ""
    region = Region.objects.filter(code=code).first()
    return region.name if region else code


@dataclass(frozen=True)
class ProgrammeCounts:
    title: str
    eligible: int | None  # None: not shown to regional staff
    new: int
    changed: int
    ended: int


def run_programme_counts(view: selectors.RunView) -> list[ProgrammeCounts]:
    """Eligible (national staff only, from the run's counts) and the proposals by kind, within
    the region the selector limited the view to."""
    language = reader_language()
    proposals = Proposal.objects.filter(run=view.run)
    if view.region_code is not None:
        proposals = proposals.filter(person__region_id=view.region_code)
    by_kind: dict[str, dict[str, int]] = {}
    for row in proposals.values("programme__code", "kind").annotate(n=Count("id")):
        by_kind.setdefault(row["programme__code"], {})[row["kind"]] = row["n"]
    eligible = view.counts.get("eligible", {}) if view.region_code is None else {}
    codes = sorted(set(by_kind) | set(eligible))
    titles = {p.code: p.title_in(language) for p in Programme.objects.filter(code__in=codes)}
    return [
        ProgrammeCounts(
            title=titles.get(code, code),
            eligible=int(eligible[code]) if code in eligible else None,
            new=by_kind.get(code, {}).get(Proposal.Kind.NEW, 0),
            changed=by_kind.get(code, {}).get(Proposal.Kind.CHANGED, 0),
            ended=by_kind.get(code, {}).get(Proposal.Kind.ENDED, 0),
        )
        for code in codes
    ]


def run_totals(view: selectors.RunView) -> dict[str, int]:
    """new, changed and ended across programmes, as the selector's counts give them."""
    proposals = view.counts.get("proposals", {})
    totals = {"new": 0, "changed": 0, "ended": 0}
    if isinstance(proposals, dict):
        for kind in totals:
            value = proposals.get(kind)
            if isinstance(value, int):
                totals[kind] = value
    return totals


@dataclass(frozen=True)
class PayrollLine:
    payroll: Payroll
    month: str
    scheduled: int
    held: int
    total: str
    created: str
    created_by: str  # "" when the platform made it
    approved: str  # "" until approved
    approved_by: str
    # Whether the reader may approve it: four eyes, so not whoever created it.
    approvable: bool


def payrolls_list(*, actor: Actor) -> list[PayrollLine]:
    """Every payroll with its payments counted, the top-ups on appeal of its file among them
    (the approver sees all the money the file pays); the views check the payroll permission."""
    # The top-ups summed apart: joined beside the payments, each would count once per payment.
    top_ups = (
        TopUp.objects.filter(payroll=OuterRef("pk"), status="scheduled")
        .values("payroll")
        .annotate(n=Count("id"), kzt=Sum("amount_kzt"))
    )
    rows = (
        Payroll.objects.select_related("created_by", "approved_by")
        .annotate(
            scheduled=Count("payments", filter=Q(payments__status="scheduled")),
            held=Count("payments", filter=Q(payments__status="held")),
            total=Sum("payments__amount_kzt", filter=Q(payments__status="scheduled")),
            top_ups_n=Subquery(top_ups.values("n")),
            top_ups_kzt=Subquery(top_ups.values("kzt")),
        )
        .order_by("-month")
    )
    return [
        PayrollLine(
            payroll=row,
            month=month_text(row.month),
            scheduled=row.scheduled + (row.top_ups_n or 0),
            held=row.held,
            total=tenge_text((row.total or 0) + (row.top_ups_kzt or 0)),
            created=date_text(row.created_at),
            created_by=row.created_by.get_username() if row.created_by else "",
            approved=date_text(row.approved_at) if row.approved_at else "",
            approved_by=row.approved_by.get_username() if row.approved_by else "",
            approvable=row.approved_at is None and row.created_by_id != actor.pk,
        )
        for row in rows
    ]
