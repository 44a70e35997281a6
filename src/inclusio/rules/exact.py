"""Exact arithmetic of the rule language, the same on DuckDB and Spark.

Two things live here, used by the checker (``expressions._Checker``) and the compiler alike:

* ``Fact``: what is known of a numeric value before any run — an interval (its lowest and
  highest possible value), whether it can be missing (null) and, for a snapshot column or a
  parameter, its decimal places. The checker refuses at load a divisor that can be zero and an
  amount that can be negative, missing or too large.
* ``Num``: an exact number as the engines compute it — a fraction ``top / bottom`` of two
  integers, each an Ibis ``DECIMAL(p, 0)`` with its decimal places (``scale``) kept here. ``+ - *``
  are exact integer operations; a division only multiplies (``a/b × c/d = ac/bd``), so
  ``subsistence_minimum / 30 * 15`` stays 608,505/30 and rounds to exactly 20,284. The one true
  division is the rounding to whole tenge, half up (half away from zero), at the end. Every
  integer's largest possible value is known from the facts, so each is cast to the smallest
  ``DECIMAL(p, 0)`` that holds it; a formula whose integers could need more than 38 digits is
  refused at load. Both engines compute ``DECIMAL(p, 0)`` arithmetic exactly and stop with an
  error (never a wrong value) when a value leaves its type: a snapshot outside the columns'
  documented ranges (``COLUMN_RANGES``) ends the run with a refusal, not a wrong amount.

The checker runs the same algebra without Ibis (``expr`` None) to find the sizes, so a formula
that loads always compiles.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from inclusio.snapshot.contract import SCHEMAS

MAX_DIGITS = 38  # the widest decimal both engines hold
# The largest whole amount (tenge) a formula may produce, and the largest value rounded to a whole
# number: the rounding estimates the quotient in double precision and corrects it by one, which
# holds below 10**14 (a hundred trillion tenge, four times the state's yearly budget).
MONEY_LIMIT = 10**14
MAX_EXPONENT = 20  # x ** n: n a literal whole number from 0 to this
# The SQL of a formula repeats a value wherever it is used again (a fraction's bottom, a
# comparison inside min and max or an if_, a rounding's sign); past this many uses the formula
# is refused as too complex. Spark plans 1,767 uses (200 kB of SQL) in about 30 s; one of 6,204
# (800 kB) was still being planned minutes later, its 2 GB heap nearly full.
MAX_SIZE = 2000
INT64 = (Decimal(-(2**63)), Decimal(2**63 - 1))
# The ranges the snapshot's numeric columns are read in (docs/snapshot.md); a value outside them
# stops the screening with a refusal that names the programme.
COLUMN_RANGES: dict[str, tuple[int, int]] = {
    "monthly_income_kzt": (0, 10**12),
    "disability_benefit_kzt": (0, 10**12),
    "carer_allowance_kzt": (0, 10**12),
    # A family's income (rules.families): the members' incomes added up, never negative.
    "family_income": (0, 10**13),
    "work_capacity_loss_pct": (0, 100),
    "cared_count": (0, 10**9),
    "member_count": (0, 10**9),
}
AGE_RANGE = (Decimal(-9999), Decimal(9999))


def column_nullable(name: str) -> bool:
    """Whether a column of the table a rule reads can be null: the persons' columns as the
    contract says; the disability record's all (a person without one has none of them)."""
    persons = SCHEMAS["persons"]
    if name in persons.names:
        return bool(persons.field(name).nullable)
    return name not in {
        "cared_count",
        "member_count",
        "family_income",
        "care_relation",
        "care_since",
    }


def name_fact(name: str, numeric: bool, integer: bool) -> Fact:
    """What is known of a column (or any name without a stated fact) before reading it."""
    nullable = column_nullable(name)
    if name in COLUMN_RANGES:
        low, high = COLUMN_RANGES[name]
        return range_fact(low, high, nullable=nullable)
    if numeric and integer:
        return Fact(INT64[0], INT64[1], nullable=nullable, scale=0)
    return Fact(None, None, nullable=nullable, scale=None)


class TooLarge(Exception):
    """A formula whose exact integers could need more than ``MAX_DIGITS`` digits."""


