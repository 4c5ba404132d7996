"""What belongs to a person rather than to the domain: personal API tokens, the
secret of their calendar feed, and the record of reminder e-mails sent to them."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.errors import DomainError
from partnerships.models.base import EveryRowManager, HiddenWithParentManager

TOKEN_PREFIX = "crm"  # noqa: S105 - a visible marker, not a secret


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def preferred_language(user) -> str:
    """The language to write to ``user`` in: the one they chose last, or the
    site's. Reads ``user.crm_profile`` (select_related it for many users)."""
    try:
        return user.crm_profile.preferred_language
    except UserProfile.DoesNotExist:
        return settings.LANGUAGE_CODE


class UserProfileQuerySet(models.QuerySet):
    def for_user(self, user) -> UserProfile:
        """The user's profile, created on first use."""
        profile, _created = self.get_or_create(user=user)
        return profile


class UserProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="crm_profile",
    )
    calendar_token = models.CharField(
        _("calendar feed secret"),
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language last chosen with the language switch: pages open in it after "
            "signing in, and reminder e-mails are written in it. Empty: the site's language."
        ),
    )

    objects = UserProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def preferred_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def choose_language(self, language: str) -> bool:
        """Store ``language`` as the one chosen last; False (and nothing
        stored) when the site does not offer it."""
        if language not in dict(settings.LANGUAGES):
            return False
        if self.language != language:
            self.language = language
            self.save(update_fields=["language"])
        return True

    def reset_calendar_token(self) -> str:
        """A new secret: the old feed address stops working at once."""
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])
        return self.calendar_token


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked (expired ones included: see :meth:`usable`)."""
        return self.filter(revoked_at__isnull=True)

    def usable(self, today: datetime.date | None = None) -> ApiTokenQuerySet:
        """Not revoked and not past its expiry date (a token works through
        the whole of its ``expires_on`` day, in the site's time zone)."""
        today = today or timezone.localdate()
        return self.active().filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))

    def authenticate(self, raw: str) -> ApiToken | None:
        """The usable token whose hash matches ``raw``, with its (active) user."""
        if not raw or not raw.startswith(f"{TOKEN_PREFIX}_"):
            return None
        return (
            self.usable()
            .select_related("user")
            .filter(key_hash=hash_token(raw), user__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored: the token itself is shown
    once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What this token is for."))
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Optional: the last day the token works. Empty: until it is revoked."),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, *, user, name: str, expires_on: datetime.date | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the raw token (shown once). An
        expiry date, if any, is today or later."""
        if expires_on is not None and expires_on < timezone.localdate():
            raise DomainError(
                _("The expiry date is in the past: choose today or a later day."),
                field="expires_on",
            )
        raw = f"{TOKEN_PREFIX}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 7],
            key_hash=hash_token(raw),
            expires_on=expires_on,
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_usable(self) -> bool:
        return self.is_active and not self.is_expired


class ReminderLog(models.Model):
    """One reminder digest sent to one person on one day: running the reminder
    command twice the same day sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_logs",
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="reminder_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.day}"


class DormancyAlertManager(HiddenWithParentManager):
    """Hidden while their partnership is deleted."""

    belongs_to = "partnership"


class DormancyAlert(models.Model):
    """A signed partnership reported as dormant: once per quiet spell.

    A spell is named by the partnership's last engagement when the alert was
    made (``quiet_since``): as long as nothing happens, the partnership's
    ``last_engaged_on`` stays that day and the unique pair stops a second
    alert; a meeting held or an action done moves it, and the next spell, if
    it comes, gets its own alert."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="dormancy_alerts",
    )
    quiet_since = models.DateField(_("quiet since"))
    alerted_on = models.DateField(_("alerted on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner alerted"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DormancyAlertManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("dormancy alert")
        verbose_name_plural = _("dormancy alerts")
        ordering = ["-alerted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "quiet_since"], name="dormancy_alert_once_per_spell"
            )
        ]
        indexes = [models.Index(fields=["alerted_on"], name="dormancy_alert_day")]

    def __str__(self) -> str:
        return f"{self.partnership_id} — {self.quiet_since}"
