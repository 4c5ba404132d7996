"""The in-process measurement of one database, run by bench/run.py in a child
process (``DJANGO_SETTINGS_MODULE=bench.settings``, ``DATABASE_URL`` set):

    python -m bench.measure --runs 5 --result /tmp/result.json

For every page of :data:`PAGES`: one warm-up request (it must answer 200), one
request whose queries are counted, then ``--runs`` timed requests through
Django's test client, signed in as the page's persona. The time is the server
side of the request (middleware, view, template, queries; no network), or for
exports the time until the first row of data arrives (the header line is sent
before any query). The floor, an anonymous request to a bare view that makes
one query, is measured the same way before and after the pages.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

STAFF, MANAGER, ADMIN, ANONYMOUS = "staff", "manager", "admin", "anonymous"


@dataclass(frozen=True)
class Page:
    label: str
    path: str  # may name {partnership}, {meeting}, {staff}, {sector}, {year_ago}, {today}
    persona: str = STAFF
    stream: bool = False  # an export: time to the first row of data


PAGES = [
    Page("my work (staff who owns many records)", "/", STAFF),
    Page("my work (manager)", "/", MANAGER),
    Page("reports", "/reports/", MANAGER),
    Page(
        "reports, last 12 months, stalled after 30 days",
        "/reports/?start={year_ago}&end={today}&stalled_days=30",
        MANAGER,
    ),
    Page("admin: actions", "/admin/partnerships/action/", ADMIN),
    Page("admin: meetings", "/admin/partnerships/meeting/", ADMIN),
    Page("admin: organizations", "/admin/partnerships/organization/", ADMIN),
    Page("admin: partnerships", "/admin/partnerships/partnership/", ADMIN),
    Page("admin: contacts", "/admin/partnerships/contact/", ADMIN),
    Page(
        "actions: my pending ones (where /actions/ leads)", "/actions/?owner={staff}&pending=true"
    ),
    Page("actions, pending", "/actions/?pending=true"),
    Page("actions, overdue", "/actions/?overdue=true"),
    Page("API actions, overdue", "/api/actions/?overdue=true"),
    Page("a meeting", "/meetings/{meeting}/"),
    Page("meetings", "/meetings/"),
    Page("API meetings", "/api/meetings/"),
    Page("board", "/pipeline/"),
    Page("board (manager)", "/pipeline/", MANAGER),
    Page("board, China", "/pipeline/?country=CN"),
    Page("board, a sector in China (manager)", "/pipeline/?sector={sector}&country=CN", MANAGER),
    Page("board column, show more", "/pipeline/stage/agreement/?offset=12", MANAGER),
    Page("search: alpine", "/search/?q=alpine"),
    Page("search: 张家口", "/search/?q=" + quote("张家口")),
    Page("look-up: organizations 张家口", "/lookup/organizations/?q=" + quote("张家口")),
    Page("partnerships", "/partnerships/"),
    Page(
        "partnerships, stage + country + status",
        "/partnerships/?stage=agreement&country=CN&status=active",
    ),
    Page("partnerships, search alpine", "/partnerships/?search=alpine"),
    Page("a partnership", "/partnerships/{partnership}/"),
    Page("API partnerships", "/api/partnerships/"),
    Page("organizations", "/organizations/"),
    Page("contacts", "/contacts/"),
    Page(
        "export partnerships (CSV), first row", "/exports/partnerships/?format=csv", MANAGER, True
    ),
    Page("export actions (CSV), first row", "/exports/actions/?format=csv", MANAGER, True),
]
FLOOR = Page("floor: bare view, one query", "/bench/floor/", ANONYMOUS)


@dataclass
class Result:
    label: str
    path: str
    persona: str
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        """Nearest rank: with fewer than 20 runs, the slowest."""
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def as_dict(self) -> dict:
        return {**asdict(self), "median": self.median, "p95": self.p95}


def _personas() -> dict:
    """The staff member is the first synthetic owner of seed_scale (each owns
    about 1/25 of every partnership and action); the manager and the admin are
    made once for the benchmark."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from partnerships.permissions import MANAGER_GROUP

    users = get_user_model().objects
    staff = users.filter(username__startswith="scale-owner-").order_by("username").first()
    if staff is None:
        raise SystemExit("No seed_scale owner in this database: seed it with seed_scale first.")
    manager, created = users.get_or_create(
        username="bench-manager", defaults={"first_name": "Bench", "last_name": "Manager"}
    )
    if created:
        manager.groups.add(Group.objects.get(name=MANAGER_GROUP))
    admin, _ = users.get_or_create(
        username="bench-admin",
        defaults={"first_name": "Bench", "last_name": "Admin", "is_staff": True},
    )
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    return {STAFF: staff, MANAGER: manager, ADMIN: admin, ANONYMOUS: None}


