"""Bodies' names sorted as a reader expects, with the collation
`maillage_names` that register.0011_name_collation makes (lib/collation.py)."""

from django.db import migrations, models

import lib.text


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0002_text_limits"),
        ("register", "0011_name_collation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coordinationbody",
            name="name",
            field=models.CharField(
                db_collation="maillage_names",
                validators=[lib.text.validate_line], max_length=255, verbose_name="nom"
            ),
        ),
    ]
