"""The one way a rule file's YAML is read: programmes, assessments, rule tests and drafts alike.

Every refusal is a ``RuleError`` with the file and line; nothing here raises anything else on any
input (a file of any bytes, any size, any nesting). The reading is YAML 1.2's core schema with
two narrowings (docs/rules.md, "What the loader refuses"):

- only ``true``/``false`` are booleans, ``040567`` is forty thousand…, and a plain value that a
  YAML 1.1 reader (PyYAML's ``safe_load``, many editors) reads as something else is refused
  rather than guessed: ``yes``, ``on``, ``040567``, ``1_000``, ``1e3``, ``0o17``, ``1:20``;
- no anchors or aliases, no tags, no merge keys, no complex keys, no key given twice; limits on
  the file's size, its nesting and its number of values; numbers finite and within bounds.
"""

from __future__ import annotations

import codecs
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from inclusio.rules.errors import Count, RuleError, _

MAX_FILE_BYTES = 256 * 1024  # the largest country file is 7 KB; a what-if draft ≤ 100,000 chars
MAX_YAML_DEPTH = 12  # nested mappings and lists; the country's files nest 6 deep at most
MAX_YAML_NODES = 20_000  # values, keys included, in one file
MAX_INTEGER_DIGITS = 15  # |n| < 10**15: any sum of tenge the state pays, and room to multiply
MAX_DECIMAL_WHOLE_DIGITS = 12  # a decimal fits DECIMAL(18, 6): 12 digits before the point…
MAX_DECIMAL_PLACES = 6  # …and 6 after

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
DATE = "tag:yaml.org,2002:timestamp"
STR = "tag:yaml.org,2002:str"
MERGE_KEY = "<<"

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


class _Core12Resolver(BaseResolver):
    """YAML 1.2's core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus
    ``YYYY-MM-DD`` dates, which the rule files use for every effective date."""


