"""Indexes for the pipeline board and the reports, on actions that are not
deleted:

- each partnership's pending actions by status and due date, so "the next
  action's due date" of every card of a 100,000-partnership board is read from
  the index alone (one probe per partnership, no table lookups);
- each partnership's actions by creation time, so "has anything happened
  lately?" (stalled partnerships) is one probe per partnership.

Partial indexes, in SQL that SQLite and PostgreSQL both accept. They are not
part of the models' state: the query planner only needs them to exist."""

from django.db import migrations

INDEXES = {
    "action_pending_next_due": "(partnership_id, status, due_date)",
    "action_created_by_partnership": "(partnership_id, created_at)",
}


def _create(name: str, columns: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON partnerships_action {columns} "
        "WHERE deleted_at IS NULL",
        f"DROP INDEX IF EXISTS {name}",
        elidable=False,
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0004_trigram_search_indexes")]

    operations = [_create(name, columns) for name, columns in INDEXES.items()]
