"""The why page names which cared person or family member met or failed which condition, as far
as the reader may see them (docs/access.md), and logs each one it names in their access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from inclusio.benefits.models import Decision, Programme, Proposal
from inclusio.benefits.services import proposal_accept
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from tests.browser.benefits_data import IBAN, make_offer
from tests.factories import make_person, make_trio, make_user, sign_in

pytestmark = pytest.mark.django_db

MET = ("parent_or_guardian", "under_18", "valid_on_date")
PARAMETERS = {
    "carer_coefficient": {
        "value": "1.61",
        "effective": "2023-07-01",
        "reference": {"kk": "Әлеуметтік кодекс", "ru": "Социальный кодекс", "en": "Social Code"},
    },
    "subsistence_minimum": {
        "value": 43407,
        "effective": "2024-01-01",
        "reference": {"kk": "бюджет", "ru": "бюджет", "en": "budget"},
    },
}


def checked(person: Person, *, failed: str = "") -> dict[str, Any]:
    return {
        "member": person.iin,
        "counted": not failed,
        "reasons": [{"condition": name, "met": name != failed} for name in MET],
    }


def carer_offer(carer: Person, children: list[Person], failed: list[str]) -> Proposal:
    """An offer of the child carer benefit to ``carer``, as a screening writes it: the first
    child counted, the others failing the condition of ``failed``."""
    offer = make_offer(carer, "free_legal_aid")
    programme = Programme.objects.get(code="child_disability_carer_benefit")
    counted = sum(1 for name in failed if not name)
    Proposal.objects.filter(pk=offer.pk).update(
        programme=programme,
        version=programme.active_version,
        amount_kzt=69885 * counted,
        reasons=[{"condition": "raises_a_child_with_disability", "met": True}],
        parameters=PARAMETERS,
        inputs=[{"name": "cared_count", "value": str(counted)}],
        members=[checked(c, failed=f) for c, f in zip(children, failed, strict=True)],
    )
    offer.refresh_from_db()
    return offer


def family(carer: Person) -> tuple[Person, Person]:
    """Two children of ``carer``: 6 and 18 years old on the screening date (2024-01-01)."""
    aruzhan = make_person(birth_date=dt.date(2017, 5, 2), surname="Child", given_name="Аружан")
    nurlan = make_person(birth_date=dt.date(2005, 3, 9), surname="Child", given_name="Нұрлан")
    for child in (aruzhan, nurlan):
        care_link_create(
            actor=SYSTEM, carer=carer, cared=child, relation="parent", since=child.birth_date
        )
    return aruzhan, nurlan


def page(client: Client, url: str, language: str = "en") -> str:
    with override(language):
        response = client.get(f"/{language}{url}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_person_reads_which_child_failed_the_age_condition_in_three_languages(
    client: Client,
) -> None:
    trio = make_trio()
    aruzhan, nurlan = family(trio.person)
    offer = carer_offer(trio.person, [aruzhan, nurlan], ["", "under_18"])
    client.force_login(trio.person.user)
    url = f"/benefits/offers/{offer.pk}/why/"
    english = page(client, url)
    assert "Аружан, 6 years old" in english
    assert "Нұрлан, 18 years old" in english
    checked = english.split('<h3 id="checked-1">')[1]
    aruzhan_part, nurlan_part = checked.split('<h3 id="checked-2">')
    assert aruzhan_part.startswith("Аружан, 6 years old</h3>")
    assert nurlan_part.startswith("Нұрлан, 18 years old</h3>")
    assert "Counted: every condition is true." in aruzhan_part
    assert "Not counted: a condition below is not true." in nurlan_part
    assert '<strong class="text-secondary-darker">Not true:</strong> The child is under 18.' in (
        nurlan_part
    )
    assert "<strong>True:</strong> The child is under 18." in aruzhan_part
    # The amount as computed names who it counts, and no one else.
    assert "How your amount is counted: 1 × 1.61 × 43,407 = 69,885 tenge." in english
    assert "Counted in your amount: Аружан, 6 years old." in english
    # Nobody's surname, IIN or birth date.
    for child in (aruzhan, nurlan):
        assert child.iin not in english
        assert child.birth_date.isoformat() not in english
    assert "Child" not in english.split("<main")[1]
    russian = page(client, url, "ru")
    assert "Аружан, 6 лет" in russian and "Нұрлан, 18 лет" in russian
    assert "Не учитывается: одно из условий ниже не выполняется." in russian
    assert "Ребёнку ещё нет 18 лет." in russian.split('<h3 id="checked-2">')[1]
    assert "Учтены в вашей сумме: Аружан, 6 лет." in russian
    kazakh = page(client, url, "kk")
    assert "Аружан, 6 жаста" in kazakh and "Нұрлан, 18 жаста" in kazakh
    assert "Есепке алынбады: төмендегі шарттардың бірі орындалмайды." in kazakh
    assert "Бала 18 жасқа толмаған." in kazakh.split('<h3 id="checked-2">')[1]


def test_a_child_counted_for_another_carer_is_told_so() -> None:
    from inclusio.benefits.page_data import _outcome
    from inclusio.benefits.selectors import ConditionLine, ShownPerson

    shown = ShownPerson(False, "Аружан", 6, False, [ConditionLine("under_18", True, "")])
    with override("en"):
        assert "another person has cared for them longer" in _outcome(shown, "cared")


def test_each_child_named_has_the_read_in_their_log_and_the_trio_holds(client: Client) -> None:
    trio = make_trio()
    aruzhan, nurlan = family(trio.person)
    offer = carer_offer(trio.person, [aruzhan, nurlan], ["", "under_18"])
    url = f"/en/benefits/offers/{offer.pk}/why/"
    sign_in(client, trio.other_officer)
    assert client.get(url).status_code == 404
    assert not AccessEvent.objects.filter(person_iin__in=[aruzhan.iin, nurlan.iin]).exists()
    client.logout()
    sign_in(client, trio.own_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Нұрлан, 18 years old" in response.content.decode()
    for child in (aruzhan, nurlan):
        event = AccessEvent.objects.get(person_iin=child.iin, actor=trio.own_officer)
        assert (event.what, event.purpose, event.outcome) == ("family_card", "benefits", "granted")


def test_the_representative_reads_the_same_and_it_is_logged(client: Client) -> None:
    trio = make_trio()
    aruzhan, nurlan = family(trio.person)
    offer = carer_offer(trio.person, [aruzhan, nurlan], ["", "under_18"])
    account = make_user("guardian", "representative", None)
    guardian = make_person(surname="Guardian", given_name="Ерлан", user=account)
    care_link_create(
        actor=SYSTEM,
        carer=guardian,
        cared=trio.person,
        relation="guardian",
        since=dt.date(2020, 1, 1),
    )
    client.force_login(account)
    why = page(client, f"/benefits/offers/{offer.pk}/why/")
    assert "Аружан, 6 years old" in why and "Нұрлан, 18 years old" in why
    for child in (aruzhan, nurlan):
        assert AccessEvent.objects.filter(person_iin=child.iin, actor=account).exists()


def test_a_family_shows_the_reader_and_children_but_not_another_adult(client: Client) -> None:
    trio = make_trio()
    spouse = make_person(birth_date=dt.date(1979, 1, 1), surname="Spouse", given_name="Бауыржан")
    son = make_person(birth_date=dt.date(2012, 1, 2), surname="Child", given_name="Әлихан")
    offer = make_offer(trio.person, "free_legal_aid")
    housing = Programme.objects.get(code="housing_priority")
    conditions = ("valid_on_date", "group_1_or_2_or_child")

    def member(person: Person, met: tuple[bool, bool]) -> dict[str, Any]:
        reasons = [{"condition": c, "met": m} for c, m in zip(conditions, met, strict=True)]
        return {"member": person.iin, "counted": all(met), "reasons": reasons}

    Proposal.objects.filter(pk=offer.pk).update(
        programme=housing,
        version=housing.active_version,
        subject_kind="family",
        amount_kzt=None,
        reasons=[{"condition": "member_with_disability", "met": True}],
        inputs=[{"name": "member_count", "value": "2"}],
        members=[
            member(trio.person, (True, True)),
            member(spouse, (False, False)),
            member(son, (True, True)),
        ],
    )
    client.force_login(trio.person.user)
    why = page(client, f"/benefits/offers/{offer.pk}/why/")
    assert '<h3 id="checked-1">You</h3>' in why
    assert "Әлихан, 11 years old" in why
    assert "Бауыржан" not in why
    assert "1 other member of your family was checked too." in why
    assert not AccessEvent.objects.filter(person_iin=spouse.iin).exists()
    russian = page(client, f"/benefits/offers/{offer.pk}/why/", "ru")
    assert "Ещё 1 член вашей семьи тоже проверен." in russian
    kazakh = page(client, f"/benefits/offers/{offer.pk}/why/", "kk")
    assert '<h3 id="checked-1">Сіз</h3>' in kazakh and "Әлихан, 11 жаста" in kazakh


def test_the_why_page_keeps_its_query_budget_however_many_children(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    trio = make_trio()
    aruzhan, nurlan = family(trio.person)
    offer = carer_offer(trio.person, [aruzhan], [""])
    more = [make_person(birth_date=dt.date(2015, 1, 1), given_name=f"Бала{i}") for i in range(4)]
    sign_in(client, trio.own_officer)
    url = f"/en/benefits/offers/{offer.pk}/why/"
    counts = []
    for children in ([aruzhan], [aruzhan, nurlan, *more]):
        failed = ["", "under_18", "", "", "", "valid_on_date"][: len(children)]
        Proposal.objects.filter(pk=offer.pk).update(
            members=[checked(c, failed=f) for c, f in zip(children, failed, strict=True)]
        )
        assert client.get(url).status_code == 200  # the trail's head row and permissions cached
        with django_assert_max_num_queries(WHY_PAGE_BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert "Бала3, 9 years old" in response.content.decode() or len(children) == 1
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


WHY_PAGE_BUDGET = 20


def test_the_decision_keeps_who_met_which_condition(client: Client) -> None:
    """Consent freezes the explanation: the decision's why page names the same children."""
    trio = make_trio()
    aruzhan, nurlan = family(trio.person)
    offer = carer_offer(trio.person, [aruzhan, nurlan], ["", "under_18"])
    decision = proposal_accept(actor=trio.person.user, proposal_id=offer.pk, payment_account=IBAN)
    assert isinstance(decision, Decision)
    Proposal.objects.filter(pk=offer.pk).update(members=[])  # the decision keeps its own copy
    client.force_login(trio.person.user)
    with override("ru"):
        url = reverse("benefits:decision_why", args=[decision.pk])
    russian = client.get(url).content.decode()
    assert "Аружан, 6 лет" in russian and "Нұрлан, 18 лет" in russian
    assert "Ребёнку ещё нет 18 лет." in russian.split('<h3 id="checked-2">')[1]
