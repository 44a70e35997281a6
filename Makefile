# Inclusio — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6 needs Python 3.12+: the first interpreter that runs and is new enough.
PYTHON ?= $(shell sh tools/find_python.sh)
VENV := .venv
BIN := $(VENV)/bin
# What `make demo` serves with (the project and its dependencies), and the development extras
# that `make test`, `make lint` and `make bench` add (Spark, Playwright, the linters).
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
ASSETS := src/inclusio/web/static/vendor/.built
# The demo lives in today (the platform's day, in its time zone): its country is drawn as of
# today (`synth --as-of`) and screened today, so ages, statuses in force, re-examinations and
# representations are current whenever it runs. Each day has its own snapshot and database: a
# demo run on a later day starts from that day's country.
TODAY := $(shell TZ=Asia/Almaty date +%F)
DEMO_DATE := $(TODAY)
DEMO_SNAPSHOT := var/snapshot-demo-$(DEMO_DATE)
# What the demo screens: the registry's part exported from the database, with the synthetic
# snapshot as the population register's part.
DEMO_EXPORT := var/snapshot-export-$(DEMO_DATE)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help demo demo-otp test test-sqlite test-postgres bench lint format messages clean

help:
	@echo "make demo   set up everything and serve Inclusio on http://$(HOST):$(PORT)"
	@echo "make demo-otp ACCOUNT=name  the demo staff account's second-factor code now"
	@echo "make test   run the whole suite (SQLite, and PostgreSQL when its binaries exist)"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make lint   ruff, mypy and the layers contract (lint-imports)"

# uv (from PyPI, into the virtual environment) installs in seconds what pip takes minutes
# for; where it cannot be had, pip installs instead.
define install
	if $(BIN)/python -m uv --version >/dev/null 2>&1; then \
		$(BIN)/python -m uv pip install --quiet --python $(BIN)/python $(1); \
	else $(BIN)/pip install --quiet $(1); fi
endef

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv || echo "uv is not available: pip installs"

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(call install,-e .)
	touch $@

$(INSTALLED_DEV): pyproject.toml | $(BIN)/python
	$(call install,-e '.[dev]')
	touch $@ $(INSTALLED)

$(ASSETS): package.json package-lock.json tools/build_assets.py
	npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	$(BIN)/python tools/build_assets.py
	touch $@

# The demo runs as production would (INCLUSIO_DEBUG off, static files from WhiteNoise, served by
# gunicorn) but over plain HTTP on $(HOST): no secure-only cookies, no HTTPS redirect.
DEMO_SECRET_KEY := var/secret_key
DEMO_AUDIT_KEY := var/audit_digest_key
# The platform's DCI signing keys (a private JWKS): production is given its own; the demo makes
# one with `inclusio dci-keys rotate` on its first run and keeps it in var/.
DEMO_DCI_KEYS := var/dci_signing_keys.json
demo demo-otp: export INCLUSIO_DEMO := True
demo demo-otp: export INCLUSIO_SECRET_KEY = $(shell cat $(DEMO_SECRET_KEY) 2>/dev/null)
demo demo-otp: export INCLUSIO_AUDIT_DIGEST_KEY = $(shell cat $(DEMO_AUDIT_KEY) 2>/dev/null)
demo demo-otp: export INCLUSIO_DCI_SIGNING_KEYS_FILE := $(CURDIR)/$(DEMO_DCI_KEYS)
demo demo-otp: export INCLUSIO_ALLOWED_HOSTS := $(HOST),localhost,127.0.0.1,[::1]
demo demo-otp: export INCLUSIO_SECURE_COOKIES := False
demo demo-otp: export INCLUSIO_SSL_REDIRECT := False
# A demo treasury account, named as one: without an account no payroll is made.
demo demo-otp: export INCLUSIO_TREASURY_NAME ?= Demo treasury account (not a real account)
demo demo-otp: export INCLUSIO_TREASURY_IBAN ?= KZ510700000000000001
demo demo-otp: export INCLUSIO_TREASURY_BIC ?= KKMFKZ2A
demo demo-otp: export INCLUSIO_TREASURY_BIN ?= 000000000000
demo demo-otp: export INCLUSIO_DATABASE_URL ?= sqlite:///$(CURDIR)/var/demo-$(DEMO_DATE).sqlite3
# Intake looks persons up in the synthetic snapshot, the demo's population register.
demo demo-otp: export INCLUSIO_POPULATION_SNAPSHOT := $(abspath $(DEMO_SNAPSHOT))

