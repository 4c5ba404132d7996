"""Indexes for the staff lists, a meeting's page and the admin's changelists
(issue 10): the pending actions in the order of ``by_urgency()`` (everyone's
and one owner's), every live action by urgency, actions by status and last
update, a meeting's follow-ups and side meetings, the partnerships of a stage
and status by last update. Indexes only; then ANALYZE of the three tables, so
that SQLite's planner knows the new indexes (it chooses by the statistics of
the others otherwise, and sorts every pending action), and the partnerships
again: on SQLite, 0013 rebuilt that table, which dropped its statistics, and
without them the planner reads the partnership list through the owners (every
partnership, then a sort) instead of by last update.
"""

from django.conf import settings
from django.db import migrations, models

import partnerships.models.base


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0015_demo_provenance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                models.ExpressionWrapper(
                    models.Q(("due_date__isnull", True)), output_field=models.BooleanField()
                ),
                models.F("due_date"),
                partnerships.models.base.Rank("priority", ("high", "normal", "low")),
                models.F("id"),
                condition=models.Q(
                    ("deleted_at__isnull", True), ("status__in", ("open", "in_progress"))
                ),
                name="action_pending_urgency",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                models.F("owner"),
                models.ExpressionWrapper(
                    models.Q(("due_date__isnull", True)), output_field=models.BooleanField()
                ),
                models.F("due_date"),
                partnerships.models.base.Rank("priority", ("high", "normal", "low")),
                models.F("id"),
                condition=models.Q(
                    ("deleted_at__isnull", True), ("status__in", ("open", "in_progress"))
                ),
                name="action_owner_pending_urgency",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                models.ExpressionWrapper(
                    models.Q(("due_date__isnull", True)), output_field=models.BooleanField()
                ),
                models.F("due_date"),
                partnerships.models.base.Rank("priority", ("high", "normal", "low")),
                models.F("id"),
                condition=models.Q(("deleted_at__isnull", True)),
                name="action_live_urgency",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["status", "-updated_at", "-id"], name="action_status_updated"
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("meeting__isnull", False)),
                fields=["meeting"],
                name="action_from_meeting",
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(
                condition=models.Q(("parent__isnull", False)),
                fields=["parent", "-start_date", "-id"],
                name="meeting_side_meetings",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                fields=["stage", "status", "-updated_at", "-id"], name="partnership_stage_recent"
            ),
        ),
        migrations.RunSQL(
            "ANALYZE partnerships_action; ANALYZE partnerships_meeting; "
            "ANALYZE partnerships_partnership;",
            reverse_sql=migrations.RunSQL.noop,
            elidable=True,
        ),
    ]
