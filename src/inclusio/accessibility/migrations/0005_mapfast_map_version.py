from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accessibility", "0004_tidy_assessment_osm_element"),
    ]

    operations = [
        migrations.CreateModel(
            name="MapVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
