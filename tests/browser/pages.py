"""The pages the accessibility test walks. Add yours at the end of PAGES.

Each entry names a page, how to reach it, and who looks at it:

    PageToCheck(
        "registry: person detail",              # test id; unique
        url_name="registry:person",             # or path="/kk/..." for a literal address
        kwargs=lambda user: {"pk": make_person().pk},  # builds URL arguments; gets the viewer
        user="staff_user",                      # a user fixture from tests/browser/conftest.py,
                                                # signed in by a session cookie (the real
                                                # form with second_factor=False)
    )

Optional: ``languages`` (default kk only; add "ru", "en" to check those too), ``status``
(the expected HTTP status), ``second_factor=False`` (staff stop at the code step) and
``interact`` (a function given the Playwright page after loading, e.g. to send a form empty so
that its errors are checked too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inclusio.core.audit import SYSTEM
from tests.browser.conftest import submit
from tests.browser.keyboard import follow, send

ALL_LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class PageToCheck:
    name: str
    url_name: str | None = None
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    path: str | None = None
    user: str | None = None
    second_factor: bool = True
    languages: tuple[str, ...] = ("kk",)
    status: int = 200
    interact: Callable[[Any], None] | None = None


def send_the_login_form_half_filled(page: Any) -> None:
    send(page, {"#id_username": "somebody"})
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_wrong_password(page: Any) -> None:
    send(page, {"#id_username": "somebody", "#id_password": "not the password"})
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_wrong_code(page: Any) -> None:
    send(page, {"#id_code": "12"})
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_wrong_enrolment_code(page: Any) -> None:
    page.fill("#id_enrolment_code", "AAAA BBBB CCCC")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def give_the_enrolment_code(page: Any) -> None:
    from inclusio.core.models import User
    from tests.web.accounts import enrolment_code_of

    page.fill("#id_enrolment_code", enrolment_code_of(User.objects.get(username="new_officer")))
    submit(page)
    assert page.locator("img.inclusio-qr-code").count() == 1


def account_notices(viewer: Any) -> dict[str, Any]:
    from inclusio.core.models import AccountNotice
    from inclusio.core.notices import tell

    tell(viewer.pk, AccountNotice.Kind.PASSWORD_RESET)
    tell(viewer.pk, AccountNotice.Kind.ROLE_GRANTED, role="district_officer")
    return {}


PAGES: list[PageToCheck] = [
    # web: the layout, signing in, errors
    PageToCheck("home, anonymous", url_name="web:home", languages=ALL_LANGUAGES),
    PageToCheck("home, person", url_name="web:home", user="person_user", languages=ALL_LANGUAGES),
    PageToCheck("home, staff", url_name="web:home", user="staff_user", languages=ALL_LANGUAGES),
    PageToCheck("login", url_name="web:login", languages=ALL_LANGUAGES),
    PageToCheck(
        "login, form errors", url_name="web:login", interact=send_the_login_form_half_filled
    ),
    PageToCheck("login, wrong password", url_name="web:login", interact=send_a_wrong_password),
    PageToCheck(
        "second factor", url_name="web:second_factor", user="staff_user", second_factor=False
    ),
    PageToCheck(
        "second factor, wrong code",
        url_name="web:second_factor",
        user="staff_user",
        second_factor=False,
        interact=send_a_wrong_code,
    ),
    PageToCheck(
        "home, staff, account notices",
        url_name="web:home",
        kwargs=account_notices,
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "second factor enrolment code",
        url_name="web:second_factor_enrol",
        user="staff_without_device",
        second_factor=False,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "second factor enrolment code, wrong",
        url_name="web:second_factor_enrol",
        user="staff_without_device",
        second_factor=False,
        status=200,
        interact=send_a_wrong_enrolment_code,
    ),
    PageToCheck(
        "second factor enrolment, the app",
        url_name="web:second_factor_enrol",
        user="staff_without_device",
        second_factor=False,
        languages=ALL_LANGUAGES,
        interact=give_the_enrolment_code,
    ),
    PageToCheck("page not found", path="/{language}/no-such-page/", status=404),
    PageToCheck(
        "back office, refused to a person",
        path="/{language}/admin/",
        user="person_user",
        status=403,
        languages=ALL_LANGUAGES,
    ),
]


# --- registry and assessment -----------------------------------------------------------------
# Data for a page is made in its kwargs function, which runs after the viewer exists.


def _astana_person_with_history(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.registry.services import care_link_create, family_create
    from tests.factories import give_status, make_person

    person = make_person(surname="Жумабаев", given_name="Арман")
    give_status(person, "III", valid_from=dt.date(2020, 3, 1), until=dt.date(2022, 3, 1))
    give_status(person, "II", valid_from=dt.date(2022, 3, 1), until=None)
    wife = make_person(surname="Жумабаева", given_name="Гульнара")
    family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="own",
        members=[(person, "head"), (wife, "spouse")],
    )
    care_link_create(
        actor=SYSTEM, carer=wife, cared=person, relation="other", since=dt.date(2022, 3, 1)
    )
    return {"iin": person.iin}


def _a_status_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.factories import give_status

    give_status(viewer.person, "I", cause="work_injury")
    return {}


def _someone_looked_at_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.registry.selectors import person_get
    from tests.factories import make_user

    officer = make_user("officer_who_looked", "district_officer", "71")
    person_get(actor=officer, iin=viewer.person.iin)
    return {}


def _many_looked_at_the_viewer(viewer: Any) -> dict[str, Any]:
    """More entries than a page holds, and a refused attempt repeated, for the pager and the
    collapsed refusals."""
    import contextlib

    from inclusio.core.errors import NotFound
    from inclusio.core.models import User
    from inclusio.registry.selectors import person_get
    from tests.factories import make_user

    for n in range(30):
        person_get(actor=make_user(f"officer_{n}", "district_officer", "71"), iin=viewer.person.iin)
    other = make_user("officer_elsewhere", "district_officer", "75")
    for _ in range(3):
        with contextlib.suppress(NotFound):
            person_get(actor=User.objects.get(pk=other.pk), iin=viewer.person.iin)
    return {}


def go_to_the_next_page(page: Any) -> None:
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert page.locator(".usa-pagination [aria-current=page]").inner_text() == "2"


def choose_a_period_that_ends_before_it_starts(page: Any) -> None:
    page.fill("#id_since", "2024-02-01")
    page.fill("#id_until", "2024-01-01")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def _waiting_referral(viewer: Any) -> dict[str, Any]:
    from inclusio.assessment.services import referral_file
    from inclusio.core.models import User
    from tests.factories import make_person, make_user

    person = make_person(surname="Ким", given_name="Виктория")
    doctor = User.objects.filter(username="polyclinic_doctor").first() or make_user(
        "polyclinic_doctor", "medical_referrer", person.region_id
    )
    referral = referral_file(
        actor=doctor,
        person=person,
        kind="initial",
        mode="in_absentia",
        organisation_name="City polyclinic No. 1",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
        clinical_summary="Spastic diplegia since birth.",
    )
    return {"referral_id": referral.pk}


def _decided_referral(viewer: Any) -> dict[str, Any]:
    from inclusio.assessment.models import Referral
    from inclusio.assessment.services import referral_decide

    kwargs = _waiting_referral(viewer)
    referral_decide(
        actor=viewer,
        referral=Referral.objects.get(pk=kwargs["referral_id"]),
        outcome="establish",
        category="II",
        cause="from_childhood",
        limitations=["mobility"],
        rationale="Confirmed by the documents.",
    )
    return kwargs


def search_by_name(page: Any) -> None:
    page.fill("#id_q", "Жумаб")
    submit(page)
    assert page.locator("main table").is_visible()


def search_with_a_bad_iin(page: Any) -> None:
    page.fill("#id_q", "12345")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def record_a_death_in_the_future(page: Any) -> None:
    page.select_option("#id_kind", "death")
    page.fill("#id_date", "2999-01-01")
    page.fill("#id_source", "Civil registry record No. 4711")
    page.fill("#id_reason", "Notice from the civil registry")
    submit(page, "form[action$='/life-events/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def _astana_person_who_died(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.registry.services import person_life_event_record
    from tests.factories import give_status, make_person

    person = make_person(surname="Серикова", given_name="Айгүл")
    give_status(person, "I", valid_from=dt.date(2020, 3, 1), until=None)
    person_life_event_record(
        actor=viewer,
        person=person,
        kind="death",
        date=dt.date(2024, 3, 5),
        source="Civil registry record No. 4711",
        reason="Notice from the civil registry",
    )
    return {"iin": person.iin}


def send_an_empty_decision(page: Any) -> None:
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def send_a_referral_with_a_bad_bin(page: Any) -> None:
    page.fill("#id_iin", "123")
    page.fill("#id_organisation_bin", "000000000001")
    submit(page, "main form[method=post] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def _queue_data(viewer: Any) -> dict[str, Any]:
    _waiting_referral(viewer)
    return {}


def _search_data(viewer: Any) -> dict[str, Any]:
    _astana_person_with_history(viewer)
    return {}


PAGES += [
    PageToCheck(
        "registry: search", url_name="registry:search", user="staff_user", languages=ALL_LANGUAGES
    ),
    PageToCheck(
        "registry: search results",
        url_name="registry:search",
        user="staff_user",
        kwargs=_search_data,
        interact=search_by_name,
    ),
    PageToCheck(
        "registry: search, bad IIN",
        url_name="registry:search",
        user="staff_user",
        interact=search_with_a_bad_iin,
    ),
    PageToCheck(
        "registry: person card",
        url_name="registry:person",
        user="staff_user",
        kwargs=_astana_person_with_history,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: person card, a death recorded",
        url_name="registry:person",
        user="staff_user",
        kwargs=_astana_person_who_died,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: person card, a life event refused",
        url_name="registry:person",
        user="staff_user",
        kwargs=_astana_person_with_history,
        interact=record_a_death_in_the_future,
    ),
    PageToCheck(
        "registry: person card of another region",
        url_name="registry:person",
        user="other_region_officer",
        kwargs=_astana_person_with_history,
        status=404,
    ),
    PageToCheck(
        "registry: my record",
        url_name="registry:me",
        user="person_user",
        kwargs=_a_status_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: my record, representative", url_name="registry:me", user="representative_user"
    ),
    PageToCheck(
        "registry: who looked at my data",
        url_name="registry:my_access_log",
        user="person_user",
        kwargs=_someone_looked_at_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: who looked at my data, with pages and collapsed refusals",
        url_name="registry:my_access_log",
        user="person_user",
        kwargs=_many_looked_at_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: who looked at my data, the next page",
        url_name="registry:my_access_log",
        user="person_user",
        kwargs=_many_looked_at_the_viewer,
        interact=go_to_the_next_page,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: who looked at my data, a period that ends before it starts",
        url_name="registry:my_access_log",
        user="person_user",
        kwargs=_someone_looked_at_the_viewer,
        interact=choose_a_period_that_ends_before_it_starts,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "assessment: queue",
        url_name="assessment:queue",
        user="mse_user",
        kwargs=_queue_data,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "assessment: referral with decision form",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_waiting_referral,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "assessment: decision form errors",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_waiting_referral,
        interact=send_an_empty_decision,
    ),
    PageToCheck(
        "assessment: decided referral",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_decided_referral,
    ),
    PageToCheck(
        "assessment: new referral",
        url_name="assessment:referral_new",
        user="doctor_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "assessment: new referral errors",
        url_name="assessment:referral_new",
        user="doctor_user",
        interact=send_a_referral_with_a_bad_bin,
    ),
]

PAGES += [
    PageToCheck("API reference", url_name="web:api_reference", languages=ALL_LANGUAGES),
]


# --- benefits -------------------------------------------------------------------------------


def _an_offer_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer

    return {"proposal_id": make_offer(viewer.person).pk}


def _an_entitlement_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer

    return {"proposal_id": make_offer(viewer.person, "free_legal_aid").pk}


def _everything_for_the_viewer(viewer: Any) -> dict[str, Any]:
    """An offer waiting, a benefit received and one that ended, with their messages."""
    from inclusio.benefits.services import proposal_accept
    from tests.browser.benefits_data import IBAN, make_offer

    make_offer(viewer.person)
    granted = make_offer(viewer.person, "free_legal_aid")
    proposal_accept(actor=viewer, proposal_id=granted.pk, payment_account=IBAN)
    _an_ended_benefit_for_the_viewer(viewer)
    return {}


def _an_ended_benefit_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.benefits.models import Decision, Proposal
    from inclusio.benefits.selectors import explanation_data
    from tests.browser.benefits_data import make_offer

    ended = make_offer(viewer.person, kind=Proposal.Kind.ENDED, status=Proposal.Status.ASSIGNED)
    decision = Decision.objects.create(
        proposal=ended,
        person=viewer.person,
        programme=ended.programme,
        outcome=Decision.Outcome.ENDED,
        explanation=explanation_data(ended),
    )
    return {"decision_id": decision.pk}


def _an_offer_in_a_group(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_group_offers

    return {"proposal_id": make_group_offers(viewer.person)[1].pk}


def _an_offer_closed_by_the_choice(viewer: Any) -> dict[str, Any]:
    from inclusio.benefits.services import proposal_accept
    from tests.browser.benefits_data import make_group_offers

    proposed, alternative = make_group_offers(viewer.person)
    proposal_accept(actor=viewer, proposal_id=alternative.pk)
    return {"proposal_id": proposed.pk}


def _a_rate_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer

    return {"proposal_id": make_offer(viewer.person, "free_cultural_services").pk}


def _an_offer_for_the_child(viewer: Any) -> dict[str, Any]:
    from inclusio.registry.selectors import represented_persons
    from tests.browser.benefits_data import make_offer

    make_offer(represented_persons(viewer)[0])
    return {}


def _the_childs_page(viewer: Any) -> dict[str, Any]:
    from inclusio.registry.selectors import represented_persons
    from tests.browser.benefits_data import make_offer

    child = represented_persons(viewer)[0]
    make_offer(child)
    return {"iin": child.iin}


def _an_offer_for_someone_else(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer
    from tests.factories import make_person

    return {"proposal_id": make_offer(make_person(surname="Ким", given_name="Виктория")).pk}


def _a_run_in_astana(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_counted_run
    from tests.factories import make_person

    persons = [make_person(surname="Ким", given_name=name) for name in ("Виктория", "Алия")]
    return {"run_id": make_counted_run(persons).pk}


def _runs(viewer: Any) -> dict[str, Any]:
    _a_run_in_astana(viewer)
    return {}


def _a_payroll(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.benefits.services import payroll_create, proposal_accept
    from inclusio.core.audit import SYSTEM
    from tests.browser.benefits_data import IBAN, make_offer
    from tests.factories import make_person, make_user

    person = make_person(surname="Ким", given_name="Виктория", user=make_user("kim", "person"))
    offer = make_offer(person)
    proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    # Made by the platform's monthly job, so the viewer sees the button to approve it.
    payroll_create(actor=SYSTEM, month=dt.date(2024, 2, 1))
    return {}


def give_a_wrong_iban(page: Any) -> None:
    send(page, {"#id_iban": "KZ12 3456"}, "#consent-form button")
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_iban", "aria-invalid") == "true"


def agree_with_an_iban(page: Any) -> None:
    send(page, {"#id_iban": "KZ18 722S 0000 1234 5678"}, "#consent-form button")
    assert "/decisions/" in page.url
    assert page.locator(".usa-alert--success").is_visible()


def refuse(page: Any) -> None:
    """'I refuse', then the confirmation: the refusal's decision, with the way back."""
    follow(page, "#refusal-link")
    assert "/refuse/" in page.url
    follow(page, "main form button[type=submit]")
    assert "/decisions/" in page.url
    assert page.locator("form[action$='/withdraw/'] button").is_visible()


