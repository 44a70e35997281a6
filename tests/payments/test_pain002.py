"""Reading the bank's status report (pain.002): statuses at three levels, and refusals."""

from __future__ import annotations

import pytest

from inclusio.payments.pain002 import Malformed, parse

NS = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.{v}"


def report(body: str, *, version: str = "12", group: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NS.format(v=version)}"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2024-02-05T10:00:00Z</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>INCLUSIO-202402-1</OrgnlMsgId>
<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>{group}</OrgnlGrpInfAndSts>
{body}
</CstmrPmtStsRpt></Document>""".encode()


def tx(e2e: str, status: str = "", code: str = "", info: str = "") -> str:
    reason = ""
    if code or info:
        reason = "<StsRsnInf>" + (f"<Rsn><Cd>{code}</Cd></Rsn>" if code else "")
        reason += (f"<AddtlInf>{info}</AddtlInf>" if info else "") + "</StsRsnInf>"
    own = f"<TxSts>{status}</TxSts>" if status else ""
    return f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>{own}{reason}</TxInfAndSts>"


def test_each_transaction_with_its_status_and_reason() -> None:
    parsed = parse(
        report(
            "<OrgnlPmtInfAndSts><OrgnlPmtInfId>X-1</OrgnlPmtInfId>"
            + tx("A", "ACSC")
            + tx("B", "RJCT", "AC04", "Account closed")
            + tx("C", "ACCP")
            + "</OrgnlPmtInfAndSts>"
        )
    )
    assert (parsed.message_id, parsed.original_message_id) == ("BANK-1", "INCLUSIO-202402-1")
    assert parsed.schema == "pain.002.001.12"
    assert [(s.end_to_end_id, s.status, s.reason_code, s.detail) for s in parsed.statuses] == [
        ("A", "ACSC", "", ""),
        ("B", "RJCT", "AC04", "Account closed"),
        ("C", "ACCP", "", ""),
    ]


def test_a_transaction_without_a_status_takes_its_blocks_then_the_files() -> None:
    parsed = parse(
        report(
            "<OrgnlPmtInfAndSts><OrgnlPmtInfId>X-1</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>"
            "<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>"
            + tx("A")
            + "</OrgnlPmtInfAndSts>"
            + "<OrgnlPmtInfAndSts><OrgnlPmtInfId>X-2</OrgnlPmtInfId>"
            + tx("B")
            + "</OrgnlPmtInfAndSts>",
            version="03",
            group="<GrpSts>ACSC</GrpSts>",
        )
    )
    assert parsed.schema == "pain.002.001.03"
    assert [(s.status, s.reason_code) for s in parsed.statuses] == [("RJCT", "AM04"), ("ACSC", "")]


def test_a_file_wide_status_alone() -> None:
    parsed = parse(
        report("", group="<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>MS03</Cd></Rsn></StsRsnInf>")
    )
    assert (parsed.group_status, parsed.group_reason_code, parsed.statuses) == ("RJCT", "MS03", ())


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "well-formed"),
        (b"<Document>", "well-formed"),
        (b"<Document/>", "pain.002"),
        (report("").replace(b"pain.002.001.12", b"pain.001.001.09"), "pain.002"),
        (report(tx("A", "ACSC")).replace(b"CstmrPmtStsRpt", b"Other"), "CstmrPmtStsRpt"),
        (report(tx("A", "ACSC")).replace(b"<MsgId>BANK-1</MsgId>", b""), "message id"),
        (report("<OrgnlPmtInfAndSts>" + tx("A", "PAID") + "</OrgnlPmtInfAndSts>"), "status"),
        (report("<OrgnlPmtInfAndSts>" + tx("A") + "</OrgnlPmtInfAndSts>"), "no status"),
        (report("<OrgnlPmtInfAndSts>" + tx("", "ACSC") + "</OrgnlPmtInfAndSts>"), "EndToEnd"),
        (
            report("<OrgnlPmtInfAndSts>" + tx("A", "RJCT", "TOOLONG") + "</OrgnlPmtInfAndSts>"),
            "reason",
        ),
        (
            report(
                "<OrgnlPmtInfAndSts>" + tx("A", "ACSC") + tx("A", "RJCT") + "</OrgnlPmtInfAndSts>"
            ),
            "two statuses",
        ),
        (report(""), "neither"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>',
            "document type",
        ),
    ],
)
def test_what_is_not_a_readable_report_is_malformed(content: bytes, says: str) -> None:
    with pytest.raises(Malformed) as refused:
        parse(content)
    assert says in str(refused.value)
