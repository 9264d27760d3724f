"""An organisation's level, sector and actor type may be unknown: created from a
partner's 4W sheet, it is to complete.

SQLite changes a column's nullability by copying the table, which drops its
triggers: the full-text index's are made again (see 0002_full_text_search)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

TABLE = "register_organisation"


def search_triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    fts = importlib.import_module("register.migrations.0002_full_text_search")
    statements = fts.statements("sqlite", TABLE, create=True)
    triggers = [sql for sql in statements if sql.startswith("CREATE TRIGGER")]
    for event in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_fts_{event}")
    for sql in triggers:
        schema_editor.execute(sql)
    schema_editor.execute(f"INSERT INTO {TABLE}_fts({TABLE}_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0009_text_limits'),
        ('taxonomy', '0001_initial'),
        ('territory', '0001_initial'),
    ]

    operations = [
        # Undone, the fields are copied back last: their triggers too.
        migrations.RunPython(migrations.RunPython.noop, search_triggers_create),
        migrations.AlterField(
            model_name='organisation',
            name='actor_type',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='taxonomy.actortype', verbose_name="type d'acteur"),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='level',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='taxonomy.institutionallevel', verbose_name='niveau institutionnel'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='sector',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='taxonomy.sector', verbose_name='secteur'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(condition=models.Q(('level__isnull', True), ('sector__isnull', True), ('actor_type__isnull', True), _connector='OR'), fields=['status', 'name'], name='register_org_incomplete'),
        ),
        migrations.RunPython(search_triggers_create, search_triggers_create),
    ]
