"""The ISO 20022 status reason codes (``ExternalStatusReason1Code``) a bank gives most often
when it rejects a credit transfer, in plain words for the person paid and the officers.

A code not in this list is shown as the bank's code itself, with the bank's own words when the
report has them (``AddtlInf``).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    "AC01": _("the account number is incorrect"),
    "AC03": _("the account number is not valid for this bank"),
    "AC04": _("the account is closed"),
    "AC06": _("the account is blocked"),
    "AG01": _("the bank does not allow this kind of payment to this account"),
    "AM04": _("there were not enough funds to make the payment"),
    "AM05": _("the payment was a duplicate"),
    "BE01": _("the account holder's name or identity does not match the account"),
    "MD07": _("the account holder has died"),
    "MS03": _("the bank gave no reason"),
    "RC01": _("the bank's identifier is incorrect"),
}


def reason_text(code: str) -> str:
    """The reason in the active language; an unlisted code named as the bank's code, and none
    given as MS03 (not specified)."""
    known = REASONS.get(code or "MS03")
    if known is not None:
        return str(known)
    return gettext("the bank's reason code %(code)s") % {"code": code}
