"""Name search ignores case in every alphabet, on SQLite as on PostgreSQL: "ахметова" finds
"Ахметова", and the Kazakh letters ә ғ қ ң ө ұ ү һ і fold too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inclusio.core.audit import SYSTEM
from inclusio.core.models import User
from inclusio.registry.models import Person
from inclusio.registry.selectors import person_search
from inclusio.registry.services import person_correct, person_create
from inclusio.synthetic.load import load_snapshot
from tests.factories import make_person, make_user, new_iin

pytestmark = pytest.mark.django_db


def names(officer: User, query: str) -> list[str]:
    return [person.full_name for person in person_search(actor=officer, query=query)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ахметова", "Ахметова Әсел Құрманқызы"),
        ("АХМЕТОВА", "Ахметова Әсел Құрманқызы"),
        ("әсел", "Ахметова Әсел Құрманқызы"),
        ("ахметова ӘСЕЛ құрман", "Ахметова Әсел Құрманқызы"),
        ("ғалым", "Ғалымов Іңкәр Өмірұлы"),
        ("ІҢКӘР", "Ғалымов Іңкәр Өмірұлы"),
        ("ғалымов өмірұ", "Ғалымов Іңкәр Өмірұлы"),
        ("үһ", "Үһіқова Ңөұ"),
        ("ҢӨҰ", "Үһіқова Ңөұ"),
        ("smith", "Smith Anna"),
    ],
)
def test_a_name_is_found_whatever_its_case(query: str, found: str) -> None:
    for surname, given_name, patronymic, sex in [
        ("Ахметова", "Әсел", "Құрманқызы", "F"),
        ("Ғалымов", "Іңкәр", "Өмірұлы", "M"),
        ("Үһіқова", "Ңөұ", "", "F"),
        ("Smith", "Anna", "", "F"),
    ]:
        person_create(
            actor=SYSTEM,
            iin=new_iin(sex=sex),
            surname=surname,
            given_name=given_name,
            patronymic=patronymic,
            region_code="71",
            urban=True,
        )
    assert names(make_user("officer", "district_officer", "71"), query) == [found]


def test_a_corrected_name_is_found_by_its_new_spelling_only() -> None:
    officer = make_user("officer", "district_officer", "71")
    person = make_person(surname="Абенова")
    person_correct(actor=officer, person=person, reason="Married", surname="Серікова")
    assert names(officer, "серік") == [person.full_name]
    assert names(officer, "абен") == []


def test_synthetic_persons_are_found_whatever_the_case(
    synthetic_snapshot: Callable[[str, int], Path],
) -> None:
    load_snapshot(synthetic_snapshot("demo", 7))
    officer = make_user("national", "ministry_admin", None)
    someone = Person.objects.exclude(surname__startswith="A").order_by("iin").first()
    assert someone is not None
    assert someone.surname_folded == someone.surname.casefold() != someone.surname
    found = person_search(actor=officer, query=f"{someone.surname.lower()} {someone.given_name}")
    assert someone in found
