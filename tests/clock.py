"""The suite's one "today".

Every test runs with the clock frozen on ``TODAY`` (tests/conftest.py starts the
travel for the whole session), so factories, fixtures, the demo data and the code
under test all agree on the date, whatever the machine's clock says. ``TODAY``
comes from the ``CRM_TEST_TODAY`` environment variable (``YYYY-MM-DD``) and
defaults to an ordinary day: a weekday in mid-June, far from a month's or a year's
end and from the daylight-saving changes. Move it to prove a test does not assume
a date::

    CRM_TEST_TODAY=2029-02-28 .venv/bin/python -m pytest -n 2

Tests write dates relative to ``TODAY`` (``TODAY - timedelta(days=3)``); a test
keeps an explicit date only where that date is the point, and freezes it itself.
"""

from __future__ import annotations

import datetime
import os

from django.utils import timezone

DEFAULT_TODAY = "2026-06-15"


def _today_from_environment() -> datetime.date:
    value = os.environ.get("CRM_TEST_TODAY", "").strip() or DEFAULT_TODAY
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise SystemExit(
            f"CRM_TEST_TODAY must be a date written YYYY-MM-DD, not {value!r}"
        ) from None


TODAY: datetime.date = _today_from_environment()


# Tests with many hand-worked dates (reports, reminders, the board, the calendar
# feed) write them as seen from this day, through ``day()``.
WRITTEN_FOR = datetime.date(2026, 6, 15)


def day(year: int, month: int, day: int) -> datetime.date:
    """A date written as if today were ``WRITTEN_FOR`` (15 June 2026), moved to
    the same distance from ``TODAY``: ``day(2026, 6, 10)`` is five days ago,
    whatever ``TODAY`` is. Intervals are kept to the day; calendar boundaries
    (the 1st of a month, New Year) are not, so a test about those builds its
    dates from ``TODAY`` itself."""
    return TODAY + (datetime.date(year, month, day) - WRITTEN_FOR)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """``day`` at ``hour:minute`` in the site's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def noon(day: datetime.date) -> datetime.datetime:
    return at(day, 12)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def written(day: datetime.date, *, short: bool = False) -> str:
    """``day`` as the English pages write it: "25 November 2026", or "25 Nov 2026"."""
    month = MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month} {day.year}"
