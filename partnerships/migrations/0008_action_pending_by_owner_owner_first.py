"""The pending-by-owner index of 0007 led with the status, so SQLite's planner
preferred the full (owner, status, due date) index and read a million action
rows to skip the deleted ones. Led by the owner, like the query's GROUP BY, the
partial index is chosen, and the workload report reads the index alone
(0.9 s down to 0.1 s at 1,000,000 actions)."""

from django.db import migrations

OLD = "(status, owner_id, due_date)"
NEW = "(owner_id, status, due_date)"


def _index(columns: str) -> str:
    return (
        "CREATE INDEX IF NOT EXISTS action_pending_by_owner "
        f"ON partnerships_action {columns} WHERE deleted_at IS NULL"
    )


DROP = "DROP INDEX IF EXISTS action_pending_by_owner"


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0007_action_pending_by_owner_index")]

    operations = [
        migrations.RunSQL([DROP, _index(NEW)], [DROP, _index(OLD)], elidable=False),
    ]
