"""Bodies' names sorted as a reader expects, with the collation
`maillage_names` that register.0010_name_collation makes (lib/collation.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0001_initial"),
        ("register", "0010_name_collation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coordinationbody",
            name="name",
            field=models.CharField(
                db_collation="maillage_names", max_length=255, verbose_name="nom"
            ),
        ),
    ]
