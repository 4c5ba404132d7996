"""Exports of the filtered partnership and action lists, and of the targets and
yearly results of the filtered partnerships, as CSV and as Excel.

The lists are filtered by the same FilterSets as the pages (the export links
carry the page's query string), and scoped by ``permissions.py``.

Performance rule: rows are read as plain values (no model instances) with
``.iterator(chunk_size=CHUNK)``, so a 100,000-row export never holds every row
in memory; what a row prints comes from annotations, joins, or look-ups made
once per chunk of rows, never from a query per row. CSV is streamed as it is
written; the Excel file is written row by row (openpyxl's write-only mode) to
a temporary file, then sent.

Cells that a spreadsheet would run as a formula (text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are neutralised: in CSV with a
leading apostrophe (a CSV cell has no type); in Excel as a text cell, which
Excel and LibreOffice show as typed, with no apostrophe, and never run.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partnerships.models import (
    ActionSide,
    ActionStatus,
    Partnership,
    PartnershipIndicator,
    PartnershipKind,
    PartnershipParty,
    PartyRole,
    Priority,
    Stage,
    Status,
)
from partnerships.models.base import live_value

User = get_user_model()

CHUNK = 2000
# The first rows of a partnership export go out after a small first chunk
# (and its parties, sectors and team): the first byte does not wait for 2,000.
FIRST_CHUNK = 100
FETCH = 500
# PostgreSQL plans a server-side cursor for the first tenth of its rows
# (``cursor_tuple_fraction`` = 0.1): for 100,000 of 1,000,000 actions it sorts
# them all rather than read them from the index of their order, and the first
# row waits 10 to 30 s. Planned for its first rows, the export walks the index:
# the first row comes at once, and the whole export reads the same rows.
FIRST_ROWS_FRACTION = 0.0001
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14  # characters, in Excel


@dataclass
class Table:
    """What an export writes: a sheet name, its columns and its rows."""

    name: str
    columns: list[Column]
    rows: Iterable[Any]

    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def values(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _labels(choices) -> dict[str, str]:
    """Choice labels, translated once per export rather than once per cell."""
    return {value: str(label) for value, label in choices}


def _person(first: str | None, last: str | None, username: str | None) -> str:
    """What ``get_full_name() or get_username()`` gives, from plain values."""
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _link(url_name: str) -> Callable[[int], str]:
    """The absolute address of a record from its id, without a reverse() per row."""
    marker = 987654321
    head, tail = _absolute(reverse(url_name, args=[marker])).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _chunks(rows: Iterable[dict], size: int, *, first: int | None = None) -> Iterator[list[dict]]:
    """``rows`` by lists of ``size`` (the first one of ``first``)."""
    chunk: list[dict] = []
    wanted = first or size
    for row in rows:
        chunk.append(row)
        if len(chunk) == wanted:
            yield chunk
            chunk, wanted = [], size
    if chunk:
        yield chunk


def planned_for_first_rows(rows: Iterable[dict], *, using: str) -> Iterator[dict]:
    """``rows`` (a lazy ``.iterator()``), whose query PostgreSQL plans for its
    first rows, with ``SET LOCAL cursor_tuple_fraction`` in a transaction of
    the export's own. The transaction is also what lets the first row go out
    at once: outside one, Django declares the cursor ``WITH HOLD``, which
    PostgreSQL fills with every row when the declaring statement commits. The
    export writes nothing: its transaction (a savepoint, inside another) is
    rolled back, which ends the setting with it, whether the export is read to
    its end or the client hangs up. Other databases read ``rows`` as they are
    (SQLite's planner goes for the first rows)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield from rows
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = %s", [FIRST_ROWS_FRACTION])
        yield from rows
        transaction.set_rollback(True, using=using)


def _grouped(pairs: Iterable[tuple]) -> dict[int, list[tuple]]:
    """Rows keyed by their first value (a partnership id)."""
    groups: dict[int, list[tuple]] = {}
    for key, *values in pairs:
        groups.setdefault(key, []).append(tuple(values))
    return groups


# Partnerships ----------------------------------------------------------------------

PARTNERSHIP_FIELDS = (
    "pk",
    "title",
    "kind",
    "stage",
    "stage_changed_on",
    "status",
    "owner_first_name",
    "owner_last_name",
    "owner_username",
    "value_amount",
    "value_currency",
    "value_note",
    "signed_on",
    "start_date",
    "end_date",
    "renewal_notice_days",
    "renewal_due_on",
    "renews_tacitly",
    "source_url",
    "source_reference",
    "created_at",
    "updated_at",
    "value_eur",
    "next_due",
    "last_activity",
)


def partnership_rows(
    queryset: QuerySet, *, rates: dict[str, Decimal], today: datetime.date
) -> Iterator[dict]:
    """The filtered partnerships as plain rows (no model instances: an export
    may hold 100,000), each with its parties, sectors and team. Queries: one
    for the rows, read in chunks, then three per chunk of ``CHUNK`` rows."""
    # The owner's names by a look-up per row, not a join: joined, SQLite's
    # planner started from the users and sorted every partnership before the
    # first row (1.5 s at 100,000); this way the first rows come straight
    # from the index of the list's order.
    owner = User.objects.filter(pk=OuterRef("owner_id"))
    rows = planned_for_first_rows(
        queryset.annotate(
            owner_first_name=Subquery(owner.values("first_name")[:1]),
            owner_last_name=Subquery(owner.values("last_name")[:1]),
            owner_username=Subquery(owner.values("username")[:1]),
            next_due=F("next_due_on"),
            last_activity=F("last_activity_on"),
        )
        .values(*PARTNERSHIP_FIELDS)
        .iterator(chunk_size=FETCH),
        using=queryset.db,
    )
    french = (get_language() or "").startswith("fr")
    for chunk in _chunks(rows, CHUNK, first=FIRST_CHUNK):
        ids = [row["pk"] for row in chunk]
        parties = _grouped(
            PartnershipParty.objects.filter(partnership_id__in=ids)
            .order_by("partnership_id", "order", "pk")
            .values_list("partnership_id", "organization__name", "organization__country", "role")
        )
        sectors = _grouped(
            Partnership.sectors.through.objects.filter(partnership_id__in=ids)
            .order_by("sector__order", "sector__name")
            .values_list("partnership_id", "sector__name", "sector__name_fr")
        )
        team = _grouped(
            Partnership.team.through.objects.filter(partnership_id__in=ids)
            .order_by("user__first_name", "user__last_name", "user__username")
            .values_list("partnership_id", "user__first_name", "user__last_name", "user__username")
        )
        for row in chunk:
            row["parties"] = parties.get(row["pk"], [])
            row["sectors"] = [
                fr if french and fr else name for name, fr in sectors.get(row["pk"], [])
            ]
            row["team"] = [_person(*member) for member in team.get(row["pk"], [])]
            yield row


def partnership_table(
    queryset: QuerySet, *, rates: dict[str, Decimal], today: datetime.date
) -> Table:
    kinds, stages, statuses = (
        _labels(PartnershipKind.choices),
        _labels(Stage.choices),
        _labels(Status.choices),
    )
    roles = _labels(PartyRole.choices)
    yes, no = _("yes"), _("no")
    link = _link("partnerships:detail")

    def parties(row: dict) -> str:
        return "; ".join(
            f"{name} ({country}, {roles.get(role, role)})" for name, country, role in row["parties"]
        )

    def countries(row: dict) -> str:
        return ", ".join(code for code in dict.fromkeys(c for _n, c, _r in row["parties"]) if code)

    def euros(row: dict) -> Decimal | None:
        value = row["value_eur"]
        return None if value is None else Decimal(value).quantize(Decimal(1))

    columns = [
        Column(_("ID"), lambda r: r["pk"], 8),
        Column(_("Title"), lambda r: r["title"], 40),
        Column(_("Kind"), lambda r: kinds.get(r["kind"], r["kind"]), 20),
        Column(_("Stage"), lambda r: stages.get(r["stage"], r["stage"])),
        Column(_("In stage since"), lambda r: r["stage_changed_on"], 12),
        Column(_("Status"), lambda r: statuses.get(r["status"], r["status"]), 12),
        Column(
            _("Owner"),
            lambda r: _person(r["owner_first_name"], r["owner_last_name"], r["owner_username"]),
            20,
        ),
        Column(_("Team"), lambda r: ", ".join(r["team"]), 24),
        Column(_("Parties"), parties, 50),
        Column(_("Partner countries"), countries, 12),
        Column(_("Sectors"), lambda r: ", ".join(r["sectors"]), 30),
        Column(_("Value"), lambda r: r["value_amount"], 16),
        Column(_("Currency"), lambda r: r["value_currency"] if r["value_amount"] else "", 8),
        Column(_("Value in EUR"), euros, 16),
        Column(_("Value note"), lambda r: r["value_note"], 24),
        Column(_("Signed on"), lambda r: r["signed_on"], 12),
        Column(_("Starts"), lambda r: r["start_date"], 12),
        Column(_("Ends"), lambda r: r["end_date"], 12),
        Column(_("Renewal notice (days)"), lambda r: r["renewal_notice_days"], 10),
        Column(_("Renewal decision due"), lambda r: r["renewal_due_on"], 12),
        Column(_("Renews tacitly"), lambda r: yes if r["renews_tacitly"] else no, 8),
        Column(_("Next action due"), lambda r: r["next_due"], 12),
        Column(_("Last activity"), lambda r: r["last_activity"], 12),
        Column(_("Source"), lambda r: r["source_url"] or r["source_reference"], 30),
        Column(_("Created"), lambda r: _local_day(r["created_at"]), 12),
        Column(_("Updated"), lambda r: _local_day(r["updated_at"]), 12),
        Column(_("Link"), lambda r: link(r["pk"]), 30),
    ]
    return Table(
        name=_("Partnerships"),
        columns=columns,
        rows=partnership_rows(queryset, rates=rates, today=today),
    )


# Actions ---------------------------------------------------------------------------

ACTION_FIELDS = (
    "pk",
    "title",
    "status",
    "due_date",
    "priority",
    "side",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "live_partnership_id",
    "live_partnership_title",
    "live_meeting_title",
    "lead_organization__name",
    "details",
    "completed_on",
    "completed_by__first_name",
    "completed_by__last_name",
    "completed_by__username",
    "outcome",
    "created_at",
)


def action_rows(queryset: QuerySet) -> Iterator[dict]:
    """The filtered actions as plain rows, with the names of their owner,
    partnership, meeting, lead organization and completer (joined in the same
    query, read in chunks). A deleted partnership or meeting leaves its cells
    empty, as the pages show no link to it."""
    return planned_for_first_rows(
        queryset.annotate(
            live_partnership_id=live_value("partnership__id"),
            live_partnership_title=live_value("partnership__title"),
            live_meeting_title=live_value("meeting__title"),
        )
        .values(*ACTION_FIELDS)
        .iterator(chunk_size=CHUNK),
        using=queryset.db,
    )


def action_table(queryset: QuerySet, *, today: datetime.date) -> Table:
    statuses, priorities, sides = (
        _labels(ActionStatus.choices),
        _labels(Priority.choices),
        _labels(ActionSide.choices),
    )
    pending = set(ActionStatus.pending())
    yes, no = _("yes"), _("no")
    link = _link("actions:detail")

    def overdue(row: dict) -> str:
        late = row["status"] in pending and row["due_date"] is not None and row["due_date"] < today
        return yes if late else no

    columns = [
        Column(_("ID"), lambda r: r["pk"], 8),
        Column(_("Title"), lambda r: r["title"], 40),
        Column(_("Status"), lambda r: statuses.get(r["status"], r["status"]), 12),
        Column(_("Overdue"), overdue, 8),
        Column(_("Due date"), lambda r: r["due_date"], 12),
        Column(_("Priority"), lambda r: priorities.get(r["priority"], r["priority"]), 10),
        Column(_("Whose commitment"), lambda r: sides.get(r["side"], r["side"]), 20),
        Column(
            _("Owner"),
            lambda r: _person(r["owner__first_name"], r["owner__last_name"], r["owner__username"]),
            20,
        ),
        Column(_("Partnership"), lambda r: r["live_partnership_title"] or "", 36),
        Column(_("Partnership ID"), lambda r: r["live_partnership_id"], 10),
        Column(_("From meeting"), lambda r: r["live_meeting_title"] or "", 30),
        Column(_("Lead organization"), lambda r: r["lead_organization__name"] or "", 24),
        Column(_("Details"), lambda r: r["details"], 40),
        Column(_("Completed on"), lambda r: r["completed_on"], 12),
        Column(
            _("Completed by"),
            lambda r: _person(
                r["completed_by__first_name"],
                r["completed_by__last_name"],
                r["completed_by__username"],
            ),
            20,
        ),
        Column(_("Outcome"), lambda r: r["outcome"], 40),
        Column(_("Created"), lambda r: _local_day(r["created_at"]), 12),
        Column(_("Link"), lambda r: link(r["pk"]), 30),
    ]
    return Table(name=_("Actions"), columns=columns, rows=action_rows(queryset))


# Writers ---------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it is given (csv's docs)."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte order mark, so Excel reads the file as UTF-8 (accents, 张家口).
    yield "\ufeff" + writer.writerow([neutralise(header) for header in table.headers()])
    for values in table.values():
        yield writer.writerow([neutralise(_csv_value(value)) for value in values])


def csv_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(table)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_text_cell(sheet, value: str) -> WriteOnlyCell:
    """A text cell: text in Excel and LibreOffice even when it starts like a
    formula (``=``, ``+``, ``-``, ``@``), with no apostrophe shown. openpyxl
    would store such a value as a formula; a string cell is never run."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _xlsx_cell(sheet, value: Any) -> Any:
    if isinstance(value, str):
        return xlsx_text_cell(sheet, value)
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_xlsx(table: Table, target) -> None:
    """Write ``table`` to ``target`` (a path or a binary file) as one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.name)[:31])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in table.headers():
        cell = xlsx_text_cell(sheet, str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in table.values():
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    workbook.save(target)


def xlsx_response(table: Table, *, filename: str) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(table, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def export_filename(kind: str, *, today: datetime.date) -> str:
    return f"{kind}-{today.isoformat()}"


def partnerships_export(
    queryset: QuerySet, *, fmt: str, rates: dict[str, Decimal], today: datetime.date
) -> HttpResponse:
    table = partnership_table(queryset, rates=rates, today=today)
    filename = export_filename("partnerships", today=today)
    return (
        xlsx_response(table, filename=filename)
        if fmt == "xlsx"
        else csv_response(table, filename=filename)
    )


def actions_export(queryset: QuerySet, *, fmt: str, today: datetime.date) -> HttpResponse:
    table = action_table(queryset, today=today)
    filename = export_filename("actions", today=today)
    return (
        xlsx_response(table, filename=filename)
        if fmt == "xlsx"
        else csv_response(table, filename=filename)
    )


# Targets and yearly results ------------------------------------------------------------

INDICATOR_FIELDS = (
    "pk",
    "partnership_id",
    "partnership__title",
    "indicator__code",
    "indicator__name",
    "indicator__name_fr",
    "indicator__unit",
    "indicator__unit_fr",
    "label",
    "target",
    "target_year",
    "results__year",
    "results__value",
    "results__note",
    "results__source",
    "source_reference",
)


def indicator_rows(partnerships: QuerySet) -> Iterator[dict]:
    """One row per yearly result of the indicator lines of ``partnerships``
    (a line without a result is one row with an empty year): one query, a
    join read in chunks."""
    return (
        PartnershipIndicator.objects.filter(partnership__in=partnerships.values("pk"))
        .order_by("partnership", "indicator__order", "label", "pk", "results__year")
        .values(*INDICATOR_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def indicator_table(partnerships: QuerySet) -> Table:
    french = (get_language() or "").startswith("fr")
    link = _link("partnerships:detail")

    def name(row: dict) -> str:
        return (french and row["indicator__name_fr"]) or row["indicator__name"]

    def unit(row: dict) -> str:
        return (french and row["indicator__unit_fr"]) or row["indicator__unit"]

    columns = [
        Column(_("Partnership ID"), lambda r: r["partnership_id"], 10),
        Column(_("Partnership"), lambda r: r["partnership__title"], 36),
        Column(_("Indicator"), name, 24),
        Column(_("Code"), lambda r: r["indicator__code"], 16),
        Column(_("Unit"), unit, 12),
        Column(_("Scope"), lambda r: r["label"], 20),
        Column(_("Target"), lambda r: r["target"], 12),
        Column(_("Target year"), lambda r: r["target_year"], 10),
        Column(_("Source of the target"), lambda r: r["source_reference"], 30),
        Column(_("Year"), lambda r: r["results__year"], 8),
        Column(_("Actual"), lambda r: r["results__value"], 12),
        Column(_("Note"), lambda r: r["results__note"] or "", 30),
        Column(_("Source"), lambda r: r["results__source"] or "", 30),
        Column(_("Link"), lambda r: link(r["partnership_id"]), 30),
    ]
    return Table(name=_("Targets and results"), columns=columns, rows=indicator_rows(partnerships))


def indicators_export(partnerships: QuerySet, *, fmt: str, today: datetime.date) -> HttpResponse:
    table = indicator_table(partnerships)
    filename = export_filename("indicators", today=today)
    return (
        xlsx_response(table, filename=filename)
        if fmt == "xlsx"
        else csv_response(table, filename=filename)
    )