@dataclass(frozen=True)
class Fact:
    """What is known of a numeric value: ``low`` ≤ value ≤ ``high`` (None: no bound), whether it
    can be null, its decimal places (None: unknown), and ``nonzero`` when zero is excluded though
    the interval holds it (``x > 0`` of a decimal)."""

    low: Decimal | None = None
    high: Decimal | None = None
    nullable: bool = True
    scale: int | None = 0
    nonzero: bool = False

    @property
    def magnitude(self) -> Decimal | None:
        if self.low is None or self.high is None:
            return None
        return max(abs(self.low), abs(self.high))

    def may_be_zero(self) -> bool:
        if self.nonzero:
            return False
        return (self.low is None or self.low <= 0) and (self.high is None or self.high >= 0)

    def may_be_negative(self) -> bool:
        return self.low is None or self.low < 0


def scale_of(value: Decimal | int) -> int:
    exponent = Decimal(value).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def constant_fact(value: Decimal | int) -> Fact:
    number = Decimal(value)
    return Fact(number, number, nullable=False, scale=scale_of(number), nonzero=number != 0)


def values_fact(values: list[Decimal | int]) -> Fact:
    """A parameter's fact: every value it takes on some date."""
    numbers = [Decimal(v) for v in values]
    return Fact(
        min(numbers),
        max(numbers),
        nullable=False,
        scale=max(scale_of(n) for n in numbers),
        nonzero=all(n != 0 for n in numbers),
    )


def range_fact(low: int | Decimal, high: int | Decimal, *, nullable: bool) -> Fact:
    return Fact(Decimal(low), Decimal(high), nullable=nullable, scale=0)


# Interval arithmetic; None is an unbounded end.
_INF = Decimal("Infinity")


def _ends(fact: Fact) -> tuple[Decimal, Decimal]:
    return (-_INF if fact.low is None else fact.low, _INF if fact.high is None else fact.high)


def _finite(value: Decimal) -> Decimal | None:
    return None if value.is_infinite() else value


def _times(a: Decimal, b: Decimal) -> Decimal:
    return Decimal(0) if a == 0 or b == 0 else a * b


def _interval(values: list[Decimal], *, nullable: bool, nonzero: bool = False) -> Fact:
    return Fact(
        _finite(min(values)), _finite(max(values)), nullable=nullable, scale=None, nonzero=nonzero
    )


def fact_add(a: Fact, b: Fact) -> Fact:
    (al, ah), (bl, bh) = _ends(a), _ends(b)
    low = -_INF if -_INF in (al, bl) else al + bl
    high = _INF if _INF in (ah, bh) else ah + bh
    return _interval([low, high], nullable=a.nullable or b.nullable)


def fact_neg(a: Fact) -> Fact:
    low, high = _ends(a)
    return Fact(_finite(-high), _finite(-low), a.nullable, a.scale, a.nonzero)


def fact_mul(a: Fact, b: Fact) -> Fact:
    (al, ah), (bl, bh) = _ends(a), _ends(b)
    products = [_times(x, y) for x in (al, ah) for y in (bl, bh)]
    return _interval(
        products,
        nullable=a.nullable or b.nullable,
        nonzero=not a.may_be_zero() and not b.may_be_zero(),
    )


def fact_div(a: Fact, b: Fact) -> Fact:
    """``a / b`` for a divisor the checker knows is not zero."""
    nullable = a.nullable or b.nullable
    bl, bh = _ends(b)
    if not (bl > 0 or bh < 0):  # zero excluded, but the divisor comes arbitrarily close to it
        return Fact(None, None, nullable=nullable, scale=None, nonzero=not a.may_be_zero())
    al, ah = _ends(a)
    quotients = []
    for x in (al, ah):
        for y in (bl, bh):
            if y.is_infinite():
                quotients.append(Decimal(0) if not x.is_infinite() else x * y.copy_sign(1))
            else:
                quotients.append(x / y if not x.is_infinite() else x * y.copy_sign(1))
    return _interval(quotients, nullable=nullable, nonzero=not a.may_be_zero())


