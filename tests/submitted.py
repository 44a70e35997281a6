"""Checks of a page form's one-time submission token (core/submissions.py): sent twice it
makes one thing, and a missing or forged token is refused with nothing written."""

from __future__ import annotations

from typing import Any

from django.test import Client

from inclusio.core import submissions
from inclusio.core.models import User
from tests.web.counts import row_counts

# How a token can be wrong: absent (a page opened before the tokens), another user's, altered.
BAD = ("missing", "another user's", "altered")


def bad_token(kind: str, *, user: User, other: User) -> dict[str, str]:
    if kind == "missing":
        return {}
    if kind == "another user's":
        return {submissions.FIELD: submissions.token_for(user=other)}
    token = submissions.token_for(user=user)
    return {submissions.FIELD: token[:-2] + ("AA" if token[-2:] != "AA" else "BB")}


def sent_twice(client: Client, url: str, data: dict[str, Any]) -> str:
    """POST ``data`` twice; the second writes nothing and leads where the first did, with the
    notice. Answers the first's page address."""
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    client.get(first["Location"])  # the first's own notice is read
    before = row_counts()
    second = client.post(url, data)
    assert row_counts() == before
    assert second.status_code == 302 and second["Location"] == first["Location"]
    shown = client.get(second["Location"]).content.decode()
    assert "This form had already been sent: here is what it made." in shown
    return str(first["Location"])


def refused(client: Client, url: str, data: dict[str, Any], *, language: str = "en") -> str:
    """POST ``data`` with a wrong token: a 422 page with the translated refusal, nothing
    written. Answers the page."""
    before = row_counts()
    answer = client.post(url.replace("/en/", f"/{language}/", 1), data)
    assert row_counts() == before
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "SUBMISSION_TOKEN_INVALID" not in page
    return page


MESSAGE = {
    "en": "it was not opened by you on this site",
    "ru": "она открыта не вами на этом сайте",
    "kk": "ол осы сайтта сіз ашқан форма емес",
}
