"""``/``: my work — what needs me today."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from partnerships.models import Action, Meeting, Partnership, Stage
from partnerships.views.access import staff_required

RENEWAL_HORIZON_DAYS = 90
RECENT_MEETING_DAYS = 30


def my_work(user, today: datetime.date) -> dict:
    """Everything the "My work" page shows, each list in one query."""
    mine = Action.objects.owned_by(user).for_list()
    my_partnerships = Partnership.objects.open().filter(owner=user)
    by_stage = dict(my_partnerships.order_by().values_list("stage").annotate(count=Count("pk")))
    return {
        "today": today,
        "overdue": list(mine.overdue(today).by_urgency()),
        "due_soon": list(mine.due_between(today, today + datetime.timedelta(days=7)).by_urgency()),
        "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
        "partnership_count": sum(by_stage.values()),
        "renewals": list(
            Partnership.objects.involving(user)
            .renewal_due_between(
                today - datetime.timedelta(days=30),
                today + datetime.timedelta(days=RENEWAL_HORIZON_DAYS),
            )
            .filter(end_date__gte=today)
            .select_related("owner")
            .order_by("renewal_due_on")
        ),
        "meetings": list(
            Meeting.objects.involving(user)
            .filter(start_date__gte=today - datetime.timedelta(days=RECENT_MEETING_DAYS))
            .select_related("logged_by")
            .order_by("-start_date", "-pk")[:10]
        ),
    }


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", my_work(request.user, timezone.localdate()))