# Generated on the first `make demo`, kept in var/ (never in the repository), readable by you only.
$(DEMO_SECRET_KEY) $(DEMO_AUDIT_KEY):
	mkdir -p $(@D)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: $(INSTALLED) $(ASSETS) $(DEMO_SECRET_KEY) $(DEMO_AUDIT_KEY)
	$(BIN)/inclusio migrate --no-input
	test -f $(DEMO_DCI_KEYS) || $(BIN)/inclusio dci-keys rotate
	$(BIN)/inclusio compilemessages --ignore=.venv --ignore=node_modules -v 0
	test -f $(DEMO_SNAPSHOT)/manifest.json || \
		$(BIN)/inclusio synth --scale demo --seed 1 --as-of $(DEMO_DATE) --out $(DEMO_SNAPSHOT)
	$(BIN)/inclusio synth-load $(DEMO_SNAPSHOT)
	$(BIN)/inclusio emergency-residences
	# Rehabilitation programmes for a region's worth: the demo accounts' region (Astana).
	$(BIN)/inclusio synth-programmes --region 71
	$(BIN)/inclusio synth-employment --region 71
	# Housing waiting lists for the same region: at ten times the demo's scale, so that nearly every
	# eligible person of the small demo registry is on the list the housing officer works through.
	$(BIN)/inclusio synth-housing --region 71 --scale 0.01
	$(BIN)/inclusio synth-socialservices --region 71
	$(BIN)/inclusio synth-accessibility --region 71
	$(BIN)/inclusio synth-access-control --region 71
	$(BIN)/inclusio synth-crpd
	$(BIN)/inclusio benefits-programmes
	$(BIN)/inclusio snapshot-export --date $(DEMO_DATE) --out $(DEMO_EXPORT) \
		--population $(DEMO_SNAPSHOT)
	$(BIN)/inclusio benefits-screen --snapshot $(DEMO_EXPORT) --date $(DEMO_DATE)
	$(BIN)/inclusio statistics-publish --snapshot $(DEMO_EXPORT) --date $(DEMO_DATE) --out var/open-data
	$(BIN)/inclusio demo-accounts
	# Services by the hour for the same region, through the services (after demo-accounts: its suppliers).
	$(BIN)/inclusio synth-hours --region 71
	# The DCI demo agency (keys made now, in var/demo-dci/) and the demo person's attestation.
	$(BIN)/inclusio synth-dci --out var/demo-dci --server http://$(HOST):$(PORT)
	$(BIN)/inclusio collectstatic --no-input -v 0
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C stops it)"
	$(BIN)/gunicorn inclusio.wsgi:application --bind $(HOST):$(PORT) --workers 2 \
		--access-logfile -

# A demo staff account's second-factor code now, in the demo's settings and database (the
# command alone would read the development ones). ACCOUNT, not USER: the shell sets USER.
# The database is the newest demo's, not today's: a demo started before midnight in Almaty
# keeps its day's database while it runs.
demo-otp: DEMO_DATE = $(or $(patsubst var/demo-%.sqlite3,%,$(lastword $(sort \
	$(wildcard var/demo-*.sqlite3)))),$(TODAY))
demo-otp:
	@test -n "$(ACCOUNT)" || { echo "Name the account: make demo-otp ACCOUNT=district_officer" >&2; exit 2; }
	@test -f $(DEMO_SECRET_KEY) && case "$$INCLUSIO_DATABASE_URL" in \
		sqlite:///*) test -f "$${INCLUSIO_DATABASE_URL#sqlite:///}";; esac || \
		{ echo "There is no demo here yet: run make demo first." >&2; exit 2; }
	@$(BIN)/inclusio demo-otp "$(ACCOUNT)"

