"""The pages of special social services: the person choosing a provider, the access trio and
the representative, the provider's attendance, the inspector's path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccessEvent, User
from inclusio.registry.services import care_link_create
from inclusio.socialservices import services
from inclusio.socialservices.models import (
    Attendance,
    ControlPlan,
    Inspection,
    Need,
    Placement,
    Prescription,
    Provider,
    Signal,
)
from tests.factories import Trio, give_status, make_person, make_user, new_iin, sign_in
from tests.socialservices.builders import END, START, new_bin

pytestmark = pytest.mark.django_db


def test_the_person_chooses_a_provider_within_a_query_budget(
    client: Client, trio: Trio, provider: Provider, need: Need
) -> None:
    sign_in(client, trio.person.user)
    assert (
        client.get("/en/social-services/").url == f"/en/social-services/person/{trio.person.iin}/"
    )
    url = f"/en/social-services/person/{trio.person.iin}/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choose Day-care centre Shapagat" in html and "2 / 2" in html
    assert len(queries) <= 16
    answer = client.post(f"{url}need/{need.pk}/choose/", {"provider": provider.pk})
    assert answer.status_code == 302
    placement = Placement.objects.get(need=need)
    html = client.get(url).content.decode()
    assert f"Placement no. {placement.pk}" in html and "Placed with Day-care centre" in html


def test_a_bad_choice_is_refused_on_the_page(
    client: Client, trio: Trio, provider: Provider, need: Need
) -> None:
    sign_in(client, trio.person.user)
    url = f"/en/social-services/person/{trio.person.iin}/need/{need.pk}/choose/"
    assert client.post(url, {"provider": "x"}).status_code == 422
    assert client.post(url, {"provider": 999_999}).status_code == 422
    residential = Provider.objects.create(
        bin=new_bin(), name="Home", ownership="state", kind="residential",
        region_id="71", address="Astana", places=5, iban=provider.iban,
    )  # fmt: skip
    refused = client.post(url, {"provider": residential.pk})
    assert refused.status_code == 422
    assert "another kind of service" in refused.content.decode()
    assert not Placement.objects.exists()


def test_the_person_posting_the_need_form_is_refused_without_the_form(
    client: Client, trio: Trio
) -> None:
    """The need form is the officer's: the person who sends it (forged, or an empty one) is
    refused before it is read, and never answered with that form."""
    sign_in(client, trio.person.user)
    url = f"/en/social-services/person/{trio.person.iin}/need/"
    for data in [
        {},
        {
            "kind": "home_care",
            "hours_per_month": "40",
            "starts": "2025-02-01",
            "ends": "2025-12-31",
        },
    ]:
        refused = client.post(url, data)
        assert refused.status_code == 403
        assert "Record an assessed need" not in refused.content.decode()
    assert not Need.objects.filter(person=trio.person).exists()


def test_the_trio_and_the_representative(
    client: Client, trio: Trio, provider: Provider, need: Need
) -> None:
    url = f"/en/social-services/person/{trio.person.iin}/"
    sign_in(client, trio.other_officer)
    assert client.get(url).status_code == 404
    assert client.get(f"/en/social-services/person/{new_iin()}/").status_code == 404
    assert client.post(f"{url}need/{need.pk}/choose/", {"provider": provider.pk}).status_code == 404
    sign_in(client, trio.own_officer)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # The officer sees the need and records needs, but does not choose for the person.
    assert "Record an assessed need" in html and "Choose Day-care" not in html
    event = AccessEvent.objects.filter(person_iin=trio.person.iin).latest("id")
    assert (event.what, event.purpose) == ("social_services", "social_services")
    answer = client.post(
        f"{url}need/",
        {
            "kind": "home_care",
            "hours_per_month": "40",
            "starts": "2025-02-01",
            "ends": "2025-12-31",
        },
    )
    assert answer.status_code == 302
    assert Need.objects.filter(person=trio.person, kind="home_care").exists()
    refused = client.post(
        f"{url}need/",
        {
            "kind": "home_care",
            "hours_per_month": "40",
            "starts": "2025-02-01",
            "ends": "2024-12-31",
        },
    )
    assert refused.status_code == 422 and "must end after it starts" in refused.content.decode()
    assert not Placement.objects.exists()

    mother_account = User.objects.create_user(username="mother", password="x")
    mother = make_person(surname="Омарова", user=mother_account)
    child = make_person(birth_date=dt.date(2016, 4, 2), surname="Омаров")
    give_status(child, "child", cause="from_childhood", valid_from=dt.date(2017, 1, 1))
    care_link_create(
        actor=SYSTEM, carer=mother, cared=child, relation="parent", since=dt.date(2016, 4, 2)
    )
    child_need = services.need_record(
        actor=trio.own_officer, person=child, kind="day_care", hours_per_month=60,
        starts=START, ends=END,
    )  # fmt: skip
    sign_in(client, mother_account)
    child_url = f"/en/social-services/person/{child.iin}/"
    assert client.get(child_url).status_code == 200
    answer = client.post(f"{child_url}need/{child_need.pk}/choose/", {"provider": provider.pk})
    assert answer.status_code == 302
    assert Placement.objects.get(need=child_need).chosen_by == mother_account
    # The mother does not see the stranger's services.
    assert client.get(url).status_code == 404


def test_the_provider_confirms_attendance_on_its_page(
    client: Client, trio: Trio, provider: Provider, provider_staff: User, need: Need
) -> None:
    placement = services.provider_choose(
        actor=trio.person.user, need=need, provider=provider
    ).placement
    assert placement is not None
    sign_in(client, provider_staff)
    url = f"/en/social-services/provider/{provider.pk}/attendance/?month=2025-03"
    page = client.get(url)
    assert page.status_code == 200 and trio.person.full_name in page.content.decode()
    too_many = client.post(url, {"placement": placement.pk, "days": "31"})
    assert too_many.status_code == 302  # March has 31 days: all of them served
    again = client.post(url, {"placement": placement.pk, "days": "3"})
    assert again.status_code == 409
    outside = client.post(
        f"/en/social-services/provider/{provider.pk}/attendance/?month=2024-11",
        {"placement": placement.pk, "days": "3"},
    )
    assert outside.status_code == 422
    assert "outside the placement" in outside.content.decode()
    assert list(Attendance.objects.values_list("days", flat=True)) == [31]
    # Another provider's staff, and the person, are refused.
    sign_in(client, make_user("other_provider", "social_provider", "71"))
    assert client.get(url).status_code == 403
    sign_in(client, trio.person.user)
    assert client.post(url, {"placement": placement.pk, "days": "1"}).status_code == 403


def test_the_inspector_s_path(client: Client, trio: Trio, provider: Provider) -> None:
    inspector = make_user("inspector_astana", "social_inspector", "71")
    Signal.objects.create(provider=provider, kind="complaint", received=timezone.localdate())
    sign_in(client, inspector)
    start = client.get("/en/")
    assert "Preventive-control plan" in start.content.decode()
    assert client.post("/en/social-services/inspections/").status_code == 302
    plan = ControlPlan.objects.get()
    assert list(plan.entries.values_list("provider", "score")) == [(provider.pk, 3 + 4)]
    page = client.get("/en/social-services/inspections/")
    assert provider.name in page.content.decode()

    today = timezone.localdate()
    url = f"/en/social-services/provider/{provider.pk}/"
    refused = client.post(
        url,
        {"held_on": str(today), "requirement": "premises", "note": "Broken lift",
         "deadline": str(today)},
    )  # fmt: skip
    assert refused.status_code == 422 and "comes after the inspection" in refused.content.decode()
    assert not Inspection.objects.exists()
    answer = client.post(
        url,
        {"held_on": str(today), "requirement": "premises", "note": "Broken lift",
         "deadline": str(today + dt.timedelta(days=30)), "summary": "Planned"},
    )  # fmt: skip
    assert answer.status_code == 302
    prescription = Prescription.objects.get()
    assert Inspection.objects.get().plan_entry is not None
    done = client.post(
        f"{url}follow-up/",
        {"prescription": prescription.pk, "remedied_on": str(today), "note": "Lift repaired"},
    )
    assert done.status_code == 302
    prescription.refresh_from_db()
    assert prescription.remedied_on == today
    again = client.post(
        f"{url}follow-up/",
        {"prescription": prescription.pk, "remedied_on": str(today), "note": "Again"},
    )
    assert again.status_code == 409

    stranger = make_user("inspector_almaty", "social_inspector", "75")
    sign_in(client, stranger)
    assert client.post(url, {"held_on": str(today)}).status_code == 403
    assert Inspection.objects.count() == 1


def test_the_person_ends_a_placement_on_the_page_and_others_may_not(
    client: Client, trio: Trio, provider: Provider
) -> None:
    today = timezone.localdate()
    current = services.need_record(
        actor=trio.own_officer, person=trio.person, kind="day_care", hours_per_month=60,
        starts=today - dt.timedelta(days=30), ends=today + dt.timedelta(days=200),
    )  # fmt: skip
    placement = services.provider_choose(actor=trio.person.user, need=current, provider=provider)
    assert placement.placement is not None
    pk = placement.placement.pk
    url = f"/en/social-services/person/{trio.person.iin}/"
    end_url = f"{url}placement/{pk}/end/"
    last_day = f"{today + dt.timedelta(days=9):%Y-%m-%d}"

    for outsider in (trio.other_officer, make_user("provider_x", "social_provider", "71")):
        sign_in(client, outsider)
        answer = client.post(end_url, {f"end{pk}-last_day": last_day, f"end{pk}-reason": "x"})
        assert answer.status_code in (403, 404)
    sign_in(client, trio.person.user)
    assert "End this placement early" in client.get(url).content.decode()
    refused = client.post(end_url, {f"end{pk}-last_day": last_day, f"end{pk}-reason": ""})
    assert refused.status_code == 422 and "Why the placement ends" in refused.content.decode()
    too_late = f"{today + dt.timedelta(days=200):%Y-%m-%d}"
    refused = client.post(end_url, {f"end{pk}-last_day": too_late, f"end{pk}-reason": "Moving"})
    assert refused.status_code == 422 and "The last day must be from" in refused.content.decode()
    assert Placement.objects.get(pk=pk).ends == today + dt.timedelta(days=200)

    answer = client.post(end_url, {f"end{pk}-last_day": last_day, f"end{pk}-reason": "Moving"})
    assert answer.status_code == 302
    html = client.get(url).content.decode()
    assert f"Ended early: the last day is {last_day}. Why: Moving" in html
    assert Placement.objects.get(pk=pk).ends.isoformat() == last_day


def test_a_person_complains_on_the_provider_s_page_and_its_inspector_reads_it(
    client: Client, trio: Trio, provider: Provider, need: Need, inspector: User
) -> None:
    url = f"/en/social-services/provider/{provider.pk}/"
    sign_in(client, trio.person.user)
    assert "Complain about this provider" not in client.get(url).content.decode()
    assert client.post(f"{url}complaint/", {"complaint-text": "x" * 20}).status_code == 404
    services.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert "Complain about this provider" in client.get(url).content.decode()
    refused = client.post(
        f"{url}complaint/", {"complaint-person": trio.person.iin, "complaint-text": "Bad"}
    )
    assert (
        refused.status_code == 422 and "Say what happened in 10 to 2000" in refused.content.decode()
    )
    someone_else = client.post(
        f"{url}complaint/", {"complaint-person": new_iin(), "complaint-text": "x" * 20}
    )
    assert someone_else.status_code == 422
    assert not Signal.objects.exists()
    sent = client.post(
        f"{url}complaint/",
        {"complaint-person": trio.person.iin, "complaint-text": "Nobody met me at the door."},
    )
    assert sent.status_code == 302 and Signal.objects.get().person == trio.person

    sign_in(client, inspector)
    assert "Nobody met me at the door." in client.get(url).content.decode()
    sign_in(client, trio.own_officer)
    assert "Nobody met me at the door." not in client.get(url).content.decode()


def test_the_social_order_page_of_a_region_and_its_form(client: Client, trio: Trio) -> None:
    url = "/en/social-services/social-order/"
    sign_in(client, trio.person.user)
    assert client.get(url).status_code == 403
    sign_in(client, trio.own_officer)
    assert "No project is recorded for this year." in client.get(url).content.decode()
    valid = {
        "ngo_name": "Public association Kamkor",
        "ngo_bin": new_bin(),
        "title": "Home help",
        "area": "home_care",
        "year": "2023",
        "budget_kzt": "25000000",
        "persons_covered": "40",
    }
    wrong_digit = valid["ngo_bin"][:11] + str((int(valid["ngo_bin"][11]) + 1) % 10)
    refused = client.post(url, {**valid, "ngo_bin": wrong_digit})
    assert refused.status_code == 422
    assert client.post(url, {**valid, "budget_kzt": "12.5"}).status_code == 422
    assert client.get(url).content.decode().count("Public association Kamkor") == 0
    answer = client.post(url, valid)
    assert answer.status_code == 302 and answer.url == f"{url}?year=2023"
    html = client.get(url).content.decode()  # the latest year with projects
    assert "State social order, 2023" in html and "Public association Kamkor" in html
    sign_in(client, trio.other_officer)
    assert "Public association Kamkor" not in client.get(f"{url}?year=2023").content.decode()
