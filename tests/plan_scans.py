"""Query plans in tests: does a query read a large table from end to end?

The managers' pages' check, on captured SQL (``CaptureQueriesContext``), run
on SQLite and on PostgreSQL with sequential scans disabled; tests/query_plans.py
is the lists' check, which requests pages and runs on SQLite. (Still to fold
into one module.) ``full_scans(sql)`` runs the database's own EXPLAIN on a
query the application ran and returns the plan lines that read one of the
large tables whole:

- SQLite: ``EXPLAIN QUERY PLAN`` lines ``SCAN <table or its alias>`` (a
  ``SEARCH`` uses an index to find a range; a ``SCAN`` reads everything, even
  through a covering index). SQLite's planner ignores the size of tables
  without statistics, so the plan on a test database is the plan at 100,000.
- PostgreSQL: ``EXPLAIN`` lines ``Seq Scan on <table>``, with sequential scans
  disabled for the query: on a test's few rows PostgreSQL rightly prefers to
  read a table whole, so the question asked is whether an index could serve
  the query at all (a sequential scan is still chosen when none can). On a
  few rows it may then walk a whole index rather than the one that fits
  (statistics say the table is tiny): a walk of every entry is caught by the
  SQLite run of the same test, whose plans do not depend on the size.

``allowed`` names plan lines that are fine for that query (an export walking
the index of its order from end to end, say).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

LARGE_TABLES = (
    "partnerships_action",
    "partnerships_meeting",
    "partnerships_partnership",
    "partnerships_stagechange",
)


def explain(sql: str) -> list[str]:
    """The plan of ``sql`` (a query as the test's CaptureQueriesContext
    recorded it, its parameters inlined), one line per node."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def _names_of_large_tables(sql: str) -> set[str]:
    """The large tables and the aliases Django gave them in ``sql`` (U0, V1…)."""
    names = set(LARGE_TABLES)
    for table, alias in re.findall(r'"(\w+)" (?:AS )?"?([A-Z]\d+)\b', sql):
        if table in LARGE_TABLES:
            names.add(alias)
    return names


def full_scans(sql: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """The lines of the plan of ``sql`` that read a large table whole."""
    names = _names_of_large_tables(sql)
    plan = explain(sql)
    found = []
    for line in plan:
        if any(a in line for a in allowed):
            continue
        if connection.vendor == "sqlite":
            match = SQLITE_SCAN.search(line)
            if match and match.group(1) in names:
                found.append(line.strip())
            continue
        match = PG_SEQ_SCAN.search(line)
        if match and match.group(1) in names:
            found.append(line.strip())
    return found


SQLITE_SCAN = re.compile(r"\bSCAN (\w+)")
PG_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def touches_large_table(sql: str) -> bool:
    return any(f'"{table}"' in sql for table in LARGE_TABLES)


def scans_in(queries: Iterable[dict], *, allowed: Iterable[str] = ()) -> dict[str, list[str]]:
    """For the captured ``queries`` (CaptureQueriesContext) that read a large
    table: those whose plan reads one whole, with the lines that say so."""
    allowed = tuple(allowed)
    found = {}
    for query in queries:
        sql = query["sql"]
        if touches_large_table(sql):
            scans = full_scans(sql, allowed=allowed)
            if scans:
                found[sql[:300]] = scans
    return found
