from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    """One demo snapshot for the whole session: the tests only read it."""
    return synthetic_snapshot("demo", 7)
