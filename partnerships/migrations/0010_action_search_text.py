"""Actions get the normalized search column the other records have, so that
searching actions ignores case and accents on every database ("RÉSERVER"
finds "Réserver l'hôtel"). Existing rows are filled in batches; PostgreSQL
gets a trigram index, as in 0004."""

from django.db import migrations, models

from partnerships import text_search

BATCH = 2000


def fill(apps, schema_editor):
    Action = apps.get_model("partnerships", "Action")
    rows = Action._base_manager.order_by("pk").only("pk", "title")
    batch = []
    for action in rows.iterator(chunk_size=BATCH):
        action.search_text = text_search.build_search_text([action.title])
        batch.append(action)
        if len(batch) == BATCH:
            Action._base_manager.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Action._base_manager.bulk_update(batch, ["search_text"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS partnerships_action_search_trgm "
            "ON partnerships_action USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS partnerships_action_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0009_user_language")]

    operations = [
        migrations.AddField(
            model_name="action",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
