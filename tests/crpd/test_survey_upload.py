"""The Washington Group file sent from the page: the same import as ``inclusio wg-import``, the
prevalence shown after it, every refusal named by row and column in the reader's language, and
nothing kept of a refused or hostile file."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inclusio.core.models import AuditEvent, User
from inclusio.crpd import views
from inclusio.crpd.models import Prevalence, Survey
from tests.factories import sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

HEADER = "seeing,hearing,walking,cognition,self_care,communication,sex,age,region,residence"
GOOD = "\n".join(
    [HEADER, "1,1,3,1,1,1,F,70,71,urban", "1,2,1,1,1,1,M,40,75,rural", "4,1,1,1,1,1,M,8,71,urban"]
)
URL = "/{language}/crpd/surveys/new/"


def _send(client: Client, text: str | bytes, language: str = "en", **fields: Any) -> Any:
    content = text.encode("utf-8") if isinstance(text, str) else text
    data = {
        "title": "Pilot census",
        "year": "2023",
        "file": SimpleUploadedFile("answers.csv", content, content_type="text/csv"),
        **fields,
    }
    return client.post(URL.format(language=language), data)


@pytest.fixture
def officer_client(client: Client, crpd_officer: User) -> Client:
    sign_in(client, crpd_officer)
    return client


def test_a_file_sent_is_imported_and_its_prevalence_shown(officer_client: Client) -> None:
    response = _send(officer_client, GOOD)
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/crpd/surveys/{survey.pk}/"
    assert (survey.title, survey.year, survey.file_name, survey.respondents) == (
        "Pilot census",
        2023,
        "answers.csv",
        3,
    )
    assert AuditEvent.objects.filter(action="survey_import").count() == 1
    page = officer_client.get(response["Location"]).content.decode()
    assert "Survey imported: 3 respondents read." in page
    # Two of three have a lot of difficulty or cannot do at all in a domain: 66.7 %.
    assert "<td>3</td><td>2</td><td>66.7</td>" in page


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("en", "Row 3, column “walking”: “5” is not a Washington Group answer"),
        ("ru", "Строка 3, столбец «walking»: «5» — недопустимый ответ Вашингтонской группы"),
        ("kk", "3-жол, «walking» бағаны: «5» — Вашингтон тобының жарамсыз жауабы"),
    ],
)
def test_a_wrong_answer_is_refused_naming_its_row_and_column(
    officer_client: Client, language: str, named: str
) -> None:
    wrong = GOOD.replace("1,2,1,1,1,1,M,40", "1,2,5,1,1,1,M,40")
    before = row_counts()
    response = _send(officer_client, wrong, language)
    assert response.status_code == 422
    assert named in html.unescape(response.content.decode())
    assert row_counts() == before


@pytest.mark.parametrize(
    ("content", "code_message"),
    [
        # Saved by a spreadsheet in the Windows Cyrillic code page.
        (f"{HEADER}\n1,1,1,1,1,1,Ж,40,71,город".encode("cp1251"), "not a CSV file in UTF-8"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "not a CSV file in UTF-8"),
        (b"", "The submitted file is empty."),
        (HEADER.encode(), "The file holds no respondent."),
        (b"seeing,hearing\n1,1\n", "The file has no column “walking”."),
    ],
)
def test_a_file_that_is_not_answers_is_refused_and_nothing_kept(
    officer_client: Client, content: bytes, code_message: str
) -> None:
    before = row_counts()
    response = _send(officer_client, content)
    assert response.status_code == 422
    assert code_message in html.unescape(response.content.decode())
    assert row_counts() == before


def test_a_file_too_large_is_refused(
    officer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "WG_FILE_MAX_BYTES", 100)
    response = _send(officer_client, GOOD)
    assert response.status_code == 422
    assert "The file is larger than 0 MB: import it with inclusio wg-import." in (
        response.content.decode()
    )
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"title": ""},
        {"title": "Census\x00"},
        {"year": "1990"},
        {"year": "9" * 30},
        {"year": "٣٤"},
        {"file": ""},
        {"file": SimpleUploadedFile("a\x00.csv", GOOD.encode(), content_type="text/csv")},
    ],
)
def test_hostile_fields_end_in_a_refusal_or_a_clean_import(
    officer_client: Client, fields: dict[str, Any]
) -> None:
    response = _send(officer_client, GOOD, **fields)
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        assert "\x00" not in Survey.objects.get().file_name
    else:
        assert not Survey.objects.exists() and not Prevalence.objects.exists()


def test_only_crpd_officers_import(
    client: Client, statistician: User, district_officer: User
) -> None:
    assert client.get(URL.format(language="en")).status_code == 302  # to sign in
    for reader in (statistician, district_officer):
        sign_in(client, reader)
        assert client.get(URL.format(language="en")).status_code == 403
        assert _send(client, GOOD).status_code == 403
        surveys = client.get("/en/crpd/surveys/")
        assert "/en/crpd/surveys/new/" not in surveys.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (GOOD + ",extra", "В строке 4 больше значений, чем столбцов в заголовке."),
        (
            GOOD.replace(HEADER, HEADER + ",weight").replace("urban", "urban,9E+999999"),
            "Строка 2, столбец «weight»",
        ),
        (GOOD + '\n"1,1,1,1,1,1,M,30,71,urban\n' + "x" * 140_000, "Строку 5 не удаётся прочитать"),
    ],
)
def test_a_malformed_file_is_refused_naming_its_row(
    officer_client: Client, content: str, named: str
) -> None:
    before = row_counts()
    response = _send(officer_client, content, "ru")
    assert response.status_code == 422
    assert named in html.unescape(response.content.decode())
    assert row_counts() == before