def fact_union(a: Fact, b: Fact) -> Fact:
    (al, ah), (bl, bh) = _ends(a), _ends(b)
    return _interval(
        [min(al, bl), max(ah, bh)],
        nullable=a.nullable or b.nullable,
        nonzero=not a.may_be_zero() and not b.may_be_zero(),
    )


def fact_extremum(facts: list[Fact], *, largest: bool) -> Fact:
    """``min``/``max`` as the engines compute them: a null argument is skipped, so the result
    is null only when every argument is."""
    ends = [_ends(f) for f in facts]
    pick = max if largest else min
    low, high = pick(e[0] for e in ends), pick(e[1] for e in ends)
    fact = _interval([low, high], nullable=all(f.nullable for f in facts))
    if not fact.may_be_zero():
        return fact
    return replace(fact, nonzero=all(not f.may_be_zero() for f in facts))


def fact_round(a: Fact) -> Fact:
    low, high = _ends(a)
    return Fact(
        _finite(low if low.is_infinite() else Decimal(math.floor(low))),
        _finite(high if high.is_infinite() else Decimal(math.ceil(high))),
        nullable=a.nullable,
        scale=0,
    )


def fact_power(a: Fact, exponent: int) -> Fact:
    result = constant_fact(1)
    for _ in range(exponent):
        result = fact_mul(result, a)
    return replace(result, nullable=a.nullable)


def refine(fact: Fact, op: type[ast.cmpop], other: Fact, *, integer: bool) -> Fact:
    """``fact`` narrowed by knowing that ``value op other`` holds (so the value is not null)."""
    low, high = fact.low, fact.high
    nonzero = fact.nonzero
    step = Decimal(1) if integer and other.scale == 0 else Decimal(0)
    if op is ast.Gt and other.low is not None:
        low = other.low + step if low is None else max(low, other.low + step)
        nonzero = nonzero or other.low >= 0
    elif op is ast.GtE and other.low is not None:
        low = other.low if low is None else max(low, other.low)
        nonzero = nonzero or other.low > 0
    elif op is ast.Lt and other.high is not None:
        high = other.high - step if high is None else min(high, other.high - step)
        nonzero = nonzero or other.high <= 0
    elif op is ast.LtE and other.high is not None:
        high = other.high if high is None else min(high, other.high)
        nonzero = nonzero or other.high < 0
    elif op is ast.Eq:
        low = other.low if low is None or (other.low is not None and other.low > low) else low
        high = (
            other.high if high is None or (other.high is not None and other.high < high) else high
        )
        nonzero = nonzero or not other.may_be_zero()
    elif op is ast.NotEq and other.low == other.high == 0:
        nonzero = True
    return Fact(low, high, nullable=False, scale=fact.scale, nonzero=nonzero)


# Exact integers and fractions.


def digits(bound: int) -> int:
    return max(1, len(str(bound)))


def _decimal(bound: int) -> dt.Decimal:
    return dt.Decimal(digits(bound), 0)


@dataclass(frozen=True)
class Part:
    """An exact number ``expr / 10**scale``: ``expr`` an integer-valued Ibis ``DECIMAL(p, 0)``
    (None while checking), ``bound`` the largest ``abs(expr)``."""

    expr: Any
    bound: int
    scale: int
    size: int = 1  # how many times the SQL repeats the formula's values (it has no sharing)


def _part(expr: Any, bound: int, scale: int, size: int) -> Part:
    if bound >= 10**MAX_DIGITS or size > MAX_SIZE:
        raise TooLarge
    if expr is not None:
        expr = expr.cast(_decimal(bound))
    return Part(expr, bound, scale, size)


def whole(value: int, scale: int, live: bool, *, bound: int | None = None) -> Part:
    """The constant ``value / 10**scale`` (typed for ``bound`` if given)."""
    bound = abs(value) if bound is None else bound
    if bound >= 10**MAX_DIGITS:
        raise TooLarge
    return Part(ibis.literal(value, type=_decimal(bound)) if live else None, bound, scale)


