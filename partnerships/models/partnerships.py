"""Partnerships, their parties, their lifecycle records and the reference lists
they use (abandon reasons, exchange rates)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partnerships import text_search
from partnerships.models.base import (
    DatePrecision,
    EveryRowManager,
    HiddenWithParentManager,
    InValues,
    LiveLink,
    M2MHistoricalRecords,
    SoftDeleteManager,
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    date_precision_field,
    illustrative_field,
)
from partnerships.models.history_records import CoalescingHistoricalRecords
from partnerships.models.organizations import Organization, Sector


class Stage(models.TextChoices):
    """The lifecycle, in order. Moving forward may skip stages."""

    PROSPECT = "prospect", _("Prospect")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    AGREEMENT = "agreement", _("Agreement")
    CONTRACT = "contract", _("Contract")
    RENEWAL = "renewal", _("Renewal")

    @classmethod
    def rank(cls, stage: str) -> int:
        return cls.values.index(stage)


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CONCLUDED = "concluded", _("Concluded")
    ABANDONED = "abandoned", _("Abandoned")

    @classmethod
    def closed(cls) -> list[str]:
        return [cls.CONCLUDED, cls.ABANDONED]

    @classmethod
    def open(cls) -> list[str]:
        return [cls.ACTIVE, cls.ON_HOLD]

    @classmethod
    def moves_from(cls, status: str) -> list[tuple[str, str]]:
        """The status changes offered from ``status``, as (new status, what the
        button says), in the order the pages show them."""
        if status == cls.ACTIVE:
            return [
                (cls.ON_HOLD, _("Put on hold")),
                (cls.CONCLUDED, _("Conclude")),
                (cls.ABANDONED, _("Abandon")),
            ]
        if status == cls.ON_HOLD:
            return [
                (cls.ACTIVE, _("Resume")),
                (cls.CONCLUDED, _("Conclude")),
                (cls.ABANDONED, _("Abandon")),
            ]
        return [(cls.ACTIVE, _("Reopen"))]


class PartnershipKind(models.TextChoices):
    INSTITUTIONAL = "institutional", _("Institutional cooperation or twinning")
    INVESTMENT = "investment", _("Investment")
    COMMERCIAL = "commercial", _("Commercial contract")
    ACADEMIC = "academic", _("Academic and research")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (EUR)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")


# A value in euros: an amount (2 decimals) times a rate (6 decimals), exactly.
VALUE_EUR = models.DecimalField(max_digits=26, decimal_places=8)


class PartyRole(models.TextChoices):
    SIGNATORY = "signatory", _("Signatory")
    PARTNER = "partner", _("Partner")
    FACILITATOR = "facilitator", _("Facilitator")
    FUNDER = "funder", _("Funder")


class AbandonReason(models.Model):
    """Admin-managed list of why partnerships are abandoned."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("abandon reason")
        verbose_name_plural = _("abandon reasons")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name


class ExchangeRateQuerySet(models.QuerySet):
    def rates_on(self, day: datetime.date | None = None) -> dict[str, Decimal]:
        """Euros per unit of each currency on ``day`` (today by default): the
        latest rate valid on that day. One query; EUR is always 1."""
        day = day or timezone.localdate()
        rates: dict[str, Decimal] = {Currency.EUR: Decimal(1)}
        for currency, rate in (
            self.filter(valid_from__lte=day)
            .order_by("currency", "-valid_from")
            .values_list("currency", "rate_to_eur")
        ):
            rates.setdefault(currency, rate)
        return rates


