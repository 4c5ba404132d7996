"""Targets and yearly results (indicators, a partnership's indicator lines and
their results per year, with the standard list of indicators), and dormancy
alerts (the stored last engagement of each partnership, filled here, and the
record of each alert)."""

import datetime

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import DateField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

NEVER = datetime.date(1900, 1, 1)

# code, English name, French name, unit, French unit, kind
INDICATORS = [
    ("trainees", "Trainees trained", "Stagiaires formés", "people", "personnes", "count"),
    ("investment-eur", "Investment", "Investissement", "EUR", "EUR", "amount"),
    ("jobs-created", "Jobs created", "Emplois créés", "jobs", "emplois", "count"),
    ("visitors", "Visitors", "Visiteurs", "visitors", "visiteurs", "count"),
    ("flights-per-week", "Flights per week", "Vols par semaine", "flights/week",
     "vols/semaine", "level"),
    ("students-exchanged", "Students exchanged", "Étudiants échangés", "students",
     "étudiants", "count"),
]  # fmt: skip


def add_indicators(apps, schema_editor):
    Indicator = apps.get_model("partnerships", "Indicator")
    for order, (code, name, name_fr, unit, unit_fr, kind) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_fr": name_fr,
                "unit": unit,
                "unit_fr": unit_fr,
                "kind": kind,
                "order": order * 10,
            },
        )


