"""Does a page read the large tables through indexes? (Issue 10, point 2.)

A test names pages (``PlannedPage``: a label, a persona, a path); the helper
requests each page through the test client as that persona, records every
query the page runs (the SQL and its parameters, exactly as sent), and asks
the database how it would run each one that reads a large table:
``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL. A plan fails when
it reads a large table from end to end:

- SQLite: ``SCAN <table>`` (every row), or ``SCAN <table> USING [COVERING]
  INDEX <index>`` (every entry of an index). ``SEARCH <table> USING INDEX``
  is what we want.
- PostgreSQL: ``Seq Scan on <table>``. (Index, index-only and bitmap scans
  are fine.)

Except a walk that the page declares (``walks``: index or table names): a read
from the start of an index, in its order, or of a table, that stops after the
rows it needs: the query has a LIMIT and the plan sorts nothing. That is how a
page of the longest lists is read (the first 25 pending actions by urgency:
``SCAN partnerships_action USING INDEX action_pending_urgency``), and how a
list counts up to 1,000 rows without filter (partnerships/paginator.py:
``SELECT COUNT(*) FROM (SELECT id … LIMIT 1001)`` reads 1,001 rows).

The plans only mean something at a size where the planner would choose a scan
if no index fitted, and with statistics: the tests seed a few thousand rows
with seed_scale (which runs ANALYZE) rather than set ``enable_seqscan``.

Other modules add their pages the same way::

    PAGES = [PlannedPage("board", "/pipeline/"), ...]

    @pytest.mark.parametrize("page", PAGES, ids=str)
    def test_the_board_reads_through_indexes(page, planned):
        assert_reads_through_indexes(page, planned)

where ``planned`` is a fixture giving :class:`PlanContext` (personas by name,
and the values the paths name, such as ``{meeting}``).

Tests on a few rows without statistics (the managers' pages, on SQLite and
PostgreSQL) record the queries themselves (:func:`page_queries`,
:func:`recorded_queries`) and ask :func:`scans_in` with
``seq_scans=False``: on a test's few rows PostgreSQL rightly prefers to read
a table whole, so the question asked is whether an index could serve the
query at all (a sequential scan is still chosen when none can). SQLite's
planner ignores the size of tables without statistics, so its plan on a test
database is its plan at 100,000. ``reads_all`` names indexes a query may read
from end to end because it reads every row by definition (an export, in its
order's index).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client

# The tables that grow with the years: a full read of any of them is the cost
# that issue 10 removes.
LARGE_TABLES = frozenset(
    {
        "partnerships_partnership",
        "partnerships_meeting",
        "partnerships_action",
        "partnerships_stagechange",
    }
)


@dataclass(frozen=True)
class PlannedPage:
    label: str
    path: str  # may name {meeting}, {partnership}, {staff}: see PlanContext.values
    persona: str = "staff"  # a key of PlanContext.users
    # Indexes (or tables) the page may read from their start, stopping after
    # the rows it needs (see the module's docstring).
    walks: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.label


@dataclass
class PlanContext:
    users: dict[str, object]
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    sql: str
    params: tuple


@contextmanager
def recorded_queries() -> Iterator[list[Query]]:
    """Every query run inside the block, with its parameters as sent."""
    queries: list[Query] = []

    def record(execute, sql, params, many, context):
        if not many:
            queries.append(Query(sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def reads_large_table(query: Query) -> bool:
    sql = query.sql.lstrip()
    if not sql.upper().startswith(("SELECT", "WITH")):
        return False
    return any(f'"{table}"' in sql for table in LARGE_TABLES)


def plan_of(query: Query, *, seq_scans: bool = True) -> list[str]:
    """The database's plan of ``query``, one line per step. With
    ``seq_scans=False``, PostgreSQL plans as if a sequential scan cost the
    earth (see the module's docstring); SQLite has no such setting."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + query.sql, query.params)
            return [row[-1] for row in cursor.fetchall()]
        if seq_scans:
            cursor.execute("EXPLAIN " + query.sql, query.params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + query.sql, query.params)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


_SQLITE_SCAN = re.compile(r"^SCAN (\S+)(?: AS \S+)?(?: USING (?:COVERING )?INDEX (\S+))?")
_POSTGRES_SEQ_SCAN = re.compile(r"Seq Scan on (\S+)")


def _table_of(name: str, sql: str) -> str:
    """The table a plan line names: itself, or the table an alias stands for
    ("U0", "T3" in Django's subqueries and joins)."""
    if name in LARGE_TABLES:
        return name
    found = re.search(rf'"(\w+)" (?:AS )?"?{re.escape(name)}\b', sql)
    return found.group(1) if found else name


def full_reads(
    query: Query,
    plan: list[str],
    *,
    walks: tuple[str, ...] = (),
    reads_all: tuple[str, ...] = (),
) -> list[str]:
    """The lines of ``plan`` that read a large table from end to end, but for
    declared ``walks`` stopped by a LIMIT and the indexes in ``reads_all``."""
    bad = []
    limited = re.search(r"\bLIMIT\b", query.sql) is not None
    if connection.vendor == "sqlite":
        sorts = any("USE TEMP B-TREE FOR ORDER BY" in line for line in plan)
    else:  # a sort or a hash reads all of its input before the limit applies
        sorts = any(re.search(r"\b(Sort|Hash)\b", line) for line in plan)
    for line in plan:
        text = line.strip().lstrip("|-`").strip() if connection.vendor == "sqlite" else line
        if connection.vendor == "sqlite":
            scan = _SQLITE_SCAN.match(text)
            if not scan or _table_of(scan.group(1), query.sql) not in LARGE_TABLES:
                continue
            table, index = _table_of(scan.group(1), query.sql), scan.group(2)
            if (index in walks or table in walks) and limited and not sorts:
                continue  # a walk from the start, stopped by the LIMIT
            if index is not None and index in reads_all:
                continue
            bad.append(text)
        else:
            scan = _POSTGRES_SEQ_SCAN.search(text)
            table = _table_of(scan.group(1), query.sql) if scan else None
            if table in LARGE_TABLES and not (table in walks and limited and not sorts):
                bad.append(text.strip())
    return bad


def page_queries(user, path: str, params: dict | None = None) -> list[Query]:
    """The queries of one request of ``path`` by ``user`` (None: signed out),
    read to its last byte, after a first request that warms the session."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(path, params)  # sessions and caches warm: what follows is the page itself
    with recorded_queries() as queries:
        response = client.get(path, params)
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    return queries


def explain_page(page: PlannedPage, context: PlanContext) -> list[tuple[Query, list[str]]]:
    """Request ``page`` and return each query on a large table with its plan."""
    queries = page_queries(context.users[page.persona], page.path.format(**context.values))
    return [(query, plan_of(query)) for query in queries if reads_large_table(query)]


def scans_in(
    queries: list[Query], *, reads_all: tuple[str, ...] = (), seq_scans: bool = False
) -> dict[str, list[str]]:
    """For the ``queries`` that read a large table: those whose plan reads one
    whole, with the lines that say so (empty when every one uses an index)."""
    found = {}
    for query in queries:
        if reads_large_table(query):
            plan = plan_of(query, seq_scans=seq_scans)
            bad = full_reads(query, plan, reads_all=reads_all)
            if bad:
                found[query.sql[:300]] = bad
    return found


def assert_reads_through_indexes(page: PlannedPage, context: PlanContext) -> None:
    explained = explain_page(page, context)
    assert explained, f"{page.label}: no query read a large table (is the path right?)"
    failures = []
    for query, plan in explained:
        bad = full_reads(query, plan, walks=page.walks)
        if bad:
            failures.append(f"{query.sql}\n    params {query.params}\n    " + "\n    ".join(plan))
    assert not failures, f"{page.label} reads a large table in full:\n" + "\n\n".join(failures)
