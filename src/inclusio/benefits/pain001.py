"""The payment file for the treasury: ISO 20022 ``pain.001.001.09`` (customer credit transfer).

One group header, one payment information block debiting the ministry's treasury account
(``benefits/treasury.py``), and one credit transfer per scheduled payment of the payroll: the
person's name and IIN (``Cdtr/Id/PrvtId/Othr`` with the proprietary scheme ``IIN``), their IBAN,
the amount in tenge and the programme and month as unstructured remittance information. Held
payments (no account given) are not in the file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import timezone

from inclusio.benefits.models import Payment, Payroll
from inclusio.benefits.treasury import TreasuryAccount

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
MAX_NAME = 140
MAX_ID = 35


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
    payroll: Payroll,
    payments: list[Payment],
    treasury: TreasuryAccount,
    *,
    created: dt.datetime | None = None,
) -> bytes:
    """The file of ``payments`` (the payroll's scheduled ones, with their award's person and
    programme) as the services module reads and records them."""
    total = sum(p.amount_kzt for p in payments)
    created = (created or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    execution = max(payroll.month, timezone.localdate())

    ET.register_namespace("", NAMESPACE)
    document = ET.Element("Document", {"xmlns": NAMESPACE})
    initiation = _sub(document, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", payroll.message_id[:MAX_ID])
    _sub(header, "CreDtTm", created.isoformat().replace("+00:00", "Z"))
    _sub(header, "NbOfTxs", str(len(payments)))
    _sub(header, "CtrlSum", _amount(total))
    initiating = _sub(header, "InitgPty")
    _sub(initiating, "Nm", treasury.name[:MAX_NAME])
    _other_id(initiating, "OrgId", treasury.bin, "BIN")

    block = _sub(initiation, "PmtInf")
    _sub(block, "PmtInfId", f"{payroll.message_id}-1"[:MAX_ID])
    _sub(block, "PmtMtd", "TRF")
    _sub(block, "NbOfTxs", str(len(payments)))
    _sub(block, "CtrlSum", _amount(total))
    _sub(_sub(block, "ReqdExctnDt"), "Dt", execution.isoformat())
    debtor = _sub(block, "Dbtr")
    _sub(debtor, "Nm", treasury.name[:MAX_NAME])
    _sub(_sub(_sub(block, "DbtrAcct"), "Id"), "IBAN", treasury.iban)
    _sub(_sub(_sub(block, "DbtrAgt"), "FinInstnId"), "BICFI", treasury.bic)
    _sub(block, "ChrgBr", "SLEV")

    for payment in payments:
        person = payment.award.person
        programme = payment.award.programme
        transfer = _sub(block, "CdtTrfTxInf")
        _sub(_sub(transfer, "PmtId"), "EndToEndId", f"INC-{payment.pk}-{payment.month:%Y%m}")
        _sub(_sub(transfer, "Amt"), "InstdAmt", _amount(payment.amount_kzt), Ccy="KZT")
        creditor = _sub(transfer, "Cdtr")
        _sub(creditor, "Nm", person.full_name[:MAX_NAME])
        _other_id(creditor, "PrvtId", person.iin, "IIN")
        _sub(_sub(_sub(transfer, "CdtrAcct"), "Id"), "IBAN", payment.iban)
        remittance = f"{programme.code} {payment.month:%Y-%m} {programme.title_ru}"
        _sub(_sub(transfer, "RmtInf"), "Ustrd", remittance[:MAX_NAME])

    ET.indent(document)
    return bytes(ET.tostring(document, encoding="utf-8", xml_declaration=True))
