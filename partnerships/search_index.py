# ruff: noqa: S608 -- the SQL names only the constant tables of TABLES; values are parameters
"""SQLite's index of the ``search_text`` columns (issue 10): one FTS5 table
with the trigram tokenizer per searched table, kept true by triggers.

A substring search (``search_text LIKE '%alpine%'``) reads every row of its
table; on SQLite no ordinary index can serve it. An FTS5 trigram table can: it
finds the rows whose text holds every three-character run of the term, and the
search then checks each of those rows with the same ``LIKE`` as before
(:class:`SearchContains`), so the results are exactly those of the plain
``LIKE``, only found through the index. Terms of one or two characters have no
trigram and keep the plain ``LIKE``.

The FTS tables are "external content" tables: they store the index only and
read nothing back. Triggers on the searched table keep them true whatever
writes the rows (the models' ``save()``, the workflows' bulk updates, the
admin, imports, seed_scale's raw batches, merges, ``loaddata``), in the same
transaction as the write. A migration that rebuilds a searched table (what
Django does on SQLite to alter a column) drops its triggers:
:func:`ensure` runs after every ``migrate`` (``post_migrate``), puts back
whatever is missing and then rebuilds that index from the table.

PostgreSQL has its trigram GIN indexes (migrations 0004 and 0010) and none of
this.
"""

from __future__ import annotations

from django.db import models
from django.db.models.lookups import Contains

# The searched tables (each has a ``search_text`` column and an integer id,
# SQLite's rowid).
TABLES = (
    "partnerships_organization",
    "partnerships_contact",
    "partnerships_partnership",
    "partnerships_meeting",
    "partnerships_action",
)
# Shorter terms have no trigram: the plain LIKE serves them.
MIN_TERM = 3


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _statements(table: str) -> dict[str, str]:
    """The FTS table and its three triggers, by name."""
    fts = fts_table(table)
    return {
        fts: (
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5('
            f"search_text, content='{table}', content_rowid='id', tokenize='trigram')"
        ),
        f"{fts}_insert": (
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_insert" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"(rowid, search_text) VALUES (new.id, new.search_text); END'
        ),
        f"{fts}_delete": (
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_delete" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, search_text) '
            f"VALUES ('delete', old.id, old.search_text); END"
        ),
        f"{fts}_update": (
            f'CREATE TRIGGER IF NOT EXISTS "{fts}_update" '
            f'AFTER UPDATE OF id, search_text ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, search_text) '
            f"VALUES ('delete', old.id, old.search_text); "
            f'INSERT INTO "{fts}"(rowid, search_text) VALUES (new.id, new.search_text); END'
        ),
    }


def ensure_after_migrate(sender, *, using: str = "default", **kwargs) -> None:
    """``post_migrate``: put back what a migration's table rebuild dropped."""
    from django.db import connections

    ensure(connections[using])


def ensure(connection) -> list[str]:
    """Create whatever FTS table or trigger is missing, and rebuild the index
    of each table that missed one (its rows may have changed meanwhile).
    Returns the tables rebuilt. Does nothing but on SQLite."""
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        for table in TABLES:
            if table not in existing:
                continue  # not migrated that far
            cursor.execute(f'PRAGMA table_info("{table}")')
            if "search_text" not in {row[1] for row in cursor.fetchall()}:
                continue  # not migrated that far (actions before 0010)
            statements = _statements(table)
            missing = [name for name in statements if name not in existing]
            if not missing:
                continue
            for name in missing:
                cursor.execute(statements[name])
            fts = fts_table(table)
            cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
            rebuilt.append(table)
    return rebuilt


def drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            for name in reversed(list(_statements(table))):
                kind = "TABLE" if name == fts_table(table) else "TRIGGER"
                cursor.execute(f'DROP {kind} IF EXISTS "{name}"')


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 phrase: every character literal."""
    return '"' + term.replace('"', '""') + '"'


@models.TextField.register_lookup
class SearchContains(Contains):
    """``search_text__search_contains=term``: the column contains ``term``
    (the same ``LIKE`` as ``__contains``), found through the FTS5 trigram index
    on SQLite when the term is long enough and the column has one."""

    lookup_name = "search_contains"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["contains"] % rhs

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        term = self.rhs
        lhs = self.lhs
        table = getattr(getattr(lhs, "target", None), "model", None)
        table = table._meta.db_table if table is not None else None
        if (
            connection.vendor != "sqlite"
            or table not in TABLES
            or lhs.target.column != "search_text"
            or not isinstance(term, str)
            or len(term) < MIN_TERM
        ):
            return sql, params
        qn = compiler.quote_name_unless_alias
        fts = connection.ops.quote_name(fts_table(table))
        pk = f"{qn(lhs.alias)}.{connection.ops.quote_name('id')}"
        return (
            f"({pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s) AND {sql})",
            [fts_phrase(term), *params],
        )
