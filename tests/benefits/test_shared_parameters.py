"""A new subsistence minimum entered by the ministry reaches the screenings from its date: the
amounts change, and the person reads the new value and its law on the why page."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.utils import translation

from inclusio.benefits import page_data
from inclusio.benefits.models import Programme, Proposal
from inclusio.benefits.services import proposal_accept, screening_run
from inclusio.core.audit import SYSTEM
from inclusio.core.parameters import parameter_value_add
from inclusio.rules.screen import RESULTS
from tests.benefits.builders import IBAN, ON, Snapshot, person_with_account
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JULY = dt.date(2024, 7, 1)
AMENDMENT = "Law amending the republican budget for 2024-2026"
AMENDMENT_KK = (
    "«2024–2026 жылдарға арналған республикалық бюджет туралы» Заңға өзгерістер енгізу туралы Заң"
)
AMENDMENT_RU = "Закон о внесении изменений в Закон «О республиканском бюджете на 2024–2026 годы»"
REFERENCES = {"kk": AMENDMENT_KK, "ru": AMENDMENT_RU, "en": AMENDMENT}


def _offer(run_pk: int, code: str = "disability_benefit") -> Proposal:
    return Proposal.objects.get(run_id=run_pk, programme__code=code)


def test_a_new_subsistence_minimum_reaches_the_next_screening_from_its_date(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    ministry = make_user("minister", "ministry_admin", region=None)
    person = person_with_account("a")
    snapshot = Snapshot()
    snapshot.person(person.iin, category="I")
    directory = snapshot.write(tmp_path / "s", "one")

    first = _offer(screening_run(actor=ministry, snapshot_dir=directory, on=ON).pk)
    assert first.amount_kzt == 60770  # 1.40 × 43,407 = 60,769.8
    proposal_accept(actor=person.user, proposal_id=first.pk, payment_account=IBAN)

    parameter_value_add(
        actor=ministry,
        key="subsistence_minimum",
        effective=JULY,
        value=45000,
        reference=AMENDMENT,
        reason="Mid-year amendment of the budget law",
        reference_kk=AMENDMENT_KK,
        reference_ru=AMENDMENT_RU,
    )
    # The day before the new value, nothing changes; from its date, the amount does.
    before = screening_run(actor=ministry, snapshot_dir=directory, on=JULY - dt.timedelta(days=1))
    assert not Proposal.objects.filter(run=before).exists()
    changed = _offer(screening_run(actor=ministry, snapshot_dir=directory, on=JULY).pk)
    assert (changed.kind, changed.previous_amount_kzt, changed.amount_kzt) == (
        "changed",
        60770,
        63000,  # 1.40 × 45,000
    )
    assert changed.parameters["subsistence_minimum"] == {
        "value": 45000,
        "effective": "2024-07-01",
        "reference": REFERENCES,
    }
    # The why page gives the value's legal reference in the reader's language.
    labels = {
        "en": "Subsistence minimum",
        "ru": "Прожиточный минимум",
        "kk": "Ең төмен күнкөріс деңгейі",
    }
    for language, reference in REFERENCES.items():
        with translation.override(language):
            why = page_data.why(changed, actor=SYSTEM)
        minimum = next(p for p in why.parameters if p.label == labels[language])
        assert minimum.reference == reference, language
    with translation.override("en"):
        why = page_data.why(changed, actor=SYSTEM)
    assert why.amount == "63,000 tenge a month"


def test_the_screen_command_reads_the_values_the_ministry_keeps(tmp_path: Path) -> None:
    ministry = make_user("minister", "ministry_admin", region=None)
    snapshot = Snapshot()
    snapshot.person("800101300001", category="II")
    directory = snapshot.write(tmp_path / "s", "one")
    parameter_value_add(
        actor=ministry,
        key="subsistence_minimum",
        effective=JULY,
        value=45000,
        reference=AMENDMENT,
        reason="Mid-year amendment of the budget law",
        reference_kk=AMENDMENT_KK,
        reference_ru=AMENDMENT_RU,
    )
    out = tmp_path / "out"
    call_command(
        "screen",
        "--snapshot",
        str(directory),
        "--date",
        "2024-07-01",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    rows = pq.read_table(out / RESULTS).to_pylist()
    benefit = next(r for r in rows if r["programme"] == "disability_benefit")
    assert benefit["amount_kzt"] == 52200  # 1.16 × 45,000
    used = json.loads(benefit["parameters"])["subsistence_minimum"]
    assert (used["value"], used["reference"]) == (45000, REFERENCES)
