"""Names sorted as a reader expects: organisations' and contacts' names and
services' titles use the collation `maillage_names` (see lib/collation.py).

PostgreSQL gets it from ICU here: CLDR's root order with numbers compared by
value, deterministic. SQLite gets it from lib.collation on each connection;
changing a column's collation rebuilds its table there, which drops the
full-text triggers of 0002: they are made again after (and after going back)."""

from django.db import migrations, models

import lib.text

TABLES = ("register_organisation", "register_service")


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE COLLATION IF NOT EXISTS maillage_names "
            "(provider = icu, locale = 'und-u-kn-true')"
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS maillage_names")


def make_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        fts = f"{table}_fts"
        for sql in (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} "
            f"BEGIN INSERT INTO {fts}(rowid, search_text) "
            "VALUES (new.id, new.search_text); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} "
            f"BEGIN INSERT INTO {fts}({fts}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update "
            f"AFTER UPDATE OF search_text ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); "
            "END",
        ):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("register", "0010_organisation_to_complete")]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
        # Going back, the tables are rebuilt by the AlterFields below first.
        migrations.RunPython(migrations.RunPython.noop, make_search_triggers),
        migrations.AlterField(
            model_name="contact",
            name="name",
            field=models.CharField(
                db_collation="maillage_names",
                validators=[lib.text.validate_line], max_length=200, verbose_name="nom"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="name",
            field=models.CharField(
                db_collation="maillage_names",
                validators=[lib.text.validate_line], max_length=255, verbose_name="nom"
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="title",
            field=models.CharField(
                db_collation="maillage_names",
                validators=[lib.text.validate_line], max_length=255, verbose_name="intitulé"
            ),
        ),
        migrations.RunPython(make_search_triggers, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name"], name="register_organisation_name"),
        ),
    ]
