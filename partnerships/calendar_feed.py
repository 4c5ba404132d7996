"""A person's private calendar feed (iCalendar): the meetings they attend or
logged (planned and held), the due dates of their pending actions and the
renewal dates of their partnerships, as events that Outlook, Google Calendar
or Apple Calendar subscribe to, written in the owner's language (their
profile's), whoever fetches it.

A meeting with a time of day is a timed event (in UTC, converted from the
site's time zone); without one it is an all-day event over its days.

Events are VEVENTs rather than VTODOs because every calendar application shows
events, while many ignore to-dos. Their UIDs are stable (``action-12@host``,
``partnership-7-renewal@host``, ``meeting-3@host``), so a moved due date
moves the event instead of adding one. Three queries whatever the number of
events; the feed is bounded to a window of dates and a maximum number of
events.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event, vDuration

from partnerships.models import Action, Meeting, MeetingStatus, Partnership, UserProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PAST_DAYS = 365
FUTURE_DAYS = 3 * 365
MAX_ACTIONS = 1000
MAX_PARTNERSHIPS = 500
MAX_MEETINGS = 1000
# A meeting with a start time and no end time is shown as lasting this long.
DEFAULT_MEETING_LENGTH = datetime.timedelta(hours=1)


def profile_for_token(token: str) -> UserProfile | None:
    """The profile whose feed secret is ``token``, if its user may still use
    the application (an inactive or role-less account gets no feed)."""
    from partnerships import permissions

    if not token:
        return None
    profile = (
        UserProfile.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if profile is None or not permissions.can_use_app(profile.user):
        return None
    return profile


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "crm.localhost"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _all_day(event: Event, day: datetime.date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy


def _action_event(action: Action, host: str) -> Event:
    event = Event()
    event.add("uid", f"action-{action.pk}@{host}")
    event.add("dtstamp", action.updated_at)
    event.add("last-modified", action.updated_at)
    _all_day(event, action.due_date)
    event.add("summary", _("Due: %(title)s") % {"title": action.title})
    lines = []
    partnership = action.live_partnership
    if partnership is not None:
        lines.append(_("Partnership: %(title)s") % {"title": partnership.title})
    if action.details:
        lines.append(action.details)
    lines.append(_absolute(action.get_absolute_url()))
    event.add("description", "\n\n".join(lines))
    event.add("url", _absolute(action.get_absolute_url()))
    event.add("priority", {"high": 1, "normal": 5, "low": 9}.get(action.priority, 5))
    event.add("categories", [_("Action")])
    return event


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A day and a time of day in the site's time zone, as a UTC instant."""
    local = timezone.make_aware(datetime.datetime.combine(day, time))
    return local.astimezone(datetime.UTC)


def _meeting_event(meeting: Meeting, host: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    if meeting.start_time is not None:
        start = _moment(meeting.start_date, meeting.start_time)
        if meeting.end_time is not None:
            end = _moment(meeting.end_date or meeting.start_date, meeting.end_time)
        else:
            end = start + DEFAULT_MEETING_LENGTH
        event.add("dtstart", start)
        event.add("dtend", max(end, start))
    else:
        event.add("dtstart", meeting.start_date)
        event.add("dtend", (meeting.end_date or meeting.start_date) + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("summary", meeting.title)
    event.add("status", "CONFIRMED" if meeting.status == MeetingStatus.HELD else "TENTATIVE")
    place = ", ".join(part for part in (meeting.locality, meeting.country.name) if part)
    if place:
        event.add("location", place)
    link = _absolute(meeting.get_absolute_url())
    lines = [f"{meeting.get_kind_display()} · {meeting.get_status_display()}"]
    if meeting.summary:
        lines.append(meeting.summary)
    lines.append(link)
    event.add("description", "\n\n".join(lines))
    event.add("url", link)
    event.add("categories", [_("Meeting")])
    return event


def _partnership_events(partnership: Partnership, host: str) -> list[Event]:
    link = _absolute(partnership.get_absolute_url())
    tacit = partnership.renews_tacitly
    events = []
    decision_day = partnership.renewal_due_on
    if decision_day is not None and decision_day != partnership.end_date:
        event = Event()
        event.add("uid", f"partnership-{partnership.pk}-renewal@{host}")
        _all_day(event, decision_day)
        if tacit:
            summary = _("Last day to stop the tacit renewal: %(title)s")
        else:
            summary = _("Renewal decision due: %(title)s")
        event.add("summary", summary % {"title": partnership.title})
        events.append(event)
    if partnership.end_date is not None:
        event = Event()
        event.add("uid", f"partnership-{partnership.pk}-end@{host}")
        _all_day(event, partnership.end_date)
        summary = _("Ends, or renews tacitly: %(title)s") if tacit else _("Ends: %(title)s")
        event.add("summary", summary % {"title": partnership.title})
        events.append(event)
    for event in events:
        event.add("dtstamp", partnership.updated_at)
        event.add("last-modified", partnership.updated_at)
        event.add("url", link)
        event.add("description", link)
        event.add("categories", [_("Renewal")])
    return events


def build_feed(user: AbstractBaseUser, *, today: datetime.date | None = None) -> bytes:
    """The iCalendar feed of ``user``, in their language: planned and held
    meetings they attend or logged, pending actions they own (by due date) and
    open partnerships they own or are on the team of (renewal decision date
    and end date), from a year ago to three years ahead."""
    from partnerships.models.accounts import preferred_language

    with override(preferred_language(user)):
        return _build_feed(user, today=today or timezone.localdate())


def _build_feed(user: AbstractBaseUser, *, today: datetime.date) -> bytes:
    window = (
        today - datetime.timedelta(days=PAST_DAYS),
        today + datetime.timedelta(days=FUTURE_DAYS),
    )
    host = _host()
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership CRM//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = user.get_full_name() or user.get_username()
    calendar.add("x-wr-calname", _("Partnership CRM – %(name)s") % {"name": name})
    # An x- property is text unless told: written as a duration, "PT1H".
    calendar.add("x-published-ttl", vDuration(datetime.timedelta(hours=1)))
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})

    meetings = (
        Meeting.objects.involving(user)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(start_date__range=window)
        .order_by("start_date", "pk")[:MAX_MEETINGS]
    )
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, host))

    actions = (
        Action.objects.owned_by(user)
        .pending()
        .filter(due_date__range=window)
        .select_related("partnership")
        .order_by("due_date", "pk")[:MAX_ACTIONS]
    )
    for action in actions:
        calendar.add_component(_action_event(action, host))

    partnerships = (
        Partnership.objects.open()
        .filter(Q(owner=user) | Q(team=user))
        .filter(Q(end_date__range=window) | Q(renewal_due_on__range=window))
        .distinct()
        .order_by("end_date", "pk")[:MAX_PARTNERSHIPS]
    )
    for partnership in partnerships:
        for event in _partnership_events(partnership, host):
            calendar.add_component(event)
    return calendar.to_ical()
