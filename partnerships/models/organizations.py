"""Organizations, the typed links between them, their contacts, and sectors."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partnerships import duplicates, text_search
from partnerships.models.base import (
    DatePrecision,
    M2MHistoricalRecords,
    ParentLoopMixin,
    TimeStampedModel,
    date_precision_field,
    illustrative_field,
    source_reference_field,
)
from partnerships.models.history_records import CoalescingHistoricalRecords


class Sector(models.Model):
    """Reference list of economic sectors, managed by admins."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name


class OrganizationKind(models.TextChoices):
    REGION = "region", _("Region or province")
    CITY = "city", _("City")
    GOVERNMENT = "government", _("Government body")
    COMPANY = "company", _("Company")
    EDUCATION = "education", _("University or school")
    HOSPITAL = "hospital", _("Hospital")
    CLUSTER = "cluster", _("Cluster or association")
    TECH_PARK = "tech_park", _("Technology park")
    CHAMBER = "chamber", _("Chamber of commerce")
    TRANSPORT = "transport", _("Airport or transport")
    OTHER = "other", _("Other")


class OrganizationQuerySet(models.QuerySet):
    def search(self, query: str | None) -> OrganizationQuerySet:
        """Accent- and case-insensitive match on names, local names and aliases."""
        return text_search.matching(self, query)

    def for_list(self) -> OrganizationQuerySet:
        """What a list row shows: the parent's name, without one query per row."""
        return self.select_related("parent")

    def countries_in_use(self) -> set[str]:
        """The country codes these organizations are in, one query. order_by()
        drops the default ordering by name, which DISTINCT would otherwise
        include (one row per organization instead of per country)."""
        return set(self.order_by().values_list("country", flat=True).distinct()) - {""}

    def near_duplicates_of(
        self,
        name: str,
        *,
        country: str | None = None,
        local_name: str = "",
        romanization: str = "",
    ) -> OrganizationQuerySet:
        """Organizations whose name differs from ``name`` only by case, accents,
        spacing or punctuation, or whose comparison key (``duplicates.py``:
        scripts, romanizations and words like "Ville de" or "市" set aside) is
        the one of these names (in the same country when one is given)."""
        key = text_search.name_key(name)
        if not key:
            return self.none()
        match_key = duplicates.organization_key(name, local_name, romanization)
        condition = Q(name_key=key)
        if match_key:
            condition |= Q(match_key=match_key)
        matches = self.filter(condition)
        if country:
            matches = matches.filter(country=country)
        return matches

    def for_merge(self) -> OrganizationQuerySet:
        """What the merge pages compare: the parent, and the sectors."""
        return self.select_related("parent").prefetch_related("sectors")


