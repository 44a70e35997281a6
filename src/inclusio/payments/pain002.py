"""The bank's answer to a payment file: ISO 20022 ``pain.002`` (customer payment status report).

Read (:func:`parse`): the report's message id, the message id of the payment file it answers
(``OrgnlGrpInfAndSts/OrgnlMsgId``), a status for the whole file (``GrpSts``), for a payment
information block (``OrgnlPmtInfAndSts/PmtInfSts``) and for each transaction
(``TxInfAndSts``: ``OrgnlEndToEndId``, ``TxSts``, ``StsRsnInf/Rsn/Cd`` and ``AddtlInf``). A
transaction without a status of its own takes its block's, then the file's; a report with no
transaction at all applies the file's status to every payment of the file. Versions 001.03 to
001.15 share these elements; the namespace says which one a bank sent.

Written (:func:`status_report`): the synthetic bank (``payments/bank.py``) answers in
``pain.002.001.12``, the version whose published schema the tests validate against.

The file comes from outside, so it is read with care: a size limit before parsing, no document
type declaration (ISO 20022 messages have none, and entities are how XML bombs are made), and
any shape the module does not expect is :class:`Malformed`, never a crash.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from xml.parsers import expat

WRITTEN_SCHEMA = "pain.002.001.12"
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(pain\.002\.001\.(0[3-9]|1[0-5]))")
PAID = frozenset({"ACSC", "ACCC"})  # settled on the debtor's / credited on the payee's account
REJECTED = frozenset({"RJCT"})
# Accepted or received, not yet final: the payment stays sent.
PENDING = frozenset({"ACCP", "ACSP", "ACTC", "ACWC", "ACWP", "PDNG", "RCVD", "PART"})
_STATUSES = PAID | REJECTED | PENDING
_CODE = re.compile(r"[A-Z0-9]{4}")


class Malformed(ValueError):
    """The file is not a status report this module can read; the text says where (in English,
    for the log: the refusal shown to the user is translated by the caller)."""


@dataclass(frozen=True)
class Status:
    end_to_end_id: str
    status: str
    reason_code: str
    detail: str


@dataclass(frozen=True)
class Report:
    message_id: str
    schema: str
    original_message_id: str
    group_status: str
    group_reason_code: str
    group_detail: str
    statuses: tuple[Status, ...]


def _text(element: ET.Element | None, path: str, ns: dict[str, str]) -> str:
    if element is None:
        return ""
    return (element.findtext(path, default="", namespaces=ns) or "").strip()


def _reason(element: ET.Element, ns: dict[str, str]) -> tuple[str, str]:
    info = element.find("p:StsRsnInf", ns)
    code = _text(info, "p:Rsn/p:Cd", ns) or _text(info, "p:Rsn/p:Prtry", ns)
    detail = " ".join(
        (part.text or "").strip()
        for part in (info.findall("p:AddtlInf", ns) if info is not None else [])
    )
    if code and not _CODE.fullmatch(code):
        raise Malformed(f"reason code {code[:10]!r} is not four letters or digits")
    return code, detail[:210]


def _status(value: str, where: str) -> str:
    if value and value not in _STATUSES:
        raise Malformed(f"unknown status {value[:10]!r} in {where}")
    return value


def _no_declarations(*_args: object) -> None:
    raise Malformed("a document type declaration is not allowed")


def _qualified(name: str) -> str:
    return "{" + name if "}" in name else name


def _read(content: bytes) -> ET.Element:
    """The document's root. The parser itself refuses a document type or an entity
    declaration as soon as it meets one, whatever the file's encoding (``ElementTree``'s own
    parser gives no access to these handlers, so the tree is built here, the same way)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_declarations
    parser.EntityDeclHandler = _no_declarations
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _qualified(tag), {_qualified(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_qualified(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        raise Malformed(f"not well-formed XML: {error}") from None
    return builder.close()


def parse(content: bytes) -> Report:
    root = _read(content)
    match = _NAMESPACE.fullmatch(root.tag[1:].partition("}")[0]) if root.tag[:1] == "{" else None
    if match is None or root.tag.partition("}")[2] != "Document":
        raise Malformed("not an ISO 20022 pain.002 document")
    ns = {"p": match.group(0)}
    report = root.find("p:CstmrPmtStsRpt", ns)
    if report is None:
        raise Malformed("no CstmrPmtStsRpt")
    message_id = _text(report, "p:GrpHdr/p:MsgId", ns)
    group = report.find("p:OrgnlGrpInfAndSts", ns)
    original = _text(group, "p:OrgnlMsgId", ns)
    if not message_id or not original or len(message_id) > 35 or len(original) > 35:
        raise Malformed("the report's or the original message id is missing or too long")
    assert group is not None  # an original message id was found in it
    group_status = _status(_text(group, "p:GrpSts", ns), "GrpSts")
    group_code, group_detail = _reason(group, ns)

    statuses: list[Status] = []
    seen: set[str] = set()
    for block in report.findall("p:OrgnlPmtInfAndSts", ns):
        block_status = _status(_text(block, "p:PmtInfSts", ns), "PmtInfSts")
        block_code, block_detail = _reason(block, ns)
        for transaction in block.findall("p:TxInfAndSts", ns):
            end_to_end = _text(transaction, "p:OrgnlEndToEndId", ns)
            if not end_to_end or len(end_to_end) > 35:
                raise Malformed("a transaction without a valid OrgnlEndToEndId")
            if end_to_end in seen:
                raise Malformed(f"two statuses for {end_to_end} in one report")
            seen.add(end_to_end)
            own = _status(_text(transaction, "p:TxSts", ns), "TxSts")
            code, detail = _reason(transaction, ns)
            status = own or block_status or group_status
            if not status:
                raise Malformed(f"no status for {end_to_end}")
            if not own:
                code, detail = (
                    (block_code, block_detail)
                    if block_status
                    else (
                        group_code,
                        group_detail,
                    )
                )
            statuses.append(Status(end_to_end, status, code, detail))
    if not statuses and not group_status:
        raise Malformed("neither a status for the file nor for any transaction")
    return Report(
        message_id=message_id,
        schema=match.group(1),
        original_message_id=original,
        group_status=group_status,
        group_reason_code=group_code,
        group_detail=group_detail,
        statuses=tuple(statuses),
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def status_report(
    *,
    message_id: str,
    original_message_id: str,
    statuses: Sequence[Status],
    created: dt.datetime,
) -> bytes:
    """A ``pain.002.001.12`` report giving each transaction its status (the synthetic bank)."""
    namespace = f"urn:iso:std:iso:20022:tech:xsd:{WRITTEN_SCHEMA}"
    ET.register_namespace("", namespace)
    document = ET.Element("Document", {"xmlns": namespace})
    report = _sub(document, "CstmrPmtStsRpt")
    header = _sub(report, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created.astimezone(dt.UTC).replace(microsecond=0).isoformat())
    group = _sub(report, "OrgnlGrpInfAndSts")
    _sub(group, "OrgnlMsgId", original_message_id)
    _sub(group, "OrgnlMsgNmId", "pain.001.001.09")
    _sub(group, "OrgnlNbOfTxs", str(len(statuses)))
    rejected = sum(s.status in REJECTED for s in statuses)
    _sub(group, "GrpSts", "RJCT" if rejected == len(statuses) else "PART" if rejected else "ACSC")
    block = _sub(report, "OrgnlPmtInfAndSts")
    _sub(block, "OrgnlPmtInfId", f"{original_message_id}-1"[:35])
    for status in statuses:
        transaction = _sub(block, "TxInfAndSts")
        _sub(transaction, "OrgnlEndToEndId", status.end_to_end_id)
        _sub(transaction, "TxSts", status.status)
        if status.reason_code:
            info = _sub(transaction, "StsRsnInf")
            _sub(_sub(info, "Rsn"), "Cd", status.reason_code)
            if status.detail:
                _sub(info, "AddtlInf", status.detail[:105])
    ET.indent(document)
    return bytes(ET.tostring(document, encoding="utf-8", xml_declaration=True))
