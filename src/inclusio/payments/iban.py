"""Kazakh IBANs: ``KZ``, two check digits, 16 alphanumerics (3 for the bank, 13 for the account);
20 characters, and the ISO 7064 MOD 97-10 check (ISO 13616) gives 1.

The three digits after the check digits name the bank: they must be a code of the National Bank's
directory of banks, which the ``schwifty`` package carries (its registry is generated from the
National Bank's published list, with each bank's BIC). An IBAN whose check digits agree but whose
bank does not exist would otherwise reach the payment file and come back rejected weeks later.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.payments.errors import ErrorCode

_SHAPE = re.compile(r"KZ[0-9]{2}[0-9A-Z]{16}")
# The example the form's help shows: a valid IBAN, so one copied into the field would pass every
# other check and send the person's money to an account that is not theirs.
EXAMPLE_IBAN = "KZ86125KZT5004100100"
EXAMPLE_IBAN_GROUPED = "KZ86 125K ZT50 0410 0100"


def iban_checksum_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


@cache
def _directory() -> dict[str, str]:
    """Bank code → BIC of the banks in the National Bank's directory."""
    from schwifty import registry  # the country's file is read on first use

    return {
        bank.bank_code: str(bank.bic)
        for bank in registry.get_banks_by_country("KZ")
        if bank.primary
    }


def bank_bic(iban: str) -> str | None:
    """The BIC of the bank an IBAN (electronic form) is held at; None for an unknown bank."""
    return _directory().get(iban[4:7])


def parse_kz_iban(text: str) -> str:
    """The IBAN in its electronic form (no spaces, capitals); ValidationFailed if invalid."""
    iban = re.sub(r"\s+", "", text).upper()
    if len(iban) != 20 or not iban.startswith("KZ"):
        raise ValidationFailed(
            ErrorCode.IBAN_FORMAT,
            _("A Kazakh IBAN has 20 characters and starts with KZ (for example %(example)s)."),
            example=EXAMPLE_IBAN_GROUPED,
        )
    if not _SHAPE.fullmatch(iban):
        raise ValidationFailed(
            ErrorCode.IBAN_FORMAT,
            _("An IBAN has two check digits after KZ, then only letters and digits."),
        )
    if not iban_checksum_ok(iban):
        raise ValidationFailed(
            ErrorCode.IBAN_CHECKSUM,
            _("This IBAN is not valid: its check digits do not match. Please check it."),
        )
    if bank_bic(iban) is None:
        raise ValidationFailed(
            ErrorCode.IBAN_BANK_UNKNOWN,
            _(
                "No bank has the code %(bank_code)s (the three digits after the check digits) "
                "in the National Bank's directory. Please check the IBAN with your bank."
            ),
            bank_code=iban[4:7],
        )
    if iban == EXAMPLE_IBAN:
        raise ValidationFailed(
            ErrorCode.IBAN_EXAMPLE,
            _("This is the example from the help text. Enter the IBAN of your own account."),
        )
    return iban
