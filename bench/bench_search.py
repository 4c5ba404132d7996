"""Global search and the selectors' look-ups at scale.

    python bench/bench_search.py --partnerships 100000 [--db /tmp/crm-bench-100000.sqlite3]

Builds (once) a SQLite database with ``seed_scale``, then times the server side
of /search/ and /lookup/organizations/ through Django's test client and prints
the median and the spread over repeated runs, for a few representative queries
(a Latin word, a local name in Chinese, a query that matches nothing).
Pass --database-url to run against PostgreSQL instead.
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
QUERIES = ["cooperation", "张家口", "alpine rail", "zzzz-no-match"]


def prepare(database_url: str, partnerships: int, env: dict) -> None:
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
    manage("collectstatic", "--noinput", "-v0")  # production-like static storage
    count = manage(
        "shell",
        "--no-imports",
        "-c",
        "from partnerships.models import Partnership; print(Partnership.objects.count())",
    )
    if int(count.strip() or 0) < partnerships:
        print(f"Seeding {partnerships} partnerships into {database_url} (once)…", flush=True)
        started = time.perf_counter()
        manage("seed_scale", "--partnerships", str(partnerships - int(count.strip() or 0)))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


def measure(runs: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from partnerships.models import Partnership

    user = get_user_model().objects.filter(groups__name="Staff").first()
    client = Client()
    client.force_login(user)
    print(f"{Partnership.objects.count()} partnerships")
    for url in ("/search/?q={}", "/lookup/organizations/?q={}", "/partnerships/?search={}"):
        for query in QUERIES:
            path = url.format(query)
            client.get(path)  # warm caches
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            print(
                f"{path:<45} median {statistics.median(timings):7.1f} ms"
                f"  min {min(timings):7.1f}  max {max(timings):7.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partnerships", type=int, default=100_000)
    parser.add_argument(
        "--db", default=None, help="SQLite file (default /tmp/crm-bench-<N>.sqlite3)"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    database_url = (
        args.database_url or f"sqlite:///{args.db or f'/tmp/crm-bench-{args.partnerships}.sqlite3'}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "crm.settings",
    }
    prepare(database_url, args.partnerships, env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    measure(args.runs)


if __name__ == "__main__":
    main()