def refuse_then_withdraw(page: Any) -> None:
    refuse(page)
    follow(page, "form[action$='/withdraw/'] button")
    assert "/offers/" in page.url and page.locator("#consent-form").is_visible()


def ask_for_a_bad_month(page: Any) -> None:
    send(page, {"#id_month": "February"})
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "benefits: my benefits",
        url_name="benefits:mine",
        user="person_user",
        kwargs=_everything_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: my benefits, nothing yet",
        url_name="benefits:mine",
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: my benefits, representative",
        url_name="benefits:mine",
        user="representative_user",
        kwargs=_an_offer_for_the_child,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: the benefits of a represented child",
        url_name="benefits:for_person",
        user="representative_user",
        kwargs=_the_childs_page,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: an offer",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: an offer, wrong IBAN",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        interact=give_a_wrong_iban,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: consent and its confirmation",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        interact=agree_with_an_iban,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: refusal and its confirmation",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        interact=refuse,
    ),
    PageToCheck(
        "benefits: an offer in a group, one at the person's choice",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_in_a_group,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: an offer closed by the choice of another",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_closed_by_the_choice,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: why a rate (50 % off the price)",
        url_name="benefits:offer_why",
        user="person_user",
        kwargs=_a_rate_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: an offer of a right without payment",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_entitlement_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: an offer seen by the officer",
        url_name="benefits:offer",
        user="staff_user",
        kwargs=_an_offer_for_someone_else,
    ),
    PageToCheck(
        "benefits: an offer of another region",
        url_name="benefits:offer",
        user="other_region_officer",
        kwargs=_an_offer_for_someone_else,
        status=404,
    ),
    PageToCheck(
        "benefits: why an offer",
        url_name="benefits:offer_why",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: why a benefit ended",
        url_name="benefits:decision_why",
        user="person_user",
        kwargs=_an_ended_benefit_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: a decision",
        url_name="benefits:decision",
        user="person_user",
        kwargs=_an_ended_benefit_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: screening runs",
        url_name="benefits:runs",
        user="staff_user",
        kwargs=_runs,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: a screening run, region",
        url_name="benefits:run",
        user="staff_user",
        kwargs=_a_run_in_astana,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: a screening run, national",
        url_name="benefits:run",
        user="admin_user",
        kwargs=_a_run_in_astana,
    ),
    PageToCheck(
        "benefits: a screening run, another region",
        url_name="benefits:run",
        user="other_region_officer",
        kwargs=_a_run_in_astana,
    ),
    PageToCheck(
        "benefits: payroll",
        url_name="benefits:payrolls",
        user="admin_user",
        kwargs=_a_payroll,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: payroll, bad month",
        url_name="benefits:payrolls",
        user="admin_user",
        interact=ask_for_a_bad_month,
    ),
]


def _a_run_with_its_snapshot(viewer: Any) -> dict[str, Any]:
    """The programmes loaded and a completed screening run whose snapshot is on disk: the
    what-if page compares over it."""
    import os
    import tempfile
    from pathlib import Path

    from inclusio.synthetic.generate import generate
    from tests.browser.benefits_data import make_run, programmes

    snapshot = Path(tempfile.gettempdir()) / f"inclusio-what-if-{os.getpid()}"
    if not (snapshot / "manifest.json").is_file():  # one snapshot for every page of a run
        generate("demo", 1, snapshot)
    programmes()
    make_run(snapshot_dir=snapshot)
    return {}


CARER_COEFFICIENT = (
    "      value: 1.61\n      reference:\n"
    "        kk: Қазақстан Республикасының 2023 жылғы 20 сәуірдегі № 224-VII Әлеуметтік кодексі\n"
    "        ru: Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VII\n"
    "        en: Social Code of the Republic of Kazakhstan of 20 April 2023 No. 224-VII\n"
)


def ask_for_a_raised_coefficient(page: Any) -> None:
    """Send a draft: the request's page says it waits, in a status region, with a link to
    refresh it (no script)."""
    page.select_option("#id_load_programme", "child_disability_carer_benefit")
    submit(page, "main form[method=get] button")
    draft = page.input_value("#id_draft")
    assert CARER_COEFFICIENT in draft
    raised = "    - effective: 2024-01-01\n      value: 1.75\n      reference: draft\n"
    page.fill("#id_draft", draft.replace(CARER_COEFFICIENT, CARER_COEFFICIENT + raised))
    submit(page, "main form[method=post] button")
    assert page.locator("main [role=status]").is_visible()
    assert page.locator("main progress").is_visible()


def compare_a_raised_coefficient(page: Any) -> None:
    from inclusio.benefits.whatif import run_waiting

    ask_for_a_raised_coefficient(page)
    assert run_waiting() == 1  # the worker, here rather than in a process of its own
    submit(page, "main a.usa-button")  # refresh
    assert page.locator("#result-heading").is_visible()
    assert page.locator("main table tbody tr").count() > 1  # a row per region


def compare_a_draft_with_an_error(page: Any) -> None:
    page.fill("#id_draft", page.input_value("#id_draft") + "\nconditions: [\n")
    submit(page, "main form[method=post] button")
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_draft", "aria-invalid") == "true"


PAGES += [
    PageToCheck(
        "benefits: what if the law changes",
        url_name="benefits:what_if",
        user="admin_user",
        kwargs=_a_run_with_its_snapshot,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: what if, waiting for the worker",
        url_name="benefits:what_if",
        user="admin_user",
        kwargs=_a_run_with_its_snapshot,
        interact=ask_for_a_raised_coefficient,
    ),
    PageToCheck(
        "benefits: what if, compared",
        url_name="benefits:what_if",
        user="admin_user",
        kwargs=_a_run_with_its_snapshot,
        interact=compare_a_raised_coefficient,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: what if, a draft with an error",
        url_name="benefits:what_if",
        user="admin_user",
        kwargs=_a_run_with_its_snapshot,
        interact=compare_a_draft_with_an_error,
    ),
    PageToCheck(
        "benefits: what if, an officer",
        url_name="benefits:what_if",
        user="staff_user",
        status=403,
    ),
]


# --- refusals: the status pages of a DomainError, with its message and code ---------------------

PAGES += [
    PageToCheck(
        "refusal: a malformed IIN in the address (422)",
        path="/{language}/registry/persons/123/",
        user="staff_user",
        status=422,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "refusal: no such offer (404)",
        path="/{language}/benefits/offers/999999/",
        user="person_user",
        status=404,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "refusal: a POST-only address opened in the browser (405)",
        path="/{language}/benefits/payroll/1/payment-file/",
        user="admin_user",
        status=405,
        languages=ALL_LANGUAGES,
    ),
]


# --- intake: registering a person -------------------------------------------------------------


def register_with_a_birth_date_the_iin_disagrees_with(page: Any) -> None:
    from tests.factories import new_iin

    page.fill("#id_lookup-iin", new_iin())
    submit(page, "main form[method=get] button[type=submit]")
    page.fill("#id_surname", "Ахметова")
    page.fill("#id_given_name", "Әсел")
    page.fill("#id_birth_date", "1999-01-01")
    page.locator("label[for=id_sex_1]").click()
    page.locator("label[for=id_residence_0]").click()
    submit(page, "main form[method=post] button[type=submit]")
    assert page.locator(".inclusio-error-summary a[href='#id_birth_date']").is_visible()


def refer_someone_new_whose_sex_the_iin_disagrees_with(page: Any) -> None:
    import datetime as dt

    from tests.factories import new_iin

    page.fill("#id_lookup-iin", new_iin(dt.date(2012, 6, 1), "F"))
    submit(page, "main form[method=get] button[type=submit]")
    assert page.locator(".usa-alert--warning").is_visible()
    page.fill("#id_organisation_name", "City polyclinic No. 1")
    page.fill("#id_organisation_bin", "000000000000")
    page.fill("#id_diagnosis_code", "G80.1")
    page.fill("#id_surname", "Сейітов")
    page.fill("#id_given_name", "Нұрлан")
    page.fill("#id_birth_date", "2012-06-01")
    page.locator("label[for=id_sex_0]").click()
    page.locator("label[for=id_residence_1]").click()
    submit(page, "main form[method=post] button[type=submit]")
    assert page.locator(".inclusio-error-summary a[href^='#id_sex']").is_visible()


PAGES += [
    PageToCheck(
        "registry: register a person",
        url_name="registry:person_new",
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: register a person, by hand, refused",
        url_name="registry:person_new",
        user="staff_user",
        interact=register_with_a_birth_date_the_iin_disagrees_with,
    ),
    PageToCheck(
        "assessment: new referral of someone not yet registered, refused",
        url_name="assessment:referral_new",
        user="doctor_user",
        interact=refer_someone_new_whose_sex_the_iin_disagrees_with,
    ),
]


# --- upkeep: corrections with a reason --------------------------------------------------------


