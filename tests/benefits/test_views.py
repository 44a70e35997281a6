"""The benefits pages: who sees which offer, consent through the page, why, runs, payroll."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils.translation import override

from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    PaymentAccount,
    Payroll,
    Programme,
    Proposal,
)
from inclusio.benefits.selectors import explanation_data
from inclusio.benefits.services import payroll_approve, payroll_create
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.registry.services import care_link_create
from tests.browser.benefits_data import IBAN, make_counted_run, make_offer
from tests.factories import make_person, make_trio, make_user, same_page, sign_in

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- the person's page ------------------------------------------------------------------------


def test_the_person_sees_their_offer_message_and_nothing_of_others(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    someone_else = make_offer(make_person(surname="Other", given_name="Person"), "free_legal_aid")
    client.force_login(trio.person.user)
    mine = page(client, "/en/benefits/")
    assert "State social disability benefit" in mine
    assert "50,352 tenge a month" in mine
    assert f'href="/en/benefits/offers/{offer.pk}/"' in mine
    # The message from the local messaging backend, as a notice.
    assert "You are entitled to “State social disability benefit”" in mine
    assert f"/offers/{someone_else.pk}/" not in mine
    assert "Free legal aid" not in mine
    with override("ru"):
        russian = page(client, "/ru/benefits/")
    assert "50\u00a0352" in russian


def test_the_person_reaches_the_page_from_the_menu_and_from_my_record(client: Client) -> None:
    trio = make_trio()
    client.force_login(trio.person.user)
    home = page(client, "/en/")
    assert '<a class="usa-link" href="/en/benefits/">My benefits</a>' in home
    assert 'href="/en/benefits/"' in page(client, "/en/registry/me/")


def test_a_stranger_cannot_see_or_answer_an_offer_and_nothing_is_written(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    stranger = make_user("stranger", "person", None)
    make_person(surname="Stranger", user=stranger)
    client.force_login(stranger)
    for url in (
        f"/en/benefits/offers/{offer.pk}/",
        f"/en/benefits/offers/{offer.pk}/why/",
        f"/en/benefits/persons/{trio.person.iin}/",
    ):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": IBAN})
    assert response.status_code in (403, 404)
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING
    assert not Decision.objects.exists() and not PaymentAccount.objects.exists()
    assert client.get("/en/benefits/offers/999999/").status_code == 404


def test_an_officer_of_another_region_is_refused_the_offer(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    sign_in(client, trio.other_officer)
    out_of_scope = client.get(f"/en/benefits/offers/{offer.pk}/")
    unknown = client.get(f"/en/benefits/offers/{offer.pk + 1000}/")
    assert out_of_scope.status_code == unknown.status_code == 404
    assert same_page(out_of_scope.content, unknown.content)
    refused = AccessEvent.objects.filter(person_iin=trio.person.iin, outcome="denied")
    assert refused.exists()


def test_the_officer_of_the_region_sees_the_offer_but_cannot_answer_it(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    sign_in(client, trio.own_officer)
    seen = page(client, f"/en/benefits/offers/{offer.pk}/")
    assert "Only the person or their legal representative can answer this offer." in seen
    assert 'name="iban"' not in seen
    client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": IBAN})
    assert not Decision.objects.exists()


# --- consent ----------------------------------------------------------------------------------


def test_consent_through_the_page_makes_exactly_one_decision(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    url = f"/en/benefits/offers/{offer.pk}/"
    form = page(client, url)
    assert 'autocomplete="off"' in form and "I agree" in form and "I refuse" in form
    response = client.post(url, {"answer": "accept", "iban": "kz18 722s 0000 1234 5678"})
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/benefits/decisions/{decision.pk}/"
    assert decision.outcome == Decision.Outcome.GRANTED and decision.decided_by == trio.person.user
    assert PaymentAccount.objects.get().iban == IBAN
    confirmation = client.get(response["Location"]).content.decode()
    assert "Thank you. Your consent is recorded." in confirmation

    # The same form sent again, or a refusal after it: the first answer stands.
    again = client.post(url, {"answer": "accept", "iban": IBAN})
    assert again["Location"] == f"/en/benefits/decisions/{decision.pk}/"
    client.post(url, {"answer": "refuse"})
    assert Decision.objects.count() == 1 and PaymentAccount.objects.count() == 1
    assert "You already answered this offer" in client.get(again["Location"]).content.decode()
    assert "State social disability benefit" in page(client, "/en/benefits/")


def test_a_wrong_iban_is_explained_in_english_and_nothing_is_written(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    with override("en"):
        response = client.post(
            f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": "KZ86 125K"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A Kazakh IBAN has 20 characters and starts with KZ" in html
    assert 'class="usa-alert usa-alert--error inclusio-error-summary"' in html
    assert 'href="#id_iban"' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_iban_helptext id_iban_error"' in html
    assert "<title>Error:" in html
    wrong_digits = client.post(
        f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": "KZ87125KZT5004100100"}
    )
    assert "check digits do not match" in wrong_digits.content.decode()
    missing = client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": ""})
    assert "Enter the bank account (IBAN)" in missing.content.decode()
    assert not Decision.objects.exists() and not PaymentAccount.objects.exists()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING


def test_a_refusal_needs_no_account(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    asked = client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "refuse"})
    assert asked["Location"] == f"/en/benefits/offers/{offer.pk}/refuse/"
    response = client.post(asked["Location"])
    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.REFUSED
    assert "Your refusal is recorded." in client.get(response["Location"]).content.decode()


def test_an_entitlement_is_accepted_without_an_account(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person, "free_legal_aid")
    client.force_login(trio.person.user)
    form = page(client, f"/en/benefits/offers/{offer.pk}/")
    assert 'name="iban"' not in form
    assert "there is no payment" in form.lower()
    client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept"})
    assert Decision.objects.get().outcome == Decision.Outcome.GRANTED


def test_a_parent_answers_for_the_child_they_represent(client: Client) -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    offer = make_offer(child)
    client.force_login(parent_account)
    assert f'href="/en/benefits/persons/{child.iin}/"' in page(client, "/en/benefits/")
    theirs = page(client, f"/en/benefits/persons/{child.iin}/")
    assert "Benefits of" in theirs and f"/offers/{offer.pk}/" in theirs
    client.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": IBAN})
    assert Decision.objects.get().decided_by == parent_account


# --- why --------------------------------------------------------------------------------------


def test_why_an_offer_is_made_in_plain_words(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    why = page(client, f"/en/benefits/offers/{offer.pk}/why/")
    assert (
        "You can receive “State social disability benefit” because you meet its conditions." in why
    )
    assert "<strong>True:</strong> You have disability group I, II or III." in why
    assert "Subsistence minimum: 43,407, in force since 1 January 2024." in why
    assert "Social Code of the Republic of Kazakhstan" in why
    assert "What you can do" in why
    # the amount as computed with the person's own values: group II, one coefficient
    assert "How your amount is counted: 1.16 × 43,407 = 50,352 tenge." in why
    assert "Coefficient for group II: 1.16" in why
    assert "0.88" not in why and "1.40" not in why  # the other groups' coefficients
    # an illustrative value is told in plain words, no internal note
    assert "This figure is an example used in this demonstration; the law sets the real one." in why
    assert "seed" not in why and "illustrative" not in why
    with override("kk"):
        kazakh = page(client, f"/kk/benefits/offers/{offer.pk}/why/")
    assert "Сізде I, II немесе III топтағы мүгедектік бар." in kazakh
    assert "43\u00a0407" in kazakh
    assert "1,16 × 43\u00a0407 = 50\u00a0352" in kazakh
    assert (
        "Қазақстан Республикасының 2023 жылғы 20 сәуірдегі № 224-VII Әлеуметтік кодексі" in kazakh
    )
    assert "Social Code" not in kazakh
    with override("ru"):
        russian = page(client, f"/ru/benefits/offers/{offer.pk}/why/")
    assert "Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VII" in russian
    assert "1,16 × 43\u00a0407 = 50\u00a0352" in russian
    assert "Social Code" not in russian
    assert "Это число — пример для этой демонстрации; настоящее значение устанавливает закон." in (
        russian
    )
    assert "Бұл сан — осы көрсетілімде қолданылатын мысал; нақтысын заң белгілейді." in kazakh


def test_why_a_family_benefit_counts_the_members(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person, "free_legal_aid")
    housing = Programme.objects.get(code="housing_priority")
    Proposal.objects.filter(pk=offer.pk).update(
        programme=housing,
        version=housing.active_version,
        subject_kind="family",
        reasons=[{"condition": "member_with_disability", "met": True}],
        inputs=[{"name": "member_count", "value": "2"}],
    )
    client.force_login(trio.person.user)
    why = page(client, f"/en/benefits/offers/{offer.pk}/why/")
    assert '<h2 id="per-person-heading">The members of your family</h2>' in why
    assert "<li>This person has disability group I or II, or is a child under 18.</li>" in why
    assert "Members of your family who meet all of them: 2." in why
    with override("ru"):
        russian = page(client, f"/ru/benefits/offers/{offer.pk}/why/")
    assert "Членов вашей семьи, которые отвечают им всем: 2." in russian
    assert "Закон Республики Казахстан от 16 апреля 1997 года № 94-I" in russian


def test_why_a_benefit_ended(client: Client) -> None:
    trio = make_trio()
    ended = make_offer(trio.person, kind=Proposal.Kind.ENDED, status=Proposal.Status.ASSIGNED)
    decision = Decision.objects.create(
        proposal=ended,
        person=trio.person,
        programme=ended.programme,
        outcome=Decision.Outcome.ENDED,
        explanation=explanation_data(ended),
    )
    client.force_login(trio.person.user)
    mine = page(client, "/en/benefits/")
    assert f"/en/benefits/decisions/{decision.pk}/why/" in mine
    why = page(client, f"/en/benefits/decisions/{decision.pk}/why/")
    # the condition that failed is named in the headline
    assert (
        "stopped because this condition is no longer true for you: "
        "You have disability group I, II or III." in why
    )
    assert "Not true:</strong> You have disability group I, II or III." in why
    assert "you can appeal it" in why


# --- screening runs ---------------------------------------------------------------------------


def test_the_officer_sees_the_runs_and_their_regions_counts(client: Client) -> None:
    trio = make_trio()
    run = make_counted_run([trio.person])
    sign_in(client, trio.own_officer)
    runs = page(client, "/en/benefits/runs/")
    assert f'href="/en/benefits/runs/{run.pk}/"' in runs and "<caption>" in runs
    response = client.get(f"/en/benefits/runs/{run.pk}/")
    rows = response.context["programmes"]
    assert [(r.title, r.new) for r in rows] == [("State social disability benefit", 1)]
    html = response.content.decode()
    assert '<th scope="row">State social disability benefit</th>' in html
    assert "4321" not in html  # the national eligible count is for national staff


def test_another_regions_officer_does_not_see_the_regions_counts(client: Client) -> None:
    trio = make_trio()
    run = make_counted_run([trio.person])
    sign_in(client, trio.other_officer)
    response = client.get(f"/en/benefits/runs/{run.pk}/")
    assert response.status_code == 200
    assert response.context["programmes"] == []
    assert response.context["totals"] == {"new": 0, "changed": 0, "ended": 0}
    assert "State social disability benefit" not in response.content.decode()


def test_national_staff_see_every_count(client: Client) -> None:
    trio = make_trio()
    run = make_counted_run([trio.person])
    minister = make_user("minister", "ministry_admin", None)
    sign_in(client, minister)
    html = page(client, f"/en/benefits/runs/{run.pk}/")
    assert "4321" in html and "Eligible" in html


def test_persons_may_not_see_runs(client: Client) -> None:
    trio = make_trio()
    run = make_counted_run([trio.person])
    client.force_login(trio.person.user)
    assert client.get("/en/benefits/runs/").status_code == 403
    assert client.get(f"/en/benefits/runs/{run.pk}/").status_code == 403


# --- payroll ----------------------------------------------------------------------------------


def test_the_ministry_creates_a_payroll_and_downloads_its_file(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    person = Client()
    person.force_login(trio.person.user)
    person.post(f"/en/benefits/offers/{offer.pk}/", {"answer": "accept", "iban": IBAN})
    minister = make_user("minister", "ministry_admin", None)
    sign_in(client, minister)
    assert "No payroll has been created yet." in page(client, "/en/benefits/payroll/")
    response = client.post("/en/benefits/payroll/", {"month": "2024-02"})
    assert response.status_code == 302
    payroll = Payroll.objects.get()
    listing = page(client, "/en/benefits/payroll/")
    assert "February 2024" in listing and "50,352 tenge" in listing
    url = f"/en/benefits/payroll/{payroll.pk}/payment-file/"
    approve = f"/en/benefits/payroll/{payroll.pk}/approve/"
    # Four eyes: the file only after a second person approves; the maker has no button to.
    assert url not in listing and approve not in listing
    assert "Waiting for a second person to approve it" in listing
    assert client.post(approve).status_code == 409
    checker = Client()
    sign_in(checker, make_user("checker", "ministry_admin", None))
    assert approve in page(checker, "/en/benefits/payroll/")
    assert checker.get(approve).status_code == 405
    assert checker.post(approve).status_code == 302
    assert "is approved; its payment file can now be produced" in page(
        checker, "/en/benefits/payroll/"
    )
    assert checker.post(approve).status_code == 409  # once
    listing = page(client, "/en/benefits/payroll/")
    assert f'<form method="post" action="{url}">' in listing and "(checker)" in listing
    assert client.get(url).status_code == 405  # a download is recorded: never by GET
    assert not AuditEvent.objects.filter(action="payment_file_produce").exists()
    download = client.post(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="inclusio-payroll-2024-02.xml"'
    )
    assert "no-store" in download["Cache-Control"]
    assert IBAN.encode() in download.content
    assert AuditEvent.objects.get(action="payment_file_produce").actor_name == "minister"
    logged = AccessEvent.objects.get(person_iin=trio.person.iin, what="payment_file")
    assert logged.actor_name == "minister"


def test_the_payment_file_is_refused_to_others_and_when_nothing_is_paid(client: Client) -> None:
    trio = make_trio()
    make_offer(trio.person)
    offer = Proposal.objects.get()
    decision = Decision.objects.create(
        proposal=offer,
        person=trio.person,
        programme=offer.programme,
        outcome="granted",
        amount_kzt=offer.amount_kzt,
        explanation=explanation_data(offer),
    )
    Award.objects.create(
        person=trio.person,
        programme=offer.programme,
        amount_kzt=offer.amount_kzt,
        starts=dt.date(2024, 1, 1),
        decision=decision,
    )
    payroll = payroll_create(actor=SYSTEM, month=dt.date(2024, 2, 1))  # held: no account
    url = f"/en/benefits/payroll/{payroll.pk}/payment-file/"
    not_approved = Client()
    sign_in(not_approved, make_user("early", "ministry_admin", None))
    assert not_approved.post(url).status_code == 409
    payroll_approve(actor=make_user("checker", "ministry_admin", None), payroll_id=payroll.pk)
    audit, access = AuditEvent.objects.count(), AccessEvent.objects.count()
    sign_in(client, make_user("regional", "ministry_admin", "71"))
    assert client.post(url).status_code == 403
    minister = Client()
    sign_in(minister, make_user("minister", "ministry_admin", None))
    empty = minister.post(url)
    assert empty.status_code == 409
    assert "has no payment to make, so there is no payment file" in empty.content.decode()
    assert "Content-Disposition" not in empty
    assert minister.post(f"/en/benefits/payroll/{payroll.pk + 1}/payment-file/").status_code == 404
    assert minister.post(f"/en/benefits/payroll/{payroll.pk + 1}/approve/").status_code == 404
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == (audit, access)


@pytest.mark.parametrize(
    ("month", "status", "says"),
    [
        ("February", 422, "Enter the month as a year and month"),
        ("0000-01", 422, "Enter the month as a year and month"),
        ("2024-13", 422, "Enter the month as a year and month"),
        ("", 422, "This field is required"),
        ("9999-12", 422, "at most one month ahead"),
        ("2099-01", 422, "at most one month ahead"),
        ("2024-02", 409, "No benefit is to be paid for 2024-02"),
    ],
)
def test_a_bad_month_is_explained_and_nothing_is_created(
    client: Client, month: str, status: int, says: str
) -> None:
    sign_in(client, make_user("minister", "ministry_admin", None))
    audit = AuditEvent.objects.count()
    response = client.post("/en/benefits/payroll/", {"month": month})
    assert response.status_code == status
    assert says in response.content.decode()
    assert not Payroll.objects.exists() and AuditEvent.objects.count() == audit


def test_only_the_ministry_reaches_the_payroll(client: Client) -> None:
    trio = make_trio()
    sign_in(client, trio.own_officer)
    assert client.get("/en/benefits/payroll/").status_code == 403
    assert client.post("/en/benefits/payroll/", {"month": "2024-02"}).status_code == 403
    assert not Payroll.objects.exists()


def test_opening_pages_reads_nothing_the_person_marks_messages_read_by_post(
    client: Client,
) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    mark = f"/en/benefits/persons/{trio.person.iin}/messages-read/"
    officer = Client()
    sign_in(officer, trio.own_officer)
    page(officer, f"/en/benefits/persons/{trio.person.iin}/")
    assert "Mark the messages as read" not in page(officer, f"/en/benefits/offers/{offer.pk}/")
    assert officer.post(mark).status_code == 404
    client.force_login(trio.person.user)
    page(client, f"/en/benefits/offers/{offer.pk}/")
    mine = page(client, "/en/benefits/")
    assert "<strong>New:</strong>" in mine and f'action="{mark}"' in mine
    assert Message.objects.get().read_at is None
    assert client.get(mark).status_code == 405
    assert client.post(mark)["Location"] == "/en/benefits/"
    mine = page(client, "/en/benefits/")
    assert "<strong>New:</strong>" not in mine and "Mark the messages as read" not in mine
    assert Message.objects.get().read_at is not None
    assert AuditEvent.objects.get(action="messages_read").actor_name == trio.person.user.username


def test_the_officer_of_the_region_reads_a_persons_benefits_page(client: Client) -> None:
    trio = make_trio()
    make_offer(trio.person)
    sign_in(client, trio.own_officer)
    theirs = page(client, f"/en/benefits/persons/{trio.person.iin}/")
    assert "Only the person or their legal representative can answer the offers." in theirs
    assert "Answer the offer" not in theirs and "See the offer" in theirs
    other = Client()
    sign_in(other, trio.other_officer)
    assert other.get(f"/en/benefits/persons/{trio.person.iin}/").status_code == 404
