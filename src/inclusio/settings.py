"""Settings, read from the environment and parsed strictly: a bad value stops start-up.

Every setting an operator may change is an ``INCLUSIO_*`` variable (see docs/operations.md).
The defaults run the embedded platform: SQLite under ``var/``, no server to install.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("INCLUSIO_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}")
    return raw == "True"


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses or networks in CIDR form, comma-separated: ``10.0.0.5,192.168.0.0/24``."""
    networks = []
    for item in env_list(name, ""):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (10.0.0.0/8), not {item!r}"
            ) from None
    return networks


def cache_from_url(url: str) -> dict[str, object]:
    """Where counts shared by every server process live (the look-up limits, cached
    permissions): ``local`` (each process its own), ``redis://host:port/db`` or
    ``memcached://host:port`` (shared, for more than one process)."""
    if url == "local":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    parsed = urlparse(url)
    if parsed.scheme in ("redis", "rediss") and parsed.hostname:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parsed.scheme == "memcached" and parsed.hostname:
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": parsed.netloc,
        }
    raise ImproperlyConfigured(
        "INCLUSIO_CACHE_URL must be local, redis://HOST:PORT/DB or memcached://HOST:PORT, "
        f"not {url!r}"
    )


def database_from_url(url: str) -> dict[str, object]:
    """sqlite:///path/to/file or postgres://user:password@host:port/name."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path(unquote(parsed.path)) if parsed.path else VAR_DIR / "inclusio.sqlite3"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # IMMEDIATE makes a writer take the lock up front, so two writers queue instead of
            # failing half-way; WAL lets readers go on meanwhile.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("INCLUSIO_TEST_SQLITE")},
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": unquote(parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": env_int("INCLUSIO_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"INCLUSIO_DATABASE_URL must start with sqlite:// or postgres://, not {url!r}"
    )


def development_key(path: Path) -> str:
    """The key kept in ``path``, generated there on first use.

    Several processes may start at once on a fresh checkout (the test suite's xdist workers):
    the key is written whole to a file of this process, then linked into place, which fails
    for all but the first; every process then reads the one key that won.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        mine = path.with_name(f".{path.name}.{os.getpid()}")
        mine.write_text(secrets.token_urlsafe(50))
        mine.chmod(0o600)
        try:
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return path.read_text().strip()


def secret_key() -> str:
    """From the environment in production; in development a key generated once into var/."""
    key = os.environ.get("INCLUSIO_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("INCLUSIO_SECRET_KEY must be set unless INCLUSIO_DEBUG=True")
    return development_key(VAR_DIR / "secret_key")


def audit_digest_key() -> str:
    """The key of the audit trail's digests of personal values (``core.audit.personal_digest``):
    from the environment in production; in development generated once into var/."""
    key = os.environ.get("INCLUSIO_AUDIT_DIGEST_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "INCLUSIO_AUDIT_DIGEST_KEY must be set unless INCLUSIO_DEBUG=True"
        )
    return development_key(VAR_DIR / "audit_digest_key")


DEBUG = env_bool("INCLUSIO_DEBUG", False)
SECRET_KEY = secret_key()
AUDIT_DIGEST_KEY = audit_digest_key()
ALLOWED_HOSTS = env_list("INCLUSIO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
# A demonstration installation (`make demo`): demo accounts and their codes may be made.
DEMO = env_bool("INCLUSIO_DEMO", False)
CSRF_TRUSTED_ORIGINS = env_list("INCLUSIO_CSRF_TRUSTED_ORIGINS", "")
COUNTRY = os.environ.get("INCLUSIO_COUNTRY", "kz")
# Where `inclusio screen --engine spark` runs: Spark inside this process, or a cluster's URL.
SPARK_MASTER = os.environ.get("INCLUSIO_SPARK_MASTER", "local[2]")
# The population register's part of the snapshot contract (a snapshot folder), where intake
# looks a person up by IIN; empty: no register to look in, details are typed by hand.
POPULATION_SNAPSHOT = os.environ.get("INCLUSIO_POPULATION_SNAPSHOT", "")
# The snapshot folder the CRPD pages and the periodic report compute their figures from (the
# whole contract: the registry's part beside the population's); empty: the population's.
CRPD_SNAPSHOT = os.environ.get("INCLUSIO_CRPD_SNAPSHOT", "") or POPULATION_SNAPSHOT
# The open data the public statistics page shows and offers for download: the folder
# `inclusio statistics-publish --out` wrote (inclusio/statistics).
OPEN_DATA_DIR = Path(os.environ.get("INCLUSIO_OPEN_DATA_DIR", VAR_DIR / "open-data"))
# Who runs the what-if comparisons (benefits/whatif.py): "spawn" starts a worker process for each
# request; "external" leaves them to the `inclusio whatif-worker` service.
WHATIF_WORKER = os.environ.get("INCLUSIO_WHATIF_WORKER", "spawn")

DATABASES = {
    "default": database_from_url(
        os.environ.get("INCLUSIO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'inclusio.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How many strands each trail (audit, access log) is kept as on PostgreSQL, so that concurrent
# appends do not queue behind one head row's commit (core/audit.py, "Strands"). More strands
# than concurrent database connections gain nothing; fewer make connections share heads.
TRAIL_STRANDS = env_int("INCLUSIO_TRAIL_STRANDS", 16)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "inclusio.core",
    "inclusio.registry",
    "inclusio.payments",
    "inclusio.rehabilitation",
    "inclusio.assessment",
    "inclusio.benefits",
    "inclusio.emergency",
    "inclusio.housing",
    "inclusio.marketplace",
    "inclusio.employment",
    "inclusio.crpd",
    "inclusio.socialservices",
    "inclusio.appeals",
    "inclusio.accessibility",
    "inclusio.interop",
    "inclusio.statistics",
    "inclusio.synthetic",
    "inclusio.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The DCI server's requests leave here for API_MIDDLEWARE and their view (core/http.py).
    "inclusio.core.http.ApiShortcutMiddleware",
    # Static files are answered here, before sessions and users are looked at.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "inclusio.web.middleware.OTPMiddleware",
    "inclusio.web.middleware.StaffSecondFactorMiddleware",
    "inclusio.web.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: signing out for idleness says so on the sign-in page.
    "inclusio.web.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so that it sees a view's refusal first and answers it with its status page.
    "inclusio.core.http.RefusalMiddleware",
]

ROOT_URLCONF = "inclusio.urls"
WSGI_APPLICATION = "inclusio.wsgi.application"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["inclusio.core.backends.CachedPermissionsBackend"]
# How long a process may keep an account's permissions, and an API token's account, before
# reading them again: a role change or token revocation elsewhere applies within this time.
AUTH_CACHE_SECONDS = env_int("INCLUSIO_AUTH_CACHE_SECONDS", 60)
# Look-ups of a person by IIN (pages and API) allowed per account and per API token within a
# window of seconds; beyond it the answer is 429 with Retry-After (docs/access.md).
# The look-up limits count here: with several server processes, only a shared cache holds
# them to the numbers below; "local" lets each process count on its own.
CACHES = {"default": cache_from_url(os.environ.get("INCLUSIO_CACHE_URL", "local"))}
IIN_LOOKUP_WINDOW_SECONDS = env_int("INCLUSIO_IIN_LOOKUP_WINDOW_SECONDS", 60)
IIN_LOOKUPS_PER_ACCOUNT = env_int("INCLUSIO_IIN_LOOKUPS_PER_ACCOUNT", 60)
IIN_LOOKUPS_PER_TOKEN = env_int("INCLUSIO_IIN_LOOKUPS_PER_TOKEN", 60000)
for _name in ("IIN_LOOKUP_WINDOW_SECONDS", "IIN_LOOKUPS_PER_ACCOUNT", "IIN_LOOKUPS_PER_TOKEN"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"INCLUSIO_{_name} must be at least 1")
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of other apps' templates (Django's admin) that must win over theirs.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inclusio.web.context.navigation",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
# Kazakh formats (Django has none) and Russian date inputs: see inclusio/core/formats. Figures are
# grouped where they are shown, not by USE_THOUSAND_SEPARATOR (it would group years and ids too).
FORMAT_MODULE_PATH = ["inclusio.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (the portal's item photos) are kept by the default storage under var/ and
# served by a view that checks who may see them, never straight from this folder.
MEDIA_ROOT = VAR_DIR / "media"
# Served by WhiteNoise from STATIC_ROOT (after `inclusio collectstatic`), with hashed names that
# may be cached for a year; while debugging, straight from the apps' folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "inclusio.web.storage.StaticFilesStorage"
    },
}

OTP_TOTP_ISSUER = "Inclusio"  # the name authenticator apps show
# Staff must prove a second factor; persons may add one but are not made to.
STAFF_SECOND_FACTOR_REQUIRED = env_bool("INCLUSIO_STAFF_SECOND_FACTOR", True)
# Failed logins tolerated for one account from one address, and from one address for any
# accounts, in the window before that pair (or that address) is paused. No limit counts an
# account's failures across addresses: anyone could then lock anyone out from afar.
LOGIN_FAILURE_LIMIT = env_int("INCLUSIO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("INCLUSIO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("INCLUSIO_LOGIN_FAILURE_WINDOW", 15 * 60)
# Reverse proxies whose X-Forwarded-For is believed: the client is the rightmost address in it
# that is not one of these. Empty: the connecting address (REMOTE_ADDR) is the client.
TRUSTED_PROXIES = env_networks("INCLUSIO_TRUSTED_PROXIES")
# Staff are signed out after this many seconds without a request; persons keep Django's
# session length (SESSION_COOKIE_AGE, two weeks), shortened by signing out.
STAFF_IDLE_SECONDS = env_int("INCLUSIO_STAFF_IDLE_SECONDS", 30 * 60)
# A second factor reset by an administrator is set up again only with a one-time enrolment
# code the administrator hands over: valid this many hours, for this many wrong tries.
ENROLMENT_CODE_HOURS = env_int("INCLUSIO_ENROLMENT_CODE_HOURS", 72)
ENROLMENT_CODE_TRIES = env_int("INCLUSIO_ENROLMENT_CODE_TRIES", 5)
# How many days ahead of a re-examination date a proactive referral is opened.
REEXAMINATION_NOTICE_DAYS = env_int("INCLUSIO_REEXAMINATION_NOTICE_DAYS", 30)
# Working days the MSE has to decide a referral.
MSE_DECISION_DAYS = env_int("INCLUSIO_MSE_DECISION_DAYS", 10)
# The officers' worklists: an offer unanswered this many days is chased; a status whose
# re-examination date falls within this many days, and a referral whose deadline does, is shown.
WORKLIST_UNANSWERED_DAYS = env_int("INCLUSIO_WORKLIST_UNANSWERED_DAYS", 14)
WORKLIST_EXPIRY_DAYS = env_int("INCLUSIO_WORKLIST_EXPIRY_DAYS", 30)
WORKLIST_DEADLINE_DAYS = env_int("INCLUSIO_WORKLIST_DEADLINE_DAYS", 3)
# Days within which the person (or their representative) may withdraw a refusal of an offer.
REFUSAL_WITHDRAWAL_DAYS = env_int("INCLUSIO_REFUSAL_WITHDRAWAL_DAYS", 30)
# The dispatchers' lookups: the largest radius around an incident, the most residences one
# lookup may show (more means the area is too wide: a lookup is for one incident, not a list),
# how many lookups a dispatcher may make in ten minutes, and how many incidents in an hour make
# their lookups unusual enough for the auditor to look at.
EMERGENCY_RADIUS_MAX_M = env_int("INCLUSIO_EMERGENCY_RADIUS_MAX_M", 500)
EMERGENCY_LOOKUP_MAX_FOUND = env_int("INCLUSIO_EMERGENCY_LOOKUP_MAX_FOUND", 40)
EMERGENCY_LOOKUPS_PER_10_MINUTES = env_int("INCLUSIO_EMERGENCY_LOOKUPS_PER_10_MINUTES", 30)
EMERGENCY_INCIDENTS_PER_HOUR_UNUSUAL = env_int("INCLUSIO_EMERGENCY_INCIDENTS_PER_HOUR_UNUSUAL", 8)
# Emergency alerts: the largest circle, the most corners of a polygon, and the backend that
# delivers them (the local one stores them for the person's pages; an SMS gateway adapter
# subclasses it, see emergency/messaging.py).
EMERGENCY_ALERT_RADIUS_MAX_M = env_int("INCLUSIO_EMERGENCY_ALERT_RADIUS_MAX_M", 50_000)
EMERGENCY_ALERT_POLYGON_MAX_POINTS = env_int("INCLUSIO_EMERGENCY_ALERT_POLYGON_MAX_POINTS", 100)
EMERGENCY_ALERT_BACKEND = os.environ.get(
    "INCLUSIO_EMERGENCY_ALERT_BACKEND", "inclusio.emergency.messaging.LocalBackend"
)
for _name in (
    "EMERGENCY_ALERT_RADIUS_MAX_M",
    "EMERGENCY_ALERT_POLYGON_MAX_POINTS",
    "EMERGENCY_RADIUS_MAX_M",
    "EMERGENCY_LOOKUP_MAX_FOUND",
    "EMERGENCY_LOOKUPS_PER_10_MINUTES",
    "EMERGENCY_INCIDENTS_PER_HOUR_UNUSUAL",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"INCLUSIO_{_name} must be at least 1")
for _name in (
    "WORKLIST_UNANSWERED_DAYS",
    "WORKLIST_EXPIRY_DAYS",
    "WORKLIST_DEADLINE_DAYS",
    "REFUSAL_WITHDRAWAL_DAYS",
):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"INCLUSIO_{_name} must not be negative")
# Accounts: how holders are told of changes to their account, and sent a one-time code to reset
# their password (dotted path of a backend). A demonstration keeps the codes in an outbox page
# anyone may read; elsewhere the local backend cannot deliver codes: set a gateway's backend.
ACCOUNT_NOTICE_BACKEND = os.environ.get(
    "INCLUSIO_ACCOUNT_NOTICE_BACKEND",
    "inclusio.core.notices.DemoOutboxBackend" if DEMO else "inclusio.core.notices.LocalBackend",
)
if ACCOUNT_NOTICE_BACKEND.endswith(".DemoOutboxBackend") and not (DEMO or DEBUG):
    raise ImproperlyConfigured(
        "INCLUSIO_ACCOUNT_NOTICE_BACKEND: the demonstration's outbox shows every one-time code "
        "to anyone; it runs only with INCLUSIO_DEMO=True or INCLUSIO_DEBUG=True"
    )
# A person's password reset code: valid this many minutes, for this many wrong tries; a new code
# is sent to one account at most once in this many seconds (asking again sooner sends nothing).
PASSWORD_RESET_CODE_MINUTES = env_int("INCLUSIO_PASSWORD_RESET_CODE_MINUTES", 15)
PASSWORD_RESET_CODE_TRIES = env_int("INCLUSIO_PASSWORD_RESET_CODE_TRIES", 5)
PASSWORD_RESET_CODE_INTERVAL_SECONDS = env_int("INCLUSIO_PASSWORD_RESET_CODE_INTERVAL", 60)
# Benefits: how persons are told of offers and decisions (dotted path of a messaging backend).
MESSAGING_BACKEND = os.environ.get(
    "INCLUSIO_MESSAGING_BACKEND", "inclusio.benefits.messaging.LocalBackend"
)
# The treasury account payments are made from (the debtor of the ISO 20022 payment file). No
# default: until all four are set no payroll is made (payments/treasury.py).
TREASURY_NAME = os.environ.get("INCLUSIO_TREASURY_NAME", "")
TREASURY_IBAN = os.environ.get("INCLUSIO_TREASURY_IBAN", "")
TREASURY_BIC = os.environ.get("INCLUSIO_TREASURY_BIC", "")
TREASURY_BIN = os.environ.get("INCLUSIO_TREASURY_BIN", "")
# Payments: the largest bank status report (pain.002) imported, in bytes (a national payroll's
# report is some 300 bytes a payment), and the bank the demo sends its files to (payments/bank.py).
PAYMENTS_STATUS_REPORT_MAX_BYTES = env_int("INCLUSIO_PAYMENTS_STATUS_REPORT_MAX_BYTES", 300_000_000)
PAYMENTS_BANK = os.environ.get("INCLUSIO_PAYMENTS_BANK", "inclusio.payments.bank.SyntheticBank")

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, their read written once (core.sessions).
SESSION_ENGINE = "inclusio.core.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
# Cookies only over HTTPS. `make demo` serves plain HTTP on the loopback address and turns
# this off; nothing else should.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("INCLUSIO_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("INCLUSIO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("INCLUSIO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# The accessibility map's tiles: an XYZ URL template ({z}/{x}/{y}) and its attribution. With
# none the map page says so and the list, the facility and the statistics pages carry it all.
MAP_TILE_URL = os.environ.get("INCLUSIO_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("INCLUSIO_MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL)
    if _tiles.scheme not in ("http", "https") or not _tiles.netloc or "{" in _tiles.netloc:
        raise ImproperlyConfigured(
            "INCLUSIO_MAP_TILE_URL must be an http(s) URL on one host, with {z}, {x} and {y}"
        )
    # The one host the tiles come from joins the images the pages may show.
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refusal (403) is an expected answer: one line in the log, never a traceback.
    "filters": {"refusals_in_one_line": {"()": "inclusio.web.logs.RefusalsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("INCLUSIO_LOG_LEVEL", "WARNING")},
}

# The DCI Disability Registry server (inclusio/interop, docs/dci.md): where its paths are
# mounted, the sender id it signs as, and its signing keys — a private JWKS file kept outside
# the repository (a mounted secret in production; generated under var/ in development).
DCI_PATH = os.environ.get("INCLUSIO_DCI_PATH", "dci/v1.0.0").strip("/")
# What the shortcut of the machine-to-machine API takes (core/http.ApiShortcutMiddleware): the
# views of these URL namespaces, under these path prefixes, through this middleware only
# (besides the security middleware before it) — the answers' language, Content-Length, and the
# same frame and content policies as the pages. None of them may hook into the view.
# The dispatch systems' API (emergency/api.py) too: a bearer token, never a session. Only its
# own prefix: the rest of the API ("api" namespace) still goes through the whole list.
API_SHORTCUT_NAMESPACES = ("dci", "api")
API_SHORTCUT_PREFIXES = (f"/{DCI_PATH}/", "/api/v1/emergency/")
API_MIDDLEWARE = [
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
DCI_SENDER_ID = os.environ.get("INCLUSIO_DCI_SENDER_ID", "registry.inclusio.kz")
# Empty in production until INCLUSIO_DCI_SIGNING_KEYS_FILE names it: refused at first use.
DCI_SIGNING_KEYS_FILE = os.environ.get("INCLUSIO_DCI_SIGNING_KEYS_FILE", "") or (
    str(VAR_DIR / "dci_signing_keys.json") if DEBUG else ""
)
# Development generates the first key on first use; production is given its keys.
DCI_SIGNING_KEYS_GENERATE = DEBUG
# A message older than this (or this far in the future) is refused; a message id is refused
# once seen within it, so a replay of a captured request never answers twice.
DCI_MESSAGE_MAX_AGE_SECONDS = env_int("INCLUSIO_DCI_MESSAGE_MAX_AGE_SECONDS", 300)
DCI_TOKEN_SECONDS = env_int("INCLUSIO_DCI_TOKEN_SECONDS", 900)
DCI_PAGE_SIZE_MAX = env_int("INCLUSIO_DCI_PAGE_SIZE_MAX", 1000)
# How long an agency's published keys (its JWKS URL) are kept before being fetched again.
DCI_AGENCY_KEYS_SECONDS = env_int("INCLUSIO_DCI_AGENCY_KEYS_SECONDS", 300)
# How long a server process keeps an agency's row (every DCI request reads it): a change saved
# through the platform is seen at once by the process that saved it, by the others within this.
DCI_AGENCY_ROW_SECONDS = env_int("INCLUSIO_DCI_AGENCY_ROW_SECONDS", 5)
# Callbacks of the asynchronous endpoints (interop/outbox.py): an agency's callback address must
# be https in production; a callback is tried this many times, waiting BACKOFF·2ⁿ between
# tries, then kept as undeliverable for an administrator to queue again.
DCI_CALLBACK_HTTPS_ONLY = not DEBUG
DCI_CALLBACK_TIMEOUT_SECONDS = env_int("INCLUSIO_DCI_CALLBACK_TIMEOUT_SECONDS", 10)
DCI_OUTBOX_MAX_ATTEMPTS = env_int("INCLUSIO_DCI_OUTBOX_MAX_ATTEMPTS", 8)
DCI_OUTBOX_BACKOFF_SECONDS = env_int("INCLUSIO_DCI_OUTBOX_BACKOFF_SECONDS", 30)
DCI_OUTBOX_CONCURRENCY = env_int("INCLUSIO_DCI_OUTBOX_CONCURRENCY", 8)

# Signed disability-status attestations (docs/attestations.md): the address the platform is
# reached at publicly, which names the issuer and the status list inside every attestation.
ATTESTATION_ISSUER = os.environ.get("INCLUSIO_PUBLIC_URL", "https://registry.inclusio.kz").rstrip(
    "/"
)
