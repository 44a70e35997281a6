"""Who may act on whose records: permission codes from roles, bounded by region.

A refusal is itself recorded in the access log (and committed on its own), so an attempt to
reach another region's person leaves a trace even though the request changes nothing else.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from inclusio.core.audit import Actor, record_access
from inclusio.core.errors import AccessDenied


def covers_region(actor: Actor, region_code: str) -> bool:
    """National accounts cover every region; regional staff only their own."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.region_id is None or actor.region_id == region_code


def may(actor: Actor, permission: str, region_code: str) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and actor.has_perm(permission)
        and covers_region(actor, region_code)
    )


def require(
    actor: Actor,
    permission: str,
    *,
    region_code: str,
    person_iin: str,
    what: str,
    channel: str = "web",
) -> None:
    """Raise AccessDenied, after logging the refusal, unless ``actor`` may do ``permission``
    for a person of ``region_code``."""
    if may(actor, permission, region_code):
        return
    record_access(
        actor=actor,
        person_iin=person_iin,
        what=what,
        purpose=permission,
        granted=False,
        channel=channel,
    )
    raise AccessDenied(
        "OUT_OF_SCOPE",
        _("You may not do this for this person: it is outside your role or your region."),
    )
