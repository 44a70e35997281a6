"""Settings come from the environment, parsed strictly; production settings pass Django's
deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "INCLUSIO_DEBUG": "False",
    "INCLUSIO_SECRET_KEY": "x" * 60 + "not-a-real-key-only-for-this-test",
    "INCLUSIO_AUDIT_DIGEST_KEY": "y" * 60 + "not-a-real-key-only-for-this-test",
    "INCLUSIO_ALLOWED_HOSTS": "inclusio.example.kz",
}


def _inclusio(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a deployment check, nor
    # the test settings (which switch development mode on) into the platform's own.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INCLUSIO_")
        and k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-m", "inclusio.manage", *args],
        env={**clean, "INCLUSIO_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = _inclusio(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INCLUSIO_DEBUG": "yes"}, "INCLUSIO_DEBUG must be True or False"),
        ({"INCLUSIO_DEBUG": "False"}, "INCLUSIO_SECRET_KEY must be set"),
        (
            {"INCLUSIO_DEBUG": "False", "INCLUSIO_SECRET_KEY": PRODUCTION["INCLUSIO_SECRET_KEY"]},
            "INCLUSIO_AUDIT_DIGEST_KEY must be set",
        ),
        ({"INCLUSIO_DATABASE_URL": "mysql://db/x"}, "must start with sqlite:// or postgres://"),
        ({"INCLUSIO_LOGIN_FAILURE_LIMIT": "five"}, "must be an integer"),
        ({"INCLUSIO_STAFF_IDLE_SECONDS": "30m"}, "must be an integer"),
        ({"INCLUSIO_DEMO": "1"}, "INCLUSIO_DEMO must be True or False"),
        ({"INCLUSIO_SECURE_COOKIES": "no"}, "INCLUSIO_SECURE_COOKIES must be True or False"),
        (
            {"INCLUSIO_TRUSTED_PROXIES": "10.0.0.1, proxy.example.kz"},
            "INCLUSIO_TRUSTED_PROXIES must list IP addresses or networks",
        ),
        ({"INCLUSIO_CACHE_URL": "redis:/nowhere"}, "INCLUSIO_CACHE_URL must be local, redis://"),
        (
            {"INCLUSIO_ACCOUNT_NOTICE_BACKEND": "inclusio.core.notices.DemoOutboxBackend"},
            "the demonstration's outbox shows every one-time code to anyone",
        ),
        # Production is the default: without a key nothing starts.
        ({}, "INCLUSIO_SECRET_KEY must be set"),
    ],
)
def test_bad_settings_stop_start_up_with_a_clear_message(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    if "INCLUSIO_DEBUG" not in env and env:
        env = {**PRODUCTION, **env}
    result = _inclusio("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_development_creates_its_secret_key_once_outside_the_repository(tmp_path: Path) -> None:
    development = {"INCLUSIO_DEBUG": "True"}
    assert _inclusio("check", env=development, tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    audit_key = (tmp_path / "audit_digest_key").read_text()
    assert len(audit_key) > 40 and audit_key != key
    assert oct((tmp_path / "audit_digest_key").stat().st_mode)[-3:] == "600"
    _inclusio("check", env=development, tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert (tmp_path / "audit_digest_key").read_text() == audit_key


SHOW = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.DEMO, s.SESSION_COOKIE_SECURE, s.STAFF_IDLE_SECONDS, "
    "[str(n) for n in s.TRUSTED_PROXIES], s.STORAGES['staticfiles']['BACKEND'], "
    "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
)


def test_production_is_the_default_and_parses_its_settings(tmp_path: Path) -> None:
    env = {
        **PRODUCTION,
        "INCLUSIO_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
        "INCLUSIO_STAFF_IDLE_SECONDS": "900",
    }
    del env["INCLUSIO_DEBUG"]
    result = _inclusio("shell", "-c", SHOW, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "False False True 900 ['10.0.0.0/8', '192.0.2.1/32'] "
        "inclusio.web.storage.StaticFilesStorage True"
    )


def test_the_demo_serves_plain_http_on_its_own_address(tmp_path: Path) -> None:
    env = {
        "INCLUSIO_SECRET_KEY": "y" * 60,
        "INCLUSIO_AUDIT_DIGEST_KEY": "z" * 60,
        "INCLUSIO_DEMO": "True",
        "INCLUSIO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "INCLUSIO_SECURE_COOKIES": "False",
        "INCLUSIO_SSL_REDIRECT": "False",
    }
    result = _inclusio("shell", "-c", SHOW, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        .splitlines()[-1]
        .startswith("False True False 1800 [] inclusio.web.storage.StaticFilesStorage")
    )


def test_a_shared_cache_is_named_by_its_url(tmp_path: Path) -> None:
    show = "from django.conf import settings as s; print(s.CACHES['default'])"
    env = {"INCLUSIO_DEBUG": "True", "INCLUSIO_CACHE_URL": "memcached://cache.internal:11211"}
    result = _inclusio("shell", "-c", show, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "PyMemcacheCache" in result.stdout and "'cache.internal:11211'" in result.stdout
