"""Each trail's rows carry the strand they are linked into (core/audit.py, "Strands").

Old rows are not rewritten (the tables are append-only and hash-chained): they get strand 0,
the strand whose head keeps the chain's own name, so they stay one intact chain as before.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("inclusio.core.migrations.0002_append_only")


def triggers_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    # SQLite rebuilds a table to add a column with a default, which drops its triggers.
    append_only.drop_triggers(apps, schema_editor)
    append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_submissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="strand",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="strand",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
