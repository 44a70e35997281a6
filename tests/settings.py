"""Settings of the test suite: the platform's own, in development mode.

``INCLUSIO_DEBUG`` is off unless set, and production mode wants a secret key, HTTPS and host
names that a test run does not have. pytest-django turns ``DEBUG`` off again while tests run,
so the pages answer as in production; only what the settings derive from it (plain cookies, no
HTTPS redirect, a development key in var/, static files from the apps) stays.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("INCLUSIO_DEBUG", "True")
# The demonstration's outbox, so that the tests can read the reset codes sent and its page joins
# the sweeps; tests of the plain local backend override it.
os.environ.setdefault("INCLUSIO_ACCOUNT_NOTICE_BACKEND", "inclusio.core.notices.DemoOutboxBackend")

from inclusio.settings import *  # noqa: F403

# A treasury account for the tests: without one no payroll is made (payments/treasury.py).
TREASURY_NAME = "Test treasury account"
TREASURY_IBAN = "KZ510700000000000001"
TREASURY_BIC = "KKMFKZ2A"
TREASURY_BIN = "000000000000"

# Uploaded files (the portal's item photos) go to a folder of the run's own, not to var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="inclusio-test-media-"))

# The open data the public statistics page reads: a folder of the run's own, empty until a test
# publishes into it.
OPEN_DATA_DIR = Path(tempfile.mkdtemp(prefix="inclusio-test-open-data-"))

# The tests run the what-if requests themselves (whatif.run_waiting), in the test's database.
WHATIF_WORKER = "external"
