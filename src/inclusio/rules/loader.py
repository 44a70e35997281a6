"""Programme files (YAML) → checked ``Programme`` objects; every refusal names file and line."""

from __future__ import annotations

import datetime
import itertools
import keyword
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from inclusio.countries.shared import SharedParameters
from inclusio.rules.errors import Count, RuleError, _
from inclusio.rules.exact import Fact, parameter_facts
from inclusio.rules.exclusive import Exclusive, read_exclusive
from inclusio.rules.expressions import (
    AGGREGATES,
    FUNCTIONS,
    Expression,
    Type,
    check_amount,
    check_expression,
)
from inclusio.rules.families import (
    AGGREGATE_FUNCTIONS,
    INCOME_NAMES,
    Income,
    MemberAggregate,
    read_aggregates,
    read_income,
)
from inclusio.rules.life import EXPLAIN as LIFE_EXPLAIN
from inclusio.rules.life import LIFE_CONDITIONS
from inclusio.rules.periods import read_period
from inclusio.rules.rates import RATE, check_rate
from inclusio.rules.reading import compose, line_of, read_text, scalar, shown
from inclusio.snapshot.contract import SCHEMAS

if TYPE_CHECKING:
    from inclusio.rules.assessment import Assessment

ENTITIES = ("person", "family")
LANGUAGES = ("kk", "ru", "en")
SCREENING_DATE = "screening_date"  # the date being screened, a name in every expression
RESERVED = frozenset(
    {"subject_id", "eligible", "amount_kzt", SCREENING_DATE}
    | {"cared_count", "care_relation", "care_since"}  # the carer programmes' names
    | {"member_count", *INCOME_NAMES}  # the family programmes' names
    | set(LIFE_CONDITIONS)  # the conditions every person programme carries (rules.life)
)
_TOP_KEYS = frozenset(
    {
        "id",
        "titles",
        "reference",
        "entity",
        "parameters",
        "shared",
        "conditions",
        "eligible",
        "amount",
        "rate",
        "exclusive",
        "period",
        "proration",
        "valid",
        "cared",
        "members",
        "assignment",
        "explain",
        "kind",
    }
)
KINDS = ("programme", "assessment")  # a rule file's ``kind``; programme when not given
ASSIGNMENTS = ("consent", "automatic")  # how an award is made: on the person's consent, or not
MEMBER_COUNT = "member_count"  # per family: how many members meet the ``members`` conditions
CARED_COUNT = "cared_count"  # per carer: how many cared persons meet the ``cared`` conditions
CARE_COLUMNS = {"care_relation": Type.STRING, "care_since": Type.DATE}
_CARED_KEYS = frozenset({"conditions", "earliest_carer_only"})
_MEMBERS_KEYS = frozenset({"conditions", "aggregates", "income"})
# The rule-language type of a shared parameter's kind (inclusio.countries.shared.KINDS).
SHARED_KINDS = {"money": Type.INT, "decimal": Type.DECIMAL}
# Ids and names are ASCII: a full-width "ａdult" would otherwise be another id than "adult" in a
# file and the same name once Python's parser folds it (NFKC) in an expression.
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
MAX_NAME_LENGTH = 64
MAX_CONDITIONS = 100  # per section (the programme's, cared, members); the largest file has 4
MAX_PARAMETERS = 100  # a file's own and shared parameters together
MAX_PARAMETER_VALUES = 200  # dated values of one parameter: monthly for sixteen years


def is_name(text: str) -> bool:
    """``lower_case_with_underscores`` in ASCII, at least one letter, not a Python keyword."""
    return (
        bool(_NAME.match(text))
        and any(c.isalpha() for c in text)
        and len(text) <= MAX_NAME_LENGTH
        and not keyword.iskeyword(text)
    )