def _person_with_family_and_carer(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.registry.services import care_link_create, family_create
    from tests.factories import make_person

    mother = make_person(surname="Омарова", given_name="Жанар")
    child = make_person(birth_date=dt.date(2015, 3, 1), surname="Омаров", given_name="Ерлан")
    family_create(
        actor=SYSTEM,
        region_code="71",
        urban=True,
        housing="own",
        members=[(mother, "head"), (child, "child")],
    )
    care_link_create(
        actor=SYSTEM, carer=mother, cared=child, relation="parent", since=dt.date(2015, 3, 1)
    )
    return {"iin": child.iin}


def _corrections_of_my_record(viewer: Any) -> dict[str, Any]:
    from inclusio.registry.services import person_correct
    from tests.factories import make_user

    officer = make_user("officer_of_corrections", "district_officer", viewer.person.region_id)
    person_correct(
        actor=officer,
        person=viewer.person,
        reason="Married: marriage certificate No. 123.",
        surname="Ахметова",
        address="Астана, Мәңгілік Ел 8",
    )
    return {}


def correct_without_a_reason(page: Any) -> None:
    page.fill("#id_surname", "Ахметова")
    page.fill("#id_reason", "")
    submit(page)
    assert page.locator(".inclusio-error-summary a[href='#id_reason']").is_visible()


def add_a_member_without_a_reason(page: Any) -> None:
    page.fill("#id_add-member_iin", "123")
    submit(page, "main button[value=add]")
    assert page.locator(".inclusio-error-summary").is_visible()


def end_a_link_before_it_began(page: Any) -> None:
    page.fill("#id_end-until", "2000-01-01")
    page.fill("#id_end-reason", "The parent was deprived of parental rights.")
    submit(page, "main button[value=end]")
    assert page.locator(".inclusio-error-summary a[href='#id_end-until']").is_visible()


# --- accounts: the holder's password, a person's reset with a code, the demonstration outbox ---


def send_a_wrong_current_password_and_two_different_new_ones(page: Any) -> None:
    page.fill("#id_current_password", "not the password")
    page.fill("#id_new_password", "a new and longer passphrase")
    page.fill("#id_new_password_again", "a different passphrase")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_new_password_again", "aria-invalid") == "true"


def _a_code_was_sent(viewer: Any) -> dict[str, Any]:
    from inclusio.core.accounts import password_reset_code_send
    from inclusio.core.audit import SYSTEM
    from tests.web.accounts import make_person_account

    password_reset_code_send(actor=SYSTEM, identifier=make_person_account("amina").username)
    return {}


def ask_for_a_code(page: Any) -> None:
    page.fill("#id_identifier", "somebody")
    submit(page)
    assert "/password-reset/code/" in page.url


def ask_for_a_code_and_give_a_wrong_one(page: Any) -> None:
    ask_for_a_code(page)
    page.fill("#id_code", "12345")
    page.fill("#id_new_password", "a new and longer passphrase")
    page.fill("#id_new_password_again", "a new and longer passphrase")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_code", "aria-invalid") == "true"


# --- worklists and the auditor's pages --------------------------------------------------------


def _officer_work(viewer: Any) -> dict[str, Any]:
    """A page and more of each list the district officer lands on."""
    import datetime as dt

    from django.utils import timezone

    from inclusio.assessment.models import Referral
    from inclusio.benefits.models import Proposal
    from inclusio.benefits.services import _decide
    from tests.browser.benefits_data import make_offer
    from tests.factories import give_status, make_person

    soon = timezone.localdate() + dt.timedelta(days=7)
    for n in range(14):  # more unanswered than a page of the list holds, three answered
        person = make_person(surname=f"Нурланова{n}", given_name="Айгуль")
        give_status(person, until=soon)
        offer = make_offer(person)
        Proposal.objects.filter(pk=offer.pk).update(
            created_at=timezone.now() - dt.timedelta(days=30)
        )
        if n < 3:
            _decide(make_offer(person, "free_legal_aid"), SYSTEM, consent=False)
            _decide(offer, SYSTEM, consent=True)  # paid, and no bank account given
    referral = _waiting_referral(viewer)["referral_id"]
    Referral.objects.filter(pk=referral).update(deadline=timezone.localdate())
    return {}


def _mse_work(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.assessment.models import Referral
    from tests.factories import give_status

    referral = Referral.objects.get(pk=_waiting_referral(viewer)["referral_id"])
    give_status(referral.person, "III", valid_from=dt.date(2020, 1, 1), until=dt.date(2022, 1, 1))
    give_status(referral.person, "II", valid_from=dt.date(2022, 1, 1), until=dt.date(2027, 1, 1))
    return {}


def _referrals_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.assessment.services import referral_file
    from tests.factories import make_person

    for surname in ("Сериков", "Ахметова"):
        referral_file(
            actor=viewer,
            person=make_person(surname=surname),
            kind="initial",
            mode="in_absentia",
            organisation_name="City polyclinic No. 1",
            organisation_bin="000000000000",
            diagnosis_code="G80.1",
            clinical_summary="",
        )
    return {}


def _offers_for_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer

    make_offer(viewer.person)
    make_offer(viewer.person, "free_legal_aid")
    return {}


def _offer_for_the_represented_child(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_offer

    make_offer(viewer.person.cares_for.get().cared)
    return {}


def _a_screening_run(viewer: Any) -> dict[str, Any]:
    from tests.browser.benefits_data import make_run

    make_run()
    return {}


def _trails_and_a_verification(viewer: Any) -> dict[str, Any]:
    from django.core.management import call_command

    from tests.factories import make_person

    for n in range(25):  # more writes than a page of the trail holds
        make_person(surname=f"Тіркелген{n}")
    _many_looked_at_the_viewer_of(_astana_person_with_history(viewer)["iin"])
    call_command("audit_verify")
    return {}


def _many_looked_at_the_viewer_of(iin: str) -> None:
    from inclusio.registry.selectors import person_get
    from tests.factories import make_user

    for n in range(30):
        person_get(actor=make_user(f"reader_{n}", "district_officer", "71"), iin=iin)


def go_to_the_next_page_of_a_worklist(page: Any) -> None:
    with page.expect_navigation():
        page.locator("#unanswered_offers a[rel=next]").click()
    assert "unanswered_offers=2" in page.url
    assert page.locator("#unanswered_offers [aria-current=page]").is_visible()


def search_the_trail_with_a_bad_iin(page: Any) -> None:
    page.fill("#id_iin", "12345")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def search_the_access_log_by_purpose(page: Any) -> None:
    page.select_option("#id_purpose", "registry")
    submit(page)
    assert page.locator("main table").is_visible()


PAGES += [
    PageToCheck(
        "registry: correct personal details",
        url_name="registry:person_correct",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: correct personal details without a reason",
        url_name="registry:person_correct",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        interact=correct_without_a_reason,
    ),
    PageToCheck(
        "registry: family",
        url_name="registry:person_family",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: family, refused",
        url_name="registry:person_family",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        interact=add_a_member_without_a_reason,
    ),
    PageToCheck(
        "registry: carers and representatives",
        url_name="registry:person_representation",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "registry: carers and representatives, refused",
        url_name="registry:person_representation",
        kwargs=_person_with_family_and_carer,
        user="staff_user",
        interact=end_a_link_before_it_began,
    ),
    PageToCheck(
        "registry: my record with its changes",
        url_name="registry:me",
        kwargs=_corrections_of_my_record,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accounts: change the password, person",
        url_name="web:password_change",
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accounts: change the password, staff", url_name="web:password_change", user="staff_user"
    ),
    PageToCheck(
        "accounts: change the password, errors",
        url_name="web:password_change",
        user="person_user",
        interact=send_a_wrong_current_password_and_two_different_new_ones,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accounts: reset the password", url_name="web:password_reset", languages=ALL_LANGUAGES
    ),
    PageToCheck(
        "accounts: reset, the code step",
        url_name="web:password_reset",
        interact=ask_for_a_code,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accounts: reset, a wrong code",
        url_name="web:password_reset",
        interact=ask_for_a_code_and_give_a_wrong_one,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accounts: the demonstration outbox",
        url_name="web:outbox",
        kwargs=_a_code_was_sent,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck("accounts: the demonstration outbox, empty", url_name="web:outbox"),
    PageToCheck(
        "home, district officer's worklists",
        url_name="web:home",
        user="staff_user",
        kwargs=_officer_work,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "home, district officer's worklists, the next page",
        url_name="web:home",
        user="staff_user",
        kwargs=_officer_work,
        interact=go_to_the_next_page_of_a_worklist,
    ),
    PageToCheck(
        "home, MSE specialist's queue",
        url_name="web:home",
        user="mse_user",
        kwargs=_mse_work,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "home, doctor's referrals",
        url_name="web:home",
        user="doctor_user",
        kwargs=_referrals_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "home, ministry's screening runs",
        url_name="web:home",
        user="admin_user",
        kwargs=_a_screening_run,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "home, person's offers to answer",
        url_name="web:home",
        user="person_user",
        kwargs=_offers_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "home, representative's offers to answer",
        url_name="web:home",
        user="representative_user",
        kwargs=_offer_for_the_represented_child,
    ),
    PageToCheck("home, auditor", url_name="web:home", user="auditor_user", languages=ALL_LANGUAGES),
    PageToCheck(
        "audit trail",
        url_name="web:audit_trail",
        user="auditor_user",
        kwargs=_trails_and_a_verification,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "audit trail, the next page",
        url_name="web:audit_trail",
        user="auditor_user",
        kwargs=_trails_and_a_verification,
        interact=go_to_the_next_page,
    ),
    PageToCheck(
        "audit trail, a bad IIN",
        url_name="web:audit_trail",
        user="auditor_user",
        interact=search_the_trail_with_a_bad_iin,
    ),
    PageToCheck(
        "every access log",
        url_name="web:access_events",
        user="auditor_user",
        kwargs=_trails_and_a_verification,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "every access log, searched by purpose",
        url_name="web:access_events",
        user="auditor_user",
        kwargs=_trails_and_a_verification,
        interact=search_the_access_log_by_purpose,
    ),
]


# --- reconsidering a refusal ---------------------------------------------------------------------


def _a_refusal_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.benefits.services import proposal_refuse
    from tests.browser.benefits_data import make_offer

    return {
        "decision_id": proposal_refuse(actor=viewer, proposal_id=make_offer(viewer.person).pk).pk
    }


def _a_refusal_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    from inclusio.benefits.services import proposal_refuse
    from tests.browser.benefits_data import make_offer
    from tests.factories import make_person, make_user

    person = make_person(
        surname="Қасымова", given_name="Әйгерім", user=make_user("aigerim", "person")
    )
    return {"decision_id": proposal_refuse(actor=person.user, proposal_id=make_offer(person).pk).pk}


def reopen_without_a_reason(page: Any) -> None:
    submit(page, "form[action$='/reopen/'] button")
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_reason", "aria-invalid") == "true"


def reopen_with_a_reason(page: Any) -> None:
    page.fill("#id_reason", "The person came to the office and asked for it.")
    submit(page, "form[action$='/reopen/'] button")
    assert "/offers/" in page.url and page.locator(".usa-alert--success").is_visible()


PAGES += [
    PageToCheck(
        "benefits: do you refuse?",
        url_name="benefits:offer_refuse",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: refusal, then withdrawn",
        url_name="benefits:offer",
        user="person_user",
        kwargs=_an_offer_for_the_viewer,
        interact=refuse_then_withdraw,
    ),
    PageToCheck(
        "benefits: a refusal that can be withdrawn",
        url_name="benefits:decision",
        user="person_user",
        kwargs=_a_refusal_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: a refusal the officer can reopen",
        url_name="benefits:decision",
        user="staff_user",
        kwargs=_a_refusal_in_the_officers_region,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: reopening without a reason",
        url_name="benefits:decision",
        user="staff_user",
        kwargs=_a_refusal_in_the_officers_region,
        interact=reopen_without_a_reason,
    ),
    PageToCheck(
        "benefits: reopened",
        url_name="benefits:decision",
        user="staff_user",
        kwargs=_a_refusal_in_the_officers_region,
        interact=reopen_with_a_reason,
    ),
]


# --- the emergency dispatchers' registry ---------------------------------------------------------


def _the_viewers_home_on_the_map(viewer: Any) -> dict[str, Any]:
    from inclusio.emergency.services import residences_compile
    from inclusio.registry.models import Person
    from tests.factories import give_status

    person = Person.objects.get(user=viewer)
    give_status(person, "I")
    Person.objects.filter(pk=person.pk).update(
        latitude=51.128, longitude=71.43, address="Астана, Абай даңғылы 12"
    )
    residences_compile()
    return {"iin": person.iin}


def _a_home_near_the_incident(viewer: Any) -> dict[str, Any]:
    from inclusio.emergency.services import (
        residence_consent_give,
        residence_update,
        residences_compile,
    )
    from inclusio.registry.models import Person
    from tests.factories import give_status, make_person, make_user

    person = make_person(surname="Серикова", given_name="Айгүл")
    give_status(person, "I")
    Person.objects.filter(pk=person.pk).update(
        latitude=51.128, longitude=71.43, address="Астана, Абай даңғылы 12"
    )
    residences_compile()
    officer = make_user("social_worker", "district_officer", "71")
    residence_consent_give(actor=officer, person=person, reason="written consent")
    residence_update(
        actor=officer,
        person=person,
        floor=7,
        apartment="41",
        entrance_code="41K",
        bedridden=True,
        equipment="oxygen concentrator",
        carer_name="Айдана",
        carer_phone="+7 701 111 22 33",
    )
    return {}


def _the_represented_childs_home(viewer: Any) -> dict[str, Any]:
    from inclusio.emergency.services import residences_compile
    from inclusio.registry.models import Person

    Person.objects.filter(carers__carer__user=viewer).update(
        latitude=51.128, longitude=71.43, address="Астана, Абай даңғылы 12"
    )
    residences_compile()
    return {}


def _a_residence_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    _a_home_near_the_incident(viewer)
    from inclusio.registry.models import Person

    return {"iin": Person.objects.get(surname="Серикова").iin}


def _lookups_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.emergency.services import residences_lookup

    _a_home_near_the_incident(viewer)
    residences_lookup(actor=viewer, incident="AST-1", address="Абай даңғылы 12")
    residences_lookup(
        actor=viewer, incident="AST-2", latitude=43.25, longitude=76.9, radius_m=100
    )  # a place in Almaty: outside the viewer's region, on the auditor's list
    return {}


def withdraw_without_saying_how(page: Any) -> None:
    submit(page, "form[action$='/consent/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def look_up_around_the_incident(page: Any) -> None:
    page.fill("#id_incident", "AST-2026-0042")
    page.fill("#id_latitude", "51.12845")
    page.fill("#id_longitude", "71.43")
    page.fill("#id_radius_m", "100")
    submit(page)
    assert page.locator("main section.emergency-home").count() == 1


def look_up_without_an_incident(page: Any) -> None:
    page.fill("#id_address", "Абай")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def _a_token_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.emergency.tokens import dispatcher_token_create, dispatcher_token_revoke

    dispatcher_token_create(actor=viewer, name="CAD Астана")
    old, _clear = dispatcher_token_create(actor=viewer, name="CAD резерв")
    dispatcher_token_revoke(actor=viewer, token_id=old.pk)
    return {}


def create_a_token_without_a_name(page: Any) -> None:
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def create_a_dispatch_token(page: Any) -> None:
    send(page, {"#id_name": "CAD Астана"})
    assert page.locator(".usa-alert--success").is_visible()


def give_consent_and_a_bad_phone(page: Any) -> None:
    submit(page, "form[action$='/consent/'] button[type=submit]")
    page.fill("#id_contact_phone", "call me")
    submit(page, "form[action$='/update/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "emergency: my entry",
        url_name="emergency:person",
        kwargs=_the_viewers_home_on_the_map,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency: my entry, consent and a wrong phone",
        url_name="emergency:person",
        kwargs=_the_viewers_home_on_the_map,
        user="person_user",
        status=200,
        interact=give_consent_and_a_bad_phone,
    ),
    PageToCheck(
        "emergency: the homes of the persons I represent",
        url_name="emergency:mine",
        kwargs=_the_represented_childs_home,
        user="representative_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency: an officer records consent without saying how",
        url_name="emergency:person",
        kwargs=_a_residence_in_the_officers_region,
        user="staff_user",
        interact=withdraw_without_saying_how,
    ),
    PageToCheck(
        "emergency: the dispatcher's start page with lookups",
        url_name="web:home",
        kwargs=_lookups_of_the_viewer,
        user="dispatcher_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency: lookup form",
        url_name="emergency:lookup",
        user="dispatcher_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency: lookup answer",
        url_name="emergency:lookup",
        kwargs=_a_home_near_the_incident,
        user="dispatcher_user",
        languages=ALL_LANGUAGES,
        interact=look_up_around_the_incident,
    ),
    PageToCheck(
        "emergency: lookup without an incident",
        url_name="emergency:lookup",
        user="dispatcher_user",
        interact=look_up_without_an_incident,
    ),
    PageToCheck(
        "emergency: the dispatcher's API tokens",
        url_name="emergency:tokens",
        kwargs=_a_token_of_the_viewer,
        user="dispatcher_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency: the dispatcher's API tokens, a token without a name",
        url_name="emergency:tokens",
        user="dispatcher_user",
        interact=create_a_token_without_a_name,
    ),
    PageToCheck(
        "emergency: the dispatcher's API tokens, one created",
        url_name="emergency:tokens",
        user="dispatcher_user",
        interact=create_a_dispatch_token,
    ),
]


# --- payments: the bank's status reports and a payment the bank returned ----------------------


def _a_returned_payment(person: Any) -> str:
    """``person``'s benefit paid in an approved payroll's file, then rejected by the bank
    (AC04, the account is closed); the payment file's message id."""
    from django.utils import timezone

    from inclusio.benefits.services import (
        payment_file_produce,
        payroll_approve,
        payroll_create,
        proposal_accept,
    )
    from inclusio.payments.bank import SyntheticBank
    from inclusio.payments.services import status_report_import
    from tests.browser.benefits_data import IBAN, make_offer
    from tests.factories import make_user

    proposal_accept(actor=person.user, proposal_id=make_offer(person).pk, payment_account=IBAN)
    payroll = payroll_create(actor=SYSTEM, month=timezone.localdate())
    payroll_approve(actor=make_user("approver", "ministry_admin", None), payroll_id=payroll.pk)
    content = payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk).content
    status_report_import(actor=SYSTEM, content=SyntheticBank(reject_one_in=1).answer(content))
    return payroll.message_id


def _a_status_report(viewer: Any) -> dict[str, Any]:
    from tests.factories import make_person, make_user

    _a_returned_payment(
        make_person(surname="Ким", given_name="Виктория", user=make_user("kim", "person"))
    )
    return {}


def _a_returned_payment_of_the_viewer(viewer: Any) -> dict[str, Any]:
    _a_returned_payment(viewer.person)
    return {}


def import_no_file(page: Any) -> None:
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def give_a_wrong_corrected_iban(page: Any) -> None:
    page.fill("#id_iban", "KZ12 3456")
    submit(page, "form[action$='/payment-account/'] button")
    assert page.locator(".inclusio-error-summary").is_visible()
    assert page.get_attribute("#id_iban", "aria-invalid") == "true"


PAGES += [
    PageToCheck(
        "payments: status reports",
        url_name="payments:status_reports",
        user="admin_user",
        kwargs=_a_status_report,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "payments: status report, no file chosen",
        url_name="payments:status_reports",
        user="admin_user",
        interact=import_no_file,
    ),
    PageToCheck(
        "benefits: a payment the bank returned",
        url_name="benefits:mine",
        user="person_user",
        kwargs=_a_returned_payment_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "benefits: a wrong corrected account",
        url_name="benefits:mine",
        user="person_user",
        kwargs=_a_returned_payment_of_the_viewer,
        interact=give_a_wrong_corrected_iban,
    ),
]


# --- the Social Services Portal (marketplace) --------------------------------------------------


def _a_catalogue(viewer: Any) -> dict[str, Any]:
    """Two verified suppliers of Astana with goods under and over the cap, a service by the
    hour and a sanatorium with places and a photo; and one waiting for verification."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from inclusio.marketplace import services
    from inclusio.marketplace.models import Supplier
    from tests.marketplace.builders import make_item, make_supplier

    first = make_supplier("market_supplier_1", serial=1)
    second = make_supplier("market_supplier_2", serial=2)
    make_supplier("market_supplier_3", serial=3, status="pending")
    make_item(first)
    make_item(first, name="Кресло-коляска Премиум", price=240_000, lead_time_days=0)
    make_item(second, category_code="sign_language", name="Сурдопереводчик", price=3_000)
    stay = make_item(second, category_code="sanatorium_treatment", name="Санаторий «Бурабай»")
    services.sanatorium_places_set(
        actor=second.representative,
        item_id=stay.pk,
        day=dt.date.today() + dt.timedelta(days=7),
        places=12,
    )
    services.item_photo_add(
        actor=second.representative,
        item_id=stay.pk,
        upload=SimpleUploadedFile("p.png", _PNG),
        alt_text="Главный корпус санатория у озера",
    )
    assert Supplier.objects.filter(status="verified").count() == 2
    return {}


# The smallest valid PNG: one transparent pixel.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe0dd7a30000000049454e44ae426082"
)


def _a_sanatorium_item(viewer: Any) -> dict[str, Any]:
    from inclusio.marketplace.models import Item

    _a_catalogue(viewer)
    return {"item_id": Item.objects.get(name="Санаторий «Бурабай»").pk}


def _the_viewers_sanatorium(viewer: Any) -> dict[str, Any]:
    """The viewer represents a verified supplier with a wheelchair and a sanatorium."""
    from inclusio.marketplace import services
    from tests.marketplace.builders import ACCESSIBLE, make_item

    supplier = services.supplier_register(
        actor=viewer,
        bin=_a_bin(40),
        legal_name="ТОО «Мой санаторий»",
        regions_served=["71"],
        categories=["wheelchair_manual", "sanatorium_treatment"],
        iban=_an_iban(40),
        phone="+7 717 200 00 40",
        address="Астана",
    )
    supplier.status = "verified"
    supplier.save(update_fields=["status"])
    make_item(supplier)
    stay = make_item(
        supplier,
        category_code="sanatorium_treatment",
        name="Курс лечения",
        price=250_000,
        accessible=ACCESSIBLE,
    )
    return {"item_id": stay.pk}


def _the_viewers_supplier(viewer: Any) -> dict[str, Any]:
    _the_viewers_sanatorium(viewer)
    return {}


def _a_bin(serial: int) -> str:
    from tests.marketplace.builders import a_bin

    return a_bin(serial)


def _an_iban(serial: int) -> str:
    from inclusio.synthetic.marketplace import make_iban

    return make_iban(serial)


def _a_waiting_supplier(viewer: Any) -> dict[str, Any]:
    from inclusio.marketplace.models import Supplier

    _a_catalogue(viewer)
    return {"supplier_id": Supplier.objects.get(status="pending").pk}


def show_only_prices_within_the_cap(page: Any) -> None:
    page.locator("label[for=id_at_or_under_cap]").click()
    submit(page, "main form[method=get] button[type=submit]")
    assert "Премиум" not in page.content()


def register_with_a_bad_bin(page: Any) -> None:
    page.fill("#id_bin", "123456789012")
    page.fill("#id_legal_name", "ТОО «Тест»")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def add_an_item_priced_zero(page: Any) -> None:
    page.select_option("#id_category", "wheelchair_manual")
    page.fill("#id_name", "Коляска")
    page.fill("#id_price", "0")
    page.fill("#id_lead_time_days", "3")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def add_a_photo_without_alt_text(page: Any) -> None:
    page.set_input_files(
        "#id_photo", files=[{"name": "p.png", "mimeType": "image/png", "buffer": _PNG}]
    )
    submit(page, "main form[enctype] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def set_negative_places(page: Any) -> None:
    page.fill("#id_places", "-3")
    submit(page, "form[action$='/places/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def refuse_without_a_reason(page: Any) -> None:
    page.locator("label[for=id_action_1]").click()
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "marketplace: catalogue",
        url_name="marketplace:catalogue",
        user="person_user",
        kwargs=_a_catalogue,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: catalogue within the cap",
        url_name="marketplace:catalogue",
        user="person_user",
        kwargs=_a_catalogue,
        interact=show_only_prices_within_the_cap,
    ),
    PageToCheck(
        "marketplace: a sanatorium with places and a photo",
        url_name="marketplace:item",
        user="person_user",
        kwargs=_a_sanatorium_item,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: registering a supplier",
        url_name="marketplace:supplier_register",
        user="supplier_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: registering a supplier with a bad BIN",
        url_name="marketplace:supplier_register",
        user="supplier_user",
        interact=register_with_a_bad_bin,
    ),
    PageToCheck(
        "marketplace: the supplier's dashboard",
        url_name="marketplace:dashboard",
        user="supplier_user",
        kwargs=_the_viewers_supplier,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: adding an item priced zero",
        url_name="marketplace:item_new",
        user="supplier_user",
        kwargs=_the_viewers_supplier,
        interact=add_an_item_priced_zero,
    ),
    PageToCheck(
        "marketplace: the supplier's sanatorium, places and photos",
        url_name="marketplace:item_edit",
        user="supplier_user",
        kwargs=_the_viewers_sanatorium,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: places without a date and below zero",
        url_name="marketplace:item_edit",
        user="supplier_user",
        kwargs=_the_viewers_sanatorium,
        interact=set_negative_places,
    ),
    PageToCheck(
        "marketplace: a photo without its text alternative",
        url_name="marketplace:item_edit",
        user="supplier_user",
        kwargs=_the_viewers_sanatorium,
        interact=add_a_photo_without_alt_text,
    ),
    PageToCheck(
        "marketplace: the officer's register of suppliers",
        url_name="marketplace:suppliers",
        user="staff_user",
        kwargs=_a_catalogue,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: a supplier waiting for verification",
        url_name="marketplace:supplier_review",
        user="staff_user",
        kwargs=_a_waiting_supplier,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: refusing a supplier without a reason",
        url_name="marketplace:supplier_review",
        user="staff_user",
        kwargs=_a_waiting_supplier,
        interact=refuse_without_a_reason,
    ),
]


# --- rehabilitation programmes -----------------------------------------------------------------


def _programme_for(person: Any) -> None:
    import datetime as dt

    from inclusio.registry.services import current_status
    from inclusio.rehabilitation.services import Prescribed, fulfilment_record, programme_issue
    from tests.factories import give_status

    status = current_status(person) or give_status(person, "I", valid_from=dt.date(2023, 1, 1))
    programme = programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=[
            Prescribed("wheelchair_manual", 1),
            Prescribed("diapers", 4),
            Prescribed("sign_language", 60),
        ],
    )
    fulfilment_record(
        actor=SYSTEM,
        item=programme.items.get(category="diapers"),
        quantity=100,
        date=dt.date(2023, 1, 20),
        source="marketplace",
    )


def _a_programme_for_the_viewer(viewer: Any) -> dict[str, Any]:
    _programme_for(viewer.person)
    return {}


def _a_programme_for_the_represented_child(viewer: Any) -> dict[str, Any]:
    from inclusio.registry.selectors import represented_persons

    child = represented_persons(viewer)[0]
    _programme_for(child)
    return {"iin": child.iin}


def _a_programme_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    from tests.factories import make_person

    person = make_person(surname="Нурланова", given_name="Жанар")
    _programme_for(person)
    return {"iin": person.iin}


def _a_referral_beside_a_programme(viewer: Any) -> dict[str, Any]:
    from inclusio.assessment.models import Referral

    kwargs = _waiting_referral(viewer)
    _programme_for(Referral.objects.get(pk=kwargs["referral_id"]).person)
    return kwargs


def _rates_data(viewer: Any) -> dict[str, Any]:
    _a_programme_in_the_officers_region(viewer)
    return {}


def prescribe_over_the_daily_norm(page: Any) -> None:
    page.select_option("#id_rx-0-category", "diapers")
    page.fill("#id_rx-0-amount", "6")
    page.select_option("#id_rx-1-category", "walking_aid")
    submit(page)
    assert page.locator(".inclusio-error-summary a[href='#id_rx-0-amount']").is_visible()
    assert page.locator(".inclusio-error-summary a[href='#id_rx-1-amount']").is_visible()


def add_a_programme_row(page: Any) -> None:
    page.select_option("#id_rx-0-category", "hearing_aid")
    page.fill("#id_rx-0-amount", "1")
    submit(page, "main form input[name=add_row]")
    assert page.locator("#id_rx-3-category").is_visible()
    assert page.locator("#id_rx-0-amount").input_value() == "1"


PAGES += [
    PageToCheck(
        "rehabilitation: my programme",
        url_name="rehabilitation:mine",
        user="person_user",
        kwargs=_a_programme_for_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "rehabilitation: my programme, none yet", url_name="rehabilitation:mine", user="person_user"
    ),
    PageToCheck(
        "rehabilitation: my programme, representative",
        url_name="rehabilitation:mine",
        user="representative_user",
    ),
    PageToCheck(
        "rehabilitation: the programme of a represented child",
        url_name="rehabilitation:for_person",
        user="representative_user",
        kwargs=_a_programme_for_the_represented_child,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "rehabilitation: a person's programme, officer",
        url_name="rehabilitation:for_person",
        user="staff_user",
        kwargs=_a_programme_in_the_officers_region,
    ),
    PageToCheck(
        "rehabilitation: a person's programme, officer of another region",
        url_name="rehabilitation:for_person",
        user="other_region_officer",
        kwargs=_a_programme_in_the_officers_region,
        status=404,
    ),
    PageToCheck(
        "rehabilitation: implementation rates, officer",
        url_name="rehabilitation:rates",
        user="staff_user",
        kwargs=_rates_data,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "rehabilitation: implementation rates, ministry",
        url_name="rehabilitation:rates",
        user="admin_user",
        kwargs=_rates_data,
    ),
    PageToCheck(
        "assessment: referral beside the current programme",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_a_referral_beside_a_programme,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "assessment: prescription errors linked to their rows",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_waiting_referral,
        interact=prescribe_over_the_daily_norm,
    ),
    PageToCheck(
        "assessment: a programme row added without script",
        url_name="assessment:referral",
        user="mse_user",
        kwargs=_waiting_referral,
        interact=add_a_programme_row,
    ),
]


def _a_programme_to_revise(viewer: Any) -> dict[str, Any]:
    return _a_programme_in_the_officers_region(viewer)


def revise_without_a_reason(page: Any) -> None:
    submit(page)
    assert page.locator(".inclusio-error-summary a[href='#id_reason']").is_visible()


PAGES += [
    PageToCheck(
        "rehabilitation: revising a programme",
        url_name="rehabilitation:revise",
        user="mse_user",
        kwargs=_a_programme_to_revise,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "rehabilitation: revising without a reason",
        url_name="rehabilitation:revise",
        user="mse_user",
        kwargs=_a_programme_to_revise,
        interact=revise_without_a_reason,
    ),
]


# --- vouchers and orders (marketplace) ---------------------------------------------------------


def _an_order_of(person: Any) -> Any:
    """``person`` gets a status, a programme with a wheelchair (so a voucher) and an order of a
    wheelchair from a verified supplier of Astana, delivered to an address."""
    import datetime as dt

    from tests.factories import give_status
    from tests.marketplace.orders_builders import an_order

    person.address, person.phone = "Астана, ул. Кенесары, 5", "+77011234567"
    person.save(update_fields=["address", "phone"])
    give_status(person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    return an_order(person.user, person, serial=61)


def _the_viewers_wallet(viewer: Any) -> dict[str, Any]:
    _an_order_of(viewer.person)
    return {}


def _the_viewers_order(viewer: Any) -> dict[str, Any]:
    return {"order_id": _an_order_of(viewer.person).pk}


def _an_item_for_the_viewers_voucher(viewer: Any) -> dict[str, Any]:
    """The viewer holds a voucher for a manual wheelchair, unused; a shop sells one."""
    import datetime as dt

    from inclusio.rehabilitation.services import Prescribed, programme_issue
    from tests.factories import give_status
    from tests.marketplace.orders_builders import shop

    status = give_status(viewer.person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(
        actor=SYSTEM,
        person=viewer.person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1)],
    )
    return {"item_id": shop("supplier_62", serial=62)[1].pk}


def _an_order_delivered_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    from inclusio.marketplace import orders
    from tests.web.accounts import make_person_account

    order = _an_order_of(make_person_account("ordering").person)
    supplier = order.supplier.representative
    orders.order_accept(actor=supplier, order_id=order.pk)
    orders.order_ship(actor=supplier, order_id=order.pk)
    orders.order_deliver(actor=supplier, order_id=order.pk)
    return {"order_id": order.pk}


def _an_order_to_the_viewers_supplier(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.marketplace import orders
    from inclusio.marketplace.models import Item
    from inclusio.rehabilitation.services import Prescribed, programme_issue
    from tests.factories import give_status
    from tests.marketplace.orders_builders import wheelchair_voucher
    from tests.web.accounts import make_person_account

    _the_viewers_sanatorium(viewer)
    person = make_person_account("ordering").person
    person.address = "Астана, ул. Кенесары, 5"
    person.save(update_fields=["address"])
    status = give_status(person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(
        actor=SYSTEM,
        person=person,
        status=status,
        prescription=[Prescribed("wheelchair_manual", 1)],
    )
    order = orders.order_place(
        actor=person.user,
        voucher_id=wheelchair_voucher(person).pk,
        item_id=Item.objects.get(supplier__representative=viewer, category="wheelchair_manual").pk,
        quantity=1,
        co_payment_accepted=None,
    )
    return {"order_id": order.pk}


def order_none(page: Any) -> None:
    page.fill("#id_quantity", "0")
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


def confirm_for_the_person_without_a_reason(page: Any) -> None:
    submit(page, "form[action$='/behalf/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "marketplace: my vouchers with their QR codes and my orders",
        url_name="marketplace:wallet",
        user="person_user",
        kwargs=_the_viewers_wallet,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: ordering an item within a voucher",
        url_name="marketplace:order_new",
        user="person_user",
        kwargs=_an_item_for_the_viewers_voucher,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: ordering none",
        url_name="marketplace:order_new",
        user="person_user",
        kwargs=_an_item_for_the_viewers_voucher,
        interact=order_none,
    ),
    PageToCheck(
        "marketplace: my order and its steps",
        url_name="marketplace:order",
        user="person_user",
        kwargs=_the_viewers_order,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: an order to the supplier",
        url_name="marketplace:order",
        user="supplier_user",
        kwargs=_an_order_to_the_viewers_supplier,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: the supplier's dashboard with an order",
        url_name="marketplace:dashboard",
        user="supplier_user",
        kwargs=lambda viewer: (_an_order_to_the_viewers_supplier(viewer), {})[1],
    ),
    PageToCheck(
        "marketplace: the supplier's start page with an order to handle",
        url_name="web:home",
        user="supplier_user",
        kwargs=lambda viewer: (_an_order_to_the_viewers_supplier(viewer), {})[1],
    ),
    PageToCheck(
        "marketplace: an order delivered, for the officer",
        url_name="marketplace:order",
        user="staff_user",
        kwargs=_an_order_delivered_in_the_officers_region,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: confirming for the person without a reason",
        url_name="marketplace:order",
        user="staff_user",
        kwargs=_an_order_delivered_in_the_officers_region,
        interact=confirm_for_the_person_without_a_reason,
    ),
    PageToCheck(
        "marketplace: supplier performance",
        url_name="marketplace:performance",
        user="staff_user",
        kwargs=lambda viewer: (_an_order_delivered_in_the_officers_region(viewer), {})[1],
        languages=ALL_LANGUAGES,
    ),
]


# --- emergency alerts ----------------------------------------------------------------------------


def _a_deaf_neighbour_and_an_alert(viewer: Any) -> dict[str, Any]:
    """A deaf person reading Russian near the Astana home, and an alert the viewer (an
    emergency officer) sent there."""
    from inclusio.emergency import areas
    from inclusio.emergency.services import alert_send
    from inclusio.registry.models import DisabilityStatus, Person
    from tests.factories import give_status, make_person

    person = make_person(surname="Нұрланова", given_name="Ботагөз")
    give_status(person)
    DisabilityStatus.objects.filter(person=person).update(hearing=True)
    Person.objects.filter(pk=person.pk).update(
        latitude=51.128, longitude=71.43, preferred_language="ru"
    )
    alert = alert_send(
        actor=viewer,
        area=areas.circle(51.128, 71.43, 500),
        texts={"ru": "Наводнение: не выходите из дома.", "kk": "Су тасқыны: үйден шықпаңыз."},
    )
    return {"alert_id": alert.pk}


def _a_deaf_neighbour(viewer: Any) -> dict[str, Any]:
    _a_deaf_neighbour_and_an_alert(viewer)
    return {}


def _an_alert_received_by_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.core.models import User
    from inclusio.emergency import areas
    from inclusio.emergency.services import alert_send
    from inclusio.registry.models import DisabilityStatus, Person
    from tests.factories import give_status, make_user

    person = Person.objects.get(user=viewer)
    give_status(person)
    DisabilityStatus.objects.filter(person=person).update(hearing=True)
    Person.objects.filter(pk=person.pk).update(latitude=51.128, longitude=71.43)
    officer = User.objects.filter(username="alerts_officer").first() or make_user(
        "alerts_officer", "emergency_officer", "71"
    )
    alert_send(
        actor=officer,
        area=areas.circle(51.128, 71.43, 500),
        texts={"kk": "Су тасқыны: үйден шықпаңыз.", "ru": "Наводнение: не выходите из дома."},
    )
    return {"iin": person.iin}


def preview_an_alert_missing_a_language(page: Any) -> None:
    page.click("label[for=id_area_0]")
    page.fill("#id_latitude", "51.128")
    page.fill("#id_longitude", "71.43")
    page.fill("#id_radius_m", "500")
    page.fill("#id_text_kk", "Су тасқыны: үйден шықпаңыз.")
    submit(page, "button[value=preview]")
    assert page.locator("[role=status] table").is_visible()


def send_a_polygon_that_crosses_itself(page: Any) -> None:
    page.click("label[for=id_area_1]")
    page.fill("#id_points", "51.12, 71.42\n51.13, 71.44\n51.12, 71.44\n51.13, 71.42")
    page.fill("#id_text_kk", "Су тасқыны.")
    submit(page, "button[value=send]")
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "emergency alerts: the form",
        url_name="emergency:alerts",
        user="emergency_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency alerts: a preview missing a language",
        url_name="emergency:alerts",
        kwargs=_a_deaf_neighbour,
        user="emergency_officer_user",
        languages=ALL_LANGUAGES,
        interact=preview_an_alert_missing_a_language,
    ),
    PageToCheck(
        "emergency alerts: a polygon that crosses itself",
        url_name="emergency:alerts",
        user="emergency_officer_user",
        status=200,
        interact=send_a_polygon_that_crosses_itself,
    ),
    PageToCheck(
        "emergency alerts: an alert sent",
        url_name="emergency:alert",
        kwargs=_a_deaf_neighbour_and_an_alert,
        user="emergency_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "emergency alerts: the person reads the alert",
        url_name="emergency:person",
        kwargs=_an_alert_received_by_the_viewer,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
]


# --- employment: quotas, vacancies, placements, special workplaces ------------------------------


def _an_employer_with_a_vacancy_and_a_workplace(viewer: Any) -> dict[str, Any]:
    """An Astana employer below its quota, two vacancies (one needing sight), a person placed
    in a special workplace with a month paid."""
    import datetime as dt

    from inclusio.employment.services import subsidy_month_pay, vacancy_publish
    from inclusio.registry.models import Person
    from tests.employment.builders import make_workplace
    from tests.factories import give_status, make_person, make_user

    officer = viewer if viewer.groups.filter(name="employment_officer").exists() else None
    officer = officer or make_user("employment_astana", "employment_officer", "71")
    own = Person.objects.filter(user=viewer).first()
    person = own or make_person(surname="Серикова", given_name="Айгүл")
    if not person.statuses.exists():
        give_status(person)
    workplace = make_workplace(officer, person)
    employer = workplace.placement.employer
    vacancy_publish(
        actor=officer, employer=employer, title="Оператор колл-центра", wage_kzt=180_000
    )
    vacancy_publish(
        actor=officer, employer=employer, title="Курьер", wage_kzt=170_000, needs=["mobility"]
    )
    subsidy_month_pay(
        actor=officer, workplace=workplace, month=dt.date(2024, 1, 1), wage_kzt=150_000
    )
    return {"iin": person.iin, "bin": employer.bin, "workplace_id": workplace.pk}


def _my_vacancies(viewer: Any) -> dict[str, Any]:
    return {"iin": _an_employer_with_a_vacancy_and_a_workplace(viewer)["iin"]}


def _the_employer(viewer: Any) -> dict[str, Any]:
    return {"bin": _an_employer_with_a_vacancy_and_a_workplace(viewer)["bin"]}


def _the_workplace(viewer: Any) -> dict[str, Any]:
    return {"workplace_id": _an_employer_with_a_vacancy_and_a_workplace(viewer)["workplace_id"]}


def _employers(viewer: Any) -> dict[str, Any]:
    _an_employer_with_a_vacancy_and_a_workplace(viewer)
    return {}


def register_an_employer_with_a_bad_bin(page: Any) -> None:
    page.fill("#id_bin", "123456789012")
    page.fill("#id_name", "ТОО «Тест»")
    page.fill("#id_headcount", "100")
    page.fill("#id_hazardous_jobs", "101")
    submit(page)
    assert page.locator(".inclusio-error-summary a[href='#id_bin']").is_visible()


def pay_a_month_outside_the_three_years(page: Any) -> None:
    page.fill("#id_month", "2030-01")
    page.fill("#id_wage_kzt", "150000")
    submit(page, "form[action$='/subsidy/'] button[type=submit]")
    assert page.locator(".inclusio-error-summary a[href='#id_month']").is_visible()


PAGES += [
    PageToCheck(
        "employment: my quota vacancies",
        url_name="employment:person",
        kwargs=_my_vacancies,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: the officer's start page with employers below quota",
        url_name="web:home",
        kwargs=_employers,
        user="employment_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: employers",
        url_name="employment:employers",
        kwargs=_employers,
        user="employment_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: an employer with a bad BIN refused",
        url_name="employment:employers",
        user="employment_user",
        interact=register_an_employer_with_a_bad_bin,
    ),
    PageToCheck(
        "employment: an employer's quota, vacancies and placements",
        url_name="employment:employer",
        kwargs=_the_employer,
        user="employment_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: a special workplace and its subsidy",
        url_name="employment:workplace",
        kwargs=_the_workplace,
        user="employment_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: a subsidy month outside the three years refused",
        url_name="employment:workplace",
        kwargs=_the_workplace,
        user="employment_user",
        interact=pay_a_month_outside_the_three_years,
    ),
    PageToCheck(
        "employment: the support-measures report",
        url_name="employment:report",
        user="employment_user",
        languages=ALL_LANGUAGES,
    ),
]


# --- housing waiting lists ---------------------------------------------------------------------


def _housing_officer() -> Any:
    from inclusio.core.models import User
    from tests.factories import make_user

    found = User.objects.filter(username="housing_astana").first()
    return found or make_user("housing_astana", "housing_officer", "71")


def _the_viewer_on_the_housing_list(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.housing.services import registration_create
    from inclusio.registry.models import Person
    from tests.factories import give_status, make_person

    ahead = make_person(surname="Серикова", given_name="Айгүл")
    give_status(ahead, "I")
    registration_create(actor=_housing_officer(), person=ahead, registered_on=dt.date(2017, 5, 2))
    person = Person.objects.get(user=viewer)
    give_status(person)
    registration_create(actor=_housing_officer(), person=person, registered_on=dt.date(2019, 4, 2))
    return {"iin": person.iin}


def _the_represented_child_on_the_list(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.housing.services import registration_create
    from inclusio.registry.models import Person

    child = Person.objects.get(carers__carer__user=viewer)
    registration_create(actor=_housing_officer(), person=child, registered_on=dt.date(2020, 2, 3))
    return {}


def _a_list_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.housing.services import registration_create
    from tests.factories import give_status, make_person

    first = make_person(surname="Серикова", given_name="Айгүл")
    give_status(first, "I")
    registration_create(actor=viewer, person=first, registered_on=dt.date(2017, 5, 2))
    second = make_person(surname="Нурланов", given_name="Ерлан", sex="M")
    give_status(second, "II")
    registration_create(actor=viewer, person=second, registered_on=dt.date(2018, 1, 9))
    return {"iin": second.iin}


def _the_officers_list(viewer: Any) -> dict[str, Any]:
    _a_list_in_the_officers_region(viewer)
    return {}


def see_the_mortgage_costs(page: Any) -> None:
    send(page, {"#id_price": "20000000"})
    assert page.locator("main table").count() == 2


def give_a_price_in_words(page: Any) -> None:
    send(page, {"#id_price": "twenty million"})
    assert page.locator(".inclusio-error-summary").is_visible()


def allocate_out_of_turn_without_a_ground(page: Any) -> None:
    send(
        page,
        {"#id_allocate-dwelling": "Абай даңғылы 12-4", "#id_allocate-legal_basis": "№ 7"},
    )
    assert page.locator(".inclusio-error-summary a[href='#id_allocate-skip_ground']").is_visible()


def register_someone_not_eligible(page: Any) -> None:
    from tests.factories import give_status, make_person

    person = make_person(surname="Ахметов", given_name="Болат", sex="M")
    give_status(person, "III")
    send(page, {"#id_iin": person.iin, "#id_registered_on": "2024-01-15"})
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "housing: my place on the list",
        url_name="housing:person",
        kwargs=_the_viewer_on_the_housing_list,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "housing: my place and what a mortgage would cost",
        url_name="housing:person",
        kwargs=_the_viewer_on_the_housing_list,
        user="person_user",
        languages=ALL_LANGUAGES,
        interact=see_the_mortgage_costs,
    ),
    PageToCheck(
        "housing: a price in words",
        url_name="housing:person",
        kwargs=_the_viewer_on_the_housing_list,
        user="person_user",
        status=200,
        interact=give_a_price_in_words,
    ),
    PageToCheck(
        "housing: the places of the persons I represent",
        url_name="housing:mine",
        kwargs=_the_represented_child_on_the_list,
        user="representative_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "housing: the officer's start page with the list",
        url_name="web:home",
        kwargs=_the_officers_list,
        user="housing_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "housing: the officer's view of a registration",
        url_name="housing:person",
        kwargs=_a_list_in_the_officers_region,
        user="housing_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "housing: an allocation out of turn without its ground",
        url_name="housing:person",
        kwargs=_a_list_in_the_officers_region,
        user="housing_officer_user",
        interact=allocate_out_of_turn_without_a_ground,
    ),
    PageToCheck(
        "housing: registration form",
        url_name="housing:register",
        user="housing_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "housing: registering someone not eligible",
        url_name="housing:register",
        user="housing_officer_user",
        interact=register_someone_not_eligible,
    ),
]


# --- special social services ---------------------------------------------------------------------


def _social_provider(name: str = "Шапағат күндізгі орталығы", places: int = 2) -> Any:
    from inclusio.core.models import User
    from inclusio.socialservices import services
    from tests.factories import make_user
    from tests.socialservices.builders import make_provider

    officer = User.objects.filter(username="ss_officer").first() or make_user(
        "ss_officer", "district_officer", "71"
    )
    return services, officer, make_provider(officer, name=name, places=places)


def _this_years_need(services: Any, officer: Any, person: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return services.need_record(
        actor=officer,
        person=person,
        kind="day_care",
        hours_per_month=120,
        starts=today.replace(day=1),
        ends=today.replace(day=1) + dt.timedelta(days=300),
    )


def _a_need_to_choose_for(viewer: Any) -> dict[str, Any]:
    services, officer, provider = _social_provider()
    _social_provider("Мейірім орталығы", places=1)
    need = _this_years_need(services, officer, viewer.person)
    services.inspection_record(
        actor=_an_inspector(),
        provider=provider,
        held_on=need.starts,
        summary="",
        findings=[services.FindingInput("accessibility", "Пандус жоқ", need.ends)],
    )
    return {"iin": viewer.person.iin}


def _an_inspector() -> Any:
    from inclusio.core.models import User
    from tests.factories import make_user

    return User.objects.filter(username="ss_inspector").first() or make_user(
        "ss_inspector", "social_inspector", "71"
    )


def _a_placement_of_the_viewer(viewer: Any) -> dict[str, Any]:
    services, officer, provider = _social_provider()
    need = _this_years_need(services, officer, viewer.person)
    services.provider_choose(actor=viewer, need=need, provider=provider)
    return {"iin": viewer.person.iin}


def _the_provider_the_viewer_is_placed_with(viewer: Any) -> dict[str, Any]:
    services, officer, provider = _social_provider()
    need = _this_years_need(services, officer, viewer.person)
    services.provider_choose(actor=viewer, need=need, provider=provider)
    return {"provider_id": provider.pk}


def _a_social_order_project(viewer: Any) -> dict[str, Any]:
    from inclusio.socialservices import services
    from tests.socialservices.builders import new_bin

    services.social_order_project_record(
        actor=viewer, region_code="71", ngo_name="«Қамқор» қоғамдық бірлестігі",
        ngo_bin=new_bin(), title="Үйде көмек", area="home_care", year=2023,
        budget_kzt=25_000_000, persons_covered=40,
    )  # fmt: skip
    return {}


def _a_placement_of_the_viewer_s_region(viewer: Any) -> dict[str, Any]:
    from tests.factories import give_status, make_person

    services, officer, provider = _social_provider()
    person = make_person(surname="Бекова")
    give_status(person)
    need = _this_years_need(services, officer, person)
    services.provider_choose(actor=_account_of(person), need=need, provider=provider)
    return {"iin": person.iin}


def _the_viewers_provider_with_a_placed_person(viewer: Any) -> dict[str, Any]:
    from tests.factories import give_status, make_person

    services, officer, provider = _social_provider()
    provider.staff.add(viewer)
    person = make_person(surname="Сейітова")
    give_status(person)
    need = _this_years_need(services, officer, person)
    account = _account_of(person)
    services.provider_choose(actor=account, need=need, provider=provider)
    return {"provider_id": provider.pk}


def _account_of(person: Any) -> Any:
    from django.contrib.auth.models import Group

    from inclusio.core.models import User

    account = User.objects.create_user(username=f"p{person.pk}", password="x")
    account.groups.add(Group.objects.get(name="person"))
    person.user = account
    person.save(update_fields=["user"])
    return account


def _a_provider_with_an_open_prescription(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    services, _officer, provider = _social_provider()
    today = timezone.localdate()
    services.inspection_record(
        actor=viewer,
        provider=provider,
        held_on=today - dt.timedelta(days=40),
        summary="Жоспарлы тексеру",
        findings=[
            services.FindingInput("premises", "Лифт істемейді", today - dt.timedelta(days=5))
        ],
    )
    return {"provider_id": provider.pk}


def _a_plan_of_the_viewers_region(viewer: Any) -> dict[str, Any]:
    from django.utils import timezone

    from inclusio.socialservices.models import Signal

    services, _officer, provider = _social_provider()
    Signal.objects.create(provider=provider, kind="complaint", received=timezone.localdate())
    services.control_plan_make(actor=viewer, region_code="71", day=timezone.localdate())
    return {}


def _nothing_but(make: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """The start page takes no arguments: make the records, give none."""

    def making(viewer: Any) -> dict[str, Any]:
        make(viewer)
        return {}

    return making


def confirm_too_many_days(page: Any) -> None:
    page.fill("main table input[name=days]", "40")
    submit(page, "main table form button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def record_an_inspection_without_a_date(page: Any) -> None:
    submit(page, "main form.usa-form--large button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "social services: choosing a provider",
        url_name="socialservices:person",
        kwargs=_a_need_to_choose_for,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: my placement",
        url_name="socialservices:person",
        kwargs=_a_placement_of_the_viewer,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: the person's services seen by their officer",
        url_name="socialservices:person",
        kwargs=_a_placement_of_the_viewer_s_region,
        user="staff_user",
    ),
    PageToCheck(
        "social services: the provider's attendance",
        url_name="socialservices:attendance",
        kwargs=_the_viewers_provider_with_a_placed_person,
        user="social_provider_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: attendance over the month's days",
        url_name="socialservices:attendance",
        kwargs=_the_viewers_provider_with_a_placed_person,
        user="social_provider_user",
        interact=confirm_too_many_days,
    ),
    PageToCheck(
        "social services: the provider's start page",
        url_name="web:home",
        kwargs=_nothing_but(_the_viewers_provider_with_a_placed_person),
        user="social_provider_user",
    ),
    PageToCheck(
        "social services: the inspector's plan",
        url_name="socialservices:inspections",
        kwargs=_a_plan_of_the_viewers_region,
        user="social_inspector_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: the inspector's start page",
        url_name="web:home",
        kwargs=_nothing_but(_a_provider_with_an_open_prescription),
        user="social_inspector_user",
    ),
    PageToCheck(
        "social services: a provider's record and the inspection form",
        url_name="socialservices:provider",
        kwargs=_a_provider_with_an_open_prescription,
        user="social_inspector_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: a provider's record with the complaint form",
        url_name="socialservices:provider",
        kwargs=_the_provider_the_viewer_is_placed_with,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: a provider's record with the incident form",
        url_name="socialservices:provider",
        kwargs=_the_viewers_provider_with_a_placed_person,
        user="social_provider_user",
    ),
    PageToCheck(
        "social services: the state social order of the region",
        url_name="socialservices:social_order",
        kwargs=_a_social_order_project,
        user="staff_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "social services: an inspection without a date",
        url_name="socialservices:provider",
        kwargs=_a_provider_with_an_open_prescription,
        user="social_inspector_user",
        interact=record_an_inspection_without_a_date,
    ),
]


# --- the accessibility map ----------------------------------------------------------------------


def _an_assessed_facility(viewer: Any) -> dict[str, Any]:
    from tests.accessibility.builders import assess, make_facility

    facility = make_facility()
    assess(facility, entrance_ramp_slope={"state": "not_met", "value": 12})
    return {"facility_id": facility.pk}


def _facilities_to_list(viewer: Any) -> dict[str, Any]:
    _an_assessed_facility(viewer)
    return {}


def filter_the_list_by_hearing(page: Any) -> None:
    page.select_option("#id_limitation", "hearing")
    submit(page)
    assert page.locator("#results-heading").is_visible()


PAGES += [
    PageToCheck(
        "accessibility: list and search",
        url_name="accessibility:list",
        kwargs=_facilities_to_list,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accessibility: list filtered by kind of limitation",
        url_name="accessibility:list",
        kwargs=_facilities_to_list,
        interact=filter_the_list_by_hearing,
    ),
    PageToCheck(
        "accessibility: a facility",
        url_name="accessibility:facility",
        kwargs=_an_assessed_facility,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accessibility: statistics",
        url_name="accessibility:statistics",
        kwargs=_facilities_to_list,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck("accessibility: map without tiles", url_name="accessibility:map"),
]


# --- the representative's choice of person, on the pages that open with it -------------------


def _the_represented_childs_iin(viewer: Any) -> dict[str, Any]:
    return {"iin": viewer.person.cares_for.get().cared.iin}


PAGES += [
    PageToCheck(
        "marketplace: the wallet of the child I represent",
        url_name="marketplace:wallet_for",
        user="representative_user",
        kwargs=_the_represented_childs_iin,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "employment: the persons I represent",
        url_name="employment:mine",
        user="representative_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "special social services: the persons I represent",
        url_name="socialservices:mine",
        user="representative_user",
        languages=ALL_LANGUAGES,
    ),
]


def _a_placement_without_a_workplace(viewer: Any) -> dict[str, Any]:
    import datetime as dt

    from inclusio.employment.services import placement_record
    from tests.employment.builders import make_employer
    from tests.factories import give_status, make_person

    person = make_person(surname="Сәрсенов")
    give_status(person)
    placement = placement_record(
        actor=viewer, person=person, employer=make_employer(viewer), started=dt.date(2024, 1, 1)
    )
    return {"placement_id": placement.pk}


PAGES += [
    PageToCheck(
        "employment: recording a special workplace",
        url_name="employment:workplace_new",
        user="employment_user",
        kwargs=_a_placement_without_a_workplace,
        languages=ALL_LANGUAGES,
    ),
]


# --- the in-shop till: the supplier's till and sale, the person's confirmation, API tokens ----

_TILL_WALK: dict[str, str] = {}


def _a_voucher_for_the_viewers_till(viewer: Any) -> dict[str, Any]:
    """The viewer's shop sells wheelchairs; a person holds a wheelchair voucher."""
    from tests.marketplace.till_builders import holder

    _the_viewers_sanatorium(viewer)
    _TILL_WALK["code"] = holder("till_walk_holder")[2].code
    return {}


def check_the_code_at_the_till(page: Any) -> None:
    send(page, {"#id_code": _TILL_WALK["code"]})
    assert page.locator("button[name=record]").is_visible()


def _a_sale_at_the_viewers_till(viewer: Any) -> dict[str, Any]:
    from inclusio.marketplace.models import Item
    from tests.marketplace.till_builders import holder, sold

    _the_viewers_sanatorium(viewer)
    item = Item.objects.get(supplier__representative=viewer, category="wheelchair_manual")
    return {"sale_id": sold(item.supplier, item, holder("till_walk_holder")[2]).pk}


def type_a_wrong_sale_code(page: Any) -> None:
    send(page, {"#id_code": "00000"})
    assert page.locator(".inclusio-error-summary").is_visible()


def _a_sale_with_the_viewers_voucher(viewer: Any) -> dict[str, Any]:
    from inclusio.marketplace.models import Item, Voucher
    from tests.marketplace.till_builders import sold

    item = Item.objects.get(pk=_an_item_for_the_viewers_voucher(viewer)["item_id"])
    voucher = Voucher.objects.get(person=viewer.person, category="wheelchair_manual")
    return {"sale_id": sold(item.supplier, item, voucher).pk}


def create_a_token(page: Any) -> None:
    send(page, {"#id_name": "Касса 1"})
    assert page.locator(".usa-alert--success").is_visible()


PAGES += [
    PageToCheck(
        "marketplace: the supplier's till, a voucher checked",
        url_name="marketplace:till",
        user="supplier_user",
        kwargs=_a_voucher_for_the_viewers_till,
        interact=check_the_code_at_the_till,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: a sale at the till, a wrong code typed",
        url_name="marketplace:till_sale",
        user="supplier_user",
        kwargs=_a_sale_at_the_viewers_till,
        interact=type_a_wrong_sale_code,
    ),
    PageToCheck(
        "marketplace: a sale in a shop for me to confirm",
        url_name="marketplace:sale",
        user="person_user",
        kwargs=_a_sale_with_the_viewers_voucher,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: the supplier's API tokens, one created",
        url_name="marketplace:tokens",
        user="supplier_user",
        interact=create_a_token,
        kwargs=_the_viewers_supplier,
    ),
]


# --- accessibility: state control and barrier reports --------------------------------------------


def _an_inspected_facility(viewer: Any) -> dict[str, Any]:
    """A facility of Astana in this half-year's plan, inspected with two failures; fined."""
    import datetime as dt

    from django.utils import timezone

    from inclusio.accessibility import barriers, control
    from tests.accessibility.builders import all_meet, make_facility
    from tests.factories import make_user

    today = timezone.localdate()
    facility = make_facility()
    control.plan_add(actor=viewer, facility_id=facility.pk, year=today.year, half=1)
    control.plan_add(
        actor=viewer, facility_id=make_facility(latitude=51.2).pk, year=today.year, half=2
    )
    recorded = control.inspection_record(
        actor=viewer,
        facility_id=facility.pk,
        inspected_on=today - dt.timedelta(days=40),
        results=all_meet(info_induction_loop="not_met", entrance_door_width="partly"),
        deadline=today - dt.timedelta(days=10),
    )
    control.fine_impose(
        actor=viewer, inspection_id=recorded.inspection.pk, amount_mci="20", imposed_on=today
    )
    reporter = make_user("reporter", "person", None)
    report = barriers.report_submit(actor=reporter, facility_id=facility.pk, text="Тар есік")
    return {
        "facility_id": facility.pk,
        "inspection_id": recorded.inspection.pk,
        "prescription_id": recorded.issued[0].pk,
        "report_id": report.pk,
    }


def _only(*names: str) -> Callable[[Any], dict[str, Any]]:
    def kwargs(viewer: Any) -> dict[str, Any]:
        made = _an_inspected_facility(viewer)
        return {name: made[name] for name in names}

    return kwargs


def _a_facility_reported(viewer: Any) -> dict[str, Any]:
    from inclusio.accessibility import barriers
    from tests.accessibility.builders import make_facility

    facility = make_facility()
    barriers.report_submit(actor=viewer, facility_id=facility.pk, text="Пандус жоқ")
    return {"facility_id": facility.pk}


def _reported(viewer: Any) -> dict[str, Any]:
    _a_facility_reported(viewer)
    return {}


PAGES += [
    PageToCheck(
        "accessibility control: the inspector's worklist",
        url_name="accessibility:control",
        user="accessibility_inspector_user",
        kwargs=_only(),
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accessibility control: the plan of the half-year",
        url_name="accessibility:plan",
        user="accessibility_inspector_user",
        kwargs=_only(),
    ),
    PageToCheck(
        "accessibility control: the inspection form",
        url_name="accessibility:inspect",
        user="accessibility_inspector_user",
        kwargs=_only("facility_id"),
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accessibility control: an inspection with its prescriptions and fine",
        url_name="accessibility:inspection",
        user="accessibility_inspector_user",
        kwargs=_only("inspection_id"),
    ),
    PageToCheck(
        "accessibility control: prescriptions",
        url_name="accessibility:prescriptions",
        user="accessibility_inspector_user",
        kwargs=_only(),
    ),
    PageToCheck(
        "accessibility control: a prescription and its extension",
        url_name="accessibility:prescription",
        user="accessibility_inspector_user",
        kwargs=_only("prescription_id"),
    ),
    PageToCheck(
        "accessibility control: fines",
        url_name="accessibility:fines",
        user="accessibility_inspector_user",
        kwargs=_only(),
    ),
    PageToCheck(
        "accessibility control: moderating a barrier report",
        url_name="accessibility:moderate",
        user="accessibility_inspector_user",
        kwargs=_only("report_id"),
    ),
    PageToCheck(
        "accessibility: reporting a barrier",
        url_name="accessibility:report",
        user="person_user",
        kwargs=_a_facility_reported,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "accessibility: my barrier reports",
        url_name="accessibility:my_reports",
        user="person_user",
        kwargs=_reported,
    ),
]


# --- signed attestations of disability status (interop/attestations.py) -----------------------


def _attestations_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from tests.factories import give_status
    from tests.interop.attestation_builders import attestation_world

    give_status(viewer.person)
    known = attestation_world(viewer.person)
    return {"iin": viewer.person.iin, "attestation_id": known["attestation_id"]}


def _the_viewers_attestations(viewer: Any) -> dict[str, Any]:
    return {"iin": _attestations_of_the_viewer(viewer)["iin"]}


PAGES += [
    PageToCheck(
        "attestations: the persons I represent",
        url_name="attestations:mine",
        user="representative_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "attestations: mine, issued and the agencies I consented to",
        url_name="attestations:person",
        kwargs=_the_viewers_attestations,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "attestations: the printable attestation with its QR codes",
        url_name="attestations:detail",
        kwargs=_attestations_of_the_viewer,
        user="person_user",
        languages=ALL_LANGUAGES,
    ),
]


# --- appeals: the form from a refusal, the person's list, the appeal as the officer decides it


def _a_refusal_to_appeal(viewer: Any) -> dict[str, Any]:
    from inclusio.benefits.services import proposal_refuse
    from tests.browser.benefits_data import make_offer

    refusal = proposal_refuse(actor=viewer, proposal_id=make_offer(viewer.person).pk)
    return {"kind": "benefit_decision", "decision_id": refusal.pk}


def _an_appeal_of_the_viewer(viewer: Any) -> dict[str, Any]:
    from inclusio.appeals.services import appeal_file

    found = _a_refusal_to_appeal(viewer)
    appeal_file(actor=viewer, **found, grounds="I did not understand the offer.")
    return {}


def _an_appeal_in_the_officers_region(viewer: Any) -> dict[str, Any]:
    from inclusio.appeals.services import appeal_file
    from tests.web.accounts import make_person_account

    person = make_person_account("appellant")
    found = _a_refusal_to_appeal(person)
    appeal = appeal_file(actor=person, **found, grounds="I did not understand the offer.")
    return {"appeal_id": appeal.pk}


PAGES += [
    PageToCheck(
        "appeals: the appeal form",
        url_name="appeals:new",
        user="person_user",
        kwargs=_a_refusal_to_appeal,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "appeals: my appeals",
        url_name="appeals:mine",
        user="person_user",
        kwargs=_an_appeal_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "appeals: an appeal the officer decides",
        url_name="appeals:appeal",
        user="staff_user",
        kwargs=_an_appeal_in_the_officers_region,
        languages=ALL_LANGUAGES,
    ),
]


# --- services by the hour: the person's sessions, months and stays; the supplier's pages -------


def _hours_of_the_viewer(viewer: Any) -> dict[str, Any]:
    """The viewer holds sign-language, personal-assistant and sanatorium vouchers; a supplier
    of all three offers two sessions (one booked by the viewer), has entered last month's
    hours and offers places at its sanatorium."""
    import datetime as dt

    from inclusio.marketplace import hours
    from inclusio.marketplace.models import Voucher
    from inclusio.rehabilitation.services import programme_issue
    from tests.factories import give_status
    from tests.marketplace.builders import make_item, make_supplier
    from tests.marketplace.hour_builders import (
        PRESCRIPTION,
        last_month,
        month_days,
        offer_places,
        service,
        soon,
    )

    status = give_status(viewer.person, valid_from=dt.date(2025, 1, 1), until=dt.date(2029, 1, 1))
    programme_issue(actor=SYSTEM, person=viewer.person, status=status, prescription=PRESCRIPTION)
    vouchers = {v.category: v for v in Voucher.objects.filter(person=viewer.person)}
    supplier = make_supplier(
        "hours_walk_supplier",
        serial=71,
        categories=("sign_language", "personal_assistant", "sanatorium_treatment"),
    )
    rep = supplier.representative
    sign = make_item(supplier, **{**service("sign_language", 3000), "name": "Сурдопереводчик"})
    assist = make_item(supplier, **{**service("personal_assistant", 2000), "name": "Помощник"})
    stay = make_item(supplier, **{**service("sanatorium_treatment", 250_000), "name": "Шифа"})
    first = hours.slot_publish(actor=rep, item_id=sign.pk, starts=soon(), hours=2, capacity=3)
    hours.slot_publish(actor=rep, item_id=sign.pk, starts=soon(72), hours=1, capacity=1)
    hours.session_book(actor=viewer, slot_id=first.pk, voucher_id=vouchers["sign_language"].pk)
    month = last_month()
    hours.timesheet_submit(
        actor=rep,
        voucher_code=vouchers["personal_assistant"].code,
        item_id=assist.pk,
        month=month,
        days=month_days(month, 4, 5),
    )
    offer_places(stay, _stay_day(), 14, 3)
    return {"iin": viewer.person.iin}


def _stay_day() -> Any:
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=10)


def find_free_places(page: Any) -> None:
    page.fill("#id_first_day", _stay_day().isoformat())
    page.fill("#id_days", "14")
    submit(page, "main form[method=get] button[type=submit]")
    assert page.locator("input[name=item]").count() == 1


def _the_viewers_hours_supplier(viewer: Any) -> dict[str, Any]:
    """The viewer represents a supplier of the three services by the hour, with a session
    booked and held, a month entered and a stay booked."""
    import datetime as dt

    from django.utils import timezone

    from inclusio.marketplace import hours, services
    from inclusio.marketplace.hour_models import SessionSlot
    from tests.marketplace.builders import make_item
    from tests.marketplace.hour_builders import (
        hours_cast,
        last_month,
        month_days,
        offer_places,
        service,
        soon,
    )

    supplier = services.supplier_register(
        actor=viewer,
        bin=_a_bin(41),
        legal_name="ТОО «Ымдау»",
        regions_served=["71"],
        categories=["sign_language", "personal_assistant", "sanatorium_treatment"],
        iban=_an_iban(41),
        phone="+7 717 200 00 41",
        address="Астана",
    )
    supplier.status = "verified"
    supplier.save(update_fields=["status"])
    sign = make_item(supplier, **{**service("sign_language", 3000), "name": "Сурдопереводчик"})
    assist = make_item(supplier, **{**service("personal_assistant", 2000), "name": "Помощник"})
    stay = make_item(supplier, **{**service("sanatorium_treatment", 250_000), "name": "Шифа"})
    held = hours_cast("hours_walk_person", serial=72, supplier="hours_walk_other")
    vouchers = held["vouchers"]
    slot = hours.slot_publish(actor=viewer, item_id=sign.pk, starts=soon(), hours=2, capacity=2)
    hours.session_book(
        actor=held["account"], slot_id=slot.pk, voucher_id=vouchers["sign_language"].pk
    )
    SessionSlot.objects.filter(pk=slot.pk).update(starts=timezone.now() - dt.timedelta(hours=1))
    hours.slot_publish(actor=viewer, item_id=sign.pk, starts=soon(96), hours=1, capacity=4)
    month = last_month()
    hours.timesheet_submit(
        actor=viewer,
        voucher_code=vouchers["personal_assistant"].code,
        item_id=assist.pk,
        month=month,
        days=month_days(month, 3, 4),
    )
    first = timezone.localdate() + dt.timedelta(days=10)
    offer_places(stay, first, 14, 3)
    hours.stay_book(
        actor=held["account"],
        voucher_id=vouchers["sanatorium_treatment"].pk,
        item_id=stay.pk,
        first_day=first,
        days=14,
    )
    return {}


def publish_a_session_in_the_past(page: Any) -> None:
    page.fill("#id_day", "2020-01-01")
    page.fill("#id_time", "10:30")
    submit(page, "main form[method=post]:not([action]) button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


def submit_a_month_with_a_wrong_code(page: Any) -> None:
    page.fill("#id_code", "NOPE")
    page.fill("#id_day_1", "4")
    submit(page, "main form[method=post] button[type=submit]")
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "marketplace: my sign-language sessions, one booked",
        url_name="marketplace:hours_sessions",
        user="person_user",
        kwargs=_hours_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: my personal assistant's months",
        url_name="marketplace:hours_timesheets",
        user="person_user",
        kwargs=_hours_of_the_viewer,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: a sanatorium stay, free places found",
        url_name="marketplace:hours_stays",
        user="person_user",
        kwargs=_hours_of_the_viewer,
        interact=find_free_places,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: the supplier's sessions, one in the past refused",
        url_name="marketplace:supplier_slots",
        user="supplier_user",
        kwargs=_the_viewers_hours_supplier,
        interact=publish_a_session_in_the_past,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: the supplier's months, a wrong code refused",
        url_name="marketplace:supplier_timesheets",
        user="supplier_user",
        kwargs=_the_viewers_hours_supplier,
        interact=submit_a_month_with_a_wrong_code,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "marketplace: the supplier's sanatorium stays",
        url_name="marketplace:supplier_stays",
        user="supplier_user",
        kwargs=_the_viewers_hours_supplier,
        languages=ALL_LANGUAGES,
    ),
]


# --- CRPD monitoring: the articles, a recommendation, a survey, the periodic report -----------


def _a_crpd_world(user: Any) -> dict[str, Any]:
    from inclusio.crpd.services import indicator_enter
    from tests.crpd.builders import crpd_world

    indicator_enter(
        actor=SYSTEM,
        article=24,
        kind="outcome",
        title="Schools with conditions for inclusive education",
        value=86.6,
        unit="%",
        year=2023,
        source="Ministry of Enlightenment",
    )
    return crpd_world()


def _crpd_article(user: Any) -> dict[str, Any]:
    return {"article_number": _a_crpd_world(user)["article_number"]}


def _crpd_recommendation(user: Any) -> dict[str, Any]:
    return {"recommendation_id": _a_crpd_world(user)["recommendation_id"]}


def _crpd_survey(user: Any) -> dict[str, Any]:
    return {"survey_id": _a_crpd_world(user)["survey_id"]}


def _crpd_report(user: Any) -> dict[str, Any]:
    _a_crpd_world(user)
    return {}


def send_an_indicator_without_its_source(page: Any) -> None:
    send(page, {"#id_title": "Schools", "#id_value": "86.6", "#id_year": "2023"})
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "crpd: the articles",
        url_name="crpd:index",
        user="crpd_officer_user",
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "crpd: an article with its forms",
        url_name="crpd:article",
        user="crpd_officer_user",
        kwargs=_crpd_article,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "crpd: an indicator without its source, refused",
        url_name="crpd:article",
        user="crpd_officer_user",
        kwargs=_crpd_article,
        status=200,
        interact=send_an_indicator_without_its_source,
    ),
    PageToCheck(
        "crpd: the recommendations",
        url_name="crpd:recommendations",
        user="crpd_officer_user",
        kwargs=_crpd_report,
    ),
    PageToCheck(
        "crpd: a recommendation and its answer",
        url_name="crpd:recommendation",
        user="crpd_officer_user",
        kwargs=_crpd_recommendation,
    ),
    PageToCheck(
        "crpd: the surveys", url_name="crpd:surveys", user="crpd_officer_user", kwargs=_crpd_report
    ),
    PageToCheck(
        "crpd: a survey's prevalence",
        url_name="crpd:survey",
        user="crpd_officer_user",
        kwargs=_crpd_survey,
        languages=ALL_LANGUAGES,
    ),
    PageToCheck(
        "crpd: the periodic report",
        url_name="crpd:report",
        user="crpd_officer_user",
        kwargs=_crpd_report,
        languages=ALL_LANGUAGES,
    ),
]


