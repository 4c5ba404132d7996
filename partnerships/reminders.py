"""Daily reminders: one e-mail digest per owner (overdue actions, actions due
in the next 7 days, renewals coming due, and signed partnerships gone dormant,
each of these once per quiet spell: see ``dormancy.py``), and one "prepare the
renewal" action per partnership entering its renewal window.

Safe to run from cron every day, and twice: a digest is recorded in
``ReminderLog`` (unique per person and day) in the same transaction that sends
it, so a second run the same day finds the record and sends nothing (the
dormancy alerts a digest lists are recorded in that transaction too); a renewal
action carries an ``automation_key`` (unique) naming the partnership and its
end date, so it is created once, even if someone deleted it since.

Queries: a handful for the renewal actions, then a fixed number per recipient
(their lists are capped at ``DIGEST_LIMIT`` items each, with the full counts).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from partnerships import dormancy, lifecycle
from partnerships.dates import format_date
from partnerships.models import (
    Action,
    ActionSide,
    Partnership,
    Priority,
    ReminderLog,
)
from partnerships.models.accounts import preferred_language
from partnerships.permissions import ROLE_GROUPS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)
User = get_user_model()

DIGEST_LIMIT = 25
WEEK_DAYS = 7


def renewal_lead_days() -> int:
    """How many days before the renewal decision date the renewal window
    opens (``CRM_RENEWAL_LEAD_DAYS`` in settings, 60 by default)."""
    return int(getattr(settings, "CRM_RENEWAL_LEAD_DAYS", 60))


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Renewal actions ----------------------------------------------------------------------


def renewal_key(partnership: Partnership) -> str:
    return f"renewal:{partnership.pk}:{partnership.end_date.isoformat()}"


def in_renewal_window(today: datetime.date) -> QuerySet:
    """Open partnerships whose renewal window is open: the renewal decision
    (end date minus notice period) is due within ``renewal_lead_days()`` or
    already late, and the partnership has not ended yet."""
    return Partnership.objects.open().filter(
        renewal_due_on__isnull=False,
        renewal_due_on__lte=today + datetime.timedelta(days=renewal_lead_days()),
        end_date__gte=today,
    )


def _renewal_action(partnership: Partnership) -> Action:
    values = {
        "title": partnership.title,
        "end": format_date(partnership.end_date),
        "due": format_date(partnership.renewal_due_on),
        "days": partnership.renewal_notice_days or 0,
    }
    if partnership.renews_tacitly:
        title = _("Tacit renewal: decide before %(due)s whether to renew “%(title)s”") % values
        details = _(
            "“%(title)s” ends on %(end)s and renews tacitly: unless notice is given by "
            "%(due)s (%(days)s days' notice), it renews automatically. Decide whether to "
            "renew, and if not, give notice in time."
        )
    else:
        title = _("Prepare the renewal of “%(title)s”") % values
        details = _(
            "“%(title)s” ends on %(end)s. The renewal must be decided by %(due)s "
            "(%(days)s days' notice): prepare it with the partner."
        )
    return Action(
        title=title[:200],
        details=details % values,
        owner_id=partnership.owner_id,
        partnership=partnership,
        due_date=partnership.renewal_due_on,
        priority=Priority.HIGH,
        side=ActionSide.OURS,
        automation_key=renewal_key(partnership),
    )


def create_renewal_actions(*, today: datetime.date) -> list[Action]:
    """One "prepare the renewal" action, for its owner, per partnership in its
    renewal window; never twice for the same partnership and end date."""
    candidates = list(
        in_renewal_window(today)
        .select_related("owner__crm_profile")
        .order_by("renewal_due_on", "pk")
    )
    if not candidates:
        return []
    keys = {renewal_key(p): p for p in candidates}
    existing = set(
        Action.all_objects.filter(automation_key__in=list(keys)).values_list(
            "automation_key", flat=True
        )
    )
    created = []
    for key, partnership in keys.items():
        if key in existing:
            continue
        # Written for its owner: in their language, with their dates.
        with translation.override(preferred_language(partnership.owner)):
            action = _renewal_action(partnership)
            action._change_reason = gettext_noop("Renewal window opened")  # shown translated
            try:
                lifecycle.create_action(action, by=None)
            except IntegrityError:  # another run created it in the meantime
                continue
            created.append(action)
    return created


# Digests --------------------------------------------------------------------------------


@dataclass
class Digest:
    user: AbstractBaseUser
    today: datetime.date
    overdue: list[Action] = field(default_factory=list)
    overdue_count: int = 0
    due_soon: list[Action] = field(default_factory=list)
    due_soon_count: int = 0
    renewals: list[Partnership] = field(default_factory=list)
    renewals_count: int = 0
    dormant: list[Partnership] = field(default_factory=list)
    dormant_count: int = 0
    dormant_days: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue_count or self.due_soon_count or self.renewals_count or self.dormant_count
        )

    @property
    def summary(self) -> str:
        return (
            f"{self.overdue_count} overdue, {self.due_soon_count} due this week, "
            f"{self.renewals_count} renewals, {self.dormant_count} dormant"
        )


def build_digest(
    user: AbstractBaseUser, *, today: datetime.date, limit: int = DIGEST_LIMIT
) -> Digest:
    """What ``user``'s digest lists: eight queries (four lists, four counts)."""
    mine = Action.objects.owned_by(user).select_related("partnership")
    overdue = mine.overdue(today).by_urgency()
    soon = mine.due_between(today, today + datetime.timedelta(days=WEEK_DAYS - 1)).by_urgency()
    renewals = in_renewal_window(today).filter(owner=user).order_by("renewal_due_on", "pk")
    dormant = dormancy.to_alert(today=today, owner=user)
    digest = Digest(
        user=user,
        today=today,
        overdue=list(overdue[:limit]),
        due_soon=list(soon[:limit]),
        renewals=list(renewals[:limit]),
        dormant=list(dormant[:limit]),
        dormant_days=dormancy.dormant_after_days(),
    )
    digest.overdue_count = _count(digest.overdue, overdue, limit)
    digest.due_soon_count = _count(digest.due_soon, soon, limit)
    digest.renewals_count = _count(digest.renewals, renewals, limit)
    digest.dormant_count = _count(digest.dormant, dormant, limit)
    for partnership in digest.renewals:
        partnership.days_left = (partnership.renewal_due_on - today).days
    for partnership in digest.dormant:
        partnership.days_quiet = (today - partnership.last_engaged_on).days
    return digest


