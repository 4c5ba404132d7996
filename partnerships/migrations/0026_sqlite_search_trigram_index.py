"""On SQLite, an FTS5 trigram index of each searched table's ``search_text``,
kept true by triggers (partnerships/search_index.py), so that a search reads
the rows that contain its terms instead of every row. PostgreSQL has its
trigram GIN indexes (0004, 0010): there this migration does nothing."""

from django.db import migrations

from partnerships import search_index


def create(apps, schema_editor):
    search_index.ensure(schema_editor.connection)


def drop(apps, schema_editor):
    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0025_my_work_indexes")]

    operations = [migrations.RunPython(create, drop)]
