"""Follow-up actions: who does what, by when, for which partnership."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, models
from django.db.models import ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships import text_search
from partnerships.models.base import (
    InValues,
    LiveLink,
    Rank,
    SoftDeleteManager,
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    illustrative_field,
    source_reference_field,
)
from partnerships.models.history_records import CoalescingHistoricalRecords


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def pending(cls) -> list[str]:
        return [cls.OPEN, cls.IN_PROGRESS]


class ActionSide(models.TextChoices):
    OURS = "ours", _("Our commitment")
    PARTNER = "partner", _("Partner's commitment (we chase)")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


# The values, as plain strings, that the indexes and the queries below write
# into their SQL (partnerships.models.base.InValues and Rank).
PENDING_VALUES = tuple(str(status.value) for status in ActionStatus.pending())
PRIORITY_ORDER = (Priority.HIGH.value, Priority.NORMAL.value, Priority.LOW.value)


def is_pending() -> InValues:
    """Neither done nor cancelled, as the pending indexes are written."""
    return InValues("status", PENDING_VALUES)


def urgency() -> tuple:
    """Soonest due first, undated last, then the most important, then id:
    ``due_date ASC NULLS LAST`` spelt ``due_date IS NULL, due_date`` and the
    priority as a rank, which an index can hold on SQLite and PostgreSQL alike."""
    return (
        ExpressionWrapper(Q(due_date__isnull=True), output_field=models.BooleanField()),
        F("due_date"),
        Rank("priority", PRIORITY_ORDER),
        F("id"),
    )


class ActionQuerySet(models.QuerySet):
    def search(self, query: str | None) -> ActionQuerySet:
        """Accent- and case-insensitive: every word of ``query`` is in the
        action's title or in its partnership's names."""
        from partnerships.models.partnerships import Partnership

        result = Q()
        if connection.vendor != "sqlite":  # its trigram indexes serve the OR
            for term in text_search.search_terms(query):
                result &= Q(search_text__contains=term) | Q(partnership__search_text__contains=term)
            return self.filter(result)
        for term in text_search.search_terms(query):
            # A union of two indexed look-ups (the actions' own text, the
            # actions of the partnerships whose text matches) rather than an OR
            # across the join, which reads every action.
            own = Action.all_objects.filter(search_text__search_contains=term)
            of_partnership = Action.all_objects.filter(
                partnership__in=Partnership.all_objects.filter(search_text__search_contains=term)
                .order_by()
                .values("pk")
            )
            result &= Q(
                pk__in=own.order_by().values("pk").union(of_partnership.order_by().values("pk"))
            )
        return self.filter(result)

    def pending(self) -> ActionQuerySet:
        """Neither done nor cancelled (served by the ``*_pending_urgency``
        partial indexes: see :func:`is_pending`)."""
        return self.filter(is_pending())

    def overdue(self, today: datetime.date | None = None) -> ActionQuerySet:
        """Pending and due before today."""
        return self.pending().filter(due_date__lt=today or timezone.localdate())

    def due_between(self, start: datetime.date, end: datetime.date) -> ActionQuerySet:
        return self.pending().filter(due_date__gte=start, due_date__lte=end)

    def owned_by(self, user) -> ActionQuerySet:
        return self.filter(owner=user)

    def for_list(self) -> ActionQuerySet:
        """What a list row shows (owner, partnership, meeting, lead organization)
        in one query whatever the number of rows."""
        return self.select_related("owner", "partnership", "meeting", "lead_organization")

    def by_urgency(self) -> ActionQuerySet:
        """Soonest due first (undated last), then the most important, then id
        (:func:`urgency`). The pending ones, everyone's or one owner's, are
        read in this order from the ``*_pending_urgency`` indexes, without
        sorting: keep the two in step."""
        return self.order_by(*urgency())

    def dated_by_urgency(self) -> ActionQuerySet:
        """:meth:`by_urgency` for actions that all have a due date (overdue,
        due between two dates): the same order, without its first term (undated
        last), so that one owner's are read in order from
        ``action_owner_dated_urgency`` on SQLite and PostgreSQL alike (with
        that term, SQLite sorted the 16,000 overdue actions of a busy owner
        rather than read the first five). The queryset must exclude undated
        actions (a due-date filter does)."""
        return self.order_by(*urgency()[1:])


class ActionManager(SoftDeleteManager.from_queryset(ActionQuerySet)):
    """Hides deleted actions; deleting a partnership deletes its actions with
    it (``lifecycle.soft_delete``), so no query needs to look at partnerships."""


class Action(TimeStampedModel, SoftDeleteModel, VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    side = models.CharField(
        _("whose commitment"), max_length=10, choices=ActionSide.choices, default=ActionSide.OURS
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    meeting = models.ForeignKey(
        "partnerships.Meeting",
        verbose_name=_("from meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    lead_organization = models.ForeignKey(
        "partnerships.Organization",
        verbose_name=_("lead organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_actions",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    source_reference = source_reference_field()
    is_illustrative = illustrative_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    automation_key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Set on actions the system creates, so it creates each one once."),
    )
    search_text = models.TextField(editable=False, default="")

    history = CoalescingHistoricalRecords(excluded_fields=["search_text"])
    objects = ActionManager()
    all_objects = models.Manager.from_queryset(ActionQuerySet)()

    # What pages, e-mails, feeds and the API show of the links: nothing while
    # the partnership or meeting is deleted (the stored id stays).
    live_partnership = LiveLink("partnership")
    live_meeting = LiveLink("meeting")

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = [models.F("due_date").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(side__in=ActionSide.values), name="action_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="action_priority_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="action_done_has_completion_date",
                violation_error_message=_("A done action needs a completion date."),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_due"),
            models.Index(
                fields=["partnership", "status", "due_date"], name="action_partnership_due"
            ),
            models.Index(fields=["status", "due_date"], name="action_status_due"),
            # The reports' workload by owner: pending, overdue, due this week
            # and the oldest overdue, counted from the index alone.
            models.Index(
                fields=["status", "owner", "due_date", "deleted_at"],
                name="action_report_workload",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["deleted_at"],
                name="action_deleted",
                condition=Q(deleted_at__isnull=False),
            ),
            # The lists of pending actions (everyone's, one owner's; overdue
            # or not) in the order of by_urgency(), first rows first.
            models.Index(
                *urgency(),
                name="action_pending_urgency",
                condition=Q(deleted_at__isnull=True, status__in=PENDING_VALUES),
            ),
            models.Index(
                F("owner"),
                *urgency(),
                name="action_owner_pending_urgency",
                condition=Q(deleted_at__isnull=True, status__in=PENDING_VALUES),
            ),
            # One owner's dated pending actions by urgency ("my work": overdue,
            # due this week), first rows first, whatever the owner's number.
            models.Index(
                F("owner"),
                *urgency()[1:],
                name="action_owner_dated_urgency",
                condition=Q(
                    deleted_at__isnull=True, status__in=PENDING_VALUES, due_date__isnull=False
                ),
            ),
            # Every live action by urgency: the export, the admin's changelist.
            models.Index(
                *urgency(), name="action_live_urgency", condition=Q(deleted_at__isnull=True)
            ),
            # "Recently done" (?status=done&ordering=-updated) and the like.
            models.Index(fields=["status", "-updated_at", "-id"], name="action_status_updated"),
            # A meeting's follow-ups: most actions come from no meeting, which
            # makes an index of every row look useless to SQLite's planner.
            models.Index(
                fields=["meeting"],
                name="action_from_meeting",
                condition=Q(meeting__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return text_search.build_search_text([self.title])

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status in ActionStatus.pending()

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.is_pending
            and self.due_date is not None
            and self.due_date < (today or timezone.localdate())
        )
