"""The service × commune keys, filled by 0004, are required and indexed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("register", "0004_servicecommune_offer")]

    operations = [
        migrations.AlterField(
            model_name="servicecommune",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="register.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="servicecommune",
            name="theme",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.theme",
            ),
        ),
        migrations.AddIndex(
            model_name="servicecommune",
            index=models.Index(
                fields=["commune", "theme", "organisation", "service"],
                name="register_servicecommune_offer",
            ),
        ),
    ]