for _tag, _pattern, _first in (
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
    (DATE, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", list("0123456789")),
):
    _Core12Resolver.add_implicit_resolver(_tag, re.compile(_pattern), _first)


class _Yaml11Resolver(yaml.resolver.Resolver):
    """PyYAML's YAML 1.1 reading, used only to find the plain values it reads differently."""


_YAML11 = _Yaml11Resolver()


def shown(text: str) -> str:
    """A value as a message quotes it: at most 24 characters."""
    return text if len(text) <= 24 else text[:20] + "…"


def _refusal(message: str, file: str, mark: Any, **params: object) -> RuleError:
    line = int(mark.line) + 1 if mark is not None else None
    return RuleError(message, file=file, line=line, **params)


class _Composer(Reader, Scanner, Parser, Composer, _Core12Resolver):
    def __init__(self, text: str, file: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Core12Resolver.__init__(self)
        self.file = file
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _refusal(
                _("anchors and aliases (& and *) are not allowed: write each value out"),
                self.file,
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _refusal(
                _("tags (%(tag)s) are not allowed: write plain values, and quote a text"),
                self.file,
                event.start_mark,
                tag=tag,
            )
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise _refusal(
                _("too many values: a rule file holds at most %(most)s"),
                self.file,
                event.start_mark,
                most=Count(MAX_YAML_NODES),
            )
        nested = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                raise _refusal(
                    _("nested too deeply: at most %(most)s levels of mappings and lists"),
                    self.file,
                    event.start_mark,
                    most=MAX_YAML_DEPTH,
                )
        node = super().compose_node(parent, index)
        assert node is not None  # a node event was peeked above
        if nested:
            self.depth -= 1
        if isinstance(event, ScalarEvent) and event.implicit[0]:
            _same_in_yaml11(node, self.file)
        return node

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        node: MappingNode = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], Node] = {}
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                raise _refusal(_("a key must be a single value"), self.file, key.start_mark)
            if key.value == MERGE_KEY and key.style is None:
                raise _refusal(
                    _("merge keys (<<) are not allowed: write the entries out"),
                    self.file,
                    key.start_mark,
                )
            identity = (key.tag, key.value)
            if identity in seen:
                first = line_of(seen[identity])
                raise _refusal(
                    _("%(key)r is given twice (first on line %(first)s)"),
                    self.file,
                    key.start_mark,
                    key=shown(key.value),
                    first=first,
                )
            seen[identity] = key
        return node


def _same_in_yaml11(node: Node, file: str) -> None:
    """Refuse a plain value that a YAML 1.1 reader reads as another value."""
    assert isinstance(node, ScalarNode)
    older = _YAML11.resolve(ScalarNode, node.value, (True, False))
    if older not in {NULL, BOOL, INT, FLOAT, DATE}:  # its merge and value keys are texts in 1.2
        older = STR
    if older == node.tag and (node.tag != INT or _yaml11_int(node.value) == _int(node.value)):
        return
    if node.tag == INT and len(node.value) > 40:
        return  # refused as out of bounds when read
    text = shown(node.value)
    plain = _plain_number(node) if node.tag in {INT, FLOAT} else None
    if plain is not None:
        message = _(
            "%(value)r is read differently by YAML readers (YAML 1.2 and YAML 1.1 disagree): "
            "write it as %(number)s"
        )
    elif older == BOOL:
        message = _(
            "%(value)r is read differently by YAML readers (YAML 1.2 and YAML 1.1 disagree): "
            "write true or false, or quote it if it is a text"
        )
    elif older == DATE:
        message = _(
            "%(value)r is read differently by YAML readers (YAML 1.2 and YAML 1.1 disagree): "
            "a date is written YYYY-MM-DD; quote it if it is a text"
        )
    else:
        message = _(
            "%(value)r is read differently by YAML readers (YAML 1.2 and YAML 1.1 disagree): "
            "quote it if it is a text, or write a number with digits and one '.' only"
        )
    raise RuleError(message, file=file, line=line_of(node), value=text, number=plain)


def _yaml11_int(text: str) -> int | None:
    if len(text) > 40:
        return None
    try:
        value = yaml.SafeLoader("").construct_yaml_int(ScalarNode(INT, text))
    except ValueError:  # pragma: no cover - the 1.1 resolver said int
        return None
    return int(value)


def _plain_number(node: ScalarNode) -> str | None:
    """The number as YAML 1.2 reads it, written plainly; None for one that is not finite."""
    if node.tag == INT:
        return str(_int(node.value))
    number = _yaml_decimal(node.value)
    return format(number, "f") if number.is_finite() else None


def _int(text: str) -> int:
    """A YAML 1.2 integer: decimal (leading zeros do not make it octal), 0o…, 0x…; one of more
    than 40 characters is read as 10**40, out of bounds all the same (Python refuses to
    convert more than 4,300 digits)."""
    if len(text) > 40:
        return 10**40
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


def decode(data: bytes, file: str) -> str:
    """A file's bytes as text: UTF-8 (a byte-order mark is allowed), or UTF-16 with its mark."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data), file)
    if b"\0" in data and not data.startswith(_UTF16_BOMS + _UTF32_BOMS):
        raise RuleError(
            _("the file holds NUL bytes (UTF-16 without a byte-order mark?): save it as UTF-8"),
            file=file,
            line=data[: data.index(b"\0")].count(b"\n") + 1,
        )
    if data.startswith(_UTF32_BOMS):
        raise RuleError(_("the file is UTF-32: save it as UTF-8"), file=file, line=1)
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            line = data[: error.start].decode("utf-16", errors="replace").count("\n") + 1
            raise RuleError(
                _("not valid UTF-16 text: save the file as UTF-8"), file=file, line=line
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise RuleError(
            _(
                "not UTF-8 text (byte %(byte)s; a Windows-1251 or other 8-bit file?): "
                "save the file as UTF-8"
            ),
            file=file,
            line=line,
            byte=f"0x{byte:02x}",
        ) from None


def _too_large(size: int, file: str) -> RuleError:
    return RuleError(
        _("the file is %(size)s bytes; a rule file has at most %(most)s"),
        file=file,
        line=1,
        size=Count(size),
        most=Count(MAX_FILE_BYTES),
    )


def read_text(path: Path | str, file: str | None = None) -> str:
    """A rule file's text, refused (``RuleError``) when unreadable, too large or not UTF-8."""
    path = Path(path)
    file = file or str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise _too_large(path.stat().st_size, file)
    except OSError as error:
        raise RuleError(
            _("cannot read the file: %(error)s"), file=file, error=error.strerror or error
        ) from None
    return decode(data, file)


def compose(text: str, file: str) -> Node:
    """The YAML node tree of one rule document, every node with its line."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise _too_large(size, file)
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise RuleError(
            _(
                "the file holds NUL characters (UTF-16 without a byte-order mark?): "
                "save it as UTF-8"
            ),
            file=file,
            line=line,
        )
    composer = None
    try:
        composer = _Composer(text, file)  # the reader checks every character here
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        cause = error.problem or error.context
        if error.problem and error.context:
            cause = f"{error.problem} ({error.context})"
        raise _refusal(_("not valid YAML: %(cause)s"), file, mark, cause=cause) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise RuleError(
            _("not valid YAML: the character %(character)s is not allowed (a control character?)"),
            file=file,
            line=line,
            character=f"U+{int(error.character):04X}",
        ) from None
    except yaml.YAMLError as error:  # pragma: no cover - every YAML error above has a place
        raise RuleError(_("not valid YAML: %(cause)s"), file=file, line=1, cause=error) from None
    finally:
        if composer is not None:
            composer.dispose()
    if root is None:
        raise RuleError(_("the file is empty"), file=file, line=1)
    return root


def scalar(node: Node, file: str) -> Any:
    """A scalar's value, read by YAML 1.2: None, bool, int, Decimal (never a binary float), a
    date, or a text. A number out of bounds, infinite or not a number is refused."""
    if not isinstance(node, ScalarNode):
        raise RuleError(_("expected a single value here"), file=file, line=line_of(node))
    text = node.value
    if node.tag == NULL:
        return None
    if node.tag == BOOL:
        return text.lower() == "true"
    if node.tag == INT:
        value = _int(text)
        number_bounds(Decimal(value), text, file, line_of(node))
        return value
    if node.tag == FLOAT:
        return _decimal(text, file, line_of(node))
    if node.tag == DATE:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise RuleError(
                _("%(value)s is not a date"), file=file, line=line_of(node), value=shown(text)
            ) from None
    return text


def _decimal(text: str, file: str, line: int) -> Decimal:
    number = _yaml_decimal(text)
    number_bounds(number, text, file, line)
    return number


def number_bounds(number: Decimal, text: str, file: str, line: int) -> None:
    """Refuse a number written in a rule file (a value or a literal of an expression) that is
    not finite, or larger or finer than the rules compute with."""
    text = shown(text)
    if not number.is_finite():
        raise RuleError(
            _("%(value)s is not a number the rules can use: write a finite number"),
            file=file,
            line=line,
            value=text,
        )
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    whole_digits = max(0, number.adjusted() + 1)
    if exponent >= 0 and abs(number) < 10**MAX_INTEGER_DIGITS:
        return  # a whole number
    if -exponent > MAX_DECIMAL_PLACES or whole_digits > MAX_DECIMAL_WHOLE_DIGITS:
        raise RuleError(
            _(
                "%(value)s is out of bounds: a whole number has at most %(digits)s digits, "
                "a decimal at most %(whole)s before the point and %(places)s after"
            ),
            file=file,
            line=line,
            value=text,
            digits=MAX_INTEGER_DIGITS,
            whole=MAX_DECIMAL_WHOLE_DIGITS,
            places=MAX_DECIMAL_PLACES,
        )


def _yaml_decimal(text: str) -> Decimal:
    """A YAML 1.2 float's text as a Decimal: ``.inf``, ``-.Inf``, ``.NaN`` as Decimal's own."""
    if text.lstrip("+-").startswith(".") and text[-1].isalpha():
        return Decimal(text.replace(".", "", 1))
    return Decimal(text)


def plain_data(node: Node, file: str) -> Any:
    """A node as Python data (dicts, lists, scalars as ``scalar`` reads them); each dict gets
    ``__line__``, the line it starts on. For rule test files, which are read as data."""
    if isinstance(node, MappingNode):
        data: dict[Any, Any] = {"__line__": line_of(node)}
        for key, value in node.value:
            data[scalar(key, file)] = plain_data(value, file)
        return data
    if isinstance(node, SequenceNode):
        return [plain_data(item, file) for item in node.value]
    return scalar(node, file)


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "compose",
    "decode",
    "is_null",
    "line_of",
    "plain_data",
    "read_text",
    "scalar",
]
