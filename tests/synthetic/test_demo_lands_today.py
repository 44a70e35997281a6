"""Every demo account lands on current data, whatever day the suite runs: the demo is built as
``make demo`` builds it (the country drawn as of today, loaded, exported and screened today,
then ``demo-accounts``), and each account it hands out signs in through the real sign-in form
(with its second factor) with the password the command printed."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_date

from inclusio.benefits.models import Proposal
from inclusio.registry.models import DisabilityStatus, Person
from inclusio.synthetic.demo import current_totp

pytestmark = pytest.mark.django_db

# A line of `inclusio demo-accounts`: the user name, then the password.
ACCOUNT_LINE = re.compile(r"^  (\S+)\s+(\S+)\s", re.MULTILINE)
ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
WORDS_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")


def build_the_demo(tmp_path: Path, today: dt.date) -> dict[str, str]:
    """`make demo`'s data steps, in its order; the passwords `demo-accounts` printed."""
    snapshot, export = tmp_path / "snapshot", tmp_path / "export"
    quiet = {"stderr": StringIO()}
    for command in (
        (
            "synth",
            "--scale",
            "demo",
            "--seed",
            "1",
            "--as-of",
            today.isoformat(),
            "--out",
            snapshot,
        ),
        ("synth_load", snapshot),
        ("emergency_residences",),
        ("synth_programmes", "--region", "71"),
        ("synth_employment", "--region", "71"),
        ("synth_housing", "--region", "71", "--scale", "0.01"),
        ("synth_socialservices", "--region", "71"),
        ("synth_accessibility", "--region", "71"),
        ("synth_access_control", "--region", "71"),
        ("synth_crpd",),
        ("benefits_programmes",),
        (
            "snapshot_export",
            "--date",
            today.isoformat(),
            "--out",
            export,
            "--population",
            snapshot,
        ),
        ("benefits_screen", "--snapshot", export, "--date", today.isoformat()),
    ):
        call_command(*command, stdout=StringIO(), **quiet)
    printed = StringIO()
    call_command("demo_accounts", stdout=printed, **quiet)
    # After the accounts, as `make demo` does: the sessions are booked by the demo's suppliers.
    call_command("synth_hours", "--region", "71", stdout=StringIO(), **quiet)
    return dict(ACCOUNT_LINE.findall(printed.getvalue()))


