""" "Obtain an attestation" sent twice (a double click, a reload) issues one; a missing or
forged token issues none."""

from __future__ import annotations

import pytest
from django.test import Client

from inclusio.interop.models import Attestation
from tests.factories import Trio, form_token, make_trio, sign_in
from tests.submitted import BAD, MESSAGE, bad_token, refused, sent_twice

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio() -> Trio:
    return make_trio()


def test_an_attestation_asked_for_twice_is_issued_once(client: Client, trio: Trio) -> None:
    assert trio.person.user is not None
    sign_in(client, trio.person.user)
    url = f"/en/attestations/person/{trio.person.iin}/issue/"
    page = sent_twice(client, url, {"with_iin": "on", **form_token(trio.person.user)})
    attestation = Attestation.objects.get()
    assert page == f"/en/attestations/person/{trio.person.iin}/{attestation.pk}/"


@pytest.mark.parametrize("kind", BAD)
def test_an_attestation_without_its_token_is_refused(client: Client, trio: Trio, kind: str) -> None:
    assert trio.person.user is not None
    sign_in(client, trio.person.user)
    url = f"/en/attestations/person/{trio.person.iin}/issue/"
    token = bad_token(kind, user=trio.person.user, other=trio.own_officer)
    page = refused(client, url, token, language="kk")
    assert MESSAGE["kk"] in page and 'name="submission"' in page
    assert Attestation.objects.count() == 0
