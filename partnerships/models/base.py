"""Building blocks shared by the domain models: time stamps, soft delete and
optimistic concurrency (version numbers).

Soft delete is one mechanism, in three parts, so that a deleted partnership,
meeting or action disappears from every surface and comes back, links and all,
when it is restored:

- the record itself: the default manager of a :class:`SoftDeleteModel` hides
  deleted rows (and so do the related managers built on it: a meeting's
  ``actions``, a partnership's ``meetings``...);
- the rows that belong to it (a partnership's documents, parties, stage and
  status changes): their default manager, a :class:`HiddenWithParentManager`,
  hides them while it is deleted;
- links to it from records that stay (an action's meeting, a partnership's
  origin meeting, a side meeting's parent): read through a :class:`LiveLink`
  (``action.live_meeting``) in objects, :func:`live_value` in ``values()``
  reads, and the API's ``LiveIdField``, which show nothing while the target is
  deleted. The stored id is kept, so restoring the target restores the link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, When
from django.utils.translation import gettext_lazy as _
from simple_history import utils as simple_history_utils
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
)

from partnerships.errors import StaleObjectError
from partnerships.models.history_records import CoalescingHistoricalRecords

# SQL written with its values --------------------------------------------------------
#
# SQLite uses a partial index only when the query's condition is the index's own,
# values and all, and an expression index (an ordering) only when the query's
# expression is the index's: it never matches a bound parameter inside
# ``IN (…)`` or ``CASE`` against the values the index was written with. These
# two expressions write fixed values from the code (choices) into the SQL, so
# that the queries built with them use the indexes built with them, on SQLite
# as on PostgreSQL (whose driver here writes the values into the SQL anyway).

_SQL_WORD = re.compile(r"[a-z0-9_]+")


def _literals(values: Sequence[str]) -> tuple[str, ...]:
    """Choices' values, checked to be plain words: they are written into SQL."""
    for value in values:
        if not _SQL_WORD.fullmatch(value):
            raise ValueError(f"Not a plain value to write into SQL: {value!r}")
    return tuple(str(value) for value in values)


class InValues(models.Func):
    """``column IN ('a', 'b')``, the values written into the SQL (see above):
    ``Action.objects.filter(InValues("status", ActionStatus.pending()))``."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, field: str, values: Sequence[str]) -> None:
        self.values = _literals(values)
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        written = ", ".join(f"'{value}'" for value in self.values)
        return f"{column} IN ({written})", params


class Rank(models.Func):
    """The position of the column's value in ``values`` (0 for the first),
    ``len(values)`` for any other value: a ``CASE`` written with its values (see
    above), to order by it with an index."""

    output_field = models.IntegerField()

    def __init__(self, field: str, values: Sequence[str]) -> None:
        self.values = _literals(values)
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        whens = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(self.values))
        return f"CASE {column} {whens} ELSE {len(self.values)} END", params


class DatePrecision(models.TextChoices):
    """How much of a date is known: a source may give only the month or the
    year. The stored day is then a placeholder inside that month or year, and
    pages show only what is known ("February 2017")."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def source_reference_field() -> models.CharField:
    """Which published source a record's facts come from (article, release...)."""
    return models.CharField(
        _("source reference"),
        max_length=300,
        blank=True,
        help_text=_("Press release or document this record is based on."),
    )


def illustrative_field() -> models.BooleanField:
    """Marks a record no source supports (an example, a placeholder, a plausible
    continuation in the demo data): pages show it with a badge."""
    return models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_(
            "Not from a published source: an example or a placeholder. Shown with a badge."
        ),
    )