def sign_in_with_the_form(client: Client, username: str, password: str) -> str:
    """The sign-in form, then the second factor for staff; the landing page's text."""
    response = client.post("/en/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username}: the password was refused"
    if "/second-factor/" in response["Location"]:
        response = client.post(response["Location"], {"code": current_totp(username)})
        assert response.status_code == 302, f"{username}: the code was refused"
    assert response["Location"] == "/en/", username
    landing = client.get("/en/")
    assert landing.status_code == 200
    return html.unescape(landing.content.decode())


class _Tables(HTMLParser):
    """The rows of every table of a page, as {column heading: cell text}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._headings: list[str] = []
        self._cells: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self._in_head, self._headings = True, []
        elif tag == "tr":
            self._cells = []
        elif tag in ("th", "td") and self._cells is not None:
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag == "tr" and self._cells is not None:
            cells = [" ".join(cell.split()) for cell in self._cells]
            if self._in_head:
                self._headings = cells
            else:
                self.rows.append(dict(zip(self._headings, cells, strict=False)))
            self._cells = None

    def handle_data(self, data: str) -> None:
        if self._cells:
            self._cells[-1] += data


def table_rows(page: str) -> list[dict[str, str]]:
    tables = _Tables()
    tables.feed(page)
    return tables.rows


def dates_in(text: str) -> list[dt.date]:
    found = [parse_date(day) for day in ISO_DATE.findall(text)]
    found += [
        dt.date(int(year), MONTHS[month], int(day)) for day, month, year in WORDS_DATE.findall(text)
    ]
    return [day for day in found if day is not None]


# Columns whose dates are ahead: a past one must be marked overdue, never shown as upcoming.
UPCOMING = ("Decide by", "Re-examination")
# Columns of what has just happened in a demo set up today.
RECENT = ("Filed", "Offered", "Screening date", "Started")


def assert_dates_current(username: str, page: str, today: dt.date) -> int:
    """Dates ahead are ahead (or marked overdue), recent ones recent; how many were checked."""
    recently = today - dt.timedelta(days=7)
    checked = 0
    for row in table_rows(page):
        for column, cell in row.items():
            for day in dates_in(cell):
                if column in UPCOMING:
                    assert day >= today or "overdue" in cell, (username, column, cell)
                    checked += 1
                if column in RECENT:
                    assert recently <= day <= today, (username, column, cell)
                    checked += 1
    for day in dates_in(" ".join(re.findall(r"decide by ([0-9-]+)", page))):
        assert day >= today, (username, "decide by", day)
        checked += 1
    for day in dates_in(" ".join(re.findall(r"offered on ([^)]+)\)", page))):
        assert recently <= day <= today, (username, "offered on", day)
        checked += 1
    return checked


def test_every_demo_account_lands_on_current_data(tmp_path: Path, settings: Any) -> None:
    settings.DEMO = True  # as `make demo` runs (INCLUSIO_DEMO=True)
    today = timezone.localdate()
    passwords = build_the_demo(tmp_path, today)
    assert set(passwords) == {
        "person",
        "representative",
        "medical_referrer",
        "mse_specialist",
        "district_officer",
        "ministry_admin",
        "ministry_admin_2",
        "auditor",
        "supplier",
        "dispatcher",
        "emergency_officer",
        "employment_officer",
        "housing_officer",
        "accessibility_inspector",
        "social_provider",
        "social_inspector",
        "statistician",
        "crpd_officer",
    }
    landed: dict[str, str] = {}
    checked = 0
    for username, password in passwords.items():
        client = Client()
        page = sign_in_with_the_form(client, username, password)
        assert "There is nothing here for your account yet" not in page, username
        checked += assert_dates_current(username, page, today)
        landed[username] = page
        if username in ("person", "representative"):
            record = html.unescape(client.get("/en/registry/me/").content.decode())
            checked += assert_dates_current(username, record, today)
            landed[f"{username}: my record"] = record

    assert checked >= 15  # the worklists' and offers' dates were all read

    # The person: an offer made in the last days on the landing page, a status in force on
    # their record (whose re-examination, if any, is ahead).
    person = Person.objects.get(user__username="person")
    offers = Proposal.objects.filter(person=person, status=Proposal.Status.PENDING)
    assert offers.exists()
    assert re.search(r"offered on [^)]+\)", landed["person"])
    assert "Current status:" in landed["person: my record"]
    status = person.statuses.get(superseded_at__isnull=True)
    assert status.valid_on(today)
    due = re.search(r"Re-examination due ([0-9-]+)", landed["person: my record"])
    assert due is None or parse_date(due.group(1)) >= today  # type: ignore[operator]

    # The representative: the person they represent today is a minor, named on both pages.
    representative = Person.objects.get(user__username="representative")
    [child] = [link.cared for link in representative.cares_for.all() if link.represents_on(today)]
    assert child.age_on(today) < 18
    assert child.full_name in landed["representative: my record"]
    assert f"for {child.full_name}" in landed["representative"]
    # The parent has an offer of their own (the carer's allowance), waiting for them.
    assert Proposal.objects.filter(
        person=representative, status=Proposal.Status.PENDING, programme__cash=True
    ).exists()
    # Nobody's status in force was due for re-examination before today.
    assert not DisabilityStatus.objects.filter(
        superseded_at__isnull=True, reexamination_date__lt=today
    ).exists()

    # Staff: their worklists hold today's work.
    assert "waiting for a decision" in landed["medical_referrer"]
    assert len(table_rows(landed["mse_specialist"])) >= 3
    expiring = [row for row in table_rows(landed["district_officer"]) if "Re-examination" in row]
    assert all(parse_date(row["Re-examination"]) >= today for row in expiring)
    # The list of referrals near their deadline says how near (it said "due within days").
    assert "due within 3 days or already overdue" in landed["district_officer"]  # type: ignore[operator]
    assert today.strftime("%-d %B %Y") in landed["ministry_admin"]  # today's screening run
    # The housing officer: Astana's list, the first of it first.
    queue = [row for row in table_rows(landed["housing_officer"]) if "Place" in row]
    assert queue and queue[0]["Place"] == "1"
