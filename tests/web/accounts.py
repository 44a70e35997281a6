"""Accounts for the web and browser tests, made with the ORM (no domain service needed)."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusio.core.accounts import Reason, account_second_factor_reset
from inclusio.core.audit import SYSTEM
from inclusio.core.identifiers import make_iin
from inclusio.core.models import Region, User
from inclusio.registry.models import Person

PASSWORD = "correct horse battery staple"
_serials = itertools.count(200)
# The enrolment codes handed over to accounts made without a device, by user name.
_enrolment_codes: dict[str, str] = {}


def make_account(username: str, *, role: str, region: str | None = "71", **names: str) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        region=Region.objects.get(code=region) if region else None,
        **names,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def make_person_account(username: str = "dana") -> User:
    """A person with a disability whose account is linked to their registry record."""
    user = make_account(
        username, role="person", region=None, first_name="Дана", last_name="Абенова"
    )
    birth_date = dt.date(1985, 3, 14)
    iin = None
    while iin is None or Person.objects.filter(iin=iin).exists():
        iin = make_iin(birth_date, "F", next(_serials))
    Person.objects.create(
        iin=iin,
        surname="Абенова",
        given_name="Дана",
        birth_date=birth_date,
        sex="F",
        region=Region.objects.get(code="71"),
        urban=True,
        user=user,
    )
    return user


def make_staff_account(
    username: str = "officer", *, role: str = "district_officer", with_device: bool = True
) -> User:
    """A staff member of Astana; with a confirmed authenticator device unless told otherwise,
    and then with an enrolment code handed over (``enrolment_code_of``), as after a reset."""
    user = make_account(username, role=role, region="71", first_name="Ерлан", last_name="Сейітов")
    if with_device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    else:
        handover = account_second_factor_reset(actor=SYSTEM, account=user, reason=Reason.NEW_STAFF)
        assert handover.enrolment_code is not None
        _enrolment_codes[username] = handover.enrolment_code
    return user


def enrolment_code_of(user: User) -> str:
    return _enrolment_codes[user.get_username()]


def current_code(user: User) -> str:
    """The code the user's authenticator app would show now.

    A code is accepted once per 30-second step, so when this step's code was already used
    (the same test signing in twice) give the next step's, which the device still accepts.
    """
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"
