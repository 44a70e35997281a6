"""The synthetic programmes reproduce the seed's implementation rates within 0.5 points, in
every year, whether a region or the whole (small) registry is given them; twice adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from inclusio.registry.models import DisabilityStatus
from inclusio.rehabilitation import selectors
from inclusio.rehabilitation.models import Fulfilment, Line, Programme
from inclusio.synthetic.figures import IMPLEMENTATION_RATES_PCT
from inclusio.synthetic.load import load_snapshot
from inclusio.synthetic.rehabilitation import programmes_synthesise

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 30)


def test_the_seed_rates_are_reproduced(demo_snapshot: Path) -> None:
    load_snapshot(demo_snapshot)
    counts = programmes_synthesise(seed=3, today=TODAY)
    assert counts["programmes"] > 0 and counts["fulfilments"] > 0
    rates = {int(rate.key): rate for rate in selectors.rate_by_year(today=TODAY)}
    for year, seed_rate in IMPLEMENTATION_RATES_PCT.items():
        assert rates[year].lines > 100, year
        assert rates[year].percent == pytest.approx(seed_rate, abs=0.5), year
    # Every person with a current status holds a programme in force today.
    current = DisabilityStatus.objects.filter(superseded_at__isnull=True, ended=False)
    in_force = Programme.objects.filter(superseded_at__isnull=True)
    assert in_force.count() == current.count()
    # Each delivery is on record, and no line is over-fulfilled (the database refuses it).
    delivered = sum(f.quantity for f in Fulfilment.objects.all())
    assert delivered == sum(line.fulfilled for line in Line.objects.all())
    assert programmes_synthesise(seed=3, today=TODAY)["programmes"] == 0


def test_a_region_for_the_demo(demo_snapshot: Path) -> None:
    load_snapshot(demo_snapshot)
    out = StringIO()
    call_command("synth_programmes", "--region", "71", stdout=out)
    assert "synth-programmes: added" in out.getvalue()
    regions = set(Programme.objects.values_list("region_id", flat=True))
    assert regions == {"71"}
    # The region's own rates are the seed's too: the demo's officer sees them on the rates page.
    rates = {int(rate.key): rate.percent for rate in selectors.rate_by_year(region_code="71")}
    for year, seed_rate in IMPLEMENTATION_RATES_PCT.items():
        assert rates[year] == pytest.approx(seed_rate, abs=0.5), year
