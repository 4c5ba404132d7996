"""The query plans of tests/test_query_plans.py's pages on a database of the
real size (PostgreSQL's planner chooses by the tables' real sizes, which the
test suite cannot afford): each page is requested as the benchmark's personas,
and every query it runs on a large table goes through EXPLAIN.

    DATABASE_URL=postgres://…/crm_bench_100000 python -m bench.plans
    DATABASE_URL=sqlite:////tmp/crm-bench/sqlite-100000.sqlite3 python -m bench.plans

Prints one line per page (ok, or the plans that read a large table in full)
and exits 1 if any page failed. Run it like bench/measure.py, with
DJANGO_SETTINGS_MODULE=bench.settings and the benchmark's environment.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.measure import _personas, _values
    from tests.query_plans import PlanContext, PlannedPage, explain_page, full_reads
    from tests.test_query_plans import PAGES

    personas = _personas()
    values = _values(personas["staff"])
    side = connection.cursor()
    side.execute(
        "SELECT parent_id FROM partnerships_meeting WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1"
    )
    row = side.fetchone()
    context = PlanContext(
        users=personas,
        values={
            "staff": personas["staff"].pk,
            "meeting": values["meeting"],
            "forum": row[0] if row else values["meeting"],
            "partnership": values["partnership"],
        },
    )
    failed = 0
    for entry in PAGES:
        page: PlannedPage = entry.values[0] if hasattr(entry, "values") else entry
        bad = []
        for query, plan in explain_page(page, context):
            if full_reads(query, plan, walks=page.walks):
                bad.append(query.sql[:300] + "\n      " + "\n      ".join(plan))
        failed += bool(bad)
        print(f"{'ok  ' if not bad else 'FULL'} {page.label}")
        for text in bad:
            print("    " + text)
    print(f"{connection.vendor}: {len(PAGES) - failed} of {len(PAGES)} pages read through indexes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
