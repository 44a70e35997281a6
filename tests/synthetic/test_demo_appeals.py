"""The demonstration's appeals: one for each demo account's person with a decision to appeal,
the first overdue, and the district office's worklist shows it first."""

from __future__ import annotations

import datetime as dt

import pytest

from inclusio.appeals.models import Appeal
from inclusio.appeals.selectors import worklist_appeals
from inclusio.benefits.models import Proposal
from inclusio.core.audit import SYSTEM
from inclusio.registry.services import care_link_create
from inclusio.synthetic.appeals import load_demo_appeals
from tests.browser.benefits_data import make_offer
from tests.factories import make_person, make_user
from tests.web.accounts import make_person_account

pytestmark = pytest.mark.django_db


def test_the_demo_files_appeals_one_overdue_and_the_office_sees_it_first() -> None:
    dana = make_person_account("dana")
    first = make_offer(dana.person)
    make_offer(dana.person, "free_legal_aid")
    account = make_user("parent", "representative", None)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM,
        carer=make_person(surname="Parent", user=account),
        cared=child,
        relation="parent",
        since=dt.date(2016, 2, 2),
    )
    make_offer(child)
    make_offer(child, "free_legal_aid")
    assert load_demo_appeals([dana, account]) == 2
    assert load_demo_appeals([dana, account]) == 0  # again: nothing more
    # The first offer still waits for the person's answer.
    assert Proposal.objects.get(pk=first.pk).status == Proposal.Status.PENDING
    overdue = [appeal for appeal in Appeal.objects.all() if appeal.overdue]
    assert len(overdue) == 1
    officer = make_user("officer_demo", "district_officer", "71")
    assert worklist_appeals(actor=officer).rows[0] == overdue[0]
