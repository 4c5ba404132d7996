"""On PostgreSQL, trigram indexes make the ``search_text LIKE '%term%'`` searches
use an index instead of scanning the table. SQLite has no such index type; there
this migration does nothing (its searches scan one narrow column)."""

from django.db import migrations

TABLES = ["organization", "contact", "partnership", "meeting"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS partnerships_{table}_search_trgm "
            f"ON partnerships_{table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS partnerships_{table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_api_tokens_calendar_feeds_reminders")]

    operations = [migrations.RunPython(create, drop)]