def _combine(a: Part, b: Part, op: Callable[[Any, Any], Any], bound: int, scale: int) -> Part:
    if bound >= 10**MAX_DIGITS:
        raise TooLarge
    # DuckDB computes in the storage of its operands (64 bits up to 18 digits) and stops at an
    # overflow rather than widening: the left operand is widened to the result's digits first.
    wide = _decimal(max(bound, a.bound, b.bound))
    expr = op(a.expr.cast(wide), b.expr) if a.expr is not None else None
    return _part(expr, bound, scale, a.size + b.size)


def _rescaled(a: Part, scale: int) -> Part:
    if a.scale == scale:
        return a
    factor = whole(10 ** (scale - a.scale), 0, a.expr is not None)
    return _combine(a, factor, lambda x, y: x * y, a.bound * factor.bound, scale)


def _aligned(a: Part, b: Part) -> tuple[Part, Part]:
    scale = max(a.scale, b.scale)
    return _rescaled(a, scale), _rescaled(b, scale)


def part_mul(a: Part, b: Part | None) -> Part:
    if b is None:
        return a
    return _combine(a, b, lambda x, y: x * y, a.bound * b.bound, a.scale + b.scale)


def part_add(a: Part, b: Part) -> Part:
    a, b = _aligned(a, b)
    return _combine(a, b, lambda x, y: x + y, a.bound + b.bound, a.scale)


def part_neg(a: Part) -> Part:
    return Part(-a.expr if a.expr is not None else None, a.bound, a.scale, a.size)


def part_choose(condition: Any, a: Part, b: Part, *, condition_size: int = 0) -> Part:
    """``a`` where ``condition`` holds, else ``b``; ``condition_size``: how many of the formula's
    values the condition itself repeats."""
    a, b = _aligned(a, b)
    bound = max(a.bound, b.bound)
    chosen = _combine(a, b, lambda x, y: ibis.ifelse(condition, x, y), bound, a.scale)
    return _grown(chosen, chosen.size + condition_size) if condition_size else chosen


def part_compare(a: Part, op: type[ast.cmpop], b: Part) -> Any:
    a, b = _aligned(a, b)
    if a.expr is None:
        return None
    x, y = a.expr, b.expr
    comparisons: dict[type[ast.cmpop], Callable[[], Any]] = {
        ast.Eq: lambda: x == y,
        ast.NotEq: lambda: x != y,
        ast.Lt: lambda: x < y,
        ast.LtE: lambda: x <= y,
        ast.Gt: lambda: x > y,
        ast.GtE: lambda: x >= y,
    }
    return comparisons[op]()


@dataclass(frozen=True)
class Num:
    """The exact fraction ``top / bottom`` (bottom None: 1); a bottom is always positive."""

    top: Part
    bottom: Part | None = None

    @property
    def live(self) -> bool:
        return self.top.expr is not None

    def isnull(self) -> Any:
        missing = self.top.expr.isnull()
        if self.bottom is not None:
            missing = missing | self.bottom.expr.isnull()
        return missing


def leaf(expr: Any, fact: Fact, live: bool, *, value: Any = None) -> Num:
    """A name read exactly, within its ``fact``: a whole-number column or ``age()`` (``expr``),
    or a parameter's ``value`` on the date, sized for every value the parameter takes."""
    magnitude = fact.magnitude
    if magnitude is None or fact.scale is None:
        raise TooLarge
    bound = int(magnitude.scaleb(fact.scale))
    if value is not None:
        return Num(whole(int(Decimal(value).scaleb(fact.scale)), fact.scale, live, bound=bound))
    if fact.scale != 0 or bound >= 10**MAX_DIGITS:
        raise TooLarge
    return Num(Part(expr.cast(_decimal(bound)) if live else None, bound, 0))


def constant(value: Decimal | int, live: bool) -> Num:
    number = Decimal(value)
    scale = scale_of(number)
    return Num(whole(int(number.scaleb(scale)), scale, live))


def num_add(a: Num, b: Num) -> Num:
    if a.bottom is None and b.bottom is None:
        return Num(part_add(a.top, b.top))
    top = part_add(part_mul(a.top, b.bottom), part_mul(b.top, a.bottom))
    bottom = a.bottom if b.bottom is None else part_mul(b.bottom, a.bottom)
    return Num(top, bottom)


