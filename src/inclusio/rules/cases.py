"""Rule tests as YAML cases: a small situation, a date, the expected result per subject.

```yaml
programme: disability_benefit.yaml      # a file beside this one
cases:
  - name: category II on the day the coefficient changes
    date: 2023-07-01
    persons:                             # unlisted columns take harmless defaults
      - {iin: "900101300001", birth_date: 1990-01-01}
    disability:
      - {iin: "900101300001", category: II, since: 2020-01-01, until: null}
    care: []                             # carer programmes: carer_iin, cared_iin, relation, since
    expect:
      "900101300001": {eligible: true, amount: 12345, reasons: {valid_disability: true}}
```

A rate programme's cases expect ``rate: 50%`` (or the share, ``rate: 0.5``). A programme in an
exclusivity group names the others of its group (``exclusive_with: [other.yaml]``) and its cases
expect ``proposed: true`` (the default of the group), ``false`` (an alternative) or ``null``.
A programme with ``proration: daily`` may be tested by month (``month: 2024-01`` instead of
``date``): expect the month's ``amount``, ``eligible`` and the ``days`` eligible.

An assessment's cases (``assessment: family_wellbeing.yaml``, or ``programme:``) may give
``families`` rows (a family of ``persons`` without one gets a default row; ``members`` defaults to
its number of persons) and expect per family id
``{level: crisis, score: 70, indicators: {no_employed_adult: true}}``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from inclusio.countries.shared import SharedParameters
from inclusio.rules.assessment import Assessment, assess
from inclusio.rules.compiler import evaluate
from inclusio.rules.errors import Message, RuleError, _
from inclusio.rules.exclusive import check_groups, choose
from inclusio.rules.loader import Programme, load_rule_file
from inclusio.rules.periods import evaluate_month
from inclusio.rules.reading import compose, plain_data, read_text
from inclusio.snapshot.contract import SCHEMAS

DEFAULTS: dict[str, dict[str, Any]] = {
    "persons": {
        "family_id": 1,
        "family_role": "head",
        "birth_date": datetime.date(1980, 1, 1),
        "sex": "F",
        "region_code": "75",
        "urban": True,
        "employed": False,
        "monthly_income_kzt": 0,
        "home_schooled": False,
    },
    "disability": {
        "cause": "general_disease",
        "until": None,
        "work_capacity_loss_pct": None,
        "mobility": False,
        "vision": False,
        "hearing": False,
        "speech": False,
        "intellectual": False,
        "psychosocial": False,
    },
    "families": {
        "region_code": "75",
        "urban": True,
        "housing": "own",
        "latitude": 51.1,
        "longitude": 71.4,
    },
}
_EXPECTED_KEYS = {
    "programme": {"eligible", "amount", "rate", "proposed", "days", "reasons"},
    "assessment": {"level", "score", "indicators"},
}


@dataclass(frozen=True)
class Outcome:
    case: str
    line: int
    failures: tuple[Message, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def rows_of(value: Any, name: str, file: str, line: int) -> list[dict[str, Any]]:
    """A case's ``persons``, ``disability``… : a list of mappings (nothing given: none)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise RuleError(
            _("%(table)s: a list of rows, each a mapping"), file=file, line=line, table=name
        )
    return value


def situation_table(name: str, rows: Any, file: str, line: int) -> pa.Table:
    schema = SCHEMAS[name]
    filled = []
    for row in rows_of(rows, name, file, line):
        row = {k: v for k, v in row.items() if k != "__line__"}
        unknown = set(row) - set(schema.names)
        if unknown:
            raise RuleError(
                _("%(table)s: unknown columns %(columns)s"),
                file=file,
                line=line,
                table=name,
                columns=sorted(unknown),
            )
        filled.append({**DEFAULTS.get(name, {}), **row})
    try:
        return pa.Table.from_pylist(filled, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, KeyError) as error:
        raise RuleError(
            _("%(table)s: a value does not fit its column (%(cause)s)"),
            file=file,
            line=line,
            table=name,
            cause=error,
        ) from None


