"""The population register, as intake reads it: one record by IIN, from the population part
of the snapshot named by ``INCLUSIO_POPULATION_SNAPSHOT``.

A record that is found fills in the registration form (birth date, sex, region, residence and,
when the feed carries them, the names); one that is not is typed by hand, and the services
check it against the IIN as they check any registration.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from inclusio.core import access
from inclusio.core.audit import Actor
from inclusio.core.identifiers import parse_iin
from inclusio.snapshot.population import PopulationRecord, find_person

__all__ = ["PopulationRecord", "population_record", "population_snapshot"]


def population_snapshot() -> Path | None:
    """The configured population snapshot folder, or None when none is configured."""
    folder = settings.POPULATION_SNAPSHOT.strip()
    return Path(folder) if folder else None


def population_record(*, actor: Actor, iin: str) -> PopulationRecord | None:
    """The population register's record of ``iin``: None when the register does not hold it
    or none is configured. A malformed IIN is refused with its code; each look-up counts
    against the actor's look-ups by IIN, as a look-up in the registry does."""
    value = parse_iin(iin).value
    access.lookup_counted(actor)
    folder = population_snapshot()
    if folder is None:
        return None
    return find_person(folder, value)
