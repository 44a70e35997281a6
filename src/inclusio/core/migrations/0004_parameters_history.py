"""Dated parameters keep their history: a revision per value, who entered it, when and why; the
database refuses to change or remove a value, as it does for the audit and access rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SEEDED = "Seeded from the country configuration (parameters.json)"
TABLE = "core_datedparameter"


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_no_{op.lower()} BEFORE {op} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )
    elif vendor == "postgresql":
        # inclusio_append_only() is the function of 0002_append_only.
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION inclusio_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION inclusio_append_only()"
        )


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{op}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_accounts_notices_enrolment_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="datedparameter", name="parameter_once_per_date"),
        migrations.AlterModelOptions(
            name="datedparameter",
            options={
                "ordering": ["key", "effective", "revision"],
                "permissions": [
                    (
                        "manage_dated_parameters",
                        "Enter and correct the values of dated parameters",
                    )
                ],
                "verbose_name": "dated parameter",
                "verbose_name_plural": "dated parameters",
            },
        ),
        migrations.AddField(
            model_name="datedparameter",
            name="revision",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="revision"),
        ),
        # The rows before this migration were all seeded from the country configuration.
        migrations.AddField(
            model_name="datedparameter",
            name="reason",
            field=models.TextField(default=SEEDED, max_length=1000, verbose_name="reason"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="datedparameter",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="entered by",
            ),
        ),
        migrations.AddField(
            model_name="datedparameter",
            name="entered_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="entered at"
            ),
        ),
        migrations.AddConstraint(
            model_name="datedparameter",
            constraint=models.UniqueConstraint(
                fields=("key", "effective", "revision"), name="parameter_revision_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="datedparameter",
            constraint=models.CheckConstraint(
                condition=models.Q(revision__gte=1), name="parameter_revision"
            ),
        ),
        migrations.AddConstraint(
            model_name="datedparameter",
            constraint=models.CheckConstraint(
                condition=models.Q(value__gte=0), name="parameter_not_negative"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