def families_table(rows: Any, persons: pa.Table, file: str, line: int) -> pa.Table:
    """The case's ``families`` rows, and a default row for every other family of ``persons``;
    ``members`` defaults to the family's number of persons."""
    rows = rows_of(rows, "families", file, line)
    counts: dict[Any, int] = {}
    for family_id in persons.column("family_id").to_pylist():
        counts[family_id] = counts.get(family_id, 0) + 1
    given = {row.get("family_id") for row in rows}
    rows = rows + [{"family_id": f} for f in counts if f not in given]
    filled = [{"members": counts.get(row.get("family_id"), 0), **row} for row in rows]
    return situation_table("families", filled, file, line)


def run_cases(
    path: Path | str,
    programme: Programme | Assessment | None = None,
    *,
    connection: Any = None,
    shared: SharedParameters | None = None,
) -> list[Outcome]:
    """Run every case of a YAML test file; one ``Outcome`` per case.

    ``connection`` is the Ibis backend the cases run on (a fresh DuckDB by default); the
    situations are pyarrow tables, which every backend takes as in-memory tables. Without
    ``programme``, the file the cases name is loaded with the ``shared`` parameters.
    """
    path = Path(path)
    file = str(path)
    # Read like a rule file (YAML 1.2, no tags, anchors or keys given twice, the same limits).
    document = plain_data(compose(read_text(path), file), file)
    if not isinstance(document, dict) or "cases" not in document:
        raise RuleError(_("a rule test file needs 'cases'"), file=file, line=1)
    if not isinstance(document["cases"], list):
        raise RuleError(_("'cases' must be a list"), file=file, line=document["__line__"])
    if programme is None:
        key = next((k for k in ("programme", "assessment") if k in document), None)
        if key is None:
            raise RuleError(
                _("a rule test file needs 'programme' (or 'assessment')"), file=file, line=1
            )
        named = document[key]
        if not isinstance(named, str) or Path(named).name != named:
            raise RuleError(
                _("%(key)r names a rule file beside this one, like %(key)s.yaml"),
                file=file,
                line=1,
                key=key,
            )
        programme = load_rule_file(path.parent / named, shared=shared)
    group = _group(document, path, shared, programme)
    outcomes = []
    for case in document["cases"]:
        if not isinstance(case, dict):
            raise RuleError(_("each case must be a mapping"), file=file, line=1)
        line = case.get("__line__", 1)
        name = str(case.get("name", f"#{line}"))
        month = _month(case, name, file, line)
        on = case.get("date") if month is None else month
        if not isinstance(on, datetime.date):
            raise RuleError(_("%(case)s: 'date' must be a date"), file=file, line=line, case=name)
        tables = {
            table: situation_table(table, case.get(table), file, line)
            for table in ("persons", "disability", "care")
        }
        tables["families"] = families_table(case.get("families"), tables["persons"], file, line)
        expectations = case.get("expect") or {}
        if not isinstance(expectations, dict):
            raise RuleError(
                _("%(case)s: 'expect' must be a mapping"), file=file, line=line, case=name
            )
        if isinstance(programme, Assessment):
            result = assess(programme, tables, on, connection=connection).to_pylist()
        elif month is not None:
            result = evaluate_month(programme, tables, month, connection=connection).to_pylist()
        else:
            result = evaluate(programme, tables, on, connection=connection).to_pylist()
            if group:
                _mark_proposed(programme, group, tables, on, connection, result)
        by_subject = {row["subject_id"]: row for row in result}
        failures = []
        for subject, expected in expectations.items():
            if subject == "__line__":
                continue
            row = by_subject.get(str(subject))
            if row is None:
                failures.append(_failed(_("%(subject)s: not in the result"), subject=subject))
                continue
            failures += _compare(str(subject), expected, row, programme.kind)
        found = tuple(Message(message, params, file, line) for message, params in failures)
        outcomes.append(Outcome(name, line, found))
    return outcomes


