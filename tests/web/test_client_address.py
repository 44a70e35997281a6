"""The client's address for the throttle: X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from inclusio.web.throttle import client_address

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.1/32")]


def address(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.fixture(autouse=True)
def _trusted(settings) -> None:
    settings.TRUSTED_PROXIES = PROXIES


def test_without_a_trusted_proxy_the_header_is_ignored() -> None:
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_the_rightmost_untrusted_hop() -> None:
    # The client wrote the first entry itself; the proxies appended the rest.
    assert address("10.0.0.2", "6.6.6.6, 203.0.113.7, 192.0.2.1") == "203.0.113.7"


def test_a_forged_leftmost_entry_is_never_read() -> None:
    assert address("10.0.0.2", "1.1.1.1, 203.0.113.7") == "203.0.113.7"


def test_when_every_hop_is_trusted_the_leftmost_is_the_client() -> None:
    assert address("10.0.0.2", "10.1.1.1, 10.2.2.2") == "10.1.1.1"


def test_a_garbled_hop_ends_the_walk_at_the_last_trusted_proxy() -> None:
    assert address("10.0.0.2", "203.0.113.7, not-an-address, 10.3.3.3") == "10.3.3.3"


def test_a_trusted_proxy_without_the_header_is_the_client() -> None:
    assert address("10.0.0.2") == "10.0.0.2"


def test_ipv6_addresses_and_spaces() -> None:
    assert address("10.0.0.2", " 2001:db8::1 ,10.0.0.9") == "2001:db8::1"


def test_no_trusted_proxies_configured_means_remote_addr(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert address("10.0.0.2", "203.0.113.7") == "10.0.0.2"
