"""PostgreSQL: the search text's tsvector stored in a generated column.

The expression index of 0002 only helps a search that starts from it. The
register list walks its name-ordered index and checks each organisation against
the query until it has a page, and `to_tsvector` over each row's search text
cost more than the whole rest of the page. A stored column is computed once per
write and matched as it is read; its GIN index replaces the expression index.
SQLite keeps its FTS5 tables (see register/search.py)."""

from django.db import migrations

TABLES = ("register_organisation", "register_service")


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_vector ON {table} USING gin (search_vector)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX {table}_search ON {table} "
            "USING gin (to_tsvector('simple', search_text))"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("register", "0002_full_text_search")]

    operations = [migrations.RunPython(add_vectors, drop_vectors)]