def name_problem(text: str) -> tuple[str, dict[str, object]]:
    """Why ``text`` is not a name: the message and its parameters."""
    odd = next((c for c in text if not c.isascii()), None)
    if odd is not None:
        message = _(
            "%(name)r: names are ASCII only (lower-case letters a-z, digits, '_'); "
            "%(character)r is %(code)s"
        )
        return message, {"name": shown(text), "character": odd, "code": f"U+{ord(odd):04X}"}
    if len(text) > MAX_NAME_LENGTH:
        message = _("%(name)r: a name has at most %(most)s characters")
        return message, {"name": shown(text), "most": MAX_NAME_LENGTH}
    if keyword.iskeyword(text):
        return _("%(name)r is a word of the rule language, not a name"), {"name": text}
    return _("%(name)r: names must be lower_case_with_underscores"), {"name": shown(text)}


def at_most(count: int, limit: int, what: str, node: Node, file: str) -> None:
    """Refuse more than ``limit`` entries in the section ``what`` (its key, as written)."""
    if count > limit:
        raise RuleError(
            _("too many %(what)s: %(count)s (at most %(most)s)"),
            file=file,
            line=line_of(node),
            what=what,
            count=Count(count),
            most=Count(limit),
        )


def arrow_type(data_type: pa.DataType) -> Type:
    if pa.types.is_boolean(data_type):
        return Type.BOOL
    if pa.types.is_integer(data_type):
        return Type.INT
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return Type.DECIMAL
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return Type.STRING
    if pa.types.is_date(data_type):
        return Type.DATE
    raise TypeError(f"no rule-language type for {data_type}")  # pragma: no cover


def person_columns() -> dict[str, Type]:
    """The columns of the person-level table: persons, and their disability record if any."""
    columns = {f.name: arrow_type(f.type) for f in SCHEMAS["persons"]}
    columns[SCREENING_DATE] = Type.DATE
    for f in SCHEMAS["disability"]:
        if f.name != "iin":
            columns[f.name] = arrow_type(f.type)
    return columns


def cared_columns() -> dict[str, Type]:
    """The columns of a care link seen from the cared person: the cared person's own columns
    (persons and disability) and the link's ``care_relation`` and ``care_since``."""
    columns = person_columns()
    columns.update(CARE_COLUMNS)
    return columns


# A legal reference: per language of LANGUAGES; a shared parameter's is one text, as entered.
Reference = dict[str, str] | str


@dataclass(frozen=True)
class ParameterValue:
    effective: datetime.date
    value: Any
    reference: Reference
    line: int
    # A value the law does not give (the demonstration's example): pages say so in plain words.
    illustrative: bool = False


@dataclass(frozen=True)
class Parameter:
    name: str
    type: Type
    values: tuple[ParameterValue, ...]  # ascending by effective date
    file: str
    line: int

    def value_on(self, on: datetime.date) -> ParameterValue:
        """The value in force on ``on``: the latest effective date ≤ ``on``. Never a default."""
        current = None
        for value in self.values:
            if value.effective <= on:
                current = value
        if current is None and not self.values:
            raise RuleError(
                _("parameter %(name)r has no value on %(date)s: it has no value yet"),
                file=self.file,
                line=self.line,
                name=self.name,
                date=on.isoformat(),
            )
        if current is None:
            raise RuleError(
                _(
                    "parameter %(name)r has no value on %(date)s: its first value takes effect "
                    "on %(first)s"
                ),
                file=self.file,
                line=self.line,
                name=self.name,
                date=on.isoformat(),
                first=self.values[0].effective.isoformat(),
            )
        return current


@dataclass(frozen=True)
class Condition:
    name: str
    expression: Expression


@dataclass(frozen=True)
class Cared:
    """A carer programme's per-cared-person test: a care link counts for its carer when every
    condition holds for the cared person; with ``earliest_carer_only`` a cared person counts only
    for the carer with the earliest ``care_since`` among the links that qualify (ties: smallest
    carer IIN)."""

    conditions: tuple[Condition, ...]
    earliest_carer_only: bool
    line: int


