"""Overdue actions by owner and the workload per owner (reports) count the
pending actions of each owner: this partial index answers them from the index
alone, without reading the million action rows of a large installation."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0006_deleted_rows_partial_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS action_pending_by_owner "
            "ON partnerships_action (status, owner_id, due_date) WHERE deleted_at IS NULL",
            "DROP INDEX IF EXISTS action_pending_by_owner",
            elidable=False,
        )
    ]
