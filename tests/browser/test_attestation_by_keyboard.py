"""A person obtains an attestation of their status by keyboard alone, every page checked with
axe: from the navigation to the page, the form, the printable attestation, and a presentation
that shows the cause too."""

from __future__ import annotations

from typing import Any

import pytest

from inclusio.interop import attestation_tokens as tokens
from inclusio.interop import keys
from inclusio.interop.models import Attestation
from tests.browser.keyboard import follow, tick
from tests.browser.test_walk_by_keyboard import Walk
from tests.factories import give_status
from tests.web.accounts import make_person_account

pytestmark = pytest.mark.browser


def test_a_person_obtains_and_shows_an_attestation_by_keyboard(page: Any, live_server: Any) -> None:
    dana = make_person_account("dana")
    give_status(dana.person)
    walk = Walk(page, live_server)
    walk.sign_in(dana, second_factor=False)
    follow(page, "a[href$='/en/attestations/']")
    assert page.url.endswith(f"/attestations/person/{dana.person.iin}/"), page.url
    walk.seen("attestations")
    tick(page, "#with-iin")
    follow(page, "main form[action$='/issue/'] button[type=submit]")
    attestation = Attestation.objects.get(person=dana.person)
    assert page.url.endswith(f"/{attestation.pk}/"), page.url
    assert page.locator("main svg.qr-code[role=img]").count() == 2
    walk.seen("attestation-printable")
    tick(page, "#show-cause")
    follow(page, "main form[method=get] button[type=submit]")
    walk.seen("attestation-with-cause")
    shown = page.locator("main .attestation-token__text").nth(1).inner_text()
    verified = tokens.verify(shown, keys.public_jwks())
    assert verified.disclosed == ["cause"] and verified.claims["disability_group"] == "II"
    assert tokens.verify(attestation.jws, keys.public_jwks()).claims["iin"] == dana.person.iin
