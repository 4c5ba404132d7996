"""Store each partnership's value in euros at today's rate (partnerships/valuation.py),
filled for existing rows.

The fill uses the historical models and the definition as it stands at this
migration (the same as ``valuation.value_eur_expression``): the amount times the
latest rate of its currency valid today, EUR being 1, empty without an amount or
a rate.
"""

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, When
from django.utils import timezone

VALUE_EUR = models.DecimalField(max_digits=26, decimal_places=8)


def fill_value_eur(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    ExchangeRate = apps.get_model("partnerships", "ExchangeRate")
    rate = Subquery(
        ExchangeRate.objects.filter(
            currency=OuterRef("value_currency"), valid_from__lte=timezone.localdate()
        )
        .order_by("-valid_from")
        .values("rate_to_eur")[:1],
        output_field=VALUE_EUR,
    )
    Partnership.objects.filter(value_amount__isnull=False).update(
        value_eur=Case(
            When(value_currency="EUR", then=F("value_amount")),
            default=F("value_amount") * rate,
            output_field=VALUE_EUR,
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0017_meeting_times_of_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="value_eur",
            field=models.DecimalField(
                blank=True,
                decimal_places=8,
                editable=False,
                max_digits=26,
                null=True,
                verbose_name="value in euros",
            ),
        ),
        migrations.RunPython(fill_value_eur, migrations.RunPython.noop, elidable=True),
    ]
