"""The access log records the kind of reader, their office and the agency; tokens carry their
agency and the closed list of purposes it is registered for.

Old access rows are not rewritten (the table is append-only and hash-chained): their new
columns stay empty, which hashes as before, and the log shows their old codes' meaning
(core/models.py, LEGACY_SEEN and LEGACY_PURPOSES). Tokens issued before purposes existed could
only verify statuses, so that is the purpose they keep; their name becomes their agency.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("inclusio.core.migrations.0002_append_only")


def tokens_keep_what_they_did(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.all():
        token.agency = token.name[:100]
        token.purposes = ["status_verification"]
        token.save(update_fields=["agency", "purposes"])


def triggers_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    # SQLite may rebuild a table to add columns, which drops its triggers: put them back.
    append_only.drop_triggers(apps, schema_editor)
    append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_parameters_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessevent",
            name="agency",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="agency"),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="office",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="role"),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="office_region",
            field=models.CharField(
                blank=True, default="", max_length=2, verbose_name="region of the role"
            ),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="reader",
            field=models.CharField(
                blank=True,
                choices=[
                    ("representative", "your legal representative"),
                    ("staff", "a staff member"),
                    ("family", "a family member or carer, on their own record"),
                    ("agency", "another agency's system"),
                    ("system", "the platform itself"),
                    ("other", "another account, without a right to your data"),
                ],
                default="",
                max_length=16,
                verbose_name="kind of reader",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="agency",
            field=models.CharField(default="", max_length=100, verbose_name="agency"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="purposes",
            field=models.JSONField(default=list, verbose_name="purposes"),
        ),
        migrations.AddIndex(
            model_name="accessevent",
            index=models.Index(fields=["person_iin", "at"], name="access_person_at"),
        ),
        migrations.RunPython(tokens_keep_what_they_did, migrations.RunPython.noop),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
