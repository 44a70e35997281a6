"""What-if over the national snapshot: a drafted carer coefficient beside the law in force.

The draft raises the carer coefficient of child_disability_carer_benefit from 1.61 to 1.75 from
2024-07-01 (the synthetic snapshot describes the country on 2024-01-01; on a date years after it
the records' re-examination dates have passed). Both versions run over every person; the
difference is counted by region. Prints

    bench: reform_national_seconds: 3.4 s (target 20)
    bench: reform_national_recipients: 84,602 (gained 0, lost 0)
    bench: reform_national_monthly_change: +533,469,445 KZT

and exits non-zero when the time is over the target (the screening budget) or the draft changes
nothing (which would mean the comparison compared nothing).

    .venv/bin/python bench/bench_reform.py [SNAPSHOT_DIR]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import country_parameters
from inclusio.rules.loader import load_programme_text
from inclusio.rules.reform import compare
from inclusio.rules.ruleset import load_rules, rule_files

SECONDS_TARGET = 20
ON = datetime.date(2024, 7, 1)
PROGRAMME = "child_disability_carer_benefit"
IN_FORCE_VALUE = "      value: 1.61\n      reference: CRPD report of Kazakhstan 2018-2023, §90\n"
DRAFTED_VALUE = "    - effective: 2024-07-01\n      value: 1.75\n      reference: draft, not law\n"
DEFAULT = Path(__file__).parent / "out" / "national"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    folder = COUNTRIES_DIR / "kz" / "programmes"
    shared = country_parameters("kz")
    rules = load_rules(rule_files(folder), shared)
    text = (folder / f"{PROGRAMME}.yaml").read_text(encoding="utf-8")
    if IN_FORCE_VALUE not in text:
        print(f"bench: {PROGRAMME}.yaml no longer has the coefficient this benchmark drafts")
        return 1
    draft = load_programme_text(
        text.replace(IN_FORCE_VALUE, IN_FORCE_VALUE + DRAFTED_VALUE, 1),
        file="draft.yaml",
        shared=shared,
    )
    started = time.monotonic()
    comparison = compare(args.snapshot, ON, rules.programmes, [draft])
    seconds = time.monotonic() - started
    total = comparison.total(PROGRAMME)
    scale = args.snapshot.name
    print(f"bench: reform_{scale}_seconds: {seconds:.1f} s (target {SECONDS_TARGET})")
    print(
        f"bench: reform_{scale}_recipients: {total.recipients_after:,} "
        f"(gained {total.gained:,}, lost {total.lost:,})"
    )
    print(f"bench: reform_{scale}_monthly_change: {total.monthly_change_kzt:+,} KZT")
    return 0 if seconds <= SECONDS_TARGET and total.monthly_change_kzt > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
