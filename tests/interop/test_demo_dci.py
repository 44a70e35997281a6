"""The demo's DCI agency: registered with keys made at demo time, its credentials in a file
only its owner reads, the demo person's attestation issued; a signed request sent with
tools/dci_request.py, as an agency's system, gets a signed answer; the attestation verifies
offline."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command

from inclusio.core.models import User
from inclusio.interop.models import Agency, Attestation, AttestationConsent
from tests.factories import give_status, make_person

TOOL = Path(__file__).resolve().parents[2] / "tools" / "dci_request.py"


def test_the_demo_agency_sends_a_signed_request_and_the_attestation_verifies(
    transactional_db: None, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DEMO = True
    account = User.objects.create_user(username="person", password="correct horse battery")
    account.groups.add(Group.objects.get(name="person"))
    person = make_person(user=account)
    give_status(person, "I")
    folder = tmp_path / "demo-dci"

    out = StringIO()
    call_command("synth_dci", "--out", str(folder), "--server", live_server.url, stdout=out)
    credentials = folder / "agency.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert "private_jwk" in json.loads(credentials.read_text())
    (agency,) = Agency.objects.all()
    assert AttestationConsent.objects.filter(person=person, agency=agency).count() == 1
    (attestation,) = Attestation.objects.filter(person=person)
    assert (folder / "attestation.jws").read_text() == attestation.jws

    # Again: new keys and secret in force, the same agency, consent and attestation.
    call_command("synth_dci", "--out", str(folder), "--server", live_server.url, stdout=out)
    assert Agency.objects.count() == Attestation.objects.count() == 1
    sent = subprocess.run(
        [sys.executable, str(TOOL), str(credentials), person.iin],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert sent.returncode == 0, sent.stderr
    answer = json.loads(sent.stdout)
    assert answer["message"]["disabled_response"][0]["disabled_status"] == "yes"
    assert "verifies" in sent.stderr

    call_command("attestation_verify", str(folder / "attestation.jws"), stdout=StringIO())
