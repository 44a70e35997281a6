"""The payment file for the treasury: ISO 20022 ``pain.001.001.09`` (customer credit transfer).

One group header, one payment information block debiting the ministry's treasury account
(``payments/treasury.py``), and one credit transfer per payment: the payee's name and
identifier (a person's IIN under ``Cdtr/Id/PrvtId/Othr``, an organisation's BIN under
``Cdtr/Id/OrgId/Othr``, each with its proprietary scheme), their IBAN, the amount in tenge, the
payment's end-to-end id (the key the bank's status report answers with, ``pain002.py``) and the
caller's unstructured remittance information. The writer knows nothing of what is paid: benefits
(and, later, the marketplace) hand it :class:`Line` values.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from inclusio.payments.treasury import TreasuryAccount

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
MAX_NAME = 140
MAX_ID = 35


@dataclass(frozen=True)
class Line:
    """One credit transfer of the file."""

    end_to_end_id: str
    amount_kzt: int
    payee_name: str
    payee_id: str
    payee_scheme: str  # "IIN" (a person: PrvtId) or "BIN" (an organisation: OrgId)
    iban: str
    remittance: str


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _amount(kzt: int) -> str:
    return f"{Decimal(kzt):.2f}"


def _other_id(parent: ET.Element, container: str, value: str, scheme: str) -> None:
    other = _sub(_sub(_sub(parent, "Id"), container), "Othr")
    _sub(other, "Id", value)
    _sub(_sub(other, "SchmeNm"), "Prtry", scheme)


def credit_transfer(
    *,
    message_id: str,
    lines: Sequence[Line],
    treasury: TreasuryAccount,
    execution: dt.date,
    created: dt.datetime | None = None,
) -> bytes:
    """The file of ``lines``, created at ``created`` (now by default), debiting ``treasury``
    on ``execution`` (or the day it was created, if later): the same arguments give the same
    bytes."""
    total = sum(line.amount_kzt for line in lines)
    created = created or timezone.now()
    execution = max(execution, timezone.localdate(created))
    created = created.astimezone(dt.UTC).replace(microsecond=0)

    ET.register_namespace("", NAMESPACE)
    document = ET.Element("Document", {"xmlns": NAMESPACE})
    initiation = _sub(document, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", message_id[:MAX_ID])
    _sub(header, "CreDtTm", created.isoformat().replace("+00:00", "Z"))
    _sub(header, "NbOfTxs", str(len(lines)))
    _sub(header, "CtrlSum", _amount(total))
    initiating = _sub(header, "InitgPty")
    _sub(initiating, "Nm", treasury.name[:MAX_NAME])
    _other_id(initiating, "OrgId", treasury.bin, "BIN")

    block = _sub(initiation, "PmtInf")
    _sub(block, "PmtInfId", f"{message_id}-1"[:MAX_ID])
    _sub(block, "PmtMtd", "TRF")
    _sub(block, "NbOfTxs", str(len(lines)))
    _sub(block, "CtrlSum", _amount(total))
    _sub(_sub(block, "ReqdExctnDt"), "Dt", execution.isoformat())
    debtor = _sub(block, "Dbtr")
    _sub(debtor, "Nm", treasury.name[:MAX_NAME])
    _sub(_sub(_sub(block, "DbtrAcct"), "Id"), "IBAN", treasury.iban)
    _sub(_sub(_sub(block, "DbtrAgt"), "FinInstnId"), "BICFI", treasury.bic)
    _sub(block, "ChrgBr", "SLEV")

    for line in lines:
        transfer = _sub(block, "CdtTrfTxInf")
        _sub(_sub(transfer, "PmtId"), "EndToEndId", line.end_to_end_id[:MAX_ID])
        _sub(_sub(transfer, "Amt"), "InstdAmt", _amount(line.amount_kzt), Ccy="KZT")
        creditor = _sub(transfer, "Cdtr")
        _sub(creditor, "Nm", line.payee_name[:MAX_NAME])
        container = "OrgId" if line.payee_scheme == "BIN" else "PrvtId"
        _other_id(creditor, container, line.payee_id, line.payee_scheme)
        _sub(_sub(_sub(transfer, "CdtrAcct"), "Id"), "IBAN", line.iban)
        _sub(_sub(transfer, "RmtInf"), "Ustrd", line.remittance[:MAX_NAME])

    ET.indent(document)
    return bytes(ET.tostring(document, encoding="utf-8", xml_declaration=True))