@dataclass(frozen=True)
class Members:
    """A family programme's per-member test: ``member_count`` counts the members of a family
    for whom every condition holds (all of them without conditions); ``aggregates`` and
    ``income`` are family-level names over them (``inclusio.rules.families``)."""

    conditions: tuple[Condition, ...]
    line: int
    aggregates: dict[str, MemberAggregate] = field(default_factory=dict)
    income: Income | None = None


def family_columns() -> dict[str, Type]:
    """The columns a family programme's own conditions read (besides ``member_count``)."""
    return {"family_id": Type.INT, SCREENING_DATE: Type.DATE}


@dataclass(frozen=True)
class Programme:
    kind: ClassVar[str] = "programme"  # an Assessment's is "assessment"

    id: str
    titles: dict[str, str]
    reference: dict[str, str]  # per language of LANGUAGES
    entity: str
    parameters: dict[str, Parameter]
    conditions: tuple[Condition, ...]
    eligible: Expression | None  # None: all conditions
    amount: Expression | None  # None: an entitlement without money
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    file: str
    columns: dict[str, Type] = field(default_factory=dict)
    cared: Cared | None = None  # None: eligibility does not depend on cared persons
    members: Members | None = None  # a family programme's test of its members
    assignment: str = "consent"  # "consent": offered, then awarded on consent; or "automatic"
    rate: Expression | None = None  # a share of a price (0..1) instead of money (rules.rates)
    exclusive: Exclusive | None = None  # its exclusivity group (rules.exclusive)
    period: str = "month"  # the amount is paid every month, or "once" (rules.periods)
    proration: str | None = None  # "daily": a month screened by month is paid by the day
    # Plain-language sentences per condition or parameter name, in each of LANGUAGES.
    explain: dict[str, dict[str, str]] = field(default_factory=dict)

    def in_force(self, on: datetime.date) -> bool:
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_until is None or on <= self.valid_until


# Every loader takes the country's shared parameters (``inclusio.countries.shared``): a file's
# ``shared`` names are looked up there, and their dated values become the file's parameters as
# if written in it. Without them, a file that names a shared parameter is refused.


def load_programme(path: Path | str, *, shared: SharedParameters | None = None) -> Programme:
    path = Path(path)
    return load_programme_text(read_text(path), file=str(path), shared=shared)


def load_programme_text(
    text: str, *, file: str = "<rule>", shared: SharedParameters | None = None
) -> Programme:
    root = compose(text, file)
    return _Reader(file, shared).programme(root)


def load_rule_file(
    path: Path | str, *, shared: SharedParameters | None = None
) -> Programme | Assessment:
    """A programme or an assessment, by the file's ``kind``."""
    path = Path(path)
    return load_rule_text(read_text(path), file=str(path), shared=shared)


def load_rule_text(
    text: str, *, file: str = "<rule>", shared: SharedParameters | None = None
) -> Programme | Assessment:
    root = compose(text, file)
    if rule_kind(root, file) == "assessment":
        from inclusio.rules.assessment import read_assessment  # it builds on this module

        return read_assessment(root, file, shared)
    return _Reader(file, shared).programme(root)


def rule_kind(root: Node, file: str) -> str:
    """The ``kind`` of a rule file's top mapping: ``programme`` unless it says otherwise."""
    top = mapping(root, file, None)
    if "kind" not in top:
        return "programme"
    node = top["kind"][1]
    kind = scalar(node, file)
    if kind not in KINDS:
        raise RuleError(
            _("kind must be one of %(allowed)s"),
            file=file,
            line=line_of(node),
            allowed=", ".join(KINDS),
        )
    return str(kind)


