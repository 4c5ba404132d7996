"""Indexes for "my work" (issue 10): one owner's dated pending actions in the
order of ``dated_by_urgency()`` (overdue, due this week: SQLite sorted a busy
owner's 16,000 overdue actions rather than read the first five), the meetings
a person logged by date, a person's own partnerships due for renewal, and the
open partnerships by last activity (the managers' stalled ones). Indexes only;
then ANALYZE of the three tables, so that SQLite's planner knows the new
indexes (as 0016).
"""

from django.conf import settings
from django.db import migrations, models

import partnerships.models.base


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0024_contact_positions_and_lineage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                models.F("owner"),
                models.F("due_date"),
                partnerships.models.base.Rank("priority", ("high", "normal", "low")),
                models.F("id"),
                condition=models.Q(
                    ("deleted_at__isnull", True),
                    ("due_date__isnull", False),
                    ("status__in", ("open", "in_progress")),
                ),
                name="action_owner_dated_urgency",
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["logged_by", "-start_date", "-id"],
                name="meeting_logged_by_recent",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                condition=models.Q(
                    ("deleted_at__isnull", True), ("status__in", ("active", "on_hold"))
                ),
                fields=["last_activity_on", "id"],
                name="partnership_open_by_activity",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["owner", "status", "renewal_due_on"],
                name="partnership_owner_renewals",
            ),
        ),
        migrations.RunSQL(
            "ANALYZE partnerships_action; ANALYZE partnerships_meeting; "
            "ANALYZE partnerships_partnership;",
            reverse_sql=migrations.RunSQL.noop,
            elidable=True,
        ),
    ]