def fill_last_engagement(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Meeting = apps.get_model("partnerships", "Meeting")
    Action = apps.get_model("partnerships", "Action")
    today = timezone.localdate()
    meetings = Meeting.objects.filter(deleted_at__isnull=True, start_date__lte=today).exclude(
        status="cancelled"
    )
    done = Action.objects.filter(deleted_at__isnull=True, status="done", completed_on__isnull=False)
    never = Value(NEVER, output_field=DateField())
    last_engaged = Greatest(
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
                done.filter(partnership=OuterRef("pk"))
                .order_by("-completed_on")
                .values("completed_on")[:1],
                output_field=DateField(),
            ),
            never,
        ),
        output_field=DateField(),
    )
    Partnership.objects.update(last_engaged_on=last_engaged)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0021_contact_order_by_name_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DormancyAlert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quiet_since", models.DateField(verbose_name="quiet since")),
                ("alerted_on", models.DateField(verbose_name="alerted on")),
            ],
            options={
                "verbose_name": "dormancy alert",
                "verbose_name_plural": "dormancy alerts",
                "ordering": ["-alerted_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalIndicatorResult",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "value",
                    models.DecimalField(decimal_places=2, max_digits=16, verbose_name="value"),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="Where the figure comes from: an annual report, a press release...",
                        max_length=300,
                        verbose_name="source",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical yearly result",
                "verbose_name_plural": "historical yearly results",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPartnershipIndicator",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        blank=True, db_index=True, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated at"),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="Where or what it counts, when a partnership has several lines of one indicator: for example “around Chambéry” and “in Zhangjiakou”.",
                        max_length=120,
                        verbose_name="scope",
                    ),
                ),
                (
                    "target",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        verbose_name="target",
                    ),
                ),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="The year the target is to be reached by; empty for the whole agreement.",
                        null=True,
                        verbose_name="target year",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "source_reference",
                    models.CharField(
                        blank=True,
                        help_text="Press release or document the target comes from.",
                        max_length=300,
                        verbose_name="source of the target",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical indicator line",
                "verbose_name_plural": "historical indicator lines",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=120, unique=True, verbose_name="name")),
                (
                    "name_fr",
                    models.CharField(blank=True, max_length=120, verbose_name="name in French"),
                ),
                (
                    "unit",
                    models.CharField(
                        help_text='For example "people", "EUR", "flights/week".',
                        max_length=40,
                        verbose_name="unit",
                    ),
                ),
                (
                    "unit_fr",
                    models.CharField(blank=True, max_length=40, verbose_name="unit in French"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("count", "Count (adds up over the years)"),
                            ("amount", "Amount (adds up over the years)"),
                            ("level", "Level (the latest year counts)"),
                        ],
                        default="count",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="offered")),
            ],
            options={
                "verbose_name": "indicator",
                "verbose_name_plural": "indicators",
                "ordering": ["order", "name"],
            },
        ),
        migrations.CreateModel(
            name="IndicatorResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "value",
                    models.DecimalField(decimal_places=2, max_digits=16, verbose_name="value"),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="Where the figure comes from: an annual report, a press release...",
                        max_length=300,
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "yearly result",
                "verbose_name_plural": "yearly results",
                "ordering": ["line", "year"],
            },
        ),
        migrations.CreateModel(
            name="PartnershipIndicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="created at"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="Where or what it counts, when a partnership has several lines of one indicator: for example “around Chambéry” and “in Zhangjiakou”.",
                        max_length=120,
                        verbose_name="scope",
                    ),
                ),
                (
                    "target",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        verbose_name="target",
                    ),
                ),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="The year the target is to be reached by; empty for the whole agreement.",
                        null=True,
                        verbose_name="target year",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "source_reference",
                    models.CharField(
                        blank=True,
                        help_text="Press release or document the target comes from.",
                        max_length=300,
                        verbose_name="source of the target",
                    ),
                ),
            ],
            options={
                "verbose_name": "indicator line",
                "verbose_name_plural": "indicator lines",
                "ordering": ["indicator__order", "label", "pk"],
            },
        ),
        migrations.AddField(
            model_name="partnership",
            name="last_engaged_on",
            field=models.DateField(
                default=datetime.date.today, editable=False, verbose_name="last engagement"
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["status", "owner", "last_engaged_on", "stage", "deleted_at"],
                name="partnership_dormant_owner",
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["status", "last_engaged_on", "stage", "deleted_at"],
                name="partnership_dormant",
            ),
        ),
        migrations.AddField(
            model_name="dormancyalert",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner alerted",
            ),
        ),
        migrations.AddField(
            model_name="dormancyalert",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dormancy_alerts",
                to="partnerships.partnership",
                verbose_name="partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicalindicatorresult",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalpartnershipindicator",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalpartnershipindicator",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partnerships.partnership",
                verbose_name="partnership",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["count", "amount", "level"])),
                name="indicator_kind_valid",
            ),
        ),
        migrations.AddField(
            model_name="historicalpartnershipindicator",
            name="indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partnerships.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="partnershipindicator",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="partnerships.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="partnershipindicator",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicator_lines",
                to="partnerships.partnership",
                verbose_name="partnership",
            ),
        ),
        migrations.AddField(
            model_name="indicatorresult",
            name="line",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="partnerships.partnershipindicator",
                verbose_name="indicator line",
            ),
        ),
        migrations.AddField(
            model_name="historicalindicatorresult",
            name="line",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partnerships.partnershipindicator",
                verbose_name="indicator line",
            ),
        ),
        migrations.AddIndex(
            model_name="dormancyalert",
            index=models.Index(fields=["alerted_on"], name="dormancy_alert_day"),
        ),
        migrations.AddConstraint(
            model_name="dormancyalert",
            constraint=models.UniqueConstraint(
                fields=("partnership", "quiet_since"), name="dormancy_alert_once_per_spell"
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershipindicator",
            constraint=models.UniqueConstraint(
                fields=("partnership", "indicator", "label"),
                name="indicator_line_unique",
                violation_error_message="This partnership already has this indicator with this scope.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershipindicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("target__isnull", True), ("target__gte", 0), _connector="OR"),
                name="indicator_line_target_not_negative",
                violation_error_message="The target cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershipindicator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("target_year__isnull", True),
                    models.Q(("target_year__gte", 1950), ("target_year__lte", 2100)),
                    _connector="OR",
                ),
                name="indicator_line_target_year_plausible",
                violation_error_message="The target year must be between 1950 and 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorresult",
            constraint=models.UniqueConstraint(
                fields=("line", "year"),
                name="indicator_result_once_per_year",
                violation_error_message="This line already has a result for this year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorresult",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0)),
                name="indicator_result_not_negative",
                violation_error_message="A result cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorresult",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1950), ("year__lte", 2100)),
                name="indicator_result_year_plausible",
                violation_error_message="The year must be between 1950 and 2100.",
            ),
        ),
        migrations.RunPython(add_indicators, migrations.RunPython.noop),
        migrations.RunPython(fill_last_engagement, migrations.RunPython.noop, elidable=True),
    ]