# The tests, and the commands that only prepare files, run in development mode (a key made in var/).
test messages: export INCLUSIO_DEBUG := True
# Python keeps each module it compiles in __pycache__ (pytest its rewritten test modules too)
# unless PYTHONDONTWRITEBYTECODE is set, as it is on this project's machine: there every xdist
# worker, and every process a test starts, compiled Django, pandas, Spark's Python half … and
# the tests from source again (collecting the suite: 42 s of CPU without the caches, 12 s with
# them). The tests let Python keep them; git ignores __pycache__. Figures: docs/performance.md.
test test-sqlite test-postgres: export PYTHONDONTWRITEBYTECODE :=

test: $(INSTALLED_DEV) $(ASSETS)
	$(BIN)/inclusio compilemessages --ignore=.venv --ignore=node_modules -v 0
	@if $(BIN)/python tools/pgcluster.py available; then \
		$(MAKE) --no-print-directory test-sqlite SQLITE_TESTS='not browser' && \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$${CI:-}" = true ]; then \
		echo "CI: PostgreSQL server programs are missing; the PostgreSQL run may not be skipped" >&2; \
		exit 1; \
	else \
		$(MAKE) --no-print-directory test-sqlite && \
		echo "PostgreSQL server programs not found: the PostgreSQL run is skipped"; fi

# The suite runs in parallel (pytest-xdist), one worker a core: each worker has its own test
# database (test_inclusio_gw0, …), browser and live server; the Spark tests share one worker
# (`--dist loadgroup`), whose JVM compiles with C1 only (tests/rules/conftest.py). Only the first worker migrates its test database; the others clone it
# (tests/migrated_template.py). TEST_WORKERS=0 runs it in one process. Each run ends with its 15
# slowest tests, where the time goes. Figures: docs/performance.md.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup --durations=15

# With PostgreSQL at hand, `make test` runs the browser tests (axe-core and the keyboard in
# Chromium, the slowest tests of the suite) once, on PostgreSQL, the production database: what
# they check is what the browser shows, and every page's database work is also met on SQLite by
# the page sweeps of tests/web, which request every page with the test client. Without
# PostgreSQL they run on SQLite.
SQLITE_TESTS ?=
test-sqlite:
	@echo "== test suite on SQLite$(if $(SQLITE_TESTS), (the browser tests run on PostgreSQL)) =="
	$(PYTEST) $(if $(SQLITE_TESTS),-m "$(SQLITE_TESTS)")

# The PostgreSQL run leaves out the tests that never reach a database (the rules library, the
# snapshot generator, parsers): the SQLite run has run them, and they would run the same again.
test-postgres: export INCLUSIO_TEST_DATABASE_ONLY := True
test-postgres:
	@echo "== test suite on PostgreSQL (the tests that use a database) =="
	$(BIN)/python tools/pgcluster.py run -- $(PYTEST)

bench: $(INSTALLED_DEV) $(ASSETS)
	$(BIN)/python bench/run.py

lint: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: $(INSTALLED_DEV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each app keeps its own catalogue (src/inclusio/<app>/locale), as Django finds them; so does
# the rules library, which reads its own with the standard library's gettext (docs/rules.md).
# Every app with a catalogue (and the rules library's own, which imports no Django).
# Mind: the project-level files (api.py, settings.py, the admin's templates/) belong to no app,
# and many a message is translated in the catalogue of an app other than the one using it
# (Django reads them all). --no-obsolete drops such an entry from that catalogue, and the
# message then shows in English: tests/core/test_catalogues.py names every one left so.
APPS_WITH_TEXT := $(notdir $(patsubst %/locale,%,$(wildcard src/inclusio/*/locale)))
messages: $(INSTALLED)
	for app in $(APPS_WITH_TEXT); do \
		mkdir -p src/inclusio/$$app/locale && \
		(cd src/inclusio/$$app && ../../../$(BIN)/inclusio makemessages -l kk -l ru -l en \
			--no-obsolete --no-location -v 0) || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var src/inclusio/web/static/vendor