def _month(case: dict[str, Any], name: str, file: str, line: int) -> datetime.date | None:
    """A case screened by month (``month: 2024-01``, instead of ``date``): its first day."""
    if "month" not in case:
        return None
    text = str(case["month"])
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise RuleError(
            _("%(case)s: 'month' must be written YYYY-MM"), file=file, line=line, case=name
        ) from None


def _group(
    document: dict[str, Any],
    path: Path,
    shared: SharedParameters | None,
    programme: Programme | Assessment,
) -> list[Programme]:
    """``exclusive_with: [other.yaml, …]``: the other programmes of the tested programme's
    exclusivity group, evaluated on the same situations to say which one is proposed."""
    names = document.get("exclusive_with") or []
    if not names:
        return []
    file = str(path)
    if not isinstance(programme, Programme) or programme.exclusive is None:
        raise RuleError(_("exclusive_with needs a programme with 'exclusive'"), file=file, line=1)
    others = []
    for name in names:
        other = load_rule_file(path.parent / str(name), shared=shared)
        if (
            not isinstance(other, Programme)
            or other.exclusive is None
            or (other.exclusive.group != programme.exclusive.group)
        ):
            raise RuleError(
                _("exclusive_with: %(other)s is not in the group %(group)r"),
                file=file,
                line=1,
                other=name,
                group=programme.exclusive.group,
            )
        others.append(other)
    check_groups([programme, *others])
    return others


def _mark_proposed(
    programme: Programme,
    others: list[Programme],
    tables: dict[str, pa.Table],
    on: datetime.date,
    connection: Any,
    result: list[dict[str, Any]],
) -> None:
    """Add to each row of ``result`` whether ``programme`` is the one of its group proposed
    (None when the subject is not eligible to it)."""
    kind = programme.entity
    rows = [{**row, "programme": programme.id, "subject_kind": kind} for row in result]
    for other in others:
        for row in evaluate(other, tables, on, connection=connection).to_pylist():
            rows.append({**row, "programme": other.id, "subject_kind": kind})
    columns = ["subject_id", "subject_kind", "programme", "eligible", "amount_kzt"]
    table = pa.Table.from_pylist([{c: row[c] for c in columns} for row in rows])
    chosen = choose(table, [programme, *others]).to_pylist()
    proposed = {c["subject_id"]: c["proposed"] for c in chosen if c["programme"] == programme.id}
    for row in result:
        row["proposed"] = proposed.get(row["subject_id"])


Failure = tuple[str, dict[str, object]]  # a message id and its parameters


def _failed(message: str, **params: object) -> Failure:
    return message, params


# A value a case expects differs from the one computed: the column (or condition, indicator),
# what was computed and what was expected.
_DIFFERS = _("%(subject)s: %(key)s %(actual)s, expected %(expected)s")