def _middle(model) -> int:
    """A row from the middle of the table (not the newest, not the oldest)."""
    from django.db.models import Max, Min

    bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    return model.objects.filter(pk__gte=(bounds["low"] + bounds["high"]) // 2).order_by("pk")[0].pk


def _values(staff) -> dict[str, str]:
    from django.utils import timezone

    from partnerships.models import Meeting, Partnership, Sector

    today = timezone.localdate()
    return {
        "partnership": str(_middle(Partnership)),
        "meeting": str(_middle(Meeting)),
        "staff": str(staff.pk),
        "sector": getattr(Sector.objects.order_by("order", "pk").first(), "slug", ""),
        "today": today.isoformat(),
        "year_ago": (today - datetime.timedelta(days=365)).isoformat(),
    }


def _request(client, path: str, stream: bool) -> tuple[float, int]:
    """Milliseconds for one request (for a stream: until its first row of
    data), and the status code."""
    started = time.perf_counter()
    response = client.get(path)
    if stream and response.status_code == 200:
        chunks = iter(response.streaming_content)
        next(chunks, None)  # the header line, written before any query
        next(chunks, None)  # the first row
    elapsed = (time.perf_counter() - started) * 1000
    if stream and response.streaming:
        # Stop reading, as a client that hangs up would: closing the iterator
        # the test client wrapped ends the export's query and fires
        # request_finished the way it does for any streamed answer.
        response._iterator.close()
    return elapsed, response.status_code


def measure_page(client, page: Page, path: str, runs: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(label=page.label, path=path, persona=page.persona)
    _, result.status = _request(client, path, page.stream)  # warm-up
    if result.status != 200:
        raise SystemExit(f"{path} as {page.persona} answered {result.status}, not 200.")
    with CaptureQueriesContext(connection) as queries:
        _request(client, path, page.stream)
    result.queries = len(queries)
    result.times_ms = [_request(client, path, page.stream)[0] for _ in range(runs)]
    return result


def measure(runs: int, only: str | None) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from partnerships.models import Action, Meeting, Partnership

    personas = _personas()
    clients = {}
    for name, user in personas.items():
        clients[name] = Client()
        if user is not None:
            clients[name].force_login(user)
    values = _values(personas[STAFF])
    pages = [p for p in PAGES if not only or re.search(only, f"{p.label} {p.path}", re.I)]

    floor_before = measure_page(clients[ANONYMOUS], FLOOR, FLOOR.path, runs)
    results = []
    for page in pages:
        path = page.path.format(**values)
        result = measure_page(clients[page.persona], page, path, runs)
        print(
            f"  {page.label:<48} {result.median:9.1f} ms  p95 {result.p95:9.1f}"
            f"  {result.queries:3d} queries",
            file=sys.stderr,
            flush=True,
        )
        results.append(result)
    floor_after = measure_page(clients[ANONYMOUS], FLOOR, FLOOR.path, runs)
    floor = Result(
        label=FLOOR.label,
        path=FLOOR.path,
        persona=ANONYMOUS,
        times_ms=floor_before.times_ms + floor_after.times_ms,
        queries=floor_before.queries,
        status=200,
    )
    return {
        "vendor": connection.vendor,
        "partnerships": Partnership.all_objects.count(),
        "meetings": Meeting.all_objects.count(),
        "actions": Action.all_objects.count(),
        "staff": personas[STAFF].username,
        "staff_owns": {
            "partnerships": Partnership.objects.filter(owner=personas[STAFF]).count(),
            "actions": Action.objects.filter(owner=personas[STAFF]).count(),
        },
        "runs": runs,
        "floor": floor.as_dict(),
        "pages": [r.as_dict() for r in results],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=None, help="only pages whose label or path match")
    parser.add_argument("--result", required=True, help="where to write the JSON result")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    Path(args.result).write_text(json.dumps(measure(args.runs, args.only), ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