def num_neg(a: Num) -> Num:
    return Num(part_neg(a.top), a.bottom)


def num_mul(a: Num, b: Num) -> Num:
    bottom = a.bottom if b.bottom is None else part_mul(b.bottom, a.bottom)
    return Num(part_mul(a.top, b.top), bottom)


def num_div(a: Num, b: Num, *, divisor_may_be_negative: bool) -> Num:
    top = part_mul(a.top, b.bottom)
    bottom = part_mul(b.top, a.bottom)
    if divisor_may_be_negative:  # keep the bottom positive
        # the test repeats the divisor's top in both parts
        flip = b.top.expr < 0 if b.live else None
        top = part_choose(flip, part_neg(top), top, condition_size=b.top.size)
        bottom = part_choose(flip, part_neg(bottom), bottom, condition_size=b.top.size)
    return Num(top, bottom)


def num_power(a: Num, exponent: int) -> Num:
    result = constant(1, a.live)
    for _ in range(exponent):
        result = num_mul(result, a)
    return result


def num_compare(a: Num, op: type[ast.cmpop], b: Num) -> Any:
    return part_compare(part_mul(a.top, b.bottom), op, part_mul(b.top, a.bottom))


def num_choose(condition: Any, a: Num, b: Num, *, condition_size: int = 0) -> Num:
    top = part_choose(condition, a.top, b.top, condition_size=condition_size)
    if a.bottom is None and b.bottom is None:
        return Num(top)
    one = whole(1, 0, a.live)
    bottom = part_choose(condition, a.bottom or one, b.bottom or one, condition_size=condition_size)
    return Num(top, bottom)


def num_size(a: Num) -> int:
    return a.top.size + (a.bottom.size if a.bottom is not None else 0)


def condition_size(condition: ast.AST, side_size: Callable[[ast.expr], int]) -> int:
    """How many of the formula's values an ``if_``'s condition repeats (SQL shares none): the
    sides of its comparisons, ``side_size`` giving each (1 for a literal, a name or ``age()``,
    a computed number's size as compared exactly). The checker and the compiler count alike."""
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return condition_size(condition.operand, side_size)
    if isinstance(condition, ast.BoolOp):
        return sum(condition_size(value, side_size) for value in condition.values)
    if isinstance(condition, ast.Compare):
        return sum(side_size(side) for side in (condition.left, *condition.comparators))
    return 1


def num_extremum(values: list[Num], *, largest: bool) -> Num:
    """``min``/``max`` skipping nulls, as DuckDB's and Spark's ``least``/``greatest`` do."""
    if all(value.bottom is None for value in values):
        scale = max(value.top.scale for value in values)
        tops = [_rescaled(value.top, scale) for value in values]
        bound = max(top.bound for top in tops)
        size = sum(top.size for top in tops)
        expr = None
        if values[0].live:
            pick = ibis.greatest if largest else ibis.least
            expr = pick(*[top.expr.cast(_decimal(bound)) for top in tops])
        return Num(_part(expr, bound, scale, size))
    result = values[0]
    for value in values[1:]:
        keep = num_compare(result, ast.GtE if largest else ast.LtE, value)
        if keep is not None:
            keep = keep.fill_null(False) | value.isnull()
        # The test repeats both values in each of the choice's parts, and the value once more
        # for its null check.
        result = num_choose(
            keep, result, value, condition_size=num_size(result) + 2 * num_size(value)
        )
    return result


def _grown(a: Part, size: int) -> Part:
    if size > MAX_SIZE:
        raise TooLarge
    return Part(a.expr, a.bound, a.scale, size)


