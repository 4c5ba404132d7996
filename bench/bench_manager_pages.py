"""The managers' pages at scale: the pipeline board, its "show more", the
reports, and the exports.

    python bench/bench_manager_pages.py --partnerships 1000 100000 [--runs 7]

For each size, builds (once) a SQLite database with ``seed_scale`` in
``/tmp/crm-bench-managers-<N>.sqlite3`` (100,000 takes about five minutes), then times
the server side of each page through Django's test client, signed in as a
manager: the median and the spread over ``--runs`` runs after one warm-up, and
the number of queries. Pass ``--database-url`` (one size) to run against
PostgreSQL or an existing file instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/pipeline/",
    "/pipeline/?sector={sector}&country=CN",
    "/pipeline/?search=alpine&status=active&status=on_hold&status=concluded",
    "/pipeline/stage/agreement/?offset=12",
    "/reports/",
    "/reports/?start={year_ago}&end={today}&stalled_days=30",
]
EXPORTS = [
    "/exports/partnerships/?stage=contract&format=csv",
    "/exports/actions/?overdue=true&format=csv",
]


def prepare(partnerships: int, env: dict) -> None:
    def manage(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    manage("migrate", "--noinput", "-v0")
    count = manage(
        "shell",
        "--no-imports",
        "-c",
        "from partnerships.models import Partnership; print(Partnership.objects.count())",
    )
    existing = int(count.strip() or 0)
    if existing < partnerships:
        print(f"Seeding {partnerships - existing} partnerships (once)…", flush=True)
        started = time.perf_counter()
        manage("seed_scale", "--partnerships", str(partnerships - existing))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


def _manager():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username="bench-manager", defaults={"first_name": "Bench", "last_name": "Manager"}
    )
    if created:
        user.groups.add(Group.objects.get(name="Manager"))
    return user


def _time(client, path: str, runs: int, *, stream: bool = False) -> tuple[list[float], int]:
    from django.db import connection, reset_queries

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if stream:
            for _chunk in response.streaming_content:
                pass
        return response

    get()  # warm caches
    timings = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(connection.queries)


def measure(runs: int, export_runs: int) -> None:
    import datetime

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from partnerships.models import Partnership, Sector

    settings.DEBUG = True  # count queries
    client = Client()
    client.force_login(_manager())
    today = datetime.date.today()
    values = {
        "sector": getattr(Sector.objects.order_by("order").first(), "slug", ""),
        "year_ago": (today - datetime.timedelta(days=365)).isoformat(),
        "today": today.isoformat(),
    }
    print(f"{Partnership.objects.count()} partnerships")
    for template in PAGES:
        path = template.format(**values)
        timings, queries = _time(client, path, runs)
        print(
            f"  {path:<72} median {statistics.median(timings):8.1f} ms"
            f"  min {min(timings):8.1f}  max {max(timings):8.1f}  {queries} queries"
        )
    for path in EXPORTS if export_runs else []:
        timings, queries = _time(client, path, export_runs, stream=True)
        print(
            f"  {path:<72} median {statistics.median(timings):8.1f} ms"
            f"  min {min(timings):8.1f}  max {max(timings):8.1f}  {queries} queries"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--export-runs", type=int, default=1, help="0 to skip the exports")
    parser.add_argument("--database-url", help="use this database (one size only)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.runs, args.export_runs)
        return
    for size in args.partnerships:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": args.database_url
            or f"sqlite:////tmp/crm-bench-managers-{size}.sqlite3",
        }
        prepare(size, env)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                "--runs",
                str(args.runs),
                "--export-runs",
                str(args.export_runs),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