def mapping(node: Node, file: str, what: str | None) -> dict[str, tuple[Node, Node]]:
    """A mapping's entries by key, in order, with their key nodes (for the line). ``what`` names
    it in a refusal by its key as written (``titles``, ``parameters.x``); None: the file's top."""
    if not isinstance(node, MappingNode):
        if what is None:
            raise RuleError(_("a rule file must be a mapping"), file=file, line=line_of(node))
        raise RuleError(_("%(what)s must be a mapping"), file=file, line=line_of(node), what=what)
    entries: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in node.value:
        key = scalar(key_node, file)
        if not isinstance(key, str):
            message = _("keys must be names") if what is None else _("%(what)s: keys must be names")
            raise RuleError(message, file=file, line=line_of(key_node), what=what)
        if key in entries:
            message = (
                _("%(key)r given twice") if what is None else _("%(what)s: %(key)r given twice")
            )
            raise RuleError(message, file=file, line=line_of(key_node), what=what, key=key)
        entries[key] = (key_node, value_node)
    return entries


def expression_line(node: Node) -> int:
    """The file line of an expression's first line (block scalars start on the next line)."""
    line = line_of(node)
    if isinstance(node, ScalarNode) and node.style in {"|", ">"}:
        line += 1
    return line


def value_type(value: Any) -> Type | None:
    if isinstance(value, bool):
        return Type.BOOL
    if isinstance(value, int):
        return Type.INT
    if isinstance(value, Decimal):
        return Type.DECIMAL
    if isinstance(value, str):
        return Type.STRING
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return Type.DATE
    return None