def _count(shown: list, queryset: QuerySet, limit: int) -> int:
    return len(shown) if len(shown) < limit else queryset.count()


def recipients(*, today: datetime.date) -> QuerySet:
    """Active people with an e-mail address and a role who own something a
    digest would list."""
    week_end = today + datetime.timedelta(days=WEEK_DAYS - 1)
    action_owners = Action.objects.pending().filter(due_date__lte=week_end).values("owner")
    renewal_owners = in_renewal_window(today).values("owner")
    dormant_owners = dormancy.owners_to_alert(today=today)
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS))
        .filter(Q(pk__in=action_owners) | Q(pk__in=renewal_owners) | Q(pk__in=dormant_owners))
        .distinct()
        .order_by("pk")
    )


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    context = {
        "digest": digest,
        "user": digest.user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "my_work_url": _absolute(reverse("home")),
        "overdue_url": _absolute(f"{reverse('actions:list')}?owner={digest.user.pk}&overdue=true"),
        "pending_url": _absolute(f"{reverse('actions:list')}?owner={digest.user.pk}&pending=true"),
        "profile_url": _absolute(reverse("profile")),
    }
    parts = []
    if digest.overdue_count:
        parts.append(_("%(count)s overdue") % {"count": digest.overdue_count})
    if digest.due_soon_count:
        parts.append(_("%(count)s due this week") % {"count": digest.due_soon_count})
    if digest.renewals_count:
        parts.append(
            ngettext(
                "%(count)s renewal coming due",
                "%(count)s renewals coming due",
                digest.renewals_count,
            )
            % {"count": digest.renewals_count}
        )
    if digest.dormant_count:
        parts.append(
            ngettext(
                "%(count)s signed partnership gone quiet",
                "%(count)s signed partnerships gone quiet",
                digest.dormant_count,
            )
            % {"count": digest.dormant_count}
        )
    subject = _("Partnership CRM: %(what)s") % {"what": ", ".join(parts)}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
    )
    message.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
    return message


@dataclass
class ReminderRun:
    renewal_actions: list[Action] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # usernames
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)


def send_reminders(*, today: datetime.date, dry_run: bool = False) -> ReminderRun:
    """Create the renewal actions, then send each owner their digest once."""
    run = ReminderRun()
    if not dry_run:
        run.renewal_actions = create_renewal_actions(today=today)
    done_today = set(ReminderLog.objects.filter(day=today).values_list("user_id", flat=True))
    for user in recipients(today=today).select_related("crm_profile"):
        if user.pk in done_today:
            run.already_sent += 1
            continue
        # Each digest in its reader's language (the one they chose last).
        with translation.override(preferred_language(user)):
            digest = build_digest(user, today=today)
            if digest.is_empty:
                continue
            message = digest_message(digest)
        if dry_run:
            run.sent.append(user.get_username())
            continue
        _send_once(run, user, digest, message, today=today)
    return run


def _send_once(
    run: ReminderRun,
    user: AbstractBaseUser,
    digest: Digest,
    message: EmailMultiAlternatives,
    *,
    today: datetime.date,
) -> None:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(user=user, day=today, summary=digest.summary[:200])
            # Told once per quiet spell: the alerts are recorded with the send.
            dormancy.record_alerts(digest.dormant, today=today)
            message.send()
    except IntegrityError:
        run.already_sent += 1  # another run sent it since we looked
    except Exception:
        # The record was rolled back with the failed send: tomorrow, or a
        # rerun today, tries again. The other people still get theirs.
        logger.exception("Reminder to %s could not be sent", user.get_username())
        run.failed.append(user.get_username())
    else:
        run.sent.append(user.get_username())
