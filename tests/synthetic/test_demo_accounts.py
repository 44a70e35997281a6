"""The demo's accounts show what each role does on the day the demo runs."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from inclusio.core.models import User
from inclusio.marketplace import till
from inclusio.marketplace.services import own_supplier
from inclusio.registry.models import CareLink, Person
from inclusio.synthetic.demo import create_demo_accounts
from inclusio.synthetic.marketplace import demo_till_voucher
from tests.factories import give_status, make_person, sign_in

pytestmark = pytest.mark.django_db


def _parent_of(child_born: dt.date, surname: str) -> Person:
    parent = make_person(birth_date=dt.date(1975, 3, 1), surname=surname)
    child = make_person(birth_date=child_born, surname=surname)
    give_status(child, "child", valid_from=child_born, until=None)
    CareLink.objects.create(
        carer=parent, cared=child, relation=CareLink.Relation.PARENT, since=child_born
    )
    return parent


def test_the_representative_represents_a_child_today_not_one_come_of_age() -> None:
    today = timezone.localdate()
    # The first in IIN order is the parent of a child who was a minor on the synthetic
    # snapshot's date but is an adult today: that parent represents nobody now.
    adult = _parent_of(dt.date(today.year - 20, 1, 1), "Ахметова")
    minor = _parent_of(dt.date(today.year - 5, 1, 1), "Серикова")
    assert adult.cares_for.get().cared.iin < minor.cares_for.get().cared.iin

    create_demo_accounts()

    representative = Person.objects.get(user__username="representative")
    assert representative == minor


def test_a_representative_linked_before_the_child_came_of_age_is_linked_again() -> None:
    today = timezone.localdate()
    adult = _parent_of(dt.date(today.year - 20, 1, 1), "Ахметова")
    create_demo_accounts()
    assert Person.objects.get(user__username="representative") == adult
    minor = _parent_of(dt.date(today.year - 5, 1, 1), "Серикова")

    create_demo_accounts()

    assert Person.objects.get(user__username="representative") == minor
    adult.refresh_from_db()
    assert adult.user is None


def test_the_demos_referral_persons_have_names_of_the_sex_their_iin_says() -> None:
    create_demo_accounts()
    referred = Person.objects.filter(referrals__filed_by__username="medical_referrer")
    assert sorted(referred.values_list("given_name", "sex")) == [
        ("Айгерим", "F"),
        ("Виктория", "F"),
        ("Нурлан", "M"),
    ]


def test_only_the_roles_whose_domain_exists_get_an_account() -> None:
    give_status(make_person(region="71"), valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    accounts = create_demo_accounts()
    handed_out = {account.role.code for account in accounts}
    assert handed_out == {
        "person",
        "representative",
        "medical_referrer",
        "mse_specialist",
        "district_officer",
        "ministry_admin",
        "auditor",
        "supplier",
        "dispatcher",
        "emergency_officer",
        "employment_officer",
        "housing_officer",
        "social_provider",
        "social_inspector",
        "accessibility_inspector",
        "statistician",
        "crpd_officer",
    }
    # The supplier's login represents one of the region's synthetic suppliers, whose till
    # accepts the voucher code the demo prints (one demo run serves both checks: it is slow).
    assert User.objects.get(username="supplier").supplier.status == "verified"
    voucher = demo_till_voucher()
    assert voucher is not None
    supplier = own_supplier(User.objects.get(username="supplier"))
    check = till.voucher_check(actor=supplier.representative, code=voucher.code)
    assert check.valid and check.left >= 1


def test_every_demo_account_lands_on_something_to_do(client: Client) -> None:
    for account in create_demo_accounts():
        user = User.objects.get(username=account.username)
        sign_in(client, user)
        page = client.get("/en/").content.decode()
        assert "There is nothing here for your account yet" not in page, account.username


def test_the_ministry_has_two_accounts_so_that_a_payroll_can_be_approved_by_a_second_person() -> (
    None
):
    accounts = {account.username: account for account in create_demo_accounts()}
    first, second = accounts["ministry_admin"], accounts["ministry_admin_2"]
    assert first.role.code == second.role.code == "ministry_admin"
    assert User.objects.get(username="ministry_admin_2").has_perm("benefits.manage_payroll")


def test_demo_otp_prints_a_staff_accounts_code_and_names_an_unknown_one(settings) -> None:  # type: ignore[no-untyped-def]
    """What the demo's account list tells staff to run (`make demo-otp ACCOUNT=…`)."""
    settings.DEMO = True
    create_demo_accounts()
    out = io.StringIO()
    call_command("demo_otp", "dispatcher", stdout=out)
    assert re.fullmatch(r"\d{6}\n", out.getvalue())
    # A person has no second factor, and a mistyped name is no account: said, no traceback.
    for name in ("person", "dispatcher_typo"):
        with pytest.raises(CommandError, match=f"{name} is not a demo staff account"):
            call_command("demo_otp", name, stdout=io.StringIO())
