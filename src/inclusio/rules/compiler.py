"""Checked expressions → Ibis expressions; a programme → one table of results per subject.

The screening date and the parameter values in force on it are bound as literals, so the same
compiled expression runs on any Ibis backend (DuckDB here, PySpark at scale). Arithmetic is exact
(``exact.py``): sums, products and quotients are fractions of whole decimals, rounded half up to
whole tenge once, at the end, so both engines give the same amount as Python's ``Decimal``.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from inclusio.rules import exact
from inclusio.rules.errors import RuleError, _
from inclusio.rules.exact import Fact, Num, TooLarge
from inclusio.rules.expressions import (
    Expression,
    Type,
    date_literal,
    decimal_literal,
    number_literal,
)
from inclusio.rules.life import LIFE_CONDITIONS, life_conditions, present
from inclusio.rules.loader import CARED_COUNT, MEMBER_COUNT, SCREENING_DATE, Condition, Programme
from inclusio.rules.rates import RATE, RATE_TYPE, rate_value
from inclusio.snapshot.contract import SCHEMAS

_DECIMAL_PRECISION = 18


def literal(value: Any, kind: Type) -> Any:
    if kind == Type.DECIMAL:
        number = Decimal(value)
        exponent = number.as_tuple().exponent
        scale = max(0, -exponent) if isinstance(exponent, int) else 0
        return ibis.literal(number, type=dt.Decimal(_DECIMAL_PRECISION, scale))
    types = {Type.INT: "int64", Type.BOOL: "boolean", Type.STRING: "string", Type.DATE: "date"}
    return ibis.literal(value, type=types[kind])


# For ``N op age(x)``, the same test written ``age(x) op' N``.
_FLIPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.LtE: ast.GtE,
    ast.Gt: ast.Lt,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


def birth_cutoff(on: datetime.date, years: int) -> datetime.date | None:
    """The last birth date of a person ``years`` old or more on ``on``; like ``age()``, a
    29 February birthday falls on 28 February in other years. None when out of range."""
    year = on.year - years
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    try:
        return on.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return datetime.date(year, 2, 28)


def _age_argument(node: ast.expr) -> ast.expr | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "age":
        return node.args[0]
    return None


def _whole_number(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


class _Compiler:
    def __init__(
        self,
        expression: Expression,
        table: Any,
        on: datetime.date,
        parameters: Mapping[str, tuple[Any, Type]],
        conditions: Mapping[str, Any],
    ) -> None:
        self.expression = expression
        self.table = table
        self.on = on
        self.parameters = parameters
        self.conditions = conditions

    def fail(self, node: ast.AST, message: str, **params: object) -> RuleError:
        line = self.expression.line_of(node)
        return RuleError(message, file=self.expression.file, line=line, **params)

    def compile(self, node: ast.AST) -> Any:
        if self.computed(node):
            return self.guarded(node, lambda: self.raw(self.num(node), node))
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:  # the checker refuses these first; this is a second lock
            raise self.fail(node, _("cannot compile %(construct)s"), construct=type(node).__name__)
        return method(node)

    def c_Constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool):
            return literal(value, Type.BOOL)
        if isinstance(value, int):
            return literal(value, Type.INT)
        if isinstance(value, float):
            return literal(decimal_literal(node, self.expression.source), Type.DECIMAL)
        return literal(value, Type.STRING)

    def c_Name(self, node: ast.Name) -> Any:
        if node.id == SCREENING_DATE:
            return literal(self.on, Type.DATE)
        if node.id in self.conditions:
            return self.conditions[node.id]
        if node.id in self.parameters:
            value, kind = self.parameters[node.id]
            return literal(value, kind)
        return self.table[node.id]

    # exact arithmetic (exact.py)
    def computed(self, node: ast.AST) -> bool:
        """A number the language computes (not a literal, a name or ``age()``)."""
        if node not in self.expression.facts:
            return False
        if isinstance(node, ast.Constant | ast.Name):
            return False
        return _age_argument(node) is None  # type: ignore[arg-type]

    def guarded(self, node: ast.AST, run: Any) -> Any:
        try:
            return run()
        except TooLarge:  # the checker sized the same integers; a second lock
            raise self.fail(node, _("this formula is too large to compute exactly")) from None

    def fact(self, node: ast.AST) -> Fact:
        return self.expression.facts[node]

    def raw(self, value: Num, node: ast.AST) -> Any:
        """A computed number as an ordinary Ibis value: int64 when whole, else decimal."""
        if value.bottom is None and value.top.scale == 0:
            return exact.as_int(value)
        return exact.as_decimal(value, self.fact(node).magnitude)

    def num(self, node: ast.AST) -> Num:
        if isinstance(node, ast.Constant):
            return exact.constant(number_literal(node, self.expression.source), True)
        if isinstance(node, ast.Name):
            base = self.expression.names[node.id]
            if node.id in self.parameters:
                return exact.leaf(None, base, True, value=self.parameters[node.id][0])
            return exact.leaf(self.c_Name(node), base, True)
        if isinstance(node, ast.UnaryOp):
            operand = self.num(node.operand)
            return exact.num_neg(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = self.num(node.left)
            if isinstance(node.op, ast.Pow):
                assert isinstance(node.right, ast.Constant) and isinstance(node.right.value, int)
                return exact.num_power(left, node.right.value)
            right = self.num(node.right)
            if isinstance(node.op, ast.Add):
                return exact.num_add(left, right)
            if isinstance(node.op, ast.Sub):
                return exact.num_add(left, exact.num_neg(right))
            if isinstance(node.op, ast.Mult):
                return exact.num_mul(left, right)
            negative = self.fact(node.right).may_be_negative()
            return exact.num_div(left, right, divisor_may_be_negative=negative)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name, args = node.func.id, node.args
        if name == "age":
            return exact.leaf(self.c_Call(node), self.fact(node), True)
        if name == "round_half_up":
            return exact.num_round(self.num(args[0]), self.fact(node).magnitude)
        if name in {"min", "max"}:
            values = [self.num(arg) for arg in args]
            return exact.num_extremum(values, largest=name == "max")
        assert name == "if_"
        condition = self.compile(args[0]).fill_null(False)
        size = exact.condition_size(
            args[0], lambda side: exact.num_size(self.num(side)) if self.computed(side) else 1
        )
        return exact.num_choose(
            condition, self.num(args[1]), self.num(args[2]), condition_size=size
        )

    def compare_exactly(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Any:
        return self.guarded(
            left, lambda: exact.num_compare(self.num(left), type(op), self.num(right))
        )

    def c_UnaryOp(self, node: ast.UnaryOp) -> Any:
        assert isinstance(node.op, ast.Not)  # a signed number is computed exactly
        return ~self.compile(node.operand)

    def c_BoolOp(self, node: ast.BoolOp) -> Any:
        values = [self.compile(value) for value in node.values]
        result = values[0]
        for value in values[1:]:
            result = result & value if isinstance(node.op, ast.And) else result | value
        return result

    def c_Compare(self, node: ast.Compare) -> Any:
        left_node: ast.expr | None = node.left  # None: ``left`` is the bool of an 'in' test
        left: Any = None  # compiled when needed: an age limit does not compile ``age()``
        parts = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            exactly = left_node is not None and (
                self.computed(left_node) or self.computed(comparator)
            )
            if isinstance(op, ast.In | ast.NotIn):
                assert isinstance(comparator, ast.List | ast.Tuple)
                if exactly:
                    assert left_node is not None
                    found = [
                        self.compare_exactly(left_node, ast.Eq(), element)
                        for element in comparator.elts
                    ]
                    part = found[0]
                    for one in found[1:]:
                        part = part | one
                else:
                    if left is None:
                        assert left_node is not None
                        left = self.compile(left_node)
                    part = left.isin([self.compile(element) for element in comparator.elts])
                parts.append(part if isinstance(op, ast.In) else ~part)
                left, left_node = part, None
                continue
            if exactly:
                assert left_node is not None
                parts.append(self.compare_exactly(left_node, op, comparator))
                left, left_node = None, comparator
                continue
            limit = self.age_limit(left_node, op, comparator) if left_node is not None else None
            if limit is not None:
                parts.append(limit)
                left, left_node = None, comparator
                continue
            if left is None:
                assert left_node is not None
                left = self.compile(left_node)
            right = self.compile(comparator)
            match op:
                case ast.Eq():
                    parts.append(left == right)
                case ast.NotEq():
                    parts.append(left != right)
                case ast.Lt():
                    parts.append(left < right)
                case ast.LtE():
                    parts.append(left <= right)
                case ast.Gt():
                    parts.append(left > right)
                case _:
                    parts.append(left >= right)
            left, left_node = right, comparator
        result = parts[0]
        for part in parts[1:]:
            result = result & part
        return result

    def age_limit(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Any:
        """``age(x) >= 18`` (or ``18 <= age(x)``…) as a comparison of ``x`` with a cut-off date:
        the same answer (nulls included), without date arithmetic on every row, and a filter an
        engine can push down. None when the comparison is not an age with a whole number."""
        kind = type(op)
        born, years = _age_argument(left), _whole_number(right)
        if born is None or years is None:
            born, years, kind = _age_argument(right), _whole_number(left), _FLIPPED[kind]
        if born is None or years is None:
            return None
        at_least, above = birth_cutoff(self.on, years), birth_cutoff(self.on, years + 1)
        if at_least is None or above is None:
            return None
        date = self.compile(born)
        old_enough = date <= literal(at_least, Type.DATE)  # age(x) >= years
        older = date <= literal(above, Type.DATE)  # age(x) >= years + 1
        if kind is ast.GtE:
            return old_enough
        if kind is ast.Gt:
            return older
        if kind is ast.Lt:
            return ~old_enough
        if kind is ast.LtE:
            return ~older
        if kind is ast.Eq:
            return old_enough & ~older
        return ~old_enough | older

    def c_Call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        name, args = node.func.id, node.args
        if name == "date":
            assert isinstance(args[0], ast.Constant)
            return literal(date_literal(str(args[0].value)), Type.DATE)
        if name == "age":
            born = self.compile(args[0])
            on = self.on
            before_birthday = (born.month() * 100 + born.day()) > (on.month * 100 + on.day)
            return (on.year - born.year() - before_birthday.cast("int64")).cast("int64")
        if name == "is_null":
            return self.compile(args[0]).isnull()
        if name in {"min", "max"}:  # of dates: numbers are computed exactly
            values = [self.compile(arg) for arg in args]
            combine = ibis.least if name == "min" else ibis.greatest
            return combine(*values)
        if name == "if_":
            condition, then, otherwise = (self.compile(arg) for arg in args)
            return ibis.ifelse(decided(condition), then, otherwise)
        raise RuleError(  # pragma: no cover - the checker allows only the names above
            _("unknown function %(name)r"),
            file=self.expression.file,
            line=self.expression.line,
            name=name,
        )


def compile_amount(
    expression: Expression,
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]] | None = None,
    conditions: Mapping[str, Any] | None = None,
) -> Any:
    """An amount in whole tenge (int64): the exact value, rounded half up once."""
    compiler = _Compiler(expression, table, on, parameters or {}, conditions or {})
    tree = expression.tree

    def run() -> Any:
        value = compiler.num(tree)
        if value.bottom is not None or value.top.scale != 0:
            value = exact.num_round(value, expression.facts[tree].magnitude)
        return exact.as_int(value)

    return compiler.guarded(tree, run)


def compile_expression(
    expression: Expression,
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]] | None = None,
    conditions: Mapping[str, Any] | None = None,
) -> Any:
    """The Ibis expression for a checked ``expression`` over ``table`` on the date ``on``."""
    compiler = _Compiler(expression, table, on, parameters or {}, conditions or {})
    return compiler.compile(expression.tree)


def person_table(persons: Any, disability: Any) -> Any:
    """Persons joined to their disability record where they have one (one per person)."""
    joined = persons.left_join(disability, persons.iin == disability.iin)
    columns = [persons[f.name] for f in SCHEMAS["persons"]]
    columns += [disability[f.name] for f in SCHEMAS["disability"] if f.name != "iin"]
    return joined.select(*columns)


def cared_counts(
    programme: Programme,
    table: Any,
    care: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]],
) -> Any:
    """Per carer IIN (``carer_iin``), how many cared persons meet ``programme.cared``.

    ``table`` is the person table (persons ⨝ disability); a care link whose cared person is not
    in it does not count, nor does one who died, emigrated or is imprisoned on ``on``
    (``rules.life``). With ``earliest_carer_only`` each cared person counts once, for the
    qualifying link with the earliest ``since`` (ties: the smallest carer IIN).
    """
    cared = programme.cared
    assert cared is not None
    links = care.select(
        carer_iin=care.carer_iin,
        cared_iin=care.cared_iin,
        care_relation=care.relation,
        care_since=care.since,
    )
    joined = links.join(table, links.cared_iin == table.iin)
    qualifies = present(joined, on) & all_met(cared.conditions, joined, on, parameters)
    chosen = joined.filter(qualifies).select("carer_iin", "cared_iin", "care_since")
    if cared.earliest_carer_only:
        rank = ibis.row_number().over(
            group_by=chosen.cared_iin, order_by=[chosen.care_since, chosen.carer_iin]
        )
        chosen = chosen.mutate(_rank=rank).filter(lambda t: t._rank == 0)
    return chosen.group_by("carer_iin").aggregate(
        **{CARED_COUNT: chosen.cared_iin.nunique().cast("int64")}
    )


def with_cared_counts(
    programme: Programme,
    table: Any,
    care: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]],
) -> Any:
    """``table`` with a ``cared_count`` column (0 for persons who care for nobody who counts)."""
    counts = cared_counts(programme, table, care, on, parameters)
    joined = table.left_join(counts, table.iin == counts.carer_iin)
    columns = [joined[name] for name in table.columns]
    return joined.select(*columns, **{CARED_COUNT: joined[CARED_COUNT].fill_null(0)})


def family_table(
    programme: Programme,
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]] | None,
) -> Any:
    """One row per family of the person table ``table``: ``family_id``, ``member_count`` (the
    members who meet ``programme.members``), and the section's aggregates and income
    (``inclusio.rules.families``). Only ``family_id`` and ``member_count`` (0) when
    ``parameters`` is None: the programme is not in force and nothing is evaluated."""
    from inclusio.rules.families import family_reductions, family_values

    if parameters is None or programme.members is None:
        families = table.select("family_id").distinct()
        return families.mutate(**{MEMBER_COUNT: ibis.literal(0, type="int64")})
    grouped = table.group_by("family_id").aggregate(
        **family_reductions(programme.members, table, on, parameters)
    )
    return grouped.select("family_id", **family_values(programme.members, grouped, on))


def parameters_on(programme: Programme, on: datetime.date) -> dict[str, tuple[Any, Type]]:
    """Each parameter's value in force on ``on``, with its type; a date before the first value
    is a ``RuleError``, never a default."""
    return {
        name: (parameter.value_on(on).value, parameter.type)
        for name, parameter in programme.parameters.items()
    }


def condition_names(programme: Programme) -> tuple[str, ...]:
    """The names of the conditions a result of ``programme`` carries, in order: the rule
    file's, then for a person programme the life events' (``rules.life``)."""
    own = tuple(condition.name for condition in programme.conditions)
    return own + LIFE_CONDITIONS if programme.entity == "person" else own


def outcome(programme: Programme, table: Any, on: datetime.date) -> tuple[dict[str, Any], Any, Any]:
    """The programme's conditions (name → bool), eligibility and amount over ``table``.

    A person programme's conditions end with the life events' (``condition_names``): whatever
    the rule file says, a person who died, emigrated or is imprisoned on ``on`` is not eligible.

    ``table`` holds every column the programme reads, ``cared_count`` or ``member_count``
    included; it may be any object that gives a column by name (``table[name]``), which lets
    one wide table serve several programmes. A condition that cannot be decided (a missing
    value) is false; outside the period of validity every condition is false and no parameter
    is read; the amount is null when not eligible and for an entitlement without money.
    """
    life = life_conditions(table, on) if programme.entity == "person" else {}
    if not programme.in_force(on):
        never = {condition.name: ibis.literal(False) for condition in programme.conditions}
        return {**never, **life}, ibis.literal(False), ibis.null().cast("int64")
    parameters = parameters_on(programme, on)
    # Later expressions read a condition as it is (unknown when a value is missing); its
    # column, like the eligibility, counts unknown as not met (see ``decided``).
    conditions: dict[str, Any] = {}
    for condition in programme.conditions:
        conditions[condition.name] = compile_expression(
            condition.expression, table, on, parameters, conditions
        )
    met = {name: decided(value) for name, value in conditions.items()}

    if programme.eligible is None:
        eligible = ibis.literal(True)
        for value in met.values():
            eligible = eligible & value
    else:
        eligible = decided(
            compile_expression(programme.eligible, table, on, parameters, conditions)
        )
    for value in life.values():
        eligible = eligible & value
    met.update(life)

    if programme.amount is None:
        amount = ibis.null().cast("int64")
    else:
        raw = compile_amount(programme.amount, table, on, parameters, conditions)
        amount = ibis.ifelse(eligible, raw, ibis.null().cast("int64"))
    return met, eligible, amount


def decided(test: Any) -> Any:
    """A test as a decision: met only when true; unknown (a value it reads is missing) is not
    met. Applied where a test becomes a decision (a condition's column, the eligibility, a cared
    person or a member counting, ``if_``), never inside an expression, so that ``not c`` for a
    named condition ``c`` is ``not (c's expression)``: both unknown, both not met."""
    return test.fill_null(False)


def all_met(
    conditions: tuple[Condition, ...],
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]],
) -> Any:
    """Whether every condition of a ``cared`` or ``members`` section is met for a row."""
    known: dict[str, Any] = {}
    qualifies = ibis.literal(True)
    for condition in conditions:
        known[condition.name] = compile_expression(
            condition.expression, table, on, parameters, known
        )
        qualifies = qualifies & decided(known[condition.name])
    return qualifies


