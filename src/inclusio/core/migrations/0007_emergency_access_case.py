"""The access log keeps the case a read was made for (an emergency's incident number).

Old rows keep an empty case, which hashes as before (``AccessEvent.hashed_fields``).
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("inclusio.core.migrations.0002_append_only")


def triggers_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    # SQLite rebuilds the table to add the column, which drops its triggers: put them back.
    append_only.drop_triggers(apps, schema_editor)
    append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_accounts_password_reset_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="case",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="case"),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