def num_round(a: Num, limit: Decimal | None) -> Num:
    """``a`` rounded to a whole number, half away from zero (half up for amounts).

    ``limit`` bounds the result where it is used (an ``if_`` branch may bound it more than the
    rows it is not taken for, which get a bounded value never used). The quotient of two
    integers below 2**53 is exact in double precision once floored (IEEE division rounds
    correctly and an integer quotient is representable); larger ones are estimated that way
    and corrected by one.
    """
    if limit is None or limit >= MONEY_LIMIT:
        raise TooLarge
    live = a.live
    result_bound = int(limit) + 1
    one = whole(1, 0, live)
    # a = top/10**ts / (bottom/10**bs) = numerator / denominator, both integers
    bottom = a.bottom or one
    numerator = _integer(part_mul(a.top, whole(10**bottom.scale, 0, live)))
    denominator = _integer(part_mul(bottom, whole(10**a.top.scale, 0, live)))
    # half away from zero: sign(n) × floor((2|n| + d) / 2d)
    twice = whole(2, 0, live)
    absolute = Part(numerator.expr.abs() if live else None, numerator.bound, 0, numerator.size)
    dividend = part_add(part_mul(absolute, twice), denominator)
    divisor = part_mul(denominator, twice)
    if live:  # a row the value is not used for may have any divisor: never divide by zero
        divisor = Part(ibis.greatest(divisor.expr, 1), divisor.bound, 0, divisor.size)
    quotient: Any = None
    if dividend.bound < 2**53:
        size = dividend.size + divisor.size
        if live:
            ratio = dividend.expr.cast("float64") / divisor.expr.cast("float64")
            ratio = ibis.greatest(ibis.least(ratio, float(result_bound)), float(-result_bound))
            quotient = ratio.floor()
    else:
        estimate = Part(None, result_bound + 1, 0, dividend.size + divisor.size)
        if live:
            ratio = dividend.expr.cast("float64") / divisor.expr.cast("float64")
            limit_f = float(result_bound + 1)
            ratio = ibis.greatest(ibis.least(ratio, limit_f), -limit_f)
            estimate = _part(ratio.floor(), result_bound + 1, 0, estimate.size)
        remainder = part_add(dividend, part_neg(part_mul(estimate, divisor)))
        size = estimate.size + remainder.size * 2 + divisor.size
        if live:
            up = ibis.ifelse(remainder.expr >= divisor.expr, 1, 0)
            down = ibis.ifelse(remainder.expr < 0, 1, 0)
            quotient = estimate.expr + up - down
    if live:
        quotient = ibis.ifelse(numerator.expr < 0, -quotient, quotient)
    # The sign's test repeats the numerator, and the quotient is written twice: counted once,
    # nested roundings grew the SQL threefold a level (800 kB for two, and Spark's heap ran out).
    return Num(_part(quotient, result_bound + 1, 0, numerator.size + 2 * size))


def _integer(a: Part) -> Part:
    return Part(a.expr, a.bound, 0, a.size)


def as_int(a: Num) -> Any:
    """A whole number (scale 0, no bottom) as an Ibis int64."""
    assert a.bottom is None and a.top.scale == 0
    return a.top.expr.cast("int64")


QUOTIENT_SCALE = 10  # the decimal places of a decimal result outside an amount


def as_decimal(a: Num, limit: Decimal | None) -> Any:
    """A decimal result (a value some other part reads, not an amount) as an exact Ibis
    decimal; a fraction is first rounded half up to ``QUOTIENT_SCALE`` places."""
    if a.bottom is not None:
        shift = constant(10**QUOTIENT_SCALE, a.live)
        scaled = None if limit is None else limit * 10**QUOTIENT_SCALE
        rounded = num_round(num_mul(a, shift), scaled).top
        a = Num(Part(rounded.expr, rounded.bound, QUOTIENT_SCALE))
    top = a.top
    precision = digits(top.bound) + top.scale
    if precision + 2 * top.scale + 2 > MAX_DIGITS:
        raise TooLarge
    target = dt.Decimal(precision, top.scale)
    # an integer times 10**-scale: the product is exact in both engines at this precision
    unit = ibis.literal(Decimal(1).scaleb(-top.scale), type=dt.Decimal(top.scale + 1, top.scale))
    return (top.expr.cast(target) * unit).cast(target)


def parameter_facts(parameters: Mapping[str, Any]) -> dict[str, Fact]:
    """The facts of a rule file's numeric parameters (``loader.Parameter``): every dated value."""
    return {
        name: values_fact([v.value for v in parameter.values])
        for name, parameter in parameters.items()
        if parameter.type in {"int", "decimal"} and parameter.values
    }