def date_precision_field() -> models.CharField:
    return models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Month or year when the source gives no day; pages then show only those."),
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteManager(models.Manager):
    """The default manager of soft-deletable models: deleted rows are invisible."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """A row that is hidden, not erased, when deleted, and can be restored.

    Subclasses declare ``objects`` (built on :class:`SoftDeleteManager`, so it
    hides deleted rows) first, then ``all_objects`` (every row, for restore
    screens and admin).
    """

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def is_soft_deleted(obj: Any) -> bool:
    """Is ``obj`` a partnership, meeting or action that has been deleted?"""
    return isinstance(obj, SoftDeleteModel) and obj.deleted_at is not None


def live(obj: Any) -> Any:
    """``obj``, or None when it is a deleted record: what a link to it shows."""
    return None if is_soft_deleted(obj) else obj


def is_deleted_row(model: type[SoftDeleteModel], pk: Any) -> bool:
    """Does ``pk`` name a deleted row of ``model``? (One query.)"""
    return model.all_objects.filter(pk=pk, deleted_at__isnull=False).exists()


class LiveLink:
    """``live_meeting = LiveLink("meeting")`` on a model: the record the foreign
    key ``meeting`` points to, or None while that record is deleted.

    Pages, e-mails, feeds and the API read links to partnerships, meetings and
    actions through these, never through the foreign key itself, which also
    returns deleted rows. The related row is read as the foreign key reads it:
    list querysets ``select_related`` it, and the check of ``deleted_at`` is
    made in Python, so a list runs no query per row.
    """

    def __init__(self, field_name: str) -> None:
        self.field_name = field_name

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return live(getattr(instance, self.field_name))


def live_links(model: type[models.Model]) -> dict[str, str]:
    """The foreign keys of ``model`` read through a :class:`LiveLink`:
    ``{"meeting": "live_meeting", ...}``."""
    return {
        attribute.field_name: name
        for klass in reversed(model.__mro__)
        for name, attribute in vars(klass).items()
        if isinstance(attribute, LiveLink)
    }


def live_value(path: str) -> Case:
    """``live_value("meeting__title")``: in a ``values()`` or ``annotate()``
    read, the title of the row's meeting, or NULL while that meeting is deleted
    (the last relation of ``path`` is the soft-deletable one). Computed in the
    same query, from the join the value needs anyway."""
    relation = path.rpartition("__")[0]
    return Case(When(**{f"{relation}__deleted_at__isnull": True}, then=F(path)), default=None)


class HiddenWithParentManager(models.Manager):
    """The default manager of rows that belong to a soft-deletable record (a
    partnership's documents, parties, stage and status changes): they are
    hidden while that record is deleted, and come back when it is restored.

    Subclasses name the path to that record in ``belongs_to``. As the default
    manager, it also scopes the related managers (``partnership.documents``),
    prefetches, admin changelists and model-form choices; ``all_objects`` has
    every row.
    """

    belongs_to: str = ""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(**{f"{self.belongs_to}__deleted_at__isnull": True})


class EveryRowManager(models.Manager):
    """``all_objects`` of the models whose default manager hides rows: every
    row, for restore screens, the admin's own inlines and integrity checks."""


class VersionedModel(models.Model):
    """Optimistic concurrency: every save of an existing row bumps ``version``.

    The bump is a conditional UPDATE (``WHERE version = <the version this copy
    was read at>``), so when two people edit the same record the second save
    finds no row to bump and raises :class:`StaleObjectError` instead of
    silently overwriting the first person's change. Forms and serializers carry
    the version the user started from in a hidden field.
    """

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Increases at every save; an edit made from an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            bumped = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not bumped:
                raise StaleObjectError(self)
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            super().save(*args, **kwargs)


class ParentLoopMixin:
    """For models with a ``parent`` pointing to the same model (an organization
    inside another, a side meeting at a forum): tells whether the chosen parent
    would make the row its own ancestor."""

    def _parent_creates_loop(self) -> bool:
        seen: set[int] = set()
        current = self.parent
        while current is not None and current.pk not in seen:
            if current.pk == self.pk:
                return True
            seen.add(current.pk)
            current = current.parent
        return False


class M2MHistoricalRecords(CoalescingHistoricalRecords):
    """django-simple-history's records, without a query per many-to-many
    field and save: its copy of the many-to-many rows rebuilds the live record
    from the historical one (``history_instance.instance``, a query for the
    excluded fields) only to find the through model, which the field knows.
    Partnerships (team, sectors), meetings and organizations use it; a
    spreadsheet import of 1,000 partnerships saves about 10,000 queries."""

    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            names = [f.name for f in through_model._meta.fields]
            foreign_keys = [f.name for f in through_model._meta.fields if f.is_relation]
            source = simple_history_utils.get_m2m_field_name(field)
            rows = through_model.objects.filter(**{source: instance}).select_related(*foreign_keys)
            insert_rows = [
                m2m_history_model(history=history_instance, **{n: getattr(row, n) for n in names})
                for row in rows
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