def _compare(subject: str, expected: Any, row: dict[str, Any], kind: str) -> list[Failure]:
    if not isinstance(expected, dict):
        keys = "{" + ", ".join(sorted(_EXPECTED_KEYS[kind])) + "}"
        return [
            _failed(_("%(subject)s: expected a mapping like %(keys)s"), subject=subject, keys=keys)
        ]
    unknown = set(expected) - _EXPECTED_KEYS[kind] - {"__line__"}
    if unknown:
        return [
            _failed(
                _("%(subject)s: unknown expectations %(keys)s"),
                subject=subject,
                keys=sorted(unknown),
            )
        ]
    if kind == "assessment":
        return _compare_assessment(subject, expected, row)
    failures: list[Failure] = []
    for key, column in (("eligible", "eligible"), ("amount", "amount_kzt")):
        if key in expected and row[column] != expected[key]:
            failures.append(
                _failed(
                    _DIFFERS, subject=subject, key=key, actual=row[column], expected=expected[key]
                )
            )
    if "rate" in expected:
        failures += _compare_rate(subject, expected["rate"], row.get("rate", _NOT_COMPUTED))
    if "days" in expected and row.get("days", _NOT_COMPUTED) != expected["days"]:
        if "days" not in row:
            failures.append(
                _failed(
                    _("%(subject)s: days are counted for a month: give month:"), subject=subject
                )
            )
        else:
            failures.append(
                _failed(
                    _DIFFERS,
                    subject=subject,
                    key="days",
                    actual=row["days"],
                    expected=expected["days"],
                )
            )
    if "proposed" in expected and row.get("proposed", _NOT_COMPUTED) != expected["proposed"]:
        if "proposed" not in row:
            failures.append(
                _failed(
                    _("%(subject)s: proposed is known within a group: give exclusive_with"),
                    subject=subject,
                )
            )
        else:
            failures.append(
                _failed(
                    _DIFFERS,
                    subject=subject,
                    key="proposed",
                    actual=row["proposed"],
                    expected=expected["proposed"],
                )
            )
    reasons = expected.get("reasons") or {}
    if not isinstance(reasons, dict):
        return [_failed(_("%(subject)s: 'reasons' must be a mapping"), subject=subject)]
    for reason, value in reasons.items():
        if reason == "__line__":
            continue
        if reason not in row:
            failures.append(
                _failed(_("%(subject)s: no condition %(name)r"), subject=subject, name=reason)
            )
        elif row[reason] != value:
            failures.append(
                _failed(_DIFFERS, subject=subject, key=reason, actual=row[reason], expected=value)
            )
    return failures


_NOT_COMPUTED = object()  # a column the case's result lacks (a rate of a money programme…)


def _compare_rate(subject: str, expected: Any, actual: Any) -> list[Failure]:
    """``rate: 50%`` (a percent) or ``rate: 0.5`` (a share), or null when not eligible."""
    if isinstance(expected, str) and expected.strip().endswith("%"):
        try:
            share: Decimal | None = Decimal(expected.strip().rstrip("%").strip()) / 100
        except InvalidOperation:
            return [
                _failed(
                    _("%(subject)s: rate %(value)r is not a percent like 50%%"),
                    subject=subject,
                    value=expected,
                )
            ]
    elif expected is None or (
        isinstance(expected, int | float | Decimal) and not isinstance(expected, bool)
    ):
        share = None if expected is None else Decimal(str(expected))
    else:
        return [
            _failed(
                _("%(subject)s: rate %(value)r is not a percent like 50%% or a share like 0.5"),
                subject=subject,
                value=expected,
            )
        ]
    if actual is _NOT_COMPUTED:
        return [_failed(_("%(subject)s: the programme gives no rate"), subject=subject)]
    if actual != share:
        return [_failed(_DIFFERS, subject=subject, key="rate", actual=actual, expected=expected)]
    return []


def _compare_assessment(
    subject: str, expected: dict[str, Any], row: dict[str, Any]
) -> list[Failure]:
    failures: list[Failure] = []
    for key in ("level", "score"):
        if key in expected and row[key] != expected[key]:
            failures.append(
                _failed(_DIFFERS, subject=subject, key=key, actual=row[key], expected=expected[key])
            )
    indicators = expected.get("indicators") or {}
    if not isinstance(indicators, dict):
        return [_failed(_("%(subject)s: 'indicators' must be a mapping"), subject=subject)]
    for indicator, value in indicators.items():
        if indicator == "__line__":
            continue
        if indicator not in row or indicator in {"subject_id", "level", "score"}:
            failures.append(
                _failed(_("%(subject)s: no indicator %(name)r"), subject=subject, name=indicator)
            )
        elif row[indicator] != value:
            failures.append(
                _failed(
                    _DIFFERS, subject=subject, key=indicator, actual=row[indicator], expected=value
                )
            )
    return failures
