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


@pytest.fixture(scope="session")
def published(demo_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo snapshot's open data on its date, published once for the session."""
    import datetime

    from inclusio.statistics.publish import compute_datasets, write_publication

    out = tmp_path_factory.mktemp("open-data") / "out"
    snapshot = Snapshot.open(demo_snapshot)
    try:
        write_publication(compute_datasets(snapshot, datetime.date(2024, 1, 1)), snapshot, out)
    finally:
        snapshot.close()
    return out
