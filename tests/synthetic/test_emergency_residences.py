"""The emergency dispatchers' registry is calibrated to the fire service's 95,087 homes: the
rule of ``emergency/coverage.py`` counted on a snapshot. The national check runs in
``bench/bench_synth.py`` (every figure of a national snapshot); here, the region scale, a tenth
of the country, whose sampling noise is still within the check's 2 %."""

from collections.abc import Callable
from pathlib import Path

from inclusio.emergency.coverage import NATIONAL_RESIDENCES
from inclusio.synthetic.checks import check_residences


def test_a_region_scale_snapshot_holds_a_tenth_of_the_fire_services_homes(
    synthetic_snapshot: Callable[[str, int], Path],
) -> None:
    check = check_residences(synthetic_snapshot("region", 1))
    assert check.expected == NATIONAL_RESIDENCES / 10
    assert check.ok, check


def test_the_check_compares_within_its_tolerance(
    synthetic_snapshot: Callable[[str, int], Path],
) -> None:
    # At demo scale (a thousandth) the 95 homes carry a noise of about ten.
    exact = check_residences(synthetic_snapshot("demo", 7), tolerance=0.0)
    loose = check_residences(synthetic_snapshot("demo", 7), tolerance=0.3)
    assert exact.actual == loose.actual
    assert loose.ok
    assert exact.ok == (abs(exact.actual - exact.expected) <= 0.5)
