"""Writes of the statistics app: recording a publication (the files are written by publish.py)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from inclusio.core.audit import Actor, record_write
from inclusio.statistics.models import Publication as PublicationRecord
from inclusio.statistics.publish import Publication


def publication_record(
    *, actor: Actor, publication: Publication, out: Path, snapshot_sha256: str
) -> list[PublicationRecord]:
    """Records each dataset written to ``out`` on the publication's reference date."""
    with transaction.atomic():
        records = PublicationRecord.objects.bulk_create(
            PublicationRecord(
                dataset=dataset.table.id,
                reference_date=publication.on,
                folder=str(out),
                snapshot_sha256=snapshot_sha256,
                threshold=dataset.protection.threshold,
                cells=len(dataset.statuses),
                primary_cells=dataset.protection.primary,
                secondary_cells=dataset.protection.secondary,
            )
            for dataset in publication.datasets
        )
        record_write(
            actor=actor,
            action="statistics_publish",
            entity="statistics",
            entity_id=publication.on.isoformat(),
            data={
                "datasets": [record.dataset for record in records],
                "folder": str(out),
                "snapshot_sha256": snapshot_sha256,
            },
        )
    return records
