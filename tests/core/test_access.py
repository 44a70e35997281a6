"""The access module on its own: the platform's own reads, the look-up limiter, its settings."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inclusio.core import access
from inclusio.core.access import SYSTEM, Agency
from inclusio.core.errors import RateLimited
from inclusio.core.models import AccessEvent, Purpose, Seen
from tests.factories import make_trio, make_user

pytestmark = pytest.mark.django_db


def test_the_platform_sees_everyone_and_its_reads_are_logged_as_its_own_work() -> None:
    trio = make_trio()
    access.see(SYSTEM, trio.person, what=Seen.BENEFITS, purpose=Purpose.BENEFITS)
    event = AccessEvent.objects.get()
    assert (event.actor_name, event.reader, event.purpose) == ("system", "system", "platform")
    assert not access.may_act_for(SYSTEM, trio.person)


def test_anonymous_visitors_see_nobody() -> None:
    from django.contrib.auth.models import AnonymousUser

    trio = make_trio()
    assert not access.may_see(AnonymousUser(), trio.person)
    assert not access.may_act_for(AnonymousUser(), trio.person)


def test_an_officer_sees_but_does_not_act_for_a_person_of_their_region() -> None:
    trio = make_trio()
    assert access.may_see(trio.own_officer, trio.person)
    assert not access.may_act_for(trio.own_officer, trio.person)
    assert not access.may_see(trio.other_officer, trio.person)
    assert access.may_act_for(trio.person.user, trio.person)


def test_accounts_and_tokens_count_apart_and_the_wait_is_the_rest_of_the_window(
    settings: Any,
) -> None:
    settings.IIN_LOOKUPS_PER_ACCOUNT = 2
    settings.IIN_LOOKUPS_PER_TOKEN = 1
    settings.IIN_LOOKUP_WINDOW_SECONDS = 30
    officer = make_user("officer", "district_officer")
    agency = Agency(token_id=7, name="Fund", purposes=("status_verification",))
    access.lookup_counted(officer)
    access.lookup_counted(officer)
    access.lookup_counted(officer, agency=agency)
    with pytest.raises(RateLimited) as account_spent:
        access.lookup_counted(officer)
    with pytest.raises(RateLimited) as token_spent:
        access.lookup_counted(officer, agency=agency)
    assert account_spent.value.code == token_spent.value.code == "TOO_MANY_LOOKUPS"
    assert 1 <= account_spent.value.retry_after <= 30
    access.lookup_counted(SYSTEM)  # the platform's own work is not limited


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_limit_that_is_not_a_positive_whole_number_stops_the_start(
    tmp_path: Path, value: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INCLUSIO_")}
    result = subprocess.run(
        [sys.executable, "-m", "inclusio.manage", "check"],
        env={**clean, "INCLUSIO_VAR_DIR": str(tmp_path), "INCLUSIO_IIN_LOOKUPS_PER_ACCOUNT": value},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "INCLUSIO_IIN_LOOKUPS_PER_ACCOUNT" in result.stderr
