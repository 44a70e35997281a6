"""From a fresh clone to a served page: clone the repository into a temporary folder, run
``make demo`` there in the background, and time until its start page answers. Prints

    bench: demo-setup: 97.4 s (target 120 s)

then stops the server it started and removes the clone. The clone is fresh; the machine's
download caches (pip's or uv's, npm's) are not emptied, as on a machine that has installed
Python packages before. Exits non-zero when the page does not answer within the target.

    .venv/bin/python bench/bench_demo_setup.py [--port 8765] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120
# Past this the setup is taken to have failed, not to be slow.
GIVE_UP_SECONDS = 900


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own address)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the clone (for a look)")
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    if answers(url):
        print(f"something already answers on {url}: choose another --port", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="inclusio-demo-setup-"))
    clone = workdir / "inclusio"
    log_path = workdir / "make-demo.log"
    # The platform's own settings of this shell (a test database, development mode) must not
    # leak into the demo, which sets its own.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INCLUSIO_", "DJANGO_"))}
    env.pop("VIRTUAL_ENV", None)
    started = time.monotonic()
    subprocess.run(
        ["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, env=env, timeout=300
    )
    with log_path.open("w") as log:
        # A session of its own, so that stopping it stops make, gunicorn and its workers.
        make = subprocess.Popen(
            ["make", "demo", "HOST=127.0.0.1", f"PORT={args.port}"],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        seconds = None
        try:
            while time.monotonic() - started < GIVE_UP_SECONDS:
                if make.poll() is not None:
                    break  # make stopped before serving: a failure
                if answers(url):
                    seconds = time.monotonic() - started
                    break
                time.sleep(1)
        finally:
            if make.poll() is None:
                os.killpg(make.pid, signal.SIGTERM)
                try:
                    make.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(make.pid, signal.SIGKILL)
                    make.wait()

    if seconds is None:
        print(log_path.read_text()[-4000:], file=sys.stderr)
        print(f"bench: demo-setup: failed (target {TARGET_SECONDS} s)")
        return 1
    print(f"bench: demo-setup: {seconds:.1f} s (target {TARGET_SECONDS} s)")
    if args.keep:
        print(f"the clone and make's output: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
