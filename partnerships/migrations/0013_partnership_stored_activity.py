"""Store each partnership's last activity and next due date (partnerships/activity.py),
filled for existing rows from their stage moves, meetings and actions.

The fill uses the historical models and the definitions as they stand at this
migration (the same as ``activity.stored_values``), so it keeps working
whatever the models become later.
"""

import datetime

from django.db import migrations, models
from django.db.models import DateField, F, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

NEVER = datetime.date(1900, 1, 1)
PENDING = ["open", "in_progress"]


def fill_stored_activity(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Meeting = apps.get_model("partnerships", "Meeting")
    Action = apps.get_model("partnerships", "Action")
    today = timezone.localdate()
    meetings = Meeting.objects.filter(deleted_at__isnull=True, start_date__lte=today).exclude(
        status="cancelled"
    )
    actions = Action.objects.filter(deleted_at__isnull=True)
    never = Value(NEVER, output_field=DateField())
    last_activity = Greatest(
        Coalesce(F("stage_changed_on"), never),
        Coalesce(
            Subquery(
                meetings.filter(partnerships=OuterRef("pk"))
                .order_by("-start_date")
                .values("start_date")[:1],
                output_field=DateField(),
            ),
            never,
        ),
        Coalesce(
            Subquery(
                actions.filter(partnership=OuterRef("pk"))
                .order_by("-created_at")
                .annotate(day=TruncDate("created_at"))
                .values("day")[:1],
                output_field=DateField(),
            ),
            never,
        ),
        Coalesce(
            Subquery(
                actions.filter(
                    partnership=OuterRef("pk"), status="done", completed_on__isnull=False
                )
                .order_by("-completed_on")
                .values("completed_on")[:1],
                output_field=DateField(),
            ),
            never,
        ),
        output_field=DateField(),
    )
    next_due = Subquery(
        actions.filter(partnership=OuterRef("pk"), status__in=PENDING, due_date__isnull=False)
        .order_by()
        .values("partnership")
        .annotate(next_due=Min("due_date"))
        .values("next_due"),
        output_field=DateField(),
    )
    Partnership.objects.update(last_activity_on=last_activity, next_due_on=next_due)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0012_shared_cache_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="last_activity_on",
            field=models.DateField(
                default=datetime.date.today, editable=False, verbose_name="last activity"
            ),
        ),
        migrations.AddField(
            model_name="partnership",
            name="next_due_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next action due"
            ),
        ),
        migrations.RunPython(fill_stored_activity, migrations.RunPython.noop, elidable=True),
    ]
