"""Meetings: any logged interaction (a call, a delegation visit, a forum...)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partnerships import text_search
from partnerships.models.base import (
    DatePrecision,
    LiveLink,
    M2MHistoricalRecords,
    ParentLoopMixin,
    SoftDeleteManager,
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    date_precision_field,
    illustrative_field,
    source_reference_field,
)
from partnerships.models.organizations import Contact, Organization


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    INBOUND_DELEGATION = "inbound_delegation", _("Inbound delegation")
    OUTBOUND_MISSION = "outbound_mission", _("Outbound mission")
    FORUM = "forum", _("Forum or conference")
    TRADE_FAIR = "trade_fair", _("Trade fair")
    SIGNING = "signing", _("Signing ceremony")
    EMAIL = "email", _("E-mail")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingQuerySet(models.QuerySet):
    def search(self, query: str | None) -> MeetingQuerySet:
        """Accent- and case-insensitive match on the title and the place."""
        return text_search.matching(self, query)

    def for_list(self) -> MeetingQuerySet:
        """What a list row shows, in a fixed number of queries."""
        return self.select_related("logged_by", "parent").prefetch_related("organizations")

    def involving(self, user) -> MeetingQuerySet:
        """Meetings ``user`` logged or attended. Written as two indexed look-ups
        (the person's meetings by date, ``meeting_logged_by_recent``; the
        meetings they attended) rather than a join and ``DISTINCT``, which read
        every meeting by date when the person attends none."""
        attended = Meeting.attendees.through.objects.filter(user=user).values("meeting_id")
        return self.filter(Q(logged_by=user) | Q(pk__in=attended))


class MeetingManager(SoftDeleteManager.from_queryset(MeetingQuerySet)):
    pass


class Meeting(ParentLoopMixin, TimeStampedModel, SoftDeleteModel, VersionedModel):
    kind = models.CharField(
        _("kind"), max_length=30, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = date_precision_field()
    # Optional times of day (the date alone stays valid: a whole-day entry).
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Optional, for example 14:30.")
    )
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    locality = models.CharField(_("place"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="side_meetings",
        help_text=_("The forum or mission this side meeting took place at."),
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="meetings"
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), blank=True, related_name="meetings"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("internal attendees"),
        blank=True,
        related_name="attended_meetings",
    )
    partnerships = models.ManyToManyField(
        "partnerships.Partnership",
        verbose_name=_("partnerships discussed"),
        blank=True,
        related_name="meetings",
    )
    summary = models.TextField(_("summary"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    source_reference = source_reference_field()
    is_illustrative = illustrative_field()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="logged_meetings",
    )
    search_text = models.TextField(editable=False, default="")

    history = M2MHistoricalRecords(
        m2m_fields=[organizations, contacts, attendees, partnerships],
        excluded_fields=["search_text"],
    )
    objects = MeetingManager()
    all_objects = models.Manager.from_queryset(MeetingQuerySet)()

    # The forum or mission as pages and the API show it: nothing while deleted.
    live_parent = LiveLink("parent")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="meeting_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="meeting_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="meeting_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_date__gt=F("start_date"))
                | Q(end_time__gte=F("start_time")),
                name="meeting_times_in_order",
                violation_error_message=_("The end time cannot be before the start time."),
            ),
        ]
        indexes = [
            models.Index(fields=["-start_date", "-id"], name="meeting_recent"),
            # The meetings a person logged, by date ("my work", their calendar).
            models.Index(
                fields=["logged_by", "-start_date", "-id"],
                name="meeting_logged_by_recent",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["kind", "status"], name="meeting_kind_status"),
            # A meeting's side meetings, in the list's order. Most meetings have
            # no parent, which makes an index of every row look useless to
            # SQLite's planner (it would read every meeting by date instead).
            models.Index(
                fields=["parent", "-start_date", "-id"],
                name="meeting_side_meetings",
                condition=Q(parent__isnull=False),
            ),
            models.Index(
                fields=["deleted_at"],
                name="meeting_deleted",
                condition=Q(deleted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%Y-%m-%d})" if self.start_date else self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.pk and self._parent_creates_loop():
            raise ValidationError(
                {"parent": _("A meeting cannot be part of itself or of one of its side meetings.")}
            )

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return text_search.build_search_text([self.title, self.locality])

    @staticmethod
    def times_out_of_order(start_date, end_date, start_time, end_time) -> bool:
        """Does a meeting end before it starts on its one day? (The rule of the
        ``meeting_times_in_order`` constraint, for forms, the API and imports.)"""
        one_day = end_date is None or end_date == start_date
        return bool(one_day and start_time and end_time and end_time < start_time)

    @property
    def last_day(self):
        return self.end_date or self.start_date
