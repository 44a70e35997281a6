"""The appeal pages: the link from the refusal's page, the form (its refusals translated, nothing
written), who sees an appeal (the trio and the representative) and the pages' query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inclusio.appeals.models import Appeal
from inclusio.appeals.services import appeal_file
from inclusio.benefits.models import Decision
from inclusio.benefits.services import proposal_refuse
from tests.browser.benefits_data import make_offer
from tests.factories import Trio, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def test_the_refusal_page_offers_the_appeal_to_the_person_only(
    client: Client, trio: Trio, refusal: Decision
) -> None:
    link = f"/en/appeals/new/benefit_decision/{refusal.pk}/"
    client.force_login(trio.person.user)
    assert link in client.get(f"/en/benefits/decisions/{refusal.pk}/").content.decode()
    sign_in(client, trio.own_officer)
    assert link not in client.get(f"/en/benefits/decisions/{refusal.pk}/").content.decode()
    # The officer cannot open the form: the decision is not theirs to appeal.
    assert client.get(link).status_code == 404


def test_the_form_refuses_a_bad_document_in_russian_and_writes_nothing(
    client: Client, trio: Trio, refusal: Decision
) -> None:
    client.force_login(trio.person.user)
    url = f"/ru/appeals/new/benefit_decision/{refusal.pk}/"
    before = row_counts()
    answer = client.post(
        url,
        {
            "grounds": "Я отказалась по ошибке.",
            "attachment": SimpleUploadedFile("x.exe", b"MZ" + bytes(30)),
            "attachment_title": "Справка",
        },
    )
    assert answer.status_code == 422
    assert "Приложите документ PDF или изображение JPEG, PNG или WebP." in answer.content.decode()
    assert row_counts() == before
    empty = client.post(url, {"grounds": " "})
    assert "Напишите своими словами, почему решение неверно." in empty.content.decode()
    filed = client.post(url, {"grounds": "Я отказалась по ошибке."})
    appeal = Appeal.objects.get()
    assert filed["Location"] == f"/ru/appeals/{appeal.pk}/"


def test_who_sees_an_appeal(client: Client, trio: Trio, parent: Any) -> None:
    account, child = parent
    refusal = proposal_refuse(actor=account, proposal_id=make_offer(child).pk)
    appeal = appeal_file(
        actor=account, kind="benefit_decision", decision_id=refusal.pk, grounds="Wrong."
    )
    url = f"/en/appeals/{appeal.pk}/"
    client.force_login(account)
    assert client.get(url).status_code == 200
    assert client.get("/en/appeals/").status_code == 200
    client.force_login(trio.person.user)  # someone else's appeal
    assert client.get(url).status_code == 404
    sign_in(client, trio.other_officer)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}take-up/").status_code == 404
    sign_in(client, trio.own_officer)
    page = client.get(url).content.decode()
    assert "Take up the review" in page and "Record the decision" in page
    assert client.post(f"{url}take-up/").status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).state == "under_review"


def test_the_pages_keep_to_a_query_budget(
    client: Client, trio: Trio, refusal: Decision, django_assert_max_num_queries: Any
) -> None:
    appeal = appeal_file(
        actor=trio.person.user, kind="benefit_decision", decision_id=refusal.pk, grounds="Wrong."
    )
    client.force_login(trio.person.user)
    with django_assert_max_num_queries(25):
        assert client.get(f"/en/appeals/{appeal.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/en/appeals/").status_code == 200
    sign_in(client, trio.own_officer)
    with django_assert_max_num_queries(35):
        assert client.get(f"/en/appeals/{appeal.pk}/").status_code == 200


def _reads_of_the_decision(queries: Any) -> int:
    """The statements reading benefit decisions (by their table, before any WHERE)."""
    return sum('FROM "benefits_decision"' in query["sql"].split("WHERE")[0] for query in queries)


def test_the_benefit_appeal_reads_its_decision_once_to_file_and_twice_to_grant(
    client: Client, trio: Trio, refusal: Decision, django_assert_max_num_queries: Any
) -> None:
    client.force_login(trio.person.user)
    url = f"/en/appeals/new/benefit_decision/{refusal.pk}/"
    with django_assert_max_num_queries(12) as page:
        assert client.get(url).status_code == 200
    assert _reads_of_the_decision(page.captured_queries) == 1
    with django_assert_max_num_queries(20) as filing:
        assert client.post(url, {"grounds": "Wrong."}).status_code == 302
    assert _reads_of_the_decision(filing.captured_queries) == 1
    appeal = Appeal.objects.get()
    sign_in(client, trio.own_officer)
    # Granting also works out the top-ups owed for the payrolls computed since the screening.
    with django_assert_max_num_queries(56) as granting:
        decided = client.post(
            f"/en/appeals/{appeal.pk}/decide/", {"outcome": "granted", "reasons": "Right."}
        )
    assert decided.status_code == 302
    # The appeals app's check that it still stands, and the benefits service's locked read.
    assert _reads_of_the_decision(granting.captured_queries) == 2
    assert Appeal.objects.get(pk=appeal.pk).carried_out["award"]