class Organization(ParentLoopMixin, TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(
        _("local name"),
        max_length=200,
        blank=True,
        help_text=_("The name in its own script, for example 张家口市."),
    )
    romanization = models.CharField(
        _("romanization"),
        max_length=200,
        blank=True,
        help_text=_("The local name in Latin letters, for example Zhangjiakou."),
    )
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names and abbreviations, one per line."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.OTHER
    )
    country = CountryField(_("country"), db_index=True)
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("For example, Zhangjiakou is in Hebei."),
    )
    website = models.URLField(_("website"), blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="organizations"
    )
    notes = models.TextField(_("notes"), blank=True)
    source_reference = source_reference_field()
    is_illustrative = illustrative_field()
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    # The comparison key of duplicates.organization_key, for near-duplicate checks.
    match_key = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    history = M2MHistoricalRecords(m2m_fields=[sectors])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        # As a French reader sorts names: accents, case, spaces and punctuation
        # ignored ("Aéroports de Lyon" before "Auvergne-Rhône-Alpes"), the same
        # on SQLite and PostgreSQL whatever the database's collation.
        ordering = ["name_key", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organization_unique_name_per_country",
                violation_error_message=_(
                    "An organization with this name already exists in this country."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organization_not_its_own_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "country"], name="organization_kind_country"),
            models.Index(fields=["country", "match_key"], name="organization_match_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name with its local name, as staff recognise it: "Zhangjiakou (张家口市)"."""
        if self.local_name and self.local_name != self.name:
            return f"{self.name} ({self.local_name})"
        return self.name

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def ancestors(self) -> list[Organization]:
        """Parents from the nearest up, stopping at a loop rather than spinning."""
        chain: list[Organization] = []
        seen = {self.pk}
        current = self.parent
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.parent
        return chain

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.pk and self._parent_creates_loop():
            raise ValidationError(
                {"parent": _("An organization cannot be inside itself or one of its own children.")}
            )

    def save(self, *args, **kwargs) -> None:
        # Derived columns, kept in step with the names they are made of.
        self.name_key = text_search.name_key(self.name)
        self.match_key = self.build_match_key()
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_match_key(self) -> str:
        return duplicates.organization_key(self.name, self.local_name, self.romanization)

    def names(self) -> list[str]:
        """Every name it is known by: name, local name, romanization, aliases."""
        return list(
            dict.fromkeys(
                n for n in [self.name, self.local_name, self.romanization, *self.alias_list()] if n
            )
        )

    def build_search_text(self) -> str:
        return text_search.build_search_text(
            [self.name, self.local_name, self.romanization, *self.alias_list()]
        )


class RelationKind(models.TextChoices):
    SISTER_CITY = "sister_city", _("Sister city or friendship province")
    SUPERVISING_AUTHORITY = "supervising_authority", _("Supervising authority of")
    MEMBER = "member", _("Member of")
    SUBSIDIARY = "subsidiary", _("Subsidiary of")
    JOINT_VENTURE = "joint_venture", _("Joint venture with")
    PARTNER = "partner", _("Partner of")


class OrganizationRelation(TimeStampedModel):
    """A typed, dated link between two organizations, read "source <kind> target"
    (MND "joint venture with" CCZMMA; Chambéry "sister city" Zhangjiakou)."""

    source = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="relations_from",
    )
    kind = models.CharField(_("relation"), max_length=30, choices=RelationKind.choices)
    target = models.ForeignKey(
        Organization,
        verbose_name=_("related organization"),
        on_delete=models.CASCADE,
        related_name="relations_to",
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_reference = source_reference_field()
    is_illustrative = illustrative_field()

    history = CoalescingHistoricalRecords()

    class Meta:
        verbose_name = _("organization relation")
        verbose_name_plural = _("organization relations")
        ordering = ["source__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                name="organization_relation_unique",
                violation_error_message=_("These two organizations are already linked this way."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="organization_relation_not_to_itself",
                violation_error_message=_("An organization cannot be related to itself."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="organization_relation_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelationKind.values), name="organization_relation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.get_kind_display()} — {self.target}"


class MessagingApp(models.TextChoices):
    WECHAT = "wechat", _("WeChat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LINE = "line", _("LINE")
    TELEGRAM = "telegram", _("Telegram")
    SIGNAL = "signal", _("Signal")
    OTHER = "other", _("Other")


class ContactQuerySet(models.QuerySet):
    def search(self, query: str | None) -> ContactQuerySet:
        """Accent- and case-insensitive match on names, local names, e-mail and title."""
        return text_search.matching(self, query)

    def active(self) -> ContactQuerySet:
        return self.filter(is_active=True)

    def for_list(self) -> ContactQuerySet:
        """What a list row shows: the organization's name, without one query per row."""
        return self.select_related("organization")

    def for_merge(self) -> ContactQuerySet:
        """What the merge pages compare: the organization."""
        return self.select_related("organization")

    def with_positions(self) -> ContactQuerySet:
        """Each contact's positions (current first) with their organizations, in
        one more query whatever the number of contacts: what ``title_on`` reads."""
        return self.prefetch_related(
            models.Prefetch(
                "positions", queryset=ContactPosition.objects.select_related("organization")
            )
        )


class Contact(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    messaging_app = models.CharField(
        _("messaging app"), max_length=20, choices=MessagingApp.choices, blank=True
    )
    messaging_handle = models.CharField(_("messaging handle"), max_length=100, blank=True)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("For example: Chinese, English.")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick when the person has left the organization.")
    )
    source_reference = source_reference_field()
    is_illustrative = illustrative_field()
    # The comparison key of duplicates.person_key, for near-duplicate checks.
    match_key = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # The name as a French reader sorts it (accents, case and punctuation
    # ignored: "Émilie Durand" between "Dupont" and "Fabre"), on SQLite and
    # PostgreSQL alike; kept by save(), as the organizations' key.
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")

    history = CoalescingHistoricalRecords()
    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name_key", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(messaging_app__in=[*MessagingApp.values, ""]),
                name="contact_messaging_app_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="contact_org_active"),
            models.Index(fields=["match_key"], name="contact_match_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.local_name and self.local_name != self.name:
            return f"{self.name} ({self.local_name})"
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = text_search.name_key(self.name)
        self.match_key = self.build_match_key()
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_match_key(self) -> str:
        return duplicates.person_key(self.name, self.local_name)

    def build_search_text(self) -> str:
        return text_search.build_search_text(
            [self.name, self.local_name, self.email, self.title, self.messaging_handle]
        )

    def position_on(self, day: datetime.date | None) -> ContactPosition | None:
        """The position held on ``day``, from the prefetched positions
        (``with_positions``): the one whose dates cover it, the latest started
        if several do. None when none is known for that day."""
        if day is None:
            return None
        held = [position for position in self.positions.all() if position.covers(day)]
        if not held:
            return None
        return max(held, key=lambda p: (p.start_date or datetime.date.min, p.pk))

    def title_on(self, day: datetime.date | None) -> str:
        """The title held on ``day`` (a meeting's, a signing's): the position
        of that day's, or the current title when no position covers it."""
        position = self.position_on(day)
        return position.title if position is not None else self.title


class ContactPositionQuerySet(models.QuerySet):
    def current(self) -> ContactPositionQuerySet:
        return self.filter(end_date__isnull=True)

    def past(self) -> ContactPositionQuerySet:
        return self.filter(end_date__isnull=False)


class ContactPosition(TimeStampedModel):
    """A post a contact held or holds: an organization and a title, from a day
    to a day (no end: the current post). The contact's ``organization`` and
    ``title`` are the current post's, kept in step by ``lifecycle.py``."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="positions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    start_date = models.DateField(_("since"), null=True, blank=True)
    # How much of the start date is known (a source may give only the year).
    date_precision = date_precision_field()
    end_date = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty while the post is held.")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = CoalescingHistoricalRecords()
    objects = ContactPositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = [
            models.F("end_date").desc(nulls_first=True),
            models.F("start_date").desc(nulls_last=True),
            "-pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(end_date__isnull=True),
                name="contact_position_one_current",
                violation_error_message=_("This person already has a current post."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="contact_position_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="contact_position_date_precision_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "end_date"], name="contact_position_holders"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} — {self.title or '—'}, {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    def covers(self, day: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )
