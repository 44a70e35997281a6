from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0004_bulk_references"),
    ]

    operations = [
        migrations.RenameField(
            model_name="programme", old_name="reference", new_name="reference_en"
        ),
        migrations.AlterField(
            model_name="programme",
            name="reference_en",
            field=models.CharField(max_length=500, verbose_name="legal reference in English"),
        ),
        # Until the programme files are loaded again (every file changed with its references),
        # the Kazakh and Russian references read the English one.
        migrations.AddField(
            model_name="programme",
            name="reference_kk",
            field=models.CharField(
                default="", max_length=500, verbose_name="legal reference in Kazakh"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="programme",
            name="reference_ru",
            field=models.CharField(
                default="", max_length=500, verbose_name="legal reference in Russian"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="proposal",
            name="inputs",
            field=models.JSONField(blank=True, default=list, verbose_name="own values"),
        ),
    ]
