"""Test data built through the same services the platform uses."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.test import Client

from inclusio.core.audit import SYSTEM
from inclusio.core.identifiers import make_iin
from inclusio.core.models import Region, User
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.registry.services import disability_status_record, person_create

_serials = itertools.count(100)


def new_iin(birth_date: dt.date = dt.date(1980, 5, 17), sex: str = "F") -> str:
    while True:
        iin = make_iin(birth_date, sex, next(_serials))
        if iin is not None and not Person.objects.filter(iin=iin).exists():
            return iin


def make_person(
    *,
    region: str = "71",
    birth_date: dt.date = dt.date(1980, 5, 17),
    sex: str = "F",
    surname: str = "Абенова",
    given_name: str = "Дана",
    user: User | None = None,
) -> Person:
    person = person_create(
        actor=SYSTEM,
        iin=new_iin(birth_date, sex),
        surname=surname,
        given_name=given_name,
        region_code=region,
        urban=True,
    )
    if user is not None:
        person.user = user
        person.save(update_fields=["user"])
    return person


# A status given by the tests is in force today whenever the suite runs: its re-examination is
# on the first of January of the year after next (a fixed date would expire under the suite).
STATUS_UNTIL = dt.date(dt.date.today().year + 2, 1, 1)


def give_status(
    person: Person,
    category: str = "II",
    *,
    cause: str = "general_disease",
    valid_from: dt.date = dt.date(2023, 1, 1),
    until: dt.date | None = STATUS_UNTIL,
) -> DisabilityStatus:
    return disability_status_record(
        actor=SYSTEM,
        person=person,
        category=category,
        cause=cause,
        valid_from=valid_from,
        reexamination_date=until,
        limitations=["mobility"],
        source="import",
    )


def make_user(username: str, role: str, region: str | None = "71") -> User:
    user = User.objects.create_user(
        username=username,
        password="correct horse battery",
        region=Region.objects.get(code=region) if region else None,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@dataclass
class Trio:
    """The person, an officer of the person's region, an officer of another region."""

    person: Person
    own_officer: User
    other_officer: User


def make_trio(role: str = "district_officer") -> Trio:
    account = User.objects.create_user(username="dana", password="correct horse battery")
    account.groups.add(Group.objects.get(name="person"))
    person = make_person(region="71", user=account)
    give_status(person)
    return Trio(
        person=person,
        own_officer=make_user("officer_astana", role, "71"),
        other_officer=make_user("officer_almaty", role, "75"),
    )


def sign_in(client: Client, user: User) -> None:
    """Sign in as if the password and, for staff, the second factor had been given."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


_PER_REQUEST = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"|name="next" type="hidden" value="[^"]*"'
)


def same_page(first: bytes, second: bytes) -> bool:
    """Two answers equal byte for byte but for what every page varies: its CSRF token and the
    address the language switch returns to (the address that was asked)."""
    return _PER_REQUEST.sub("", first.decode()) == _PER_REQUEST.sub("", second.decode())


def form_token(user: User) -> dict[str, str]:
    """The one-time submission field a page renders to ``user`` (core/submissions.py)."""
    from inclusio.core import submissions

    return {submissions.FIELD: submissions.token_for(user=user)}
