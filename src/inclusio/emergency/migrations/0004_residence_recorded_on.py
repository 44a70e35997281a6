"""The day each home entered the dispatchers' registry, for the snapshot's residences file; the
homes already kept get the day they were last compiled, the earliest the registry still knows."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.functions import TruncDate


def recorded_from_compiled(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    residence = apps.get_model("emergency", "Residence")
    residence.objects.update(recorded_on=TruncDate("compiled_at"))


class Migration(migrations.Migration):
    dependencies = [("emergency", "0003_alerts_alerts")]

    operations = [
        migrations.AddField(
            model_name="residence",
            name="recorded_on",
            field=models.DateField(null=True, verbose_name="recorded"),
        ),
        migrations.RunPython(recorded_from_compiled, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="residence",
            name="recorded_on",
            field=models.DateField(verbose_name="recorded"),
        ),
    ]
