"""A dated parameter's legal reference in Kazakh, Russian and English: ``reference`` stays the
English text, ``reference_kk`` and ``reference_ru`` are added. A row already kept (seeded or
entered) has only its English text; where that is the country file's text for the same key and
date, the file's Kazakh and Russian texts of that reference fill the new columns — the one
change the append-only rule lets through, made here with its triggers lifted for the moment.
A row whose English text the file does not have (a value the ministry entered) keeps the new
columns empty, and pages read its English text in every language until a correction gives
the three. The append-only triggers are made again at the end (SQLite's rebuild of the table
drops them)."""

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db import migrations, models

history = import_module("inclusio.core.migrations.0004_parameters_history")


def fill_references(apps, schema_editor):  # type: ignore[no-untyped-def]
    from inclusio import countries

    rows = apps.get_model("core", "DatedParameter").objects
    # SQLite rebuilds the table to add the columns, which drops its triggers: they are made
    # again below on every database.
    history.drop_triggers(apps, schema_editor)
    # On a fresh database there is nothing yet: the seeding after migrate writes all three.
    for row in countries.parameters(settings.COUNTRY):
        given = row["reference"]
        if not isinstance(given, dict):
            continue
        rows.filter(
            key=row["key"],
            effective=dt.date.fromisoformat(row["effective"]),
            reference=given["en"],
            reference_kk="",
            reference_ru="",
        ).update(reference_kk=given["kk"], reference_ru=given["ru"])
    history.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_emergency_access_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="datedparameter",
            name="reference_kk",
            field=models.CharField(
                blank=True, default="", max_length=300, verbose_name="legal reference (Kazakh)"
            ),
        ),
        migrations.AddField(
            model_name="datedparameter",
            name="reference_ru",
            field=models.CharField(
                blank=True, default="", max_length=300, verbose_name="legal reference (Russian)"
            ),
        ),
        migrations.AlterField(
            model_name="datedparameter",
            name="reference",
            field=models.CharField(max_length=300, verbose_name="legal reference (English)"),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop),
    ]