def programme_table(
    programme: Programme, table: Any, on: datetime.date, *, care: Any = None
) -> Any:
    """One row per person: subject_id, eligible, amount_kzt, ``rate`` for a rate programme (a
    decimal share, null when not eligible) and a bool column per condition.

    A condition that cannot be decided (a missing value) is false. Outside the programme's
    period of validity nobody is eligible and no parameter is read. ``amount_kzt`` is null
    for persons not eligible and for entitlements without money. A carer programme (one with a
    ``cared`` section) needs ``care``, the care links (carer_iin, cared_iin, relation, since).
    A family programme (``entity: family``) takes the same person table and gives one row per
    family, ``subject_id`` being the family id as text.
    """
    if programme.cared is not None and care is None:
        raise RuleError(_("a carer programme needs the 'care' table"), file=programme.file)
    family = programme.entity == "family"
    if not programme.in_force(on):
        if family:
            table = family_table(programme, table, on, None)
        columns: dict[str, Any] = {
            "subject_id": table.family_id.cast("string") if family else table.iin,
            "eligible": ibis.literal(False),
            "amount_kzt": ibis.null().cast("int64"),
        }
        if programme.rate is not None:
            columns[RATE] = ibis.null().cast(RATE_TYPE)
        for condition in programme.conditions:
            columns[condition.name] = ibis.literal(False)
        if not family:
            columns.update(life_conditions(table, on))
        return table.select(**columns)

    parameters = parameters_on(programme, on)
    if programme.cared is not None:
        table = with_cared_counts(programme, table, care, on, parameters)
    if family:
        table = family_table(programme, table, on, parameters)
    conditions, eligible, amount = outcome(programme, table, on)
    subject = table.family_id.cast("string") if family else table.iin
    if programme.rate is not None:
        share = compile_expression(programme.rate, table, on, parameters, conditions)
        conditions = {RATE: rate_value(share, eligible), **conditions}
    return table.select(subject_id=subject, eligible=eligible, amount_kzt=amount, **conditions)


