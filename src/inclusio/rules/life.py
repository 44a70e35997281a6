"""Life events end rights: a person who died, emigrated or is imprisoned on the screening date is
eligible to no programme, and counts for no carer or family programme.

Every person programme carries three conditions of its own after the rule file's, so that the
reasons of a result name the event: ``not_deceased``, ``not_emigrated``, ``not_imprisoned``.
They read the persons' optional life-event columns (``snapshot.contract.LIFE_EVENTS``), null
when a snapshot has none: no event. Their plain-language texts join each person programme's
``explain`` (``EXPLAIN``); a rule file cannot use their names.

The texts speak of "the person", not "you": the page of a person whose right ended on their
death is read by their family, representative or an officer.
"""

from __future__ import annotations

import datetime
from typing import Any

import ibis

NOT_DECEASED = "not_deceased"
NOT_EMIGRATED = "not_emigrated"
NOT_IMPRISONED = "not_imprisoned"
LIFE_CONDITIONS = (NOT_DECEASED, NOT_EMIGRATED, NOT_IMPRISONED)

EXPLAIN = {
    NOT_DECEASED: {
        "kk": "Тізілімде осы күнге дейін адамның қайтыс болғаны тіркелмеген.",
        "ru": "В регистре нет записи о смерти человека на эту дату или ранее.",
        "en": "No death of the person is recorded on or before this date.",
    },
    NOT_EMIGRATED: {
        "kk": "Тізілімде осы күнге дейін адамның шетелге тұрақты тұруға кеткені тіркелмеген.",
        "ru": (
            "В регистре нет записи о выезде человека на постоянное жительство за границу на эту"
            " дату или ранее."
        ),
        "en": (
            "No departure of the person for permanent residence abroad is recorded on or"
            " before this date."
        ),
    },
    NOT_IMPRISONED: {
        "kk": "Тізілімде осы күні күшінде тұрған бас бостандығынан айыру жазасы тіркелмеген.",
        "ru": "В регистре нет записи о лишении свободы, которое отбывается на эту дату.",
        "en": "No prison sentence being served on this date is recorded.",
    },
}


def life_conditions(table: Any, on: datetime.date) -> dict[str, Any]:
    """The three conditions over ``table`` (anything that gives a column by name) on ``on``:
    true where no event ends the person's rights. A null date is no event."""
    day = ibis.literal(on, type="date")
    died = (table["death_date"] <= day).fill_null(False)
    emigrated = (table["emigration_date"] <= day).fill_null(False)
    released = (table["release_date"] <= day).fill_null(False)
    imprisoned = (table["imprisonment_date"] <= day).fill_null(False) & ~released
    return {NOT_DECEASED: ~died, NOT_EMIGRATED: ~emigrated, NOT_IMPRISONED: ~imprisoned}


def present(table: Any, on: datetime.date) -> Any:
    """Whether the person is alive, resident and free on ``on`` (all three conditions)."""
    conditions = list(life_conditions(table, on).values())
    return conditions[0] & conditions[1] & conditions[2]
