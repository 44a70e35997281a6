"""The ministry keeps the shared dated parameters: new values and corrections through the
service, with their history; a migration never undoes them; bad input and other accounts are
refused with a code and a translated message, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import translation

from inclusio import countries
from inclusio.core.audit import SYSTEM
from inclusio.core.country import SEEDED, load_country
from inclusio.core.errors import AccessDenied, DomainError, ErrorCode
from inclusio.core.models import AuditEvent, DatedParameter, User
from inclusio.core.parameters import (
    latest_effective,
    parameter_history,
    parameter_on,
    parameter_value_add,
    parameter_value_correct,
    shared_parameters,
    value_on,
)
from inclusio.countries import COUNTRIES_DIR
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db

JULY = dt.date(2024, 7, 1)
AMENDMENT = "Law amending the republican budget for 2024-2026"
AMENDMENT_KK = (
    "«2024–2026 жылдарға арналған республикалық бюджет туралы» Заңға өзгерістер енгізу туралы Заң"
)
AMENDMENT_RU = "Закон о внесении изменений в Закон «О республиканском бюджете на 2024–2026 годы»"
# The Kazakh and Russian texts a service call needs besides the English ``reference``.
OTHER_LANGUAGES = {"reference_kk": AMENDMENT_KK, "reference_ru": AMENDMENT_RU}


@pytest.fixture
def ministry() -> User:
    return make_user("minister", "ministry_admin", region=None)


def add(actor: Any, **overrides: Any) -> DatedParameter:
    fields: dict[str, Any] = {
        "key": "subsistence_minimum",
        "effective": JULY,
        "value": 45000,
        "reference": AMENDMENT,
        "reason": "Mid-year amendment of the budget law",
        **OTHER_LANGUAGES,
    }
    fields.update(overrides)
    return parameter_value_add(actor=actor, **fields)


def test_a_new_value_takes_effect_from_its_date_and_is_recorded(ministry: User) -> None:
    row = add(ministry)
    assert (row.revision, row.entered_by, row.reason) == (
        1,
        ministry,
        "Mid-year amendment of the budget law",
    )
    assert value_on("subsistence_minimum", JULY - dt.timedelta(days=1)) == 43407
    assert value_on("subsistence_minimum", JULY) == 45000
    values = shared_parameters()["subsistence_minimum"].values
    added = next(v for v in values if v.effective == JULY)
    assert (added.value, added.reference) == (
        45000,
        {"kk": AMENDMENT_KK, "ru": AMENDMENT_RU, "en": AMENDMENT},
    )
    assert isinstance(added.value, int)  # money: whole tenge, as the rules read it
    event = AuditEvent.objects.get(action="parameter_value_add")
    assert (event.actor, event.entity_id) == (ministry, str(row.pk))
    assert event.data["value"] == "45000" and event.data["effective"] == "2024-07-01"


def test_a_correction_keeps_the_corrected_value_as_history(ministry: User) -> None:
    wrong = add(ministry, value=45400)
    right = parameter_value_correct(
        actor=ministry,
        key="subsistence_minimum",
        effective=JULY,
        value=45000,
        reference=AMENDMENT,
        reason="45400 was mistyped",
        **OTHER_LANGUAGES,
    )
    assert right.revision == 2
    assert value_on("subsistence_minimum", JULY) == 45000
    history = {r.pk: r.superseded for r in parameter_history("subsistence_minimum")}
    assert history[wrong.pk] is True and history[right.pk] is False
    assert DatedParameter.objects.get(pk=wrong.pk).value == 45400  # never overwritten
    assert AuditEvent.objects.filter(action="parameter_value_correct").count() == 1


def test_a_migration_after_an_edit_keeps_the_edit(ministry: User) -> None:
    # The ministry corrects a value the country file seeded, and adds one it does not have.
    parameter_value_correct(
        actor=ministry,
        key="subsistence_minimum",
        effective=dt.date(2024, 1, 1),
        value=43500,
        reference="Corrected budget law",
        reason="Test of a correction",
        **OTHER_LANGUAGES,
    )
    add(ministry)
    before = DatedParameter.objects.count()
    call_command("migrate", verbosity=0)  # post_migrate seeds the country's data again
    assert load_country() == (20, 0)
    assert DatedParameter.objects.count() == before
    assert value_on("subsistence_minimum", dt.date(2024, 1, 1)) == 43500
    assert value_on("subsistence_minimum", JULY) == 45000


def test_seeding_fills_only_what_is_absent() -> None:
    seeded = DatedParameter.objects.get(key="monthly_calculation_index", effective="2024-01-01")
    assert (seeded.reason, seeded.entered_by) == (SEEDED, None)
    seeded_count = DatedParameter.objects.count()
    # 22 budget-law values and one illustrative state price cap per catalogue category (14);
    # the job quota by employer size (3 sizes × 2 laws, and one region's own) and the special
    # workplaces' wage subsidy by year (3); the rate, down payment and term of the two state
    # mortgages (6); one illustrative per-capita norm per kind of special social service (5);
    # the period for appealing against a decision and for deciding the appeal (2).
    assert seeded_count == len(countries.parameters("kz")) == 22 + 14 + 7 + 3 + 6 + 5 + 2
    assert load_country() == (20, 0)
    assert DatedParameter.objects.count() == seeded_count


# The budget laws' values (and the two mid-year amendments) back to 2018: the value in force on
# each day, the day before it changes and the day it does.
BUDGET_LAWS = [
    ("2018-01-01", 28284, 2405, "Law on the republican budget for 2018-2020"),
    ("2019-12-31", 29698, 2525, "Law on the republican budget for 2019-2021"),
    ("2020-03-31", 31183, 2651, "Law on the republican budget for 2020-2022"),
    (
        "2020-04-01",
        32668,
        2778,
        "Law amending the Law on the republican budget for 2020-2022 (April 2020)",
    ),
    ("2021-10-01", 34302, 2917, "Law on the republican budget for 2021-2023"),
    ("2022-05-31", 36018, 3063, "Law on the republican budget for 2022-2024"),
    (
        "2022-06-01",
        37389,
        3180,
        "Law amending the Law on the republican budget for 2022-2024 (June 2022)",
    ),
    ("2023-06-30", 40567, 3450, "Law on the republican budget for 2023-2025"),
    ("2024-01-01", 43407, 3692, "Law on the republican budget for 2024-2026"),
    ("2025-12-31", 46228, 3932, "Law on the republican budget for 2025-2027"),
    ("2026-12-01", 50851, 4325, "Law on the republican budget for 2026-2028"),
]


@pytest.mark.parametrize(("day", "minimum", "index", "reference"), BUDGET_LAWS)
def test_the_budget_laws_values_are_in_force_back_to_2018(
    day: str, minimum: int, index: int, reference: str
) -> None:
    on = dt.date.fromisoformat(day)
    for key, value in (("subsistence_minimum", minimum), ("monthly_calculation_index", index)):
        row = parameter_on(key, on)
        assert (row.value, row.reference, row.reason) == (value, reference, SEEDED)
        # The same law in Kazakh and Russian, by its official title's form.
        years = reference.split("for ")[1].split(" ")[0].replace("-", "–")
        assert f"«О республиканском бюджете на {years} годы»" in row.reference_ru
        assert f"«{years} жылдарға арналған республикалық бюджет туралы»" in row.reference_kk
    with pytest.raises(DomainError):
        value_on("subsistence_minimum", dt.date(2017, 12, 31))


def test_seeding_adds_the_dates_an_existing_database_lacks(
    ministry: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database seeded before the file gained earlier dates, and edited since: the next
    # migration adds the dates it lacks, and keeps every value it holds.
    parameter_value_correct(
        actor=ministry,
        key="subsistence_minimum",
        effective=dt.date(2018, 1, 1),
        value=28285,
        reference="Corrected budget law",
        reason="Test of a correction",
        **OTHER_LANGUAGES,
    )
    earlier = {
        "key": "subsistence_minimum",
        "effective": "2017-01-01",
        "value": 24459,
        "reference": "Law on the republican budget for 2017-2019",
    }
    rows = [earlier, *countries.parameters("kz")]
    monkeypatch.setattr(countries, "parameters", lambda country: rows)
    before = DatedParameter.objects.count()
    call_command("migrate", verbosity=0)
    assert DatedParameter.objects.count() == before + 1
    added = parameter_on("subsistence_minimum", dt.date(2017, 6, 1))
    assert (added.value, added.reason, added.entered_by) == (24459, SEEDED, None)
    assert value_on("subsistence_minimum", dt.date(2018, 1, 1)) == 28285
    assert load_country() == (20, 0)


@pytest.mark.parametrize("who", ["officer", "regional_ministry", "person", "system", "nobody"])
def test_only_a_national_ministry_account_may_enter_a_value(who: str) -> None:
    actor: Any = {
        "officer": lambda: make_user("officer", "district_officer", "71"),
        "regional_ministry": lambda: make_user("regional", "ministry_admin", "71"),
        "person": lambda: make_user("dana", "person", None),
        "system": lambda: SYSTEM,
        "nobody": lambda: None,
    }[who]()
    before = DatedParameter.objects.count()
    with pytest.raises(AccessDenied) as refusal:
        add(actor)
    assert refusal.value.code == ErrorCode.PARAMETER_NOT_PERMITTED
    with translation.override("ru"):
        russian = refusal.value.message
    assert russian == "Только министерство может вводить значения датированных параметров."
    assert DatedParameter.objects.count() == before
    assert not AuditEvent.objects.exists()


BAD = [
    ({"key": "minimum_wage"}, ErrorCode.PARAMETER_UNKNOWN),
    ({"value": Decimal("45000.50")}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": 45000.0}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": True}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": "45000"}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": Decimal("NaN")}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": 10**15}, ErrorCode.PARAMETER_VALUE_KIND),
    ({"value": -1}, ErrorCode.PARAMETER_NEGATIVE),
    ({"effective": dt.date(24, 7, 1)}, ErrorCode.PARAMETER_DATE_OUT_OF_RANGE),
    ({"effective": dt.date(2204, 7, 1)}, ErrorCode.PARAMETER_DATE_OUT_OF_RANGE),
    ({"effective": dt.date(2024, 1, 1)}, ErrorCode.PARAMETER_DATE_TAKEN),
    ({"reference": "  "}, ErrorCode.PARAMETER_REFERENCE_MISSING),
    ({"reference": "x" * 301}, ErrorCode.PARAMETER_REFERENCE_MISSING),
    ({"reference_kk": ""}, ErrorCode.PARAMETER_REFERENCE_MISSING),
    ({"reference_ru": " "}, ErrorCode.PARAMETER_REFERENCE_MISSING),
    ({"reference_kk": "ж" * 301}, ErrorCode.PARAMETER_REFERENCE_MISSING),
    ({"reason": ""}, ErrorCode.PARAMETER_REASON_MISSING),
]


@pytest.mark.parametrize(("fields", "code"), BAD, ids=[f"{c}-{f}" for f, c in BAD])
def test_bad_input_is_refused_and_nothing_is_written(
    ministry: User, fields: dict[str, Any], code: ErrorCode
) -> None:
    before = list(DatedParameter.objects.values_list("pk", "value"))
    with pytest.raises(DomainError) as refusal:
        add(ministry, **fields)
    assert refusal.value.code == code
    english = refusal.value.message
    with translation.override("kk"):
        assert refusal.value.message and refusal.value.message != english
    assert list(DatedParameter.objects.values_list("pk", "value")) == before
    assert not AuditEvent.objects.exists()


def test_the_latest_date_is_the_end_of_the_third_budget_year() -> None:
    assert latest_effective(dt.date(2026, 12, 1)) == dt.date(2029, 12, 31)


def test_a_correction_needs_a_value_to_correct_and_a_change(ministry: User) -> None:
    fields: dict[str, Any] = {
        "key": "subsistence_minimum",
        "reference": "Law on the republican budget for 2024-2026",
        "reference_kk": "«2024–2026 жылдарға арналған республикалық бюджет туралы» Заң",
        "reference_ru": "Закон «О республиканском бюджете на 2024–2026 годы»",
        "reason": "r",
    }
    with pytest.raises(DomainError) as nothing:
        parameter_value_correct(actor=ministry, effective=JULY, value=1, **fields)
    assert nothing.value.code == ErrorCode.PARAMETER_NOTHING_TO_CORRECT
    with pytest.raises(DomainError) as same:
        parameter_value_correct(
            actor=ministry, effective=dt.date(2024, 1, 1), value=43407, **fields
        )
    assert same.value.code == ErrorCode.PARAMETER_UNCHANGED
    assert not DatedParameter.objects.filter(revision__gt=1).exists()


# --- the back office ----------------------------------------------------------------------------


ADD = "/en/admin/core/datedparameter/add/"
LIST = "/en/admin/core/datedparameter/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "key": "subsistence_minimum",
        "effective": "2024-07-01",
        "value": "45000",
        "reference": AMENDMENT,
        "reference_kk": AMENDMENT_KK,
        "reference_ru": AMENDMENT_RU,
        "reason": "Mid-year amendment",
    }
    data.update(overrides)
    return data


@pytest.fixture
def back_office(client: Client, ministry: User) -> Client:
    ministry.is_staff = True
    ministry.save()
    sign_in(client, ministry)
    return client


def test_the_admin_form_goes_through_the_service(back_office: Client, ministry: User) -> None:
    assert back_office.get(ADD).status_code == 200
    response = back_office.post(ADD, _form())
    assert response.status_code == 302, response.content
    row = DatedParameter.objects.get(effective=JULY)
    assert (row.value, row.entered_by, row.revision) == (45000, ministry, 1)
    assert AuditEvent.objects.filter(action="parameter_value_add", actor=ministry).exists()

    response = back_office.post(ADD, _form(value="45100", correction="on", reason="Mistyped"))
    assert response.status_code == 302
    assert value_on("subsistence_minimum", JULY) == 45100
    page = back_office.get(LIST + "?key=subsistence_minimum").content.decode()
    assert "45100" in page and "45000" in page  # the corrected value stays in the history


def test_the_admin_form_refuses_bad_input_and_writes_nothing(back_office: Client) -> None:
    before = DatedParameter.objects.count()
    for data in (
        _form(value="45000.5"),
        _form(effective="2024-01-01"),  # taken, and not ticked as a correction
        _form(effective="2025-03-01", correction="on"),  # nothing to correct
        _form(reason=""),
        _form(key="minimum_wage"),
    ):
        response = back_office.post(ADD, data)
        assert response.status_code == 200, data  # the form again, with its error
        assert b"errornote" in response.content or b"errorlist" in response.content
    assert DatedParameter.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_a_refused_value_is_explained_next_to_its_field_not_by_the_constraint_name(
    back_office: Client,
) -> None:
    response = back_office.post(ADD, _form(value="-5"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["value"]] == [ErrorCode.PARAMETER_NEGATIVE]
    assert not form.non_field_errors()
    assert b"parameter_not_negative" not in response.content  # the database's name for it
    assert not DatedParameter.objects.filter(effective=JULY).exists()


@pytest.mark.parametrize("field", ["reference_kk", "reference_ru", "reference"])
def test_the_form_takes_the_reference_in_three_languages_and_refuses_one_missing(
    back_office: Client, field: str
) -> None:
    response = back_office.post(ADD, _form(**{field: " "}))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()[field]] == [ErrorCode.PARAMETER_REFERENCE_MISSING]
    language = {"reference_kk": "Kazakh", "reference_ru": "Russian", "reference": "English"}
    assert f"Give the legal reference of the value in {language[field]}" in (
        response.content.decode()
    )
    assert not DatedParameter.objects.filter(effective=JULY).exists()
    assert not AuditEvent.objects.exists()


def test_the_history_shows_the_reference_in_the_readers_language(back_office: Client) -> None:
    assert back_office.post(ADD, _form()).status_code == 302
    row = DatedParameter.objects.get(effective=JULY)
    assert (row.reference_kk, row.reference_ru, row.reference) == (
        AMENDMENT_KK,
        AMENDMENT_RU,
        AMENDMENT,
    )
    english = back_office.get(LIST + "?key=subsistence_minimum").content.decode()
    assert AMENDMENT in english and AMENDMENT_RU not in english
    russian = back_office.get(
        LIST.replace("/en/", "/ru/") + "?key=subsistence_minimum"
    ).content.decode()
    assert AMENDMENT_RU in russian and AMENDMENT not in russian
    assert "Закон «О республиканском бюджете на 2024–2026 годы»" in russian
    kazakh = back_office.get(
        LIST.replace("/en/", "/kk/") + "?key=subsistence_minimum"
    ).content.decode()
    assert AMENDMENT_KK.replace("«", "&laquo;") in kazakh or AMENDMENT_KK in kazakh


def test_no_edit_in_place_and_no_delete(back_office: Client) -> None:
    row = DatedParameter.objects.get(key="subsistence_minimum", effective="2024-01-01")
    change = f"{LIST}{row.pk}/change/"
    assert back_office.get(change).status_code == 200  # read only
    back_office.post(change, _form(effective="2024-01-01", value="1"))
    assert back_office.post(f"{LIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.value == 43407


def test_an_officer_cannot_open_the_form(client: Client) -> None:
    officer = make_user("officer", "district_officer", "71")
    officer.is_staff = True
    officer.save()
    sign_in(client, officer)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form()).status_code == 403
    assert not DatedParameter.objects.filter(effective=JULY).exists()


# --- the rule tests read parameters.json, or the database when asked -----------------------------


def test_rule_tests_read_the_country_file_unless_told_to_read_the_database(
    ministry: User,
) -> None:
    programme = str(COUNTRIES_DIR / "kz" / "programmes" / "disability_benefit.yaml")
    parameter_value_correct(
        actor=ministry,
        key="subsistence_minimum",
        effective=dt.date(2024, 1, 1),
        value=50000,
        reference="A test value",
        reason="To see which source the rule tests read",
        reference_kk="Сынақ мәні",
        reference_ru="Тестовое значение",
    )
    out = StringIO()
    call_command("rules", "test", programme, stdout=out)
    assert out.getvalue().splitlines()[-1].endswith("0 failed")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rules", "test", "--parameters", "database", programme, stdout=out)
    assert "FAIL " in out.getvalue()


def test_the_database_refuses_to_change_or_remove_a_value() -> None:
    row = DatedParameter.objects.get(key="subsistence_minimum", effective="2024-01-01")
    for attempt in (
        lambda: DatedParameter.objects.filter(pk=row.pk).update(value=1),
        lambda: DatedParameter.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    row.refresh_from_db()
    assert row.value == 43407
