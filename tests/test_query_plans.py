"""The staff lists, a meeting's and a partnership's page, search, "my work",
the API lists and the admin's changelists read the large tables through
indexes, on SQLite and PostgreSQL (issue 10, point 2; tests/query_plans.py
says how). The rows: seed_scale's, 400 partnerships (2,000 meetings, 4,000
actions), with the statistics of ANALYZE, which seed_scale runs.

On SQLite. PostgreSQL's planner estimates a table's size from its real number
of pages, and reads a table of a few hundred pages through in one go (rightly:
at 2,000 partnerships it still hashes the partnerships rather than look up 25
of them): its plans are checked on a database of the real size instead, by
bench/plans.py (the benchmark's 100,000 partnerships) with these same pages.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from partnerships.models import Meeting, Partnership
from partnerships.permissions import MANAGER_GROUP
from tests import clock
from tests.conftest import shared_rows
from tests.query_plans import (
    PlanContext,
    PlannedPage,
    assert_reads_through_indexes,
    explain_page,
    full_reads,
    page_queries,
    plan_of,
    reads_large_table,
)

PARTNERSHIPS = 400
# An unfiltered list counts its first 1,001 rows from the table itself (a walk).
ACTIONS, MEETINGS, PARTNERSHIP_ROWS = (
    "partnerships_action",
    "partnerships_meeting",
    "partnerships_partnership",
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's plans: bench/plans.py, at full size"
)

PAGES = [
    PlannedPage("actions: mine to do", "/actions/?owner={staff}&pending=true"),
    PlannedPage("actions: mine overdue", "/actions/?owner={staff}&overdue=true"),
    PlannedPage(
        "actions: everyone's to do",
        "/actions/?pending=true",
        walks=("action_pending_urgency", ACTIONS),
    ),
    PlannedPage(
        "actions: all overdue", "/actions/?overdue=true", walks=("action_pending_urgency", ACTIONS)
    ),
    PlannedPage(
        "actions: recently done",
        "/actions/?status=done&ordering=-updated",
        walks=("action_status_updated", ACTIONS),
    ),
    PlannedPage(
        "API actions, overdue",
        "/api/actions/?overdue=true",
        walks=("action_pending_urgency", ACTIONS),
    ),
    PlannedPage("a meeting", "/meetings/{meeting}/"),
    PlannedPage("a meeting with side meetings", "/meetings/{forum}/"),
    PlannedPage("meetings", "/meetings/", walks=("meeting_recent", MEETINGS)),
    PlannedPage("API meetings", "/api/meetings/", walks=("meeting_recent", MEETINGS)),
    PlannedPage("partnerships", "/partnerships/", walks=("partnership_recent", PARTNERSHIP_ROWS)),
    PlannedPage("a partnership", "/partnerships/{partnership}/"),
    PlannedPage(
        "API partnerships", "/api/partnerships/", walks=("partnership_recent", PARTNERSHIP_ROWS)
    ),
    PlannedPage(
        "partnerships: stage, country and status",
        "/partnerships/?stage=agreement&country=CN&status=active",
        # PostgreSQL counts the first 1,001 of a stage's and status's rows from
        # the table when they are many (a sixth of them, in seed_scale's data).
        walks=("partnership_stage_recent", PARTNERSHIP_ROWS),
    ),
    # The searches find their rows through SQLite's FTS5 trigram indexes
    # (partnerships/search_index.py).
    PlannedPage("search: alpine", "/search/?q=alpine"),
    PlannedPage("search: 张家口", "/search/?q=" + quote("张家口")),
    PlannedPage("search: two words", "/search/?q=" + quote("alpine lyon")),
    PlannedPage("partnerships, search alpine", "/partnerships/?search=alpine"),
    PlannedPage("API partnerships, search alpine", "/api/partnerships/?search=alpine"),
    PlannedPage("meetings, search alpine", "/meetings/?search=alpine"),
    PlannedPage("look-up: partnerships alpine", "/lookup/partnerships/?q=alpine"),
    PlannedPage("look-up: meetings alpine", "/lookup/meetings/?q=alpine"),
    PlannedPage("actions, search alpine", "/actions/?search=alpine"),
    PlannedPage("API actions, search alpine", "/api/actions/?search=alpine"),
    PlannedPage("my work", "/"),
    PlannedPage("my work (manager)", "/", "manager"),
    PlannedPage(
        "admin: actions",
        "/admin/partnerships/action/",
        "admin",
        walks=("action_live_urgency", ACTIONS),
    ),
    PlannedPage(
        "admin: meetings",
        "/admin/partnerships/meeting/",
        "admin",
        walks=("meeting_recent", MEETINGS),
    ),
    PlannedPage(
        "admin: partnerships",
        "/admin/partnerships/partnership/",
        "admin",
        walks=("partnership_recent", PARTNERSHIP_ROWS),
    ),
]


def _seed() -> PlanContext:
    call_command(
        "seed_scale",
        partnerships=PARTNERSHIPS,
        owners=10,
        today=clock.TODAY,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    users = get_user_model().objects
    staff = users.filter(username__startswith="scale-owner-").order_by("username").first()
    manager = users.create(username="plans-manager")
    manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
    admin = users.create(username="plans-admin", is_staff=True, is_superuser=True)
    meetings = Meeting.objects.order_by("pk")
    forum = meetings.filter(side_meetings__isnull=False).first() or meetings.first()
    return PlanContext(
        users={"staff": staff, "manager": manager, "admin": admin},
        values={
            "staff": staff.pk,
            "meeting": meetings[meetings.count() // 2].pk,
            "forum": forum.pk,
            "partnership": Partnership.objects.order_by("pk")[PARTNERSHIPS // 2].pk,
        },
    )


@pytest.fixture(scope="module")
def planned(django_db_setup, django_db_blocker):
    yield from shared_rows(django_db_blocker, _seed)
    # The seed's ANALYZE was rolled back with its rows, but SQLite's planner
    # keeps the statistics it loaded: have it read them again (there are none
    # now), so that later modules plan as on a database without statistics.
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("ANALYZE sqlite_schema")


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_page_reads_the_large_tables_through_indexes(page, planned, db):
    assert_reads_through_indexes(page, planned)


def test_the_check_sees_a_full_read_of_a_large_table(planned, db):
    """The helper is not blind: a search of the actions' details, which no
    index serves, reads every action."""
    page = PlannedPage("search of details", "/admin/partnerships/action/?q=nothing", "admin")
    reads = [full_reads(query, plan) for query, plan in explain_page(page, planned)]
    assert any(reads), reads


def test_a_walk_in_index_order_is_allowed_only_where_declared(planned, db):
    undeclared = PlannedPage("everyone's to do", "/actions/?pending=true")
    reads = [full_reads(query, plan) for query, plan in explain_page(undeclared, planned)]
    assert any(reads), reads


@pytest.mark.parametrize("persona", ["staff", "manager"])
def test_my_work_reads_its_first_rows_in_order_without_sorting(persona, planned, db):
    """ "My work" shows the first five of a person's overdue and due-soon
    actions, and a manager the longest-stalled partnerships: each read in
    order from its index, whatever the person's number of rows (SQLite had
    sorted the 16,000 overdue actions of a busy owner, and every stalled
    partnership). The other sections sort what their look-ups found: one
    person's meetings of a few weeks, one person's renewals."""
    queries = [
        query
        for query in page_queries(planned.users[persona], "/")
        if reads_large_table(query)
        and re.search(r"\bLIMIT 5\b", query.sql)
        and (
            'FROM "partnerships_action"' in query.sql
            or 'ORDER BY "partnerships_partnership"."last_activity_on"' in query.sql
        )
    ]
    assert len(queries) == (3 if persona == "manager" else 2), [q.sql for q in queries]
    for query in queries:
        plan = plan_of(query)
        assert not any("FOR ORDER BY" in line for line in plan), f"{query.sql}\n{plan}"
        assert not full_reads(query, plan), f"{query.sql}\n{plan}"
