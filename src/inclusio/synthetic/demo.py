"""Demo accounts: one per role whose domain exists, linked to synthetic registry records, for
trying the platform. A role defined ahead of its app (one granting no permission yet) gets no
account: it would only land on an empty page. The supplier's account represents one of the
region's synthetic suppliers (``synthetic/marketplace.py``); the dispatcher has one too, and
the provider of special social services is the staff of one of the region's synthetic
providers (``synthetic/socialservices.py``).

Safe to run again: accounts are kept and given fresh passwords, which are printed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.assessment.models import Referral
from inclusio.assessment.services import referral_file
from inclusio.benefits.models import Proposal
from inclusio.core.audit import SYSTEM
from inclusio.core.identifiers import make_iin
from inclusio.core.models import Region, User
from inclusio.core.roles import NATIONAL_ROLES, ROLES, Role, has_domain, opens_back_office
from inclusio.registry.models import CareLink, Person
from inclusio.registry.services import person_create
from inclusio.synthetic.appeals import load_demo_appeals
from inclusio.synthetic.marketplace import load_demo_marketplace, load_demo_orders
from inclusio.synthetic.socialservices import link_demo_provider

DEMO_REGION = "71"  # Astana
DEMO_HOSPITAL = ("City Polyclinic No. 1 (demo)", "000000000000")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    region: str | None
    linked_person: str | None


def _person_for_demo() -> Person | None:
    candidates = Person.objects.filter(
        region_id=DEMO_REGION,
        user__isnull=True,
        statuses__superseded_at__isnull=True,
        statuses__ended=False,
        statuses__category__in=["I", "II", "III"],
    ).order_by("iin")
    # Someone with a benefit offer waiting (after `inclusio benefits-screen`), so the demo shows
    # an offer to answer; a programme that pays first, so the bank-account step is shown too.
    waiting = Proposal.objects.filter(status=Proposal.Status.PENDING, person__in=candidates)
    for offers in (waiting.filter(programme__cash=True), waiting):
        offer = offers.order_by("person__iin").select_related("person").first()
        if offer is not None:
            return offer.person
    return candidates.first()


def _represents_today(parent: Person) -> bool:
    today = timezone.localdate()
    return any(link.represents_on(today) for link in parent.cares_for.select_related("cared"))


def _parent_for_demo() -> Person | None:
    links = CareLink.objects.filter(
        relation=CareLink.Relation.PARENT,
        cared__region_id=DEMO_REGION,
        carer__user__isnull=True,
        cared__statuses__category="child",
        cared__statuses__superseded_at__isnull=True,
    ).select_related("carer")
    # A parent with a carer's benefit offered, when a screening has run.
    offered = links.filter(
        carer__benefit_proposals__status=Proposal.Status.PENDING,
        carer__benefit_proposals__programme__cash=True,
    )
    # The demo's country is drawn as of the day `make demo` ran (synth --as-of); the server may
    # run on for days, so a child may come of age meanwhile. Only a parent who represents the
    # child today shows what a representative does.
    for candidates in (offered, links):
        for link in candidates.order_by("cared__iin"):
            if _represents_today(link.carer):
                return link.carer
    first = links.order_by("cared__iin").first()
    return first.carer if first else None


def _ensure_waiting_referrals(doctor: User, count: int = 3) -> None:
    """A few persons newly referred by the demo doctor, so the MSE queue has work to show."""
    waiting = Referral.objects.filter(filed_by=doctor, state=Referral.State.QUEUED).count()
    serial = 9000
    # Names of the sex the IIN says.
    names = [("Ахметова", "Айгерим", "F"), ("Сериков", "Нурлан", "M"), ("Ким", "Виктория", "F")]
    for index in range(count - waiting):
        surname, given, sex = names[index % len(names)]
        iin = None
        while iin is None or Person.objects.filter(iin=iin).exists():
            serial += 1
            iin = make_iin(dt.date(1985 + index, 3, 14), sex, serial)
        person = person_create(
            actor=SYSTEM,
            iin=iin,
            surname=surname,
            given_name=given,
            region_code=DEMO_REGION,
            urban=True,
            address="Astana, Mangilik El 10 (demo)",
        )
        referral_file(
            actor=doctor,
            person=person,
            kind=Referral.Kind.INITIAL,
            mode=Referral.Mode.IN_ABSENTIA,
            organisation_name=DEMO_HOSPITAL[0],
            organisation_bin=DEMO_HOSPITAL[1],
            diagnosis_code="G80.1",
            clinical_summary="Cerebral palsy, spastic diplegia. (synthetic)",
        )


# A payroll is approved by a second person of the ministry (four eyes): the demo has two.
SECOND_ACCOUNTS = {"ministry_admin": "ministry_admin_2"}


def _usernames(role: Role) -> list[str]:
    second = SECOND_ACCOUNTS.get(role.code)
    return [role.code] if second is None else [role.code, second]


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    accounts = []
    accounts_to_make = [(r, name) for r in filter(has_domain, ROLES) for name in _usernames(r)]
    for role, username in accounts_to_make:
        region = None if role.code in NATIONAL_ROLES else Region.objects.get(code=DEMO_REGION)
        user, _created = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.region = region
        user.is_staff = opens_back_office(role)  # the back-office admin
        user.first_name = user.last_name = ""  # the header then shows the username
        user.save()
        user.groups.set([Group.objects.get(name=role.code)])
        linked = None
        if role.code == "person":
            person = Person.objects.filter(user=user).first() or _person_for_demo()
        elif role.code == "representative":
            person = Person.objects.filter(user=user).first()
            if person is not None and not _represents_today(person):
                # Linked on an earlier day, to a child who has come of age since.
                person.user = None
                person.save(update_fields=["user"])
                person = None
            person = person or _parent_for_demo()
        else:
            person = None
            if role.staff:
                TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"confirmed": True}
                )
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
            user.first_name, user.last_name = person.given_name, person.surname
            user.save(update_fields=["first_name", "last_name"])
            linked = person.iin
        accounts.append(
            DemoAccount(user.username, password, role, region.code if region else None, linked)
        )
    _ensure_waiting_referrals(User.objects.get(username="medical_referrer"))
    load_demo_marketplace(DEMO_REGION, demo_account=User.objects.get(username="supplier"))
    load_demo_orders(User.objects.get(username="person"))
    link_demo_provider(DEMO_REGION, User.objects.get(username="social_provider"))
    load_demo_appeals(list(User.objects.filter(username__in=["person", "representative"])))
    return accounts


def current_totp(username: str) -> str | None:
    """The demo account's second-factor code now; None for a name with no demo device (no such
    account, or one ``demo-accounts`` did not make)."""
    device = TOTPDevice.objects.filter(user__username=username, name="demo").first()
    if device is None:
        return None
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
