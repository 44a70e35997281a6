"""Rule tests (YAML cases) run on the Ibis backend they are given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis

from inclusio.countries.shared import country_parameters
from inclusio.rules.cases import run_cases

KZ = Path(__file__).parents[2] / "src" / "inclusio" / "countries" / "kz" / "programmes"


class Recording:
    """A DuckDB backend that counts the results it is asked for."""

    def __init__(self) -> None:
        self.backend = ibis.duckdb.connect()
        self.calls = 0

    def to_pyarrow(self, expression: Any) -> Any:
        self.calls += 1
        return self.backend.to_pyarrow(expression)


def test_cases_run_on_the_backend_given() -> None:
    connection = Recording()
    outcomes = run_cases(
        KZ / "child_disability_carer_benefit.test.yaml",
        connection=connection,
        shared=country_parameters("kz"),
    )
    assert connection.calls == len(outcomes) > 0
    assert all(outcome.passed for outcome in outcomes)
