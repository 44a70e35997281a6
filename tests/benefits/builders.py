"""Builders for the benefits tests: tiny snapshots written to the contract, programme files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.contrib.auth.models import Group

from inclusio.benefits.services import programmes_directory
from inclusio.core.models import User
from inclusio.registry.models import Person
from inclusio.snapshot.contract import MANIFEST, SCHEMAS, exported_schema, parquet_path
from tests.factories import make_person

ON = dt.date(2024, 1, 1)
IBAN = "KZ18722S000012345678"  # a valid Kazakh IBAN (the check digits hold)


@dataclass
class Snapshot:
    """Rows of a snapshot; ``write`` puts them in a directory as the contract's Parquet files."""

    persons: list[dict[str, Any]] = field(default_factory=list)
    disability: list[dict[str, Any]] = field(default_factory=list)
    care: list[dict[str, Any]] = field(default_factory=list)
    housing: dict[int, str] = field(default_factory=dict)  # by family id; "own" if not given
    # By family id: the registered family it is, as ``inclusio snapshot-export`` writes it.
    registered: dict[int, int] = field(default_factory=dict)

    def person(
        self,
        iin: str,
        *,
        category: str | None = None,
        family_id: int | None = None,
        role: str = "head",
        birth_date: dt.date = dt.date(1980, 5, 17),
        region: str = "71",
        employed: bool = False,
        income: int = 0,
    ) -> None:
        self.persons.append(
            {
                "iin": iin,
                "family_id": family_id if family_id is not None else len(self.persons) + 1,
                "family_role": role,
                "birth_date": birth_date,
                "sex": "F",
                "region_code": region,
                "urban": True,
                "employed": employed,
                "monthly_income_kzt": income,
                "home_schooled": False,
            }
        )
        if category is not None:
            self.disability.append(
                {
                    "iin": iin,
                    "category": category,
                    "cause": "general_disease",
                    "since": dt.date(2020, 1, 1),
                    "until": None,
                    "work_capacity_loss_pct": 50,
                    "mobility": True,
                    "vision": False,
                    "hearing": False,
                    "speech": False,
                    "intellectual": False,
                    "psychosocial": False,
                }
            )

    def write(self, directory: Path, tag: str) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        families: dict[int, dict[str, Any]] = {}
        for row in self.persons:
            family = families.setdefault(
                row["family_id"],
                {
                    "family_id": row["family_id"],
                    "region_code": row["region_code"],
                    "urban": True,
                    "housing": self.housing.get(row["family_id"], "own"),
                    "members": 0,
                    "latitude": 51.1,
                    "longitude": 71.4,
                },
            )
            family["members"] += 1
        rows = {
            "persons": self.persons,
            "families": list(families.values()),
            "disability": self.disability,
            "care": self.care,
        }
        for name, schema in SCHEMAS.items():
            if name == "families" and self.registered:
                schema = exported_schema(name)
                for row in rows[name]:
                    row["registry_family_id"] = self.registered.get(row["family_id"])
            pq.write_table(
                pa.Table.from_pylist(rows[name], schema=schema), parquet_path(directory, name)
            )
        manifest = {"tag": tag, "rows": {name: len(rows[name]) for name in SCHEMAS}}
        (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        return directory


def copy_programmes(directory: Path, *codes: str, automatic: tuple[str, ...] = ()) -> Path:
    """The country's rule files for ``codes`` in ``directory``; ``automatic`` ones assigned by
    law."""
    directory.mkdir(parents=True, exist_ok=True)
    for code in codes:
        text = (programmes_directory("kz") / f"{code}.yaml").read_text(encoding="utf-8")
        if code in automatic:
            text += "\nassignment: automatic\n"
        (directory / f"{code}.yaml").write_text(text, encoding="utf-8")
    return directory


def person_with_account(username: str, **kwargs: Any) -> Person:
    account = User.objects.create_user(username=username, password="correct horse battery")
    account.groups.add(Group.objects.get(name="person"))
    return make_person(user=account, **kwargs)


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def group_programme(code: str, amount: int, categories: list[str], group: str) -> str:
    """A test fixture, not a law: a benefit of an exclusivity group, paid to the given
    disability categories (the country's programmes are in no group: see docs/rules.md)."""
    names = ("has_category", "valid_on_date")
    explain = "".join(
        f"  {name}: {{kk: {name} (kk), ru: {name} (ru), en: {name} (en)}}\n" for name in names
    )
    return (
        f"id: {code}\n"
        f"titles: {{kk: {code} (kk), ru: {code} (ru), en: {code} (en)}}\n"
        "reference: {kk: Example law (kk), ru: Example law (ru), en: Example law (en)}\n"
        "entity: person\n"
        f"exclusive: {{group: {group}}}\n"
        "conditions:\n"
        f"  has_category: category in {categories!r}\n"
        "  valid_on_date: since <= screening_date and (is_null(until) or until >= screening_date)\n"
        f"amount: {amount}\n"
        f"explain:\n{explain}"
    )


def group_programmes(directory: Path) -> Path:
    """Two benefits of one group, ``example_low`` (₸10,000, categories I and II) and
    ``example_high`` (₸20,000, category I), and the country's cultural services (a rate)."""
    copy_programmes(directory, "free_cultural_services")
    (directory / "example_low.yaml").write_text(
        group_programme("example_low", 10000, ["I", "II"], "state_benefit"), encoding="utf-8"
    )
    (directory / "example_high.yaml").write_text(
        group_programme("example_high", 20000, ["I"], "state_benefit"), encoding="utf-8"
    )
    return directory