def _as_ibis(value: Any) -> Any:
    if isinstance(value, pa.Table):
        return ibis.memtable(value)
    return value


def evaluate(
    programme: Programme,
    tables: Mapping[str, Any],
    on: datetime.date,
    *,
    connection: Any = None,
) -> pa.Table:
    """Evaluate ``programme`` on ``on`` over snapshot tables (pyarrow or Ibis tables).

    ``tables`` needs ``persons`` and ``disability``, and ``care`` for a carer programme (one
    with a ``cared`` section). Runs on ``connection`` (an Ibis backend),
    by default a fresh in-memory DuckDB. Rows come ordered by subject_id.
    """
    for name in ("persons", "disability"):
        if name not in tables:
            raise RuleError(
                _("the snapshot lacks the %(table)r table"), file=programme.file, table=name
            )
    care = None
    if programme.cared is not None:
        if "care" not in tables:
            raise RuleError(
                _("the snapshot lacks the %(table)r table"), file=programme.file, table="care"
            )
        care = _as_ibis(tables["care"])
    base = person_table(_as_ibis(tables["persons"]), _as_ibis(tables["disability"]))
    result = programme_table(programme, base, on, care=care).order_by("subject_id")
    backend = connection if connection is not None else ibis.duckdb.connect()
    arrow: pa.Table = backend.to_pyarrow(result)
    return arrow
