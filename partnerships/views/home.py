"""``/``: my work — what needs me today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships import permissions
from partnerships.models import Action, Meeting, Partnership, Stage, Status
from partnerships.reports import stalled_after_days
from partnerships.views.access import staff_required

RENEWAL_HORIZON_DAYS = 90
RECENT_MEETING_DAYS = 30
# The team view lists this many people, those with the most overdue work first.
TEAM_SHOWN = 8
# Each section shows its first few rows and links to the full filtered list.
SHOWN = 5
# Beyond this, a section says "1,000+" rather than count every row.
COUNT_LIMIT = 1000


@dataclass
class Section:
    """The first rows of a list, how many there are (up to ``COUNT_LIMIT``)
    and where the whole list is."""

    rows: list
    count: int
    url: str

    @classmethod
    def of(cls, queryset: QuerySet, *, url: str, shown: int = SHOWN) -> Section:
        rows = list(queryset[:shown])
        if len(rows) < shown:
            return cls(rows=rows, count=len(rows), url=url)
        count = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
        return cls(rows=rows, count=count, url=url)

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_LIMIT)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def my_work(user, today: datetime.date) -> dict:
    """Everything the "My work" page shows, each section a bounded number of
    rows whoever looks at it (two queries a section at most)."""
    mine = Action.objects.owned_by(user).for_list()
    actions_url = reverse("actions:list")
    my_partnerships = Partnership.objects.open().filter(owner=user)
    by_stage = dict(my_partnerships.order_by().values_list("stage").annotate(count=Count("pk")))
    week = today + datetime.timedelta(days=7)
    renewal_horizon = datetime.timedelta(days=RENEWAL_HORIZON_DAYS)
    return {
        "today": today,
        "overdue": Section.of(
            mine.overdue(today).dated_by_urgency(),
            url=f"{actions_url}?{urlencode({'owner': user.pk, 'overdue': 'true'})}",
        ),
        "due_soon": Section.of(
            mine.due_between(today, week).dated_by_urgency(),
            url=f"{actions_url}?"
            + urlencode(
                {
                    "owner": user.pk,
                    "pending": "true",
                    "due_after": today.isoformat(),
                    "due_before": week.isoformat(),
                }
            ),
        ),
        "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
        "partnership_count": sum(by_stage.values()),
        "renewals": Section.of(
            Partnership.objects.involving(user)
            .renewal_due_between(
                today - datetime.timedelta(days=30),
                today + renewal_horizon,
            )
            .filter(end_date__gte=today)
            .select_related("owner")
            .order_by("renewal_due_on", "pk"),
            url=f"{reverse('partnerships:list')}?"
            + urlencode(
                {
                    "member": user.pk,
                    "status": Status.open(),
                    "renewal_due_before": (today + renewal_horizon).isoformat(),
                    "end_after": today.isoformat(),
                    "ordering": "end_date",
                },
                doseq=True,
            ),
        ),
        "meetings": list(
            Meeting.objects.involving(user)
            .filter(start_date__gte=today - datetime.timedelta(days=RECENT_MEETING_DAYS))
            .select_related("logged_by")
            .order_by("-start_date", "-pk")[:10]
        ),
    }


@dataclass
class OwnerWork:
    owner: object
    overdue: int
    due_soon: int

    @property
    def overdue_is_capped(self) -> bool:
        return self.overdue > COUNT_LIMIT

    @property
    def due_soon_is_capped(self) -> bool:
        return self.due_soon > COUNT_LIMIT

    @property
    def limit(self) -> int:
        return COUNT_LIMIT

    @property
    def overdue_url(self) -> str:
        return f"{reverse('actions:list')}?{urlencode({'owner': self.owner.pk, 'overdue': 'true'})}"

    @property
    def pending_url(self) -> str:
        return f"{reverse('actions:list')}?{urlencode({'owner': self.owner.pk, 'pending': 'true'})}"


class CappedCount(Subquery):
    """How many rows a (correlated) queryset has, counted up to its slice:
    ``(SELECT COUNT(*) FROM (… LIMIT n))``, which reads at most n index entries."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def team_work(today: datetime.date) -> dict:
    """A manager's view of the team on "My work": overdue and due-soon work by
    owner, stalled partnerships, and renewals to decide, each bounded (two
    queries a part). Each person's work is counted up to ``COUNT_LIMIT`` + 1
    from their own index entries (``action_owner_dated_urgency``): grouping
    everyone's pending actions read every overdue one (9 s at 100,000
    partnerships on SQLite)."""
    week = today + datetime.timedelta(days=7)
    pending = Action.objects.filter(owner=OuterRef("pk")).pending().order_by().values("pk")
    # Everyone, the accounts closed included: work left by someone who has
    # gone is what a manager most needs to see and reassign.
    owners = list(
        get_user_model()
        .objects.annotate(
            overdue=CappedCount(pending.filter(due_date__lt=today)[: COUNT_LIMIT + 1]),
            due_soon=CappedCount(
                pending.filter(due_date__gte=today, due_date__lte=week)[: COUNT_LIMIT + 1]
            ),
        )
        .filter(Q(overdue__gt=0) | Q(due_soon__gt=0))
        .order_by("-overdue", "-due_soon", "pk")[:TEAM_SHOWN]
    )
    since = today - datetime.timedelta(days=stalled_after_days())
    horizon = today + datetime.timedelta(days=RENEWAL_HORIZON_DAYS)
    partnerships_url = reverse("partnerships:list")
    return {
        "owners": [
            OwnerWork(owner=owner, overdue=owner.overdue, due_soon=owner.due_soon)
            for owner in owners
        ],
        "all_pending_url": f"{reverse('actions:list')}?pending=true",
        "stalled_days": stalled_after_days(),
        "stalled": Section.of(
            Partnership.objects.stalled_first(since).select_related("owner"),
            url=f"{reverse('reports')}#stalled",
        ),
        "renewals": Section.of(
            Partnership.objects.open()
            .renewal_due_between(today - datetime.timedelta(days=30), horizon)
            .filter(end_date__gte=today)
            .select_related("owner")
            .order_by("renewal_due_on", "pk"),
            url=f"{partnerships_url}?"
            + urlencode(
                {
                    "status": Status.open(),
                    "renewal_due_before": horizon.isoformat(),
                    "end_after": today.isoformat(),
                    "ordering": "end_date",
                },
                doseq=True,
            ),
        ),
    }


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = my_work(request.user, today)
    if permissions.can_oversee_team(request.user):
        context["team"] = team_work(today)
    return render(request, "home.html", context)