class ExchangeRate(models.Model):
    """How many euros one unit of a currency is worth, from a given day on."""

    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=[(c.value, c.label) for c in Currency if c != Currency.EUR],
    )
    rate_to_eur = models.DecimalField(
        _("value in EUR"),
        max_digits=12,
        decimal_places=6,
        help_text=_("Euros for one unit of the currency, for example 0.128 for one yuan."),
    )
    valid_from = models.DateField(_("valid from"))

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_one_per_day",
                violation_error_message=_("There is already a rate for this currency on this day."),
            ),
            models.CheckConstraint(
                condition=Q(rate_to_eur__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("The rate must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency__in=[Currency.CNY, Currency.USD]),
                name="exchange_rate_currency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_eur} EUR ({self.valid_from})"


# The open statuses as plain strings, written into the SQL of the partial
# index that holds them (partnerships.models.base.InValues).
OPEN_VALUES = tuple(str(status.value) for status in Status.open())


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> PartnershipQuerySet:
        """Partnerships ``user`` may see (see permissions.visible_partnerships)."""
        from partnerships import permissions

        return permissions.visible_partnerships(user, self)

    def search(self, query: str | None) -> PartnershipQuerySet:
        """Match on the title, or on the names of any party (local names included).

        One subquery, the union of two indexed look-ups: the partnerships whose
        own text matches, and the parties of the organizations whose text
        matches (through the parties' organization index). Each side is read
        through its trigram index (FTS5 on SQLite), where an ``OR`` of the two
        would read every partnership."""
        condition = text_search.condition(query)
        if not condition:
            return self
        # Every row on both sides: the outer query already hides deleted
        # partnerships (no join back to them in the subquery).
        by_text = Partnership.all_objects.filter(condition).order_by().values("pk")
        by_party = (
            PartnershipParty.all_objects.filter(
                organization__in=Organization.objects.filter(condition).order_by().values("pk")
            )
            .order_by()
            .values("partnership_id")
        )
        if connection.vendor != "sqlite":
            # Measured at 100,000 partnerships, PostgreSQL hashes the union and
            # reads every partnership and party anyway (0.31 s against 0.14 s
            # for the OR): it keeps the OR until the parties are matched first.
            return self.filter(condition | Q(pk__in=by_party))
        return self.filter(pk__in=by_text.union(by_party))

    def open(self) -> PartnershipQuerySet:
        return self.filter(status__in=Status.open())

    def stalled_first(self, since: datetime.date) -> PartnershipQuerySet:
        """Open partnerships with no activity after ``since``, the longest
        quiet first, read in order from ``partnership_open_by_activity`` (the
        statuses written into the SQL, as that partial index is: with
        ``open()``, SQLite sorted every stalled partnership)."""
        return self.filter(InValues("status", OPEN_VALUES), last_activity_on__lte=since).order_by(
            "last_activity_on", "pk"
        )

    def owned_by(self, user) -> PartnershipQuerySet:
        return self.filter(owner=user)

    def involving(self, user) -> PartnershipQuerySet:
        """Partnerships ``user`` owns or is on the team of. Written as two
        indexed look-ups (the person's own, ``partnership_owner_renewals`` for
        "my work"; those whose team they are on) rather than a join and
        ``DISTINCT``, which read every open partnership due for renewal."""
        teams = Partnership.team.through.objects.filter(user=user).values("partnership_id")
        return self.filter(Q(owner=user) | Q(pk__in=teams))

    def for_list(self) -> PartnershipQuerySet:
        """What a list row shows (owner, parties with their organizations, sectors)
        in a fixed number of queries whatever the number of rows."""
        return self.select_related("owner").prefetch_related(
            models.Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related("organization").order_by(
                    "order", "pk"
                ),
            ),
            "sectors",
        )

    def renewal_due_between(self, start: datetime.date, end: datetime.date) -> PartnershipQuerySet:
        """Open partnerships whose renewal notice date (end date minus notice
        period) falls between ``start`` and ``end``, both included."""
        return self.open().filter(renewal_due_on__gte=start, renewal_due_on__lte=end)


class PartnershipManager(SoftDeleteManager.from_queryset(PartnershipQuerySet)):
    pass


class Partnership(TimeStampedModel, SoftDeleteModel, VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PartnershipKind.choices, default=PartnershipKind.OTHER
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.PROSPECT,
        help_text=_("Changed only by a stage move, which is recorded in the history."),
    )
    stage_changed_on = models.DateField(
        _("in this stage since"), default=datetime.date.today, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    abandon_reason = models.ForeignKey(
        AbandonReason,
        verbose_name=_("abandon reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    status_note = models.TextField(_("status note"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_partnerships",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team members"),
        blank=True,
        related_name="team_partnerships",
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="partnerships"
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("parties"),
        through="PartnershipParty",
        related_name="partnerships",
    )
    value_amount = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    value_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    value_note = models.CharField(
        _("value note"),
        max_length=200,
        blank=True,
        help_text=_('For example "over 5 to 10 years".'),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # How much of the signing and start dates is known (a source may give a month).
    date_precision = date_precision_field()
    start_date = models.DateField(_("starts on"), null=True, blank=True)
    end_date = models.DateField(_("ends or expires on"), null=True, blank=True, db_index=True)
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("renewal notice (days)"),
        null=True,
        blank=True,
        help_text=_("How many days before the end date the renewal must be decided."),
    )
    renewal_due_on = models.DateField(
        _("renewal decision due on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The end date minus the renewal notice period."),
    )
    renews_tacitly = models.BooleanField(
        _("renews tacitly"),
        default=False,
        help_text=_("Renews automatically unless stopped before the notice date."),
    )
    origin_meeting = models.ForeignKey(
        "partnerships.Meeting",
        verbose_name=_("originated at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="originated_partnerships",
    )
    # Lineage (lifecycle.renew_into_successor): the agreement this one renews,
    # and the first agreement of the chain, so that the whole chain is read in
    # one query whatever its length.
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="successor",
    )
    lineage_root = models.ForeignKey(
        "self",
        verbose_name=_("first agreement of the chain"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    framework = models.ForeignKey(
        "self",
        verbose_name=_("framework agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementing_contracts",
        help_text=_("The framework agreement this contract implements, if any."),
    )
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_reference = models.CharField(
        _("source reference"),
        max_length=300,
        blank=True,
        help_text=_("Press release or document this record is based on."),
    )
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
    search_text = models.TextField(editable=False, default="")
    # Stored activity (partnerships/activity.py): kept by the workflows and the
    # daily refresh, read by the board, the reports, "my work" and exports.
    last_activity_on = models.DateField(
        _("last activity"), default=datetime.date.today, editable=False
    )
    next_due_on = models.DateField(_("next action due"), null=True, blank=True, editable=False)
    # The last sign of life with the partner (its last stage move, meeting
    # held or action done; creating an action does not count): dormancy
    # alerts (partnerships/dormancy.py) read it.
    last_engaged_on = models.DateField(
        _("last engagement"), default=datetime.date.today, editable=False
    )
    # The value in euros at today's rate (partnerships/valuation.py): kept by the
    # workflows and the daily refresh, read by the board, the reports and exports.
    value_eur = models.DecimalField(
        _("value in euros"),
        max_digits=26,
        decimal_places=8,
        null=True,
        blank=True,
        editable=False,
    )
    # Stored from the stage history (partnerships/stage_history.py) for the
    # reports' funnel: the furthest stage it ever reached (empty without a
    # history) and the day it entered the pipeline (its first stage change).
    furthest_stage = models.CharField(
        _("furthest stage reached"),
        max_length=20,
        choices=Stage.choices,
        blank=True,
        default="",
        editable=False,
    )
    entered_pipeline_on = models.DateField(
        _("entered the pipeline on"), null=True, blank=True, editable=False
    )

    history = M2MHistoricalRecords(
        m2m_fields=[team, sectors],
        excluded_fields=[
            "search_text",
            "renewal_due_on",
            "last_activity_on",
            "next_due_on",
            "last_engaged_on",
            "value_eur",
            "furthest_stage",
            "entered_pipeline_on",
        ],
    )
    objects = PartnershipManager()
    all_objects = models.Manager.from_queryset(PartnershipQuerySet)()

    # The meeting it originated at, as pages and the API show it: nothing
    # while that meeting is deleted (the stored id stays).
    live_origin_meeting = LiveLink("origin_meeting")
    # The renewal chain and the framework read as nothing while deleted.
    live_framework = LiveLink("framework")
    live_predecessor = LiveLink("predecessor")
    live_lineage_root = LiveLink("lineage_root")

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="partnership_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="partnership_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PartnershipKind.values), name="partnership_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="partnership_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(value_currency__in=Currency.values),
                name="partnership_currency_valid",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | Q(value_amount__gt=0),
                name="partnership_value_positive",
                violation_error_message=_("The value must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partnership_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="abandoned") | Q(abandon_reason__isnull=False),
                name="partnership_abandoned_has_reason",
                violation_error_message=_("An abandoned partnership needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(framework=F("id")),
                name="partnership_not_its_own_framework",
                violation_error_message=_("A partnership cannot implement itself."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("id")), name="partnership_not_its_own_predecessor"
            ),
            models.CheckConstraint(
                condition=Q(renewal_notice_days__isnull=True) | Q(renewal_notice_days__lte=3650),
                name="partnership_notice_at_most_ten_years",
                violation_error_message=_("The renewal notice cannot be longer than ten years."),
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "status"], name="partnership_stage_status"),
            # The list filtered by stage and status, in its order (last update).
            models.Index(
                fields=["stage", "status", "-updated_at", "-id"], name="partnership_stage_recent"
            ),
            models.Index(fields=["owner", "status"], name="partnership_owner_status"),
            models.Index(fields=["status", "renewal_due_on"], name="partnership_renewal_due"),
            # The open partnerships with the oldest activity (the managers'
            # "stalled" on "my work"), first rows first: partial on the open
            # statuses, written into the SQL (``stalled_first()``).
            models.Index(
                fields=["last_activity_on", "id"],
                name="partnership_open_by_activity",
                condition=Q(deleted_at__isnull=True, status__in=OPEN_VALUES),
            ),
            # A person's own partnerships due for renewal ("my work").
            models.Index(
                fields=["owner", "status", "renewal_due_on"],
                name="partnership_owner_renewals",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["-updated_at", "-id"], name="partnership_recent"),
            # The board (partnerships/pipeline.py): each column's cards in
            # relevance order, a walk that stops after the cards shown...
            models.Index(
                fields=["stage", "next_due_on", "-value_eur", "-id"],
                name="partnership_board",
                condition=Q(deleted_at__isnull=True),
            ),
            # ... and its counts and totals per stage, from the index alone
            # (SQLite reads the table for any column of the query the index
            # lacks, even one its condition settles: hence ``deleted_at``).
            models.Index(
                fields=["status", "stage", "value_eur", "deleted_at"],
                name="partnership_stage_totals",
                condition=Q(deleted_at__isnull=True),
            ),
            # The reports (partnerships/reports.py), each read from its index
            # alone. Each starts with the status and holds every column its
            # query reads: SQLite's planner, without statistics for it, then
            # still prefers it to the other indexes on the status.
            # Workload by owner (count and value of the open ones)...
            models.Index(
                fields=["status", "owner", "value_eur", "deleted_at"],
                name="partnership_report_owner",
                condition=Q(deleted_at__isnull=True),
            ),
            # ... stalled (quiet since a day, by stage, the quietest first)...
            models.Index(
                fields=["status", "last_activity_on", "stage", "deleted_at"],
                name="partnership_report_stalled",
                condition=Q(deleted_at__isnull=True),
            ),
            # ... time in the current stage...
            models.Index(
                fields=["status", "stage", "stage_changed_on", "deleted_at"],
                name="partnership_report_in_stage",
                condition=Q(deleted_at__isnull=True),
            ),
            # ... and renewals due (counts per horizon, ended but still open).
            models.Index(
                fields=["status", "renewal_due_on", "stage", "end_date", "deleted_at"],
                name="partnership_report_renewals",
                condition=Q(deleted_at__isnull=True, renewal_due_on__isnull=False),
            ),
            # ... and dormant signed partnerships (partnerships/dormancy.py):
            # per owner for the digest, and for the managers' report.
            models.Index(
                fields=["status", "owner", "last_engaged_on", "stage", "deleted_at"],
                name="partnership_dormant_owner",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["status", "last_engaged_on", "stage", "deleted_at"],
                name="partnership_dormant",
                condition=Q(deleted_at__isnull=True),
            ),
            # ... and the funnel (partnerships/stage_history.py): counts by
            # furthest stage (one range per stage), of all time or of those
            # that entered the pipeline in a period.
            models.Index(
                fields=["furthest_stage", "entered_pipeline_on", "deleted_at"],
                name="partnership_funnel",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["deleted_at"],
                name="partnership_deleted",
                condition=Q(deleted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        # Derived columns, kept in step with the fields they are made of.
        self.search_text = self.build_search_text()
        self.renewal_due_on = self.compute_renewal_due_on()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return text_search.build_search_text([self.title, self.source_reference])

    def compute_renewal_due_on(self) -> datetime.date | None:
        """The last day to decide on renewal: end date minus the notice period
        (never before the first representable day: ``clean()`` refuses that)."""
        if self.end_date is None:
            return None
        try:
            return self.end_date - datetime.timedelta(days=self.renewal_notice_days or 0)
        except OverflowError:
            return datetime.date.min

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.compute_renewal_due_on() == datetime.date.min:
            raise ValidationError(
                {"renewal_notice_days": _("The notice period reaches before year 1.")}
            )
        self._check_framework()

    @property
    def is_open(self) -> bool:
        return self.status in Status.open()

    def value_in_eur(self, rates: dict[str, Decimal]) -> Decimal | None:
        if self.value_amount is None or self.value_currency not in rates:
            return None
        return (self.value_amount * rates[self.value_currency]).quantize(Decimal("0.01"))

    def lineage(self) -> list[Partnership]:
        """Every agreement of this one's renewal chain, the first first, this
        one included: one query whatever the length of the chain (deleted ones
        left out)."""
        root = self.lineage_root_id or self.pk
        chain = list(
            Partnership.objects.filter(Q(pk=root) | Q(lineage_root=root)).order_by(
                F("start_date").asc(nulls_first=True), "created_at", "pk"
            )
        )
        return chain if len(chain) > 1 else []

    def _check_framework(self) -> None:
        if self.framework_id and self.pk:
            if self.framework_id == self.pk:
                raise ValidationError({"framework": _("A partnership cannot implement itself.")})
            framework = Partnership.all_objects.filter(pk=self.framework_id).first()
            if framework is not None and framework.framework_id == self.pk:
                raise ValidationError(
                    {"framework": _("That agreement already implements this one.")}
                )

    def is_member(self, user) -> bool:
        """Is ``user`` the owner or on the team? Uses the prefetched team if any."""
        if user.pk == self.owner_id:
            return True
        return any(member.pk == user.pk for member in self.team.all())


class PartnershipRowManager(HiddenWithParentManager):
    """Rows of a partnership (parties, stage and status changes): hidden while
    it is deleted."""

    belongs_to = "partnership"


class PartnershipParty(models.Model):
    """An organization taking part in a partnership, in a role."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="party_roles",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartyRole.choices, default=PartyRole.PARTNER
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = CoalescingHistoricalRecords()
    objects = PartnershipRowManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organization", "role"],
                name="party_unique_role",
                violation_error_message=_("This organization already has this role here."),
            ),
            models.CheckConstraint(condition=Q(role__in=PartyRole.values), name="party_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class StageChange(models.Model):
    """One move of a partnership through the lifecycle (the first one, with no
    ``from_stage``, records the stage it started in). Written only by
    ``lifecycle.py``, in the same transaction as the move itself."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    effective_date = models.DateField(_("effective date"))
    # How much of the effective date is known (a source may give only a month).
    date_precision = date_precision_field()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        "partnerships.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stage_changes",
    )
    # Stored (partnerships/stage_history.py): the day the stay this change
    # began ended (the effective date of the partnership's next change, in
    # (effective date, id) order; empty while it lasts) and its length in days.
    left_on = models.DateField(_("stay ended on"), null=True, blank=True, editable=False)
    stay_days = models.IntegerField(_("days in the stage"), null=True, blank=True, editable=False)

    objects = PartnershipRowManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["effective_date", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_stage__in=Stage.values), name="stage_change_to_valid"
            ),
            models.CheckConstraint(
                condition=Q(from_stage__in=[*Stage.values, ""]), name="stage_change_from_valid"
            ),
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")), name="stage_change_moves"
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="stage_change_date_precision_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "effective_date"], name="stage_change_timeline"),
            models.Index(fields=["to_stage", "effective_date"], name="stage_change_funnel"),
            # The reports' completed stays: a frequency table (stage, days)
            # of the stays that ended in a period, from the index alone (one
            # range per stage).
            models.Index(
                fields=["to_stage", "left_on", "stay_days", "partnership"],
                name="stage_change_stays",
                condition=Q(left_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        from_stage = self.get_from_stage_display() or "—"
        return f"{self.partnership}: {from_stage} → {self.get_to_stage_display()}"

    @property
    def is_backward(self) -> bool:
        return bool(self.from_stage) and Stage.rank(self.to_stage) < Stage.rank(self.from_stage)


class StatusChange(models.Model):
    """One change of a partnership's status (put on hold, resumed, concluded,
    abandoned with a reason). Written only by ``lifecycle.py``."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    reason = models.ForeignKey(
        AbandonReason,
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    effective_date = models.DateField(_("effective date"))

    objects = PartnershipRowManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["effective_date", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="status_change_changes"
            ),
            models.CheckConstraint(
                condition=Q(to_status__in=Status.values) & Q(from_status__in=Status.values),
                name="status_change_values_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "effective_date"], name="status_change_timeline")
        ]

    def __str__(self) -> str:
        return (
            f"{self.partnership}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        )
