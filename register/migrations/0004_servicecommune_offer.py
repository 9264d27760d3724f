"""Service × commune rows repeat their service's theme and organisation, so
that a commune's page counts its services from one index (see ServiceCommune).
The columns are filled here and made required in the next migration: PostgreSQL
refuses to alter a table in the transaction that updated its rows."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_keys(apps, schema_editor):
    Service = apps.get_model("register", "Service")
    ServiceCommune = apps.get_model("register", "ServiceCommune")
    service = Service.objects.filter(pk=OuterRef("service_id"))
    ServiceCommune.objects.update(
        theme_id=Subquery(service.values("theme_id")[:1]),
        organisation_id=Subquery(service.values("organisation_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0003_search_vector"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicecommune",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="register.organisation",
            ),
        ),
        migrations.AddField(
            model_name="servicecommune",
            name="theme",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="taxonomy.theme",
            ),
        ),
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
    ]
