"""Exclusivity groups: programmes of which a subject receives one, at their choice.

A programme names its group, and may state a priority::

    exclusive:
      group: state_benefit   # the programmes of one group exclude each other
      priority: 1            # optional: a lower number is proposed first

Among the programmes of a group a subject is eligible to, one is **proposed** by default and
the others are **alternatives** the subject may choose instead: the one with the lowest stated
priority (a programme without one comes after those with one), then the higher amount (an
entitlement without money counts as 0), then the programme id. The subject's choice — consent
to one — withdraws the offers of the others (the benefits side's part).

The programmes of one group must all be of one entity (person or family) and all awarded on
consent (an automatic award leaves nothing to choose): ``check_groups`` refuses a set of
programmes otherwise, naming the file and line of the ``exclusive`` key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from yaml.nodes import Node

from inclusio.rules.errors import RuleError, _

if TYPE_CHECKING:
    from inclusio.rules.loader import Programme, _Reader

_KEYS = frozenset({"group", "priority"})
CHOICES = "exclusive.parquet"
CHOICE_SCHEMA = pa.schema(
    [
        pa.field("subject_id", pa.string()),
        pa.field("subject_kind", pa.string()),
        pa.field("group", pa.string()),
        pa.field("programme", pa.string()),
        pa.field("proposed", pa.bool_()),  # the default; the others of the group are alternatives
    ]
)


@dataclass(frozen=True)
class Exclusive:
    group: str
    priority: int | None  # None: after every programme with a priority
    line: int


def read_exclusive(reader: _Reader, node: Node) -> Exclusive:
    """``exclusive: {group, priority}``."""
    from inclusio.rules.loader import line_of, mapping, scalar

    section = mapping(node, reader.file, "exclusive")
    for key, (key_node, _value) in section.items():
        if key not in _KEYS:
            raise reader.fail(
                key_node,
                _("%(what)s: unknown key %(key)r (allowed: %(allowed)s)"),
                what="exclusive",
                key=key,
                allowed=sorted(_KEYS),
            )
    if "group" not in section:
        raise reader.fail(node, _("%(what)s: missing key %(key)r"), what="exclusive", key="group")
    group = scalar(section["group"][1], reader.file)
    if not isinstance(group, str) or not group.isidentifier() or not group.islower():
        raise reader.fail(
            section["group"][1], _("exclusive.group must be lower_case_with_underscores")
        )
    if not group.isascii():
        raise reader.fail(section["group"][1], _("exclusive.group must be ASCII"))
    priority = None
    if "priority" in section:
        priority = scalar(section["priority"][1], reader.file)
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
            raise reader.fail(
                section["priority"][1], _("exclusive.priority must be a whole number >= 1")
            )
    return Exclusive(group, priority, line_of(node))


def check_groups(programmes: Iterable[Programme]) -> None:
    """Refuse a group whose programmes differ in entity, or with one awarded automatically."""
    first: dict[str, Programme] = {}
    for programme in programmes:
        exclusive = programme.exclusive
        if exclusive is None:
            continue
        if programme.assignment != "consent":
            raise RuleError(
                _(
                    "exclusive group %(group)r: an automatic award leaves nothing to "
                    "choose (assignment must be consent)"
                ),
                file=programme.file,
                line=exclusive.line,
                group=exclusive.group,
            )
        other = first.setdefault(exclusive.group, programme)
        if other.entity != programme.entity:
            raise RuleError(
                _(
                    "exclusive group %(group)r: %(programme)s is a %(entity)s programme and "
                    "%(other)s (%(other_file)s) a %(other_entity)s one"
                ),
                file=programme.file,
                line=exclusive.line,
                group=exclusive.group,
                programme=programme.id,
                entity=programme.entity,
                other=other.id,
                other_file=other.file,
                other_entity=other.entity,
            )


def choose(results: pa.Table, programmes: Iterable[Programme]) -> pa.Table:
    """Of ``results`` (rows of ``subject_id``, ``subject_kind``, ``programme``, ``eligible``,
    ``amount_kzt``, as ``results.parquet`` has them), the eligible rows of grouped programmes,
    each marked ``proposed`` or not, in ``CHOICE_SCHEMA``; ordered by subject, group, and the
    order of proposal."""
    grouped = {p.id: p.exclusive for p in programmes if p.exclusive is not None}
    rows = results.filter(
        pc.and_(results["eligible"], pc.is_in(results["programme"], pa.array(list(grouped))))
    ).select(["subject_id", "subject_kind", "programme", "amount_kzt"])
    if not grouped or rows.num_rows == 0:
        return CHOICE_SCHEMA.empty_table()
    programme_ids = rows["programme"].to_pylist()
    last = max((e.priority or 0 for e in grouped.values()), default=0) + 1
    groups = pa.array([grouped[p].group for p in programme_ids], pa.string())
    priorities = pa.array([grouped[p].priority or last for p in programme_ids], pa.int64())
    amounts = pc.negate(pc.fill_null(rows["amount_kzt"].cast(pa.int64()), 0))
    keyed = rows.append_column("group", groups).append_column("priority", priorities)
    keyed = keyed.append_column("order", amounts)
    keyed = keyed.sort_by(
        [
            ("subject_kind", "ascending"),
            ("subject_id", "ascending"),
            ("group", "ascending"),
            ("priority", "ascending"),
            ("order", "ascending"),
            ("programme", "ascending"),
        ]
    )
    # The first row of each subject and group is the one proposed.
    key = pc.binary_join_element_wise(
        keyed["subject_kind"], keyed["subject_id"], keyed["group"], "\x1f"
    ).combine_chunks()
    changed = pc.not_equal(key.slice(1), key.slice(0, len(key) - 1))
    proposed = pa.concat_arrays([pa.array([True]), changed])
    return pa.table(
        {
            "subject_id": keyed["subject_id"],
            "subject_kind": keyed["subject_kind"],
            "group": keyed["group"],
            "programme": keyed["programme"],
            "proposed": proposed,
        },
        schema=CHOICE_SCHEMA,
    )
