from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inclusio.statistics.tables import Snapshot


@pytest.fixture(scope="session")
def demo_snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    """One demo snapshot for the whole session: the tests only read it."""
    return synthetic_snapshot("demo", 7)


@pytest.fixture
def snapshot(demo_snapshot: Path) -> Iterator[Snapshot]:
    opened = Snapshot.open(demo_snapshot)
    yield opened
    opened.close()