# --- accessibility control: the plan's search for a facility -----------------------------------


def find_a_facility_for_the_plan(page: Any) -> None:
    send(page, {"#id_find": "№1"})
    assert page.locator("table[aria-labelledby=found-heading] button").count() == 1


PAGES += [
    PageToCheck(
        "accessibility control: the plan with a facility found",
        url_name="accessibility:plan",
        user="accessibility_inspector_user",
        kwargs=_only(),
        interact=find_a_facility_for_the_plan,
    ),
]


# --- the public statistics: the datasets and one dataset's charts and tables ---------------


def _open_data_published(viewer: Any) -> dict[str, Any]:
    """The demo snapshot's open data, published once into the run's open-data folder."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from inclusio.statistics.publish import compute_datasets, write_publication
    from inclusio.statistics.published import CURRENT
    from inclusio.statistics.tables import CATALOGUE, Snapshot
    from inclusio.synthetic.generate import generate

    folder = Path(settings.OPEN_DATA_DIR)
    if not (folder / CURRENT / CATALOGUE).is_file():
        with tempfile.TemporaryDirectory() as scratch:
            generate("demo", 7, Path(scratch) / "snapshot")
            snapshot = Snapshot.open(Path(scratch) / "snapshot")
            try:
                publication = compute_datasets(snapshot, dt.date(2024, 1, 1))
                write_publication(publication, snapshot, folder)
            finally:
                snapshot.close()
    return {"dataset_id": "PWD_REGION_GROUP_SEX"}


def _open_data_listed(viewer: Any) -> dict[str, Any]:
    _open_data_published(viewer)
    return {}


PAGES += [
    PageToCheck(
        "statistics: the datasets",
        url_name="statistics:list",
        kwargs=_open_data_listed,
    ),
    PageToCheck(
        "statistics: a dataset's charts and tables",
        url_name="statistics:dataset",
        kwargs=_open_data_published,
        languages=ALL_LANGUAGES,
    ),
]


# --- accessibility: a facility first known from OpenStreetMap, its source shown ------------


def _a_facility_from_openstreetmap(viewer: Any) -> dict[str, Any]:
    import io
    from pathlib import Path

    from django.core.management import call_command

    from inclusio.accessibility.models import Facility

    osm_file = Path(__file__).parents[1] / "accessibility" / "data" / "astana.osm"
    call_command("accessibility_osm_import", str(osm_file), stdout=io.StringIO())
    # The pharmacy: first known from the file, its one assessment read from the element's tags,
    # so the page shows the element, the Source column and the ODbL attribution.
    return {"facility_id": Facility.objects.get(osm_id="node/1002").pk}


PAGES += [
    PageToCheck(
        "accessibility: a facility imported from OpenStreetMap, with its source",
        url_name="accessibility:facility",
        kwargs=_a_facility_from_openstreetmap,
        languages=ALL_LANGUAGES,
    ),
]


# --- crpd: a Washington Group file sent from the page, refused naming its row and column ------


def send_a_survey_with_a_wrong_answer(page: Any) -> None:
    header = "seeing,hearing,walking,cognition,self_care,communication,sex,age,region,residence"
    page.fill("#id_title", "Pilot census")
    page.fill("#id_year", "2023")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "answers.csv",
                "mimeType": "text/csv",
                "buffer": f"{header}\n1,1,5,1,1,1,F,70,71,urban\n".encode(),
            }
        ],
    )
    submit(page)
    assert page.locator(".inclusio-error-summary").is_visible()


PAGES += [
    PageToCheck(
        "crpd: a Washington Group file refused, naming its row and column",
        url_name="crpd:survey_new",
        user="crpd_officer_user",
        interact=send_a_survey_with_a_wrong_answer,
    ),
]
