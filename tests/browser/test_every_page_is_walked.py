"""Every page of the site is in the accessibility walk (pages.PAGES), or is named here with
the reason it is not a page a person reads: so a new page cannot be left out unnoticed."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.pages import PAGES

# Answers no one reads as a page: actions reached only by POST from a walked page (whose
# errors the walk's interactions show), files, and the machine-to-machine DCI server.
NOT_PAGES = {
    # POST-only actions, answered by a redirect or by their walked page with its errors
    *("benefits:decision_reopen", "benefits:decision_withdraw", "benefits:messages_read"),
    *("benefits:payment_account", "benefits:payroll_approve", "benefits:what_if_request"),
    *("emergency:consent", "emergency:update", "registry:life_event_record", "web:logout"),
    *("employment:employer_report", "employment:equipment", "employment:place"),
    *("employment:subsidy", "employment:vacancy"),
    *("housing:allocate", "housing:decline", "housing:remove"),
    *("marketplace:item_photo_add", "marketplace:item_places_set", "marketplace:order_act"),
    *("marketplace:token_revoke", "emergency:token_revoke"),
    *("marketplace:booking_cancel", "marketplace:slot_hold"),
    *("socialservices:choose", "socialservices:follow_up", "socialservices:need"),
    *("socialservices:placement_end", "socialservices:complaint", "socialservices:incident"),
    *("appeals:take_up", "appeals:decide", "appeals:withdraw"),
    # reached in the walk through the reset form (its interactions), not by its address
    "web:password_reset_code",
    # files: photos and the payment file
    *("accessibility:photo", "marketplace:photo", "benefits:payment_file"),
    "accessibility:report_photo",
    "appeals:attachment",
    "statistics:download",
    # the DCI server: signed JSON for agencies' systems, checked against the standard
    *("dci:jwks", "dci:token", "dci:sync_search", "dci:sync_disabled"),
    *("dci:sync_disability_details", "dci:sync_disability_support"),
    *("dci:search", "dci:subscribe", "dci:unsubscribe"),
    # attestations: POST-only actions, and the signed status list and agency endpoint
    *("attestations:issue", "attestations:consent", "attestations:withdraw"),
    *("dci:attestation_status_list", "dci:attestation_issue"),
    # CRPD monitoring: POST-only entries, and the report's files (the HTML one is the walked
    # report page's own content as a document)
    *("crpd:indicator_new", "crpd:measure_new", "crpd:report_file"),
}


def _named_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                    walk(pattern.url_patterns, inner)
            elif pattern.name and pattern.callback.__module__.startswith("inclusio."):
                found.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_page_is_walked_or_said_not_to_be_a_page() -> None:
    walked = {entry.url_name for entry in PAGES if entry.url_name}
    routes = _named_routes()
    assert routes - walked - NOT_PAGES == set(), "add these pages to tests/browser/pages.py"
    assert routes >= NOT_PAGES, "names here that the site no longer has"
    assert not NOT_PAGES & walked, "walked after all: take them off the list"
