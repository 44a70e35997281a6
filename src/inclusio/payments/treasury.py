"""The treasury account every payment is made from: the debtor of the payment file.

Set by the ministry in the environment (``INCLUSIO_TREASURY_NAME``, ``_IBAN``, ``_BIC``,
``_BIN``). There is no default: until all four are set, and well formed, no payroll is made and
no payment file produced, so a file can never name an account nobody checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import Conflict, DomainError
from inclusio.core.identifiers import validate_bin
from inclusio.payments.errors import ErrorCode
from inclusio.payments.iban import bank_bic, parse_kz_iban

_BIC = re.compile(r"[A-Z]{4}KZ[A-Z0-9]{2}([A-Z0-9]{3})?")  # ISO 9362, in Kazakhstan


@dataclass(frozen=True)
class TreasuryAccount:
    name: str
    iban: str
    bic: str
    bin: str


def treasury_account() -> TreasuryAccount:
    """The configured account; Conflict ``TREASURY_UNSET`` while it is missing or malformed."""
    name = settings.TREASURY_NAME.strip()
    iban, bic, bin_ = settings.TREASURY_IBAN, settings.TREASURY_BIC.strip(), settings.TREASURY_BIN
    if not (name and iban and bic and bin_):
        raise _unset()
    try:
        account = TreasuryAccount(name, parse_kz_iban(iban), bic, validate_bin(bin_))
    except DomainError:
        raise _unset() from None
    # The BIC names the same bank as the IBAN's bank code, or the file would send the payments to
    # one bank with the account of another.
    if not _BIC.fullmatch(bic) or bank_bic(account.iban) != bic[:8]:
        raise _unset()
    return account


def _unset() -> Conflict:
    return Conflict(
        ErrorCode.TREASURY_UNSET,
        _(
            "The treasury account payments are made from is not set, or not valid: no payroll "
            "can be made until the administrator sets it (name, IBAN, BIC and BIN)."
        ),
    )
