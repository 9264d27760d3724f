"""The databases' own full-text indexes on search_text (see register/search.py)."""

from django.db import migrations

TABLES = ("register_organisation", "register_service")


def statements(vendor, table, *, create):
    if vendor == "postgresql":
        if create:
            return [
                f"CREATE INDEX {table}_search ON {table} "
                "USING gin (to_tsvector('simple', search_text))"
            ]
        return [f"DROP INDEX IF EXISTS {table}_search"]
    if vendor != "sqlite":
        return []
    fts = f"{table}_fts"
    if not create:
        events = ("insert", "delete", "update")
        drops = [f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in events]
        return [*drops, f"DROP TABLE IF EXISTS {fts}"]
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def create_indexes(apps, schema_editor):
    for table in TABLES:
        for sql in statements(schema_editor.connection.vendor, table, create=True):
            schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    for table in TABLES:
        for sql in statements(schema_editor.connection.vendor, table, create=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