class _Reader:
    def __init__(self, file: str, shared: SharedParameters | None = None) -> None:
        self.file = file
        self.shared: SharedParameters = shared or {}
        self.facts: dict[str, Fact] = {}  # the parameters' (exact.parameter_facts)

    def fail(self, node: Node, message: str, **params: object) -> RuleError:
        return RuleError(message, file=self.file, line=line_of(node), **params)

    def text(self, node: Node, what: str) -> str:
        value = scalar(node, self.file)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, _("%(what)s must be a non-empty text"), what=what)
        return value

    def date(self, node: Node, what: str) -> datetime.date | None:
        value = scalar(node, self.file)
        if value is None:
            return None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise self.fail(node, _("%(what)s must be a date (YYYY-MM-DD)"), what=what)
        return value

    def programme(self, root: Node) -> Programme:
        top = mapping(root, self.file, None)
        if rule_kind(root, self.file) == "assessment":
            raise self.fail(
                top["kind"][1],
                _(
                    "this is an assessment (kind: assessment), not a programme: "
                    "load it with load_rule_file"
                ),
            )
        for key, (key_node, _value) in top.items():
            if key not in _TOP_KEYS:
                raise self.fail(
                    key_node,
                    _("unknown key %(key)r (allowed: %(allowed)s)"),
                    key=key,
                    allowed=sorted(_TOP_KEYS),
                )
        for key in ("id", "titles", "reference", "entity", "conditions"):
            if key not in top:
                raise self.fail(root, _("missing key %(key)r"), key=key)

        programme_id = self.text(top["id"][1], "id")
        if not is_name(programme_id):
            message, params = name_problem(programme_id)
            raise self.fail(top["id"][1], message, **params)
        titles = {}
        entries = mapping(top["titles"][1], self.file, "titles")
        for language in LANGUAGES:
            if language not in entries:
                raise self.fail(
                    top["titles"][1], _("%(what)s: missing %(key)r"), what="titles", key=language
                )
            titles[language] = self.text(entries[language][1], f"titles.{language}")
        reference = self.languages(top["reference"][1], "reference")
        entity_node = top["entity"][1]
        entity = scalar(entity_node, self.file)
        if entity not in ENTITIES:
            raise self.fail(
                entity_node, _("entity must be one of %(allowed)s"), allowed=", ".join(ENTITIES)
            )
        if entity == "family" and "members" not in top:
            raise self.fail(entity_node, _("entity 'family' needs a 'members' section"))
        if entity == "person" and "members" in top:
            raise self.fail(top["members"][0], _("'members' is for entity 'family' only"))
        if entity == "family" and "cared" in top:
            raise self.fail(top["cared"][0], _("'cared' is for entity 'person' only"))

        valid_from = valid_until = None
        if "valid" in top:
            valid = mapping(top["valid"][1], self.file, "valid")
            for key, (key_node, _value) in valid.items():
                if key not in {"from", "until"}:
                    raise self.fail(key_node, _("valid: only 'from' and 'until'"))
            if "from" in valid:
                valid_from = self.date(valid["from"][1], "valid.from")
            if "until" in valid:
                valid_until = self.date(valid["until"][1], "valid.until")
            if valid_from and valid_until and valid_until < valid_from:
                raise self.fail(top["valid"][1], _("valid.until is before valid.from"))

        columns = person_columns() if entity == "person" else family_columns()
        every_column = {**person_columns(), **family_columns()}
        parameters = self.all_parameters(top, every_column)
        self.facts = parameter_facts(parameters)
        names: dict[str, Type] = dict(columns)
        names.update({name: p.type for name, p in parameters.items()})
        zero = frozenset(
            name for name, p in parameters.items() if any(v.value == 0 for v in p.values)
        )
        cared = None
        if "cared" in top:
            cared = self.cared(top["cared"][1], parameters, zero)
            names[CARED_COUNT] = Type.INT
        members = None
        if "members" in top:
            members = self.members(top["members"][1], parameters, zero, names)
            names[MEMBER_COUNT] = Type.INT

        conditions = self.condition_list(top["conditions"][1], names, zero, None)

        eligible = None
        if "eligible" in top:
            eligible = self.expression(top["eligible"][1], names, zero)
            if eligible.type != Type.BOOL:
                raise self.fail(
                    top["eligible"][1],
                    _("eligible must be a bool, not %(type)s"),
                    type=eligible.type,
                )
        amount = None
        if "amount" in top and scalar_or_none(top["amount"][1]) is not None:
            amount = self.expression(top["amount"][1], names, zero)
            if amount.type not in {Type.INT, Type.DECIMAL}:
                raise self.fail(
                    top["amount"][1], _("amount must be a number, not %(type)s"), type=amount.type
                )
            check_amount(amount)

        rate = None
        if "rate" in top:
            if amount is not None:
                raise self.fail(top["rate"][0], _("give an amount (money) or a rate, not both"))
            rate = self.expression(top["rate"][1], names, zero)
            if rate.type not in {Type.INT, Type.DECIMAL}:
                raise self.fail(
                    top["rate"][1], _("rate must be a number, not %(type)s"), type=rate.type
                )
            check_rate(rate, parameters)
            if any(condition.name == RATE for condition in conditions):
                raise self.fail(
                    top["rate"][0],
                    _("%(name)r is the result column of a rate: rename the condition"),
                    name=RATE,
                )

        exclusive = read_exclusive(self, top["exclusive"][1]) if "exclusive" in top else None
        period, proration = read_period(self, top, amount is not None)

        assignment = "consent"
        if "assignment" in top:
            assignment = scalar(top["assignment"][1], self.file)
            if assignment not in ASSIGNMENTS:
                raise self.fail(
                    top["assignment"][1],
                    _("assignment must be one of %(allowed)s"),
                    allowed=", ".join(ASSIGNMENTS),
                )
        explainable = [*parameters, *(c.name for c in conditions)]
        for section in (cared, members):
            if section is not None:
                explainable += [c.name for c in section.conditions]
        explain = self.explain(top["explain"][1], explainable) if "explain" in top else {}
        sections = [section.conditions for section in (cared, members) if section is not None]
        for condition in itertools.chain(*sections, conditions):
            if condition.name not in explain:
                raise RuleError(
                    _(
                        "explain: the condition %(name)r has no plain-language text; "
                        "every condition is explained to the person, in kk, ru and en"
                    ),
                    file=self.file,
                    line=condition.expression.line,
                    name=condition.name,
                )
        if entity == "person":  # the life-event conditions the compiler adds (rules.life)
            explain.update(LIFE_EXPLAIN)

        return Programme(
            id=programme_id,
            titles=titles,
            reference=reference,
            entity=entity,
            parameters=parameters,
            conditions=conditions,
            eligible=eligible,
            amount=amount,
            valid_from=valid_from,
            valid_until=valid_until,
            file=self.file,
            columns=columns,
            cared=cared,
            members=members,
            assignment=assignment,
            explain=explain,
            rate=rate,
            exclusive=exclusive,
            period=period,
            proration=proration,
        )

    def explain(self, node: Node, names: list[str]) -> dict[str, dict[str, str]]:
        """``explain``: for a condition or parameter name, its plain-language text per language."""
        result: dict[str, dict[str, str]] = {}
        for name, (key_node, value_node) in mapping(node, self.file, "explain").items():
            if name not in names:
                raise self.fail(
                    key_node, _("explain: %(name)r is not a condition or parameter"), name=name
                )
            if names.count(name) > 1:
                raise self.fail(
                    key_node,
                    _("explain: %(name)r names two conditions; rename one of them"),
                    name=name,
                )
            result[name] = self.languages(value_node, f"explain.{name}")
        return result

    def languages(self, node: Node, what: str) -> dict[str, str]:
        """A ``{kk, ru, en}`` mapping of non-empty texts, no other key."""
        entries = mapping(node, self.file, what)
        for key, (key_node, _value) in entries.items():
            if key not in LANGUAGES:
                raise self.fail(
                    key_node, _("%(what)s: unknown language %(key)r"), what=what, key=key
                )
        texts = {}
        for language in LANGUAGES:
            if language not in entries:
                raise self.fail(node, _("%(what)s: missing %(key)r"), what=what, key=language)
            texts[language] = self.text(entries[language][1], f"{what}.{language}")
        return texts

    def reference(self, node: Node, what: str) -> Reference:
        """A parameter value's reference: ``{kk, ru, en}``, or one text that reads the same in
        every language (a law's number and date)."""
        if isinstance(node, MappingNode):
            return self.languages(node, what)
        return self.text(node, what)

    def members(
        self,
        node: Node,
        parameters: dict[str, Parameter],
        zero: frozenset[str],
        family: dict[str, Type],
    ) -> Members:
        """``members``: who counts (``conditions``), and the family-level ``aggregates`` and
        ``income`` over them, whose names join ``family``."""
        section = mapping(node, self.file, "members")
        for key, (key_node, _value) in section.items():
            if key not in _MEMBERS_KEYS:
                raise self.fail(
                    key_node,
                    _("%(what)s: unknown key %(key)r (allowed: %(allowed)s)"),
                    what="members",
                    key=key,
                    allowed=sorted(_MEMBERS_KEYS),
                )
        if not section:
            raise self.fail(node, _("members: give conditions, aggregates or income"))
        names: dict[str, Type] = person_columns()
        names.update({name: p.type for name, p in parameters.items()})
        conditions: tuple[Condition, ...] = ()
        if "conditions" in section:
            conditions = self.condition_list(section["conditions"][1], names, zero, "members")
        aggregates = {}
        if "aggregates" in section:
            aggregates = read_aggregates(self, section["aggregates"][1], names, family, zero)
        income = None
        if "income" in section:
            income = read_income(self, section["income"][1])
            family.update(INCOME_NAMES)
        return Members(conditions, line_of(node), aggregates, income)

    def condition_list(
        self, node: Node, names: dict[str, Type], zero: frozenset[str], section: str | None
    ) -> tuple[Condition, ...]:
        """The conditions of the programme (section None) or of its members/cared section; each
        name becomes a boolean that later conditions may use."""
        where = f"{section}.conditions" if section else "conditions"
        entries = mapping(node, self.file, where)
        if not entries:
            if section:
                raise self.fail(node, _("%(what)s: at least one condition"), what=section)
            raise self.fail(node, _("a programme needs at least one condition"))
        at_most(len(entries), MAX_CONDITIONS, where, node, self.file)
        conditions: list[Condition] = []
        for name, (key_node, value_node) in entries.items():
            self.new_name(name, key_node, names)
            expression = self.expression(value_node, names, zero)
            if expression.type != Type.BOOL:
                raise self.fail(
                    value_node,
                    _("%(what)s: the condition %(name)r must be true or false, not %(type)s"),
                    what=where,
                    name=name,
                    type=expression.type,
                )
            conditions.append(Condition(name, expression))
            names[name] = Type.BOOL
        return tuple(conditions)

    def cared(self, node: Node, parameters: dict[str, Parameter], zero: frozenset[str]) -> Cared:
        section = mapping(node, self.file, "cared")
        for key, (key_node, _value) in section.items():
            if key not in _CARED_KEYS:
                raise self.fail(
                    key_node,
                    _("%(what)s: unknown key %(key)r (allowed: %(allowed)s)"),
                    what="cared",
                    key=key,
                    allowed=sorted(_CARED_KEYS),
                )
        if "conditions" not in section:
            raise self.fail(
                node, _("%(what)s: missing key %(key)r"), what="cared", key="conditions"
            )
        earliest = False
        if "earliest_carer_only" in section:
            earliest = scalar(section["earliest_carer_only"][1], self.file)
            if not isinstance(earliest, bool):
                raise self.fail(
                    section["earliest_carer_only"][1],
                    _("%(what)s must be true or false"),
                    what="cared.earliest_carer_only",
                )
        names: dict[str, Type] = cared_columns()
        names.update({name: p.type for name, p in parameters.items()})
        conditions = self.condition_list(section["conditions"][1], names, zero, "cared")
        return Cared(conditions, earliest, line_of(node))

    def new_name(self, name: str, node: Node, names: dict[str, Type]) -> None:
        if not is_name(name):
            message, params = name_problem(name)
            raise self.fail(node, message, **params)
        if name in RESERVED:
            raise self.fail(node, _("%(name)r is reserved for the result columns"), name=name)
        if name in names:
            raise self.fail(
                node, _("%(name)r is already a column, parameter or condition"), name=name
            )
        if name in FUNCTIONS or name in AGGREGATES or name in AGGREGATE_FUNCTIONS:
            raise self.fail(node, _("%(name)r is a function of the rule language"), name=name)

    def expression(self, node: Node, names: dict[str, Type], zero: frozenset[str]) -> Expression:
        if not isinstance(node, ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, _("an expression must be written as text"))
        source = str(node.value)  # the text as written: 1.61 stays exact
        return check_expression(
            source,
            names,
            file=self.file,
            line=expression_line(node),
            zero_names=zero,
            facts=self.facts,
        )

    def all_parameters(
        self, top: dict[str, tuple[Node, Node]], columns: dict[str, Type]
    ) -> dict[str, Parameter]:
        """The shared parameters the file names (``shared``), then its own (``parameters``)."""
        names: dict[str, Type] = dict(columns)
        result = self.shared_parameters(top["shared"][1], names) if "shared" in top else {}
        if "parameters" in top:
            result.update(self.parameters(top["parameters"][1], names))
        if len(result) > MAX_PARAMETERS:
            where = top["parameters"][1] if "parameters" in top else top["shared"][1]
            at_most(len(result), MAX_PARAMETERS, "parameters", where, self.file)
        return result

    def shared_parameters(self, node: Node, names: dict[str, Type]) -> dict[str, Parameter]:
        """``shared: [name, …]``: the country's parameters the file reads, with their values."""
        if not isinstance(node, SequenceNode) or not node.value:
            raise self.fail(node, _("shared: a list of the country's parameter names"))
        result: dict[str, Parameter] = {}
        for item in node.value:
            name = scalar(item, self.file)
            if not isinstance(name, str):
                raise self.fail(item, _("shared: a list of the country's parameter names"))
            if name not in self.shared:
                if not self.shared:
                    raise self.fail(
                        item,
                        _("unknown shared parameter %(name)r (the country's are: none)"),
                        name=name,
                    )
                raise self.fail(
                    item,
                    _("unknown shared parameter %(name)r (the country's are: %(known)s)"),
                    name=name,
                    known=", ".join(sorted(self.shared)),
                )
            self.new_name(name, item, names)
            parameter = self.shared[name]
            kind = SHARED_KINDS[parameter.kind]
            line = line_of(item)
            values = tuple(
                ParameterValue(v.effective, v.value, v.reference, line) for v in parameter.values
            )
            result[name] = Parameter(name, kind, values, self.file, line)
            names[name] = kind
        return result

    def parameters(self, node: Node, names: dict[str, Type]) -> dict[str, Parameter]:
        """The file's own dated parameters; ``names`` (columns, shared parameters) grows."""
        result: dict[str, Parameter] = {}
        for name, (key_node, value_node) in mapping(node, self.file, "parameters").items():
            if name in self.shared:
                raise self.fail(
                    key_node,
                    _(
                        "%(name)r is a shared parameter of the country: name it under 'shared' "
                        "instead of copying its values"
                    ),
                    name=name,
                )
            self.new_name(name, key_node, names)
            if not isinstance(value_node, SequenceNode) or not value_node.value:
                raise self.fail(
                    value_node,
                    _("parameter %(name)r: a list of {effective, value, reference} entries"),
                    name=name,
                )
            where = f"parameters.{name}"
            count = len(value_node.value)
            if count > MAX_PARAMETER_VALUES:
                raise self.fail(
                    value_node,
                    _("too many values of %(name)r: %(count)s (at most %(most)s)"),
                    name=name,
                    count=Count(count),
                    most=Count(MAX_PARAMETER_VALUES),
                )
            values: list[ParameterValue] = []
            kinds: set[Type] = set()
            for item in value_node.value:
                entry = mapping(item, self.file, where)
                for key in ("effective", "value", "reference"):
                    if key not in entry:
                        raise self.fail(
                            item, _("parameter %(name)r: missing %(key)r"), name=name, key=key
                        )
                extra = set(entry) - {"effective", "value", "reference", "illustrative"}
                if extra:
                    raise self.fail(
                        item,
                        _("parameter %(name)r: unknown keys %(keys)s"),
                        name=name,
                        keys=sorted(extra),
                    )
                effective = self.date(entry["effective"][1], "effective")
                if effective is None:
                    raise self.fail(entry["effective"][1], _("effective must be a date"))
                value = scalar(entry["value"][1], self.file)
                kind = value_type(value)
                if kind is None:
                    raise self.fail(
                        entry["value"][1],
                        _("parameter %(name)r: value must be a number, bool, text or date"),
                        name=name,
                    )
                kinds.add(kind)
                reference = self.reference(entry["reference"][1], f"{where}.reference")
                illustrative = False
                if "illustrative" in entry:
                    illustrative = scalar(entry["illustrative"][1], self.file)
                    if not isinstance(illustrative, bool):
                        raise self.fail(
                            entry["illustrative"][1],
                            _("parameter %(name)r: illustrative must be true or false"),
                            name=name,
                        )
                values.append(
                    ParameterValue(effective, value, reference, line_of(item), illustrative)
                )
            values.sort(key=lambda v: v.effective)
            for before, after in itertools.pairwise(values):
                if before.effective == after.effective:
                    raise self.fail(
                        key_node,
                        _("parameter %(name)r: two values take effect the same day"),
                        name=name,
                    )
            if kinds == {Type.INT, Type.DECIMAL}:
                kind = Type.DECIMAL
                values = [
                    ParameterValue(
                        v.effective, Decimal(v.value), v.reference, v.line, v.illustrative
                    )
                    for v in values
                ]
            elif len(kinds) == 1:
                kind = kinds.pop()
            else:
                raise self.fail(
                    key_node, _("parameter %(name)r: values of different types"), name=name
                )
            result[name] = Parameter(name, kind, tuple(values), self.file, line_of(key_node))
            names[name] = kind
        return result


def scalar_or_none(node: Node) -> Any:
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return None
    return node
