"""Store what the reports read from the stage history (partnerships/stage_history.py),
filled for existing rows: on each stage change the end of the stay it began
and its length in days, on each partnership its furthest stage and the day it
entered the pipeline; with the indexes the funnel and the completed stays read.

The fill uses the historical models and the definitions as they stand at this
migration (the same as ``stage_history.stay_values`` and
``partnership_values``), by ranges of partnership ids; the indexes are built
after it.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, F, Func, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

STAGES = ["prospect", "letter_of_intent", "agreement", "contract", "renewal"]
BATCH = 5000


class DaysBetween(Func):
    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"(CAST({end} AS date) - CAST({start} AS date))", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)",
            (*end_params, *start_params),
        )


def fill_stage_history(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    StageChange = apps.get_model("partnerships", "StageChange")

    def next_change_on():
        later = Q(effective_date__gt=OuterRef("effective_date")) | Q(
            effective_date=OuterRef("effective_date"), pk__gt=OuterRef("pk")
        )
        return Subquery(
            StageChange.objects.filter(later, partnership=OuterRef("partnership"))
            .order_by("effective_date", "pk")
            .values("effective_date")[:1]
        )

    changes = StageChange.objects.filter(partnership=OuterRef("pk"))
    rank = Case(
        *[When(to_stage=stage, then=Value(number)) for number, stage in enumerate(STAGES)],
        output_field=IntegerField(),
    )
    furthest = Subquery(changes.annotate(rank=rank).order_by("-rank").values("to_stage")[:1])
    entered = Subquery(
        changes.filter(from_stage="")
        .order_by()
        .values("partnership")
        .annotate(first=Min("effective_date"))
        .values("first")
    )
    ids = list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        low, high = ids[start], ids[min(start + BATCH, len(ids)) - 1]
        StageChange.objects.filter(partnership__gte=low, partnership__lte=high).update(
            left_on=next_change_on(),
            stay_days=DaysBetween(next_change_on(), F("effective_date")),
        )
        Partnership.objects.filter(pk__gte=low, pk__lte=high).update(
            furthest_stage=Coalesce(furthest, Value("")), entered_pipeline_on=entered
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0026_sqlite_search_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="entered_pipeline_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="entered the pipeline on"
            ),
        ),
        migrations.AddField(
            model_name="partnership",
            name="furthest_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("prospect", "Prospect"),
                    ("letter_of_intent", "Letter of intent"),
                    ("agreement", "Agreement"),
                    ("contract", "Contract"),
                    ("renewal", "Renewal"),
                ],
                default="",
                editable=False,
                max_length=20,
                verbose_name="furthest stage reached",
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="left_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="stay ended on"
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="stay_days",
            field=models.IntegerField(
                blank=True, editable=False, null=True, verbose_name="days in the stage"
            ),
        ),
        migrations.RunPython(fill_stage_history, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["furthest_stage", "entered_pipeline_on", "deleted_at"],
                name="partnership_funnel",
            ),
        ),
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(
                condition=models.Q(("left_on__isnull", False)),
                fields=["to_stage", "left_on", "stay_days", "partnership"],
                name="stage_change_stays",
            ),
        ),
    ]
