"""Time the job-quota compliance of every employer of the country: each employer's quota,
filled places and compliance for every month of a year, from columns (no database):

    .venv/bin/python bench/bench_employment_quota.py [--employers N]

The employers are the synthetic national ones (``inclusio.synthetic.employment``: the seed's
8,200 persons employed through quotas), scaled to ``--employers``; the rates are the country's
dated parameters as its ``parameters.json`` seeds them, looked up once per (region, size band).
Prints the time of the whole year:

    bench: employment-quota: 0.21 s (target 5 s)

Exits non-zero when it misses the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

TARGET_S = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=24_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusio.settings")
    os.environ.setdefault("INCLUSIO_DEBUG", "True")
    import django

    django.setup()
    from inclusio.employment.quota import QuotaRates, compliance_arrays
    from inclusio.synthetic.employment import national_employment

    data = national_employment(employers=args.employers)
    started = time.perf_counter()
    rates = QuotaRates.from_country("kz")
    behind = 0
    for month in range(1, 13):
        result = compliance_arrays(
            region=data.employer_region,
            headcount=data.headcount,
            hazardous=data.hazardous,
            filled=data.filled,
            month=dt.date(2023, month, 1),
            rates=rates,
        )
        behind = int((~result["complies"]).sum())
    elapsed = time.perf_counter() - started
    print(
        f"bench: employment-quota: {elapsed:.2f} s (target {TARGET_S:g} s) "
        f"[{len(data.headcount):,} employers x 12 months; {behind:,} below quota in December]"
    )
    return 0 if elapsed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
