"""The sync endpoints of the DCI server, checked against the standard's own schemas."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inclusio.core import audit
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent
from inclusio.interop.models import Disclosure
from inclusio.registry.services import disability_status_record
from inclusio.rehabilitation.models import Programme, ProgrammeItem
from tests.factories import STATUS_UNTIL, give_status, make_person, new_iin
from tests.interop.conftest import DciAgency, register, response_verifies
from tests.interop.spec import needs_spec, request_errors, response_errors

pytestmark = [pytest.mark.django_db, needs_spec]


def disabled_message(iin: str, form: str = "example") -> dict[str, Any]:
    query: Any = (
        {"member.member_identifier": {"eq": iin}}
        if form == "example"
        else {"type": "UIN", "value": iin}
    )
    return {
        "transaction_id": "t-1",
        "disabled_criteria": {
            "query_type": "expression" if form == "example" else "idtype-value",
            "query": query,
        },
    }


def call(
    agency: DciAgency, path: str, message: dict[str, Any], *, valid: bool = True
) -> dict[str, Any]:
    """Post a signed message; a request meant to be valid must satisfy the standard."""
    body = agency.envelope(message)
    assert (request_errors(path, body) == []) is valid
    answer = agency.post(path, body)
    assert answer.status_code == 200, answer.content
    found = answer.json()
    assert response_errors(path, found) == []
    assert response_verifies(agency.client, found)
    return found


@pytest.mark.parametrize("form", ["example", "idtype-value"])
def test_disabled_answers_yes_for_a_status_in_force_and_logs_the_agency(
    full_agency: DciAgency, form: str
) -> None:
    person = make_person()
    give_status(person, "I")
    found = call(full_agency, "/registry/sync/disabled", disabled_message(person.iin, form))
    assert found["header"]["status"] == "succ"
    assert found["header"]["receiver_id"] == "esp.gov.kz"
    (item,) = found["message"]["disabled_response"]
    assert item["disabled_status"] == "yes"
    assert item["reference_id"] == "t-1"
    (logged,) = AccessEvent.objects.filter(person_iin=person.iin, what="disability_status")
    assert logged.agency == "Employment service"
    assert logged.reader == "agency"
    assert logged.purpose == "status_verification"
    assert logged.channel == "api"


def test_disabled_answers_no_alike_for_an_ended_status_and_an_unknown_person(
    full_agency: DciAgency,
) -> None:
    person = make_person()
    give_status(person)
    disability_status_record(
        actor=SYSTEM,
        person=person,
        category="II",
        cause="general_disease",
        valid_from=dt.date(2026, 6, 1),
        reexamination_date=None,
        source="import",
        ended=True,
    )
    ended = call(full_agency, "/registry/sync/disabled", disabled_message(person.iin))
    unknown = call(full_agency, "/registry/sync/disabled", disabled_message(new_iin()))
    for found in (ended, unknown):
        assert found["message"]["disabled_response"][0]["disabled_status"] == "no"
    assert AccessEvent.objects.filter(person_iin=person.iin).count() == 1


def test_disabled_rejects_a_query_it_cannot_read(full_agency: DciAgency) -> None:
    message = disabled_message("not-an-iin")
    found = call(full_agency, "/registry/sync/disabled", message)
    item = found["message"]["disabled_response"][0]
    assert item["status"] == "rjct"
    assert "IIN" in item["status_reason_message"]
    assert not AccessEvent.objects.exists()


def test_details_for_a_minimal_agency_never_carry_the_impairments_or_the_cause(
    full_agency: DciAgency, minimal_agency: DciAgency
) -> None:
    person = make_person()
    give_status(person, "II", cause="work_injury")
    minimal = call(
        minimal_agency, "/registry/sync/get-disability-details", disabled_message(person.iin)
    )
    (record,) = minimal["message"]["search_response"][0]["data"]["reg_records"]
    assert record["disability_category"] == "II"
    assert record["is_valid"] is True
    assert record["valid_until"] == STATUS_UNTIL.isoformat()
    text = json.dumps(minimal)
    for withheld in ("impairment", "Work Accident", "age_on_set", "work_capacity", "Physical"):
        assert withheld not in text
    full = call(full_agency, "/registry/sync/get-disability-details", disabled_message(person.iin))
    (record,) = full["message"]["search_response"][0]["data"]["reg_records"]
    (details,) = record["disability_details"]
    assert details["impairment_cause"] == "Work Accident"
    assert details["impairment_type"] == "Physical and movement related functions"


def test_a_minimal_agency_is_refused_the_support_endpoint_and_reads_nobody(
    minimal_agency: DciAgency,
) -> None:
    person = make_person()
    give_status(person)
    path = "/registry/sync/get-disability-support"
    answer = minimal_agency.post(path, minimal_agency.envelope(disabled_message(person.iin)))
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "err.request.forbidden"
    assert not AccessEvent.objects.exists()


def test_support_lists_the_current_rehabilitation_programme(full_agency: DciAgency) -> None:
    person = make_person()
    status = give_status(person)
    programme = Programme.objects.create(
        person=person,
        region_id="71",
        status=status,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        source=Programme.Source.SYNTHETIC,
        issued_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    from inclusio.rehabilitation.catalogue import catalogue

    aid = next(c for c in catalogue().values() if c.kind == "technical_aid")
    ProgrammeItem.objects.create(programme=programme, category=aid.code, amount=2)
    found = call(full_agency, "/registry/sync/get-disability-support", disabled_message(person.iin))
    ((support,),) = found["message"]["search_response"][0]["data"]["reg_records"]
    (technology,) = support["assistive_technology"]
    assert technology["type"] == aid.code
    assert technology["quantity"] == 2
    assert AccessEvent.objects.filter(
        person_iin=person.iin, what="rehabilitation_programme"
    ).exists()


def search_message(*requests: dict[str, Any]) -> dict[str, Any]:
    return {"transaction_id": "t-9", "search_request": list(requests)}


def search_request(reference: str, criteria: dict[str, Any]) -> dict[str, Any]:
    from tests.interop.conftest import now_ts

    return {"reference_id": reference, "timestamp": now_ts(), "search_criteria": criteria}


def test_search_by_identifier_and_by_predicate_with_pages(full_agency: DciAgency) -> None:
    persons = [make_person(surname=f"Person{n}") for n in range(3)]
    for person in persons:
        give_status(person, "I")
    other = make_person(region="75")
    give_status(other, "I")
    by_id = search_request(
        "r-1",
        {"query_type": "idtype-value", "query": {"type": "UIN", "value": persons[0].iin}},
    )
    predicate = {
        "query_type": "predicate",
        "query": [
            {
                "seq_num": 1,
                "expression1": {
                    "attribute_name": "region_code",
                    "operator": "eq",
                    "attribute_value": "71",
                },
                "condition": "and",
                "expression2": {
                    "attribute_name": "disability_category",
                    "operator": "in",
                    "attribute_value": "I,II",
                },
            }
        ],
        "sort": [{"attribute_name": "identifier", "sort_order": "asc"}],
    }
    first = search_request("r-2", {**predicate, "pagination": {"page_size": 2, "page_number": 1}})
    second = search_request("r-3", {**predicate, "pagination": {"page_size": 2, "page_number": 2}})
    beyond = search_request("r-4", {**predicate, "pagination": {"page_size": 2, "page_number": 3}})
    found = call(full_agency, "/registry/sync/search", search_message(by_id, first, second, beyond))
    answers = found["message"]["search_response"]
    assert [a["status"] for a in answers] == ["succ", "succ", "succ", "succ"]
    assert found["header"]["completed_count"] == 4
    # A page past the end has no record, and still the total.
    assert answers[3]["data"]["reg_records"]["@graph"] == []
    assert answers[3]["pagination"] == {"page_size": 2, "page_number": 3, "total_count": 3}
    (record,) = answers[0]["data"]["reg_records"]["@graph"]
    assert record["personal_details"]["identifier"] == persons[0].iin
    assert record["disability_status"] == "Approved"
    page_one = [
        r["personal_details"]["identifier"] for r in answers[1]["data"]["reg_records"]["@graph"]
    ]
    page_two = [
        r["personal_details"]["identifier"] for r in answers[2]["data"]["reg_records"]["@graph"]
    ]
    assert page_one + page_two == sorted(p.iin for p in persons)
    assert answers[1]["pagination"] == {"page_size": 2, "page_number": 1, "total_count": 3}
    assert not AccessEvent.objects.filter(person_iin=other.iin).exists()


@pytest.mark.parametrize(
    ("criteria", "reason"),
    [
        (
            {"query_type": "idtype-value", "query": {"type": "UIN", "value": "1"}},
            "rjct.search_criteria.invalid",
        ),
        (
            {"query_type": "expression", "query": {"type": "sql", "value": "select"}},
            "rjct.search_criteria.invalid",
        ),
        (
            {
                "query_type": "predicate",
                "query": [
                    {
                        "expression1": {
                            "attribute_name": "diagnosis",
                            "operator": "eq",
                            "attribute_value": "x",
                        }
                    }
                ],
            },
            "rjct.filter.invalid",
        ),
        (
            {
                "query_type": "predicate",
                "query": [
                    {
                        "expression1": {
                            "attribute_name": "region_code",
                            "operator": "eq",
                            "attribute_value": "71",
                        }
                    }
                ],
                "pagination": {"page_size": 0},
            },
            "rjct.pagination.invalid",
        ),
        (
            {
                "query_type": "predicate",
                "query": [
                    {
                        "expression1": {
                            "attribute_name": "region_code",
                            "operator": "eq",
                            "attribute_value": "71",
                        }
                    }
                ],
                "sort": [{"attribute_name": "surname", "sort_order": "asc"}],
            },
            "rjct.sort.invalid",
        ),
    ],
)
def test_search_rejects_each_bad_request_with_its_code(
    full_agency: DciAgency, criteria: dict[str, Any], reason: str
) -> None:
    person = make_person()
    give_status(person)
    found = call(
        full_agency, "/registry/sync/search", search_message(search_request("r-1", criteria))
    )
    (answer,) = found["message"]["search_response"]
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == reason
    assert not AccessEvent.objects.exists()


def test_search_rejects_a_repeated_reference_and_a_bad_timestamp(full_agency: DciAgency) -> None:
    person = make_person()
    give_status(person)
    criteria = {"query_type": "idtype-value", "query": {"type": "UIN", "value": person.iin}}
    stale = {**search_request("r-2", criteria), "timestamp": "yesterday"}
    found = call(
        full_agency,
        "/registry/sync/search",
        search_message(search_request("r-1", criteria), search_request("r-1", criteria), stale),
        valid=False,
    )
    codes = [a.get("status_reason_code") for a in found["message"]["search_response"]]
    assert codes == [None, "rjct.reference_id.duplicate", "rjct.timestamp.invalid"]


def test_a_minimal_agency_may_not_search_by_attributes(minimal_agency: DciAgency) -> None:
    person = make_person()
    give_status(person)
    criteria = {
        "query_type": "predicate",
        "query": [
            {
                "expression1": {
                    "attribute_name": "region_code",
                    "operator": "eq",
                    "attribute_value": "71",
                }
            }
        ],
    }
    found = call(
        minimal_agency, "/registry/sync/search", search_message(search_request("r-1", criteria))
    )
    assert (
        found["message"]["search_response"][0]["status_reason_code"]
        == "rjct.search_criteria.invalid"
    )
    by_id = {"query_type": "idtype-value", "query": {"type": "UIN", "value": person.iin}}
    found = call(
        minimal_agency, "/registry/sync/search", search_message(search_request("r-2", by_id))
    )
    (record,) = found["message"]["search_response"][0]["data"]["reg_records"]["@graph"]
    assert "personal_details" not in record
    assert record["disability_category"] == "II"
    assert "disability_details" not in record


def test_an_agency_without_the_identity_group_gets_no_name(db: None) -> None:
    agency = register("x.gov.kz", disclosures=(Disclosure.DISABLED_STATUS,))
    person = make_person()
    give_status(person)
    by_id = {"query_type": "idtype-value", "query": {"type": "UIN", "value": person.iin}}
    found = call(agency, "/registry/sync/search", search_message(search_request("r-1", by_id)))
    assert person.surname not in json.dumps(found, ensure_ascii=False)


def test_the_person_reads_the_agency_and_its_purpose_on_their_access_log_page(
    full_agency: DciAgency,
) -> None:
    from django.contrib.auth.models import Group
    from django.test import Client

    from inclusio.core.models import User
    from tests.factories import sign_in

    account = User.objects.create_user(username="dana", password="correct horse battery")
    account.groups.add(Group.objects.get(name="person"))
    person = make_person(user=account)
    give_status(person)
    call(full_agency, "/registry/sync/disabled", disabled_message(person.iin))
    client = Client()
    sign_in(client, account)
    page = client.get("/en/registry/me/access-log/").content.decode()
    assert "Employment service" in page
    assert "verifying your disability status for a service or benefit of that agency" in page


def test_an_agency_may_not_filter_a_population_on_what_it_may_not_receive() -> None:
    # Identity but not the category: the persons a category filter returns would tell it theirs.
    agency = register(
        "police.gov.kz",
        name="Police",
        disclosures=(Disclosure.DISABLED_STATUS, Disclosure.IDENTITY, Disclosure.ADDRESS),
    )
    person = make_person()
    give_status(person, "I")
    criteria = {
        "query_type": "predicate",
        "query": [
            {
                "expression1": {
                    "attribute_name": "disability_category",
                    "operator": "eq",
                    "attribute_value": "I",
                }
            }
        ],
    }
    found = call(agency, "/registry/sync/search", search_message(search_request("r-1", criteria)))
    (answer,) = found["message"]["search_response"]
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "disability_category" in answer["status_reason_message"]
    assert not AccessEvent.objects.exists()


def test_a_page_of_search_results_costs_the_same_queries_however_many_persons(
    full_agency: DciAgency,
) -> None:
    for _ in range(6):
        give_status(make_person(), "I")
    full_agency.token()  # the token is taken once, before the pages

    def queries(size: int) -> int:
        criteria = {
            "query_type": "predicate",
            "query": [
                {
                    "expression1": {
                        "attribute_name": "region_code",
                        "operator": "eq",
                        "attribute_value": "71",
                    }
                }
            ],
            "pagination": {"page_size": size, "page_number": 1},
        }
        body = full_agency.envelope(search_message(search_request("r-1", criteria)))
        with CaptureQueriesContext(connection) as done:
            answer = full_agency.post("/registry/sync/search", body)
        assert (
            len(answer.json()["message"]["search_response"][0]["data"]["reg_records"]["@graph"])
            == size
        )
        return len(done)

    queries(1)  # the first request reads the keys, the grants' cache: not a page's cost
    # Every person read is in their access log, written together: a page of 1,000 is as cheap
    # in queries as a page of 2.
    assert queries(6) == queries(2)
    assert AccessEvent.objects.count() == 9
    assert set(AccessEvent.objects.values_list("agency", "reader", "channel")) == {
        (full_agency.agency.name, "agency", "api")
    }
    assert audit.verify_chain(AccessEvent).intact


def test_a_search_counts_its_total_once_for_its_pages(full_agency: DciAgency) -> None:
    """The count is taken by the first page and kept a while for the next (docs/dci.md); a
    page ending short of its size is the last one, whose end is the total."""
    for _ in range(5):
        give_status(make_person(), "I")
    full_agency.token()

    def page(number: int, reference: str) -> tuple[int, int]:
        criteria = {
            "query_type": "predicate",
            "query": [
                {
                    "expression1": {
                        "attribute_name": "region_code",
                        "operator": "eq",
                        "attribute_value": "71",
                    }
                }
            ],
            "pagination": {"page_size": 2, "page_number": number},
        }
        body = full_agency.envelope(search_message(search_request(reference, criteria)))
        with CaptureQueriesContext(connection) as done:
            answer = full_agency.post("/registry/sync/search", body).json()
        counted = sum("COUNT(" in query["sql"].upper() for query in done.captured_queries)
        return answer["message"]["search_response"][0]["pagination"]["total_count"], counted

    assert page(1, "r-1") == (5, 1)
    assert page(2, "r-2") == (5, 0)  # kept from page 1
    assert page(3, "r-3") == (5, 0)  # one record on a page of 2: the last page
    for _ in range(2):
        give_status(make_person(), "I")
    assert page(1, "r-4") == (5, 0)  # a total up to SEARCH_TOTAL_SECONDS old
    assert page(4, "r-5") == (7, 0)  # the short last page is exact
