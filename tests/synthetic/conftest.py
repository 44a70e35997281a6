from pathlib import Path

import pytest

from inclusio.synthetic.generate import generate


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo snapshot for the whole session: the tests only read it."""
    out = tmp_path_factory.mktemp("synth") / "demo"
    generate("demo", 7, out)
    return out
