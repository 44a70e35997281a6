"""The files validate against the published ISO 20022 schemas.

The schemas come with the ``pain001`` package (a development dependency, Apache-2.0 or MIT):
``pain.001.001.09`` for the payment file the platform writes and ``pain.002.001.12`` for the
status report the synthetic bank answers with. Nothing is downloaded: the schemas are files of
the installed package, and they import no other schema.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest
import xmlschema

from inclusio.core.audit import SYSTEM
from inclusio.payments import pain001, pain002
from inclusio.payments.bank import SyntheticBank
from inclusio.payments.services import status_report_import
from inclusio.payments.treasury import treasury_account
from tests.payments.conftest import Send

SCHEMAS = resources.files("pain001")
PAIN_001 = SCHEMAS / "templates" / "pain.001.001.09" / "pain.001.001.09.xsd"
PAIN_002 = SCHEMAS / "pain002" / "schemas" / "pain.002.001.12.xsd"


def schema(path: object) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(path))


def test_the_schemas_are_the_versions_written() -> None:
    assert schema(PAIN_001).target_namespace == pain001.NAMESPACE
    assert schema(PAIN_002).target_namespace.endswith(pain002.WRITTEN_SCHEMA)


@pytest.mark.django_db
def test_the_payment_file_and_the_banks_answer_validate(send: Send) -> None:
    payment_file, content = send(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    schema(PAIN_001).validate(content)
    report = SyntheticBank(reject_one_in=3).answer(content)
    schema(PAIN_002).validate(report)
    imported = status_report_import(actor=SYSTEM, content=report)
    assert imported.paid + imported.rejected == 12 and imported.rejected > 0
    assert imported.report.original_message_id == payment_file.message_id


@pytest.mark.django_db
def test_a_file_paying_an_organisation_validates() -> None:
    # The marketplace will pay suppliers: a BIN goes under OrgId, not PrvtId.
    line = pain001.Line(
        "M-1", 12_500, "ТОО «Медтехника»", "040340008429", "BIN", "KZ18722S000012345678", "order 1"
    )
    content = pain001.credit_transfer(
        message_id="MARKET-1",
        lines=[line],
        treasury=treasury_account(),
        execution=dt.date(2024, 2, 1),
    )
    schema(PAIN_001).validate(content)
    assert b"<OrgId>" in content.split(b"<Cdtr>")[1]


def test_an_invalid_file_is_caught_by_the_schema() -> None:
    # Guards the test itself: a schema that accepted anything would prove nothing.
    broken = pain002.status_report(
        message_id="BANK-1",
        original_message_id="X",
        statuses=[pain002.Status("E2E", "RJCT", "AC04", "")],
        created=dt.datetime(2024, 2, 5, tzinfo=dt.UTC),
    ).replace(b"<TxSts>RJCT</TxSts>", b"<TxSts>RJCT</TxSts><Bogus/>")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema(PAIN_002).validate(broken)
