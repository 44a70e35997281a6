"""The bank, as far as the platform talks to it: it takes a payment file (pain.001) and, some
time later, answers with a status report (pain.002).

``Bank`` is the interface; the setting ``PAYMENTS_BANK`` (``INCLUSIO_PAYMENTS_BANK``) names the
class. In production the treasury's own channel carries the files both ways and the report is
imported with ``inclusio payments-status-import`` or on the payment officer's page, so a real
adapter would only have to deliver files. ``SyntheticBank`` answers at once, for the demo and
the tests, so they can complete the loop: most payments paid, about one in ``reject_one_in``
rejected with one of the common ISO reason codes, chosen from the end-to-end id so the same
file always gets the same answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from inclusio.payments import pain001, pain002

SYNTHETIC_REASONS = ("AC01", "AC04", "AC06", "AM04", "BE01", "MS03")
_DETAIL = {
    "AC01": "Account number incorrect",
    "AC04": "Account closed",
    "AC06": "Account blocked",
    "AM04": "Insufficient funds",
    "BE01": "Inconsistent with end customer",
    "MS03": "Not specified",
}


class Bank:
    """The bank interface: ``answer`` returns the status report of a payment file."""

    def answer(self, payment_file: bytes) -> bytes:
        raise NotImplementedError


class SyntheticBank(Bank):
    def __init__(self, reject_one_in: int = 10) -> None:
        self.reject_one_in = reject_one_in

    def answer(self, payment_file: bytes) -> bytes:
        ns = {"p": pain001.NAMESPACE}
        root = ET.fromstring(payment_file)  # noqa: S314 — the platform's own file
        message_id = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", "", ns)
        statuses = []
        for transfer in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", ns):
            end_to_end = transfer.findtext("p:PmtId/p:EndToEndId", "", ns)
            draw = int.from_bytes(hashlib.sha256(end_to_end.encode()).digest()[:4], "big")
            if draw % self.reject_one_in:
                statuses.append(pain002.Status(end_to_end, "ACSC", "", ""))
            else:
                code = SYNTHETIC_REASONS[draw // self.reject_one_in % len(SYNTHETIC_REASONS)]
                statuses.append(pain002.Status(end_to_end, "RJCT", code, _DETAIL[code]))
        created = timezone.now()
        digest = hashlib.sha256(payment_file).hexdigest()[:12].upper()
        return pain002.status_report(
            message_id=f"BANK-{created:%Y%m%d}-{digest}",
            original_message_id=message_id,
            statuses=statuses,
            created=created.astimezone(dt.UTC),
        )


@cache
def bank() -> Bank:
    bank_class: type[Bank] = import_string(settings.PAYMENTS_BANK)
    return bank_class()
