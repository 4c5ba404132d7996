"""Spreadsheet import of partnerships at scale: the preview and the import of
a file of N partnership rows (parties, sectors, owner, team, value, dates, a
stage reached through two earlier stages, each with its date), through the
workflows, on a fresh SQLite database.

    python bench/bench_imports.py --rows 1000

Builds ``/tmp/crm-bench-imports.sqlite3`` anew each run (migrations, then the
organizations and users the file names), writes the CSV, then times
``imports.run_import`` with ``commit=False`` (the preview) and
``commit=True`` (the import), and prints the queries of each.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database", default="/tmp/crm-bench-imports.sqlite3")
    parser.add_argument(
        "--queries", action="store_true", help="print the most frequent queries of the import"
    )
    args = parser.parse_args()
    database = Path(args.database)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from partnerships import imports, spreadsheets
    from partnerships.models import Organization, Partnership

    user_model = get_user_model()
    admin = user_model.objects.create_superuser("bench-admin", "admin@example.org", "x")
    owners = [
        user_model.objects.create_user(f"owner{n}", f"owner{n}@example.org") for n in range(10)
    ]
    for n in range(200):
        Organization.objects.create(name=f"Organization {n}", country="CN" if n % 2 else "FR")

    today = datetime.date.today()
    header = [
        "title",
        "parties",
        "sectors",
        "owner",
        "team",
        "value_amount",
        "value_currency",
        "signed_on",
        "end_date",
        "stage",
        "prospect_on",
        "letter_of_intent_on",
        "agreement_on",
    ]
    rows = []
    for n in range(args.rows):
        start = today - datetime.timedelta(days=900 + n % 300)
        rows.append(
            [
                f"Cooperation programme {n}",
                f"Organization {n % 200} (signatory); Organization {(n + 1) % 200} (partner)",
                "Tourism and hospitality; Health",
                owners[n % 10].username,
                owners[(n + 1) % 10].email,
                f"{1000 * (n + 1)}",
                "EUR",
                (start + datetime.timedelta(days=200)).isoformat(),
                (start + datetime.timedelta(days=2000)).isoformat(),
                "agreement",
                start.isoformat(),
                (start + datetime.timedelta(days=100)).isoformat(),
                (start + datetime.timedelta(days=200)).isoformat(),
            ]
        )
    data = spreadsheets.write_csv(header, rows)
    print(f"{args.rows} partnership rows, {len(data) / 1024:.0f} KB of CSV", flush=True)

    for commit in (False, True):
        sheet = spreadsheets.read_upload("bench.csv", data)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql.split(" WHERE ")[0][:90])
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = imports.run_import(imports.PartnershipImporter(by=admin), sheet, commit=commit)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        assert not result.has_errors, result.error_rows[:3]
        print(
            f"{'import ' if commit else 'preview'}: {elapsed:6.1f} s ({cpu:.1f} s of CPU: what it "
            f"takes on an idle machine), {len(queries)} queries, "
            f"{result.count('created')} created",
            flush=True,
        )
        if args.queries and commit:
            for sql, times in Counter(queries).most_common(25):
                print(f"{times:7d}  {sql}")
    assert Partnership.objects.count() == args.rows
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
