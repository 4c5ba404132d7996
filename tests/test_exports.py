"""Exports of the partnership and action lists: managers only, the list
pages' filters honoured, formulas neutralised, CSV and Excel, fixed queries."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection

from partnerships.exports import neutralise
from tests import clock, factories
from tests.builders import TODAY, noon
from tests.conftest import client_for

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY
PARTNERSHIPS = "/exports/partnerships/"
ACTIONS = "/exports/actions/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def _xlsx_rows(response) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# Who may export ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PARTNERSHIPS, ACTIONS])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 403),
        ("teammate", 403),
        ("outsider", 403),
        ("manager", 200),
        ("admin", 200),
        ("no_role", 403),
    ],
)
def test_only_managers_and_admins_export(personas, partnership, url, persona, status):
    response = client_for(personas[persona]).get(url)

    assert response.status_code == status


@pytest.mark.parametrize("url", [PARTNERSHIPS, ACTIONS])
def test_anonymous_visitor_is_sent_to_sign_in(db, url):
    response = client_for(None).get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# Partnerships ----------------------------------------------------------------------------


@pytest.fixture
def listed(db, owner, teammate):
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.128000", valid_from=D(2026, 1, 1))
    ski = factories.SectorFactory(slug="ski", name="Ski", name_fr="Ski alpin")
    lifts = factories.PartnershipFactory(
        title="POMA – Thaiwoo ski lifts",
        stage="contract",
        owner=owner,
        team=[teammate],
        value_amount=1_000_000,
        value_currency="CNY",
        end_date=D(2027, 3, 1),
        renewal_notice_days=30,
        renews_tacitly=True,
    )
    lifts.sectors.add(ski)
    factories.PartnershipPartyFactory(
        partnership=lifts, organization__name="POMA", organization__country="FR"
    )
    factories.PartnershipPartyFactory(
        partnership=lifts,
        organization__name="Beijing Raissun",
        organization__country="CN",
        role="partner",
    )
    factories.PartnershipFactory(title="Zhengzhou rail hub", stage="prospect")
    factories.PartnershipFactory(title='=HYPERLINK("http://evil.example","x")', stage="prospect")
    return lifts


def test_the_partnership_csv_lists_the_filtered_partnerships(listed, manager):
    response = client_for(manager).get(PARTNERSHIPS, {"stage": "contract", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="partnerships-{TODAY}.csv"'
    rows = _csv_rows(response)
    assert [row["Title"] for row in rows] == ["POMA – Thaiwoo ski lifts"]
    row = rows[0]
    assert row["Stage"] == "Contract"
    assert row["Owner"] == "Olivia Owner"
    assert row["Team"] == "Tom Teammate"
    assert row["Parties"] == "POMA (FR, Signatory); Beijing Raissun (CN, Partner)"
    assert row["Partner countries"] == "FR, CN"
    assert row["Sectors"] == "Ski"
    assert (row["Value"], row["Currency"], row["Value in EUR"]) == ("1000000.00", "CNY", "128000")
    assert (row["Ends"], row["Renewal decision due"], row["Renews tacitly"]) == (
        str(D(2027, 3, 1)),
        str(D(2027, 1, 30)),
        "yes",
    )
    assert row["Link"] == f"http://127.0.0.1:8000/partnerships/{listed.pk}/"


def test_the_export_honours_every_filter_of_the_list_page(listed, manager):
    client = client_for(manager)

    def titles(**query):
        return [row["Title"] for row in _csv_rows(client.get(PARTNERSHIPS, query))]

    assert titles(sector="ski") == ["POMA – Thaiwoo ski lifts"]
    assert titles(country="CN") == ["POMA – Thaiwoo ski lifts"]
    assert titles(search="zhengzhou") == ["Zhengzhou rail hub"]
    assert len(titles()) == 3
    assert titles(stage="prospect", ordering="title") == [
        '\'=HYPERLINK("http://evil.example","x")',
        "Zhengzhou rail hub",
    ]


def test_the_partnership_excel_file_has_the_same_rows(listed, manager):
    response = client_for(manager).get(PARTNERSHIPS, {"stage": "contract", "format": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="partnerships-{TODAY}.xlsx"' in response["Content-Disposition"]
    rows = _xlsx_rows(response)
    assert len(rows) == 1
    assert rows[0]["Title"] == "POMA – Thaiwoo ski lifts"
    ends = D(2027, 3, 1)
    assert rows[0]["Ends"] == datetime.datetime(ends.year, ends.month, ends.day)  # a date cell
    assert rows[0]["Value in EUR"] == 128000


def test_sector_names_follow_the_language(listed, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "fr"

    body = b"".join(client.get(PARTNERSHIPS, {"stage": "contract"}).streaming_content)

    assert "Ski alpin" in body.decode()


# Formulas ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ("=1+1", "'=1+1"),
        ("+33 4 79 00 00 00", "'+33 4 79 00 00 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Chambéry", "Chambéry"),
        (42, 42),
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value, exported):
    assert neutralise(value) == exported


def test_formulas_are_neutralised_in_both_formats(db, manager):
    factories.PartnershipFactory(
        title="=cmd|' /C calc'!A0", value_note="@SUM(1)", source_reference="+1"
    )
    client = client_for(manager)

    csv_row = _csv_rows(client.get(PARTNERSHIPS))[0]

    assert csv_row["Title"] == "'=cmd|' /C calc'!A0"
    assert csv_row["Value note"] == "'@SUM(1)"
    assert csv_row["Source"] == "'+1"


@pytest.mark.parametrize("url", [PARTNERSHIPS, ACTIONS])
def test_excel_exports_keep_formula_like_text_as_text_cells_without_an_apostrophe(db, manager, url):
    partnership = factories.PartnershipFactory(
        title="=cmd|' /C calc'!A0", value_note="@SUM(1)", source_reference="+1"
    )
    factories.ActionFactory(partnership=partnership, title="-2 weeks", owner=partnership.owner)

    response = client_for(manager).get(url, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    cells = dict(zip(header, rows[1], strict=True))

    title = cells["Title"]
    assert title.value in ("=cmd|' /C calc'!A0", "-2 weeks")
    assert title.data_type == "s"  # text, never a formula
    for cell in cells.values():
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert not cell.value.startswith("'")
    if url == PARTNERSHIPS:
        assert (cells["Value note"].value, cells["Value note"].data_type) == ("@SUM(1)", "s")
        assert (cells["Source"].value, cells["Source"].data_type) == ("+1", "s")


def test_the_excel_file_holds_no_formula(db, manager):
    factories.PartnershipFactory(title="=1+1")

    response = client_for(manager).get(PARTNERSHIPS, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active

    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# Actions ---------------------------------------------------------------------------------------


@pytest.fixture
def actions(db, owner, outsider, partnership):
    return [
        factories.ActionFactory(
            title="Send the draft", owner=owner, partnership=partnership, due_date=D(2026, 6, 1)
        ),
        factories.ActionFactory(
            title='=WEBSERVICE("http://evil.example")',
            owner=outsider,
            partnership=None,
            due_date=D(2026, 6, 20),
            details="-1+1",
        ),
        factories.ActionFactory(
            title="Book the flights",
            owner=owner,
            partnership=None,
            due_date=D(2026, 5, 1),
            status="done",
            completed_on=D(2026, 5, 2),
            completed_by=owner,
        ),
    ]


def test_the_action_export_honours_the_action_list_filters(actions, manager, owner):
    client = client_for(manager)

    overdue_mine = _csv_rows(client.get(ACTIONS, {"owner": owner.pk, "overdue": "true"}))
    done = _csv_rows(client.get(ACTIONS, {"status": "done"}))

    assert [row["Title"] for row in overdue_mine] == ["Send the draft"]
    assert overdue_mine[0]["Overdue"] == "yes"
    assert overdue_mine[0]["Partnership"] == "Chambéry – Zhangjiakou"
    assert overdue_mine[0]["Owner"] == "Olivia Owner"
    assert [row["Title"] for row in done] == ["Book the flights"]
    assert done[0]["Completed by"] == "Olivia Owner"
    assert done[0]["Completed on"] == str(D(2026, 5, 2))


def test_the_action_export_is_in_order_of_urgency_and_neutralised(actions, manager):
    rows = _csv_rows(client_for(manager).get(ACTIONS, {"pending": "true"}))

    assert [row["Title"] for row in rows] == [
        "Send the draft",
        '\'=WEBSERVICE("http://evil.example")',
    ]
    assert rows[1]["Details"] == "'-1+1"
    assert rows[1]["Overdue"] == "no"


def test_the_action_excel_file_opens(actions, manager):
    rows = _xlsx_rows(client_for(manager).get(ACTIONS, {"format": "xlsx"}))

    assert len(rows) == 3
    assert {row["Status"] for row in rows} == {"Open", "Done"}


# Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("populated", [3, 30], indirect=True)
class TestQueryCounts:
    """The same data for the four exports of one size, made once."""

    @pytest.mark.parametrize(
        ("url", "status"), [(PARTNERSHIPS, ["active", "on_hold"]), (ACTIONS, ["open", "done"])]
    )
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_exports_run_a_fixed_number_of_queries(
        self, db, manager, populated, url, status, fmt, django_assert_max_num_queries
    ):
        client = client_for(manager)
        client.get(url)

        # On PostgreSQL, 4 more: the export's transaction (a savepoint inside
        # the test's, its rollback and release) and its SET LOCAL (only the SET on a
        # live server, where the transaction is a real one).
        with django_assert_max_num_queries(12 if connection.vendor == "postgresql" else 8):
            response = client.get(url, {"format": fmt, "status": status})
            body = b"".join(response.streaming_content)

        assert len(body) > 100


# The first row at any size ---------------------------------------------------------------


def _fraction_when_the_rows_are_read(client, url: str, table: str) -> list[str]:
    """``cursor_tuple_fraction`` as PostgreSQL planned each query of the export
    that reads ``table`` (on SQLite, nothing to record)."""
    seen = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW cursor_tuple_fraction")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url)
        b"".join(response.streaming_content)
    return seen


@pytest.mark.parametrize(
    ("url", "table"),
    [(ACTIONS, "partnerships_action"), (PARTNERSHIPS, "partnerships_partnership")],
)
def test_exports_are_planned_for_their_first_rows_on_postgresql(
    actions, listed, manager, url, table
):
    """PostgreSQL plans a cursor for a tenth of its rows, and sorted 1,000,000
    actions before the first one went out: the export plans for its first
    rows, in its own transaction, and leaves the session as it was."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans every query for its first rows")
    client = client_for(manager)

    fractions = _fraction_when_the_rows_are_read(client, url, table)

    assert fractions and all(float(value) < 0.01 for value in fractions), fractions
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "0.1"


@pytest.mark.parametrize("url", [ACTIONS, PARTNERSHIPS])
def test_a_client_that_hangs_up_leaves_the_connection_usable(actions, listed, manager, url):
    depth = len(connection.savepoint_ids)
    response = client_for(manager).get(url)
    chunks = iter(response.streaming_content)
    next(chunks)  # the header
    next(chunks)  # the first row
    # As a server stops the stream when its client hangs up: close the
    # iterator the test client wrapped (response.close() would also fire
    # request_finished, which closes the test's connection).
    response._iterator.close()

    assert len(connection.savepoint_ids) == depth
    assert not connection.needs_rollback
    assert len(_csv_rows(client_for(manager).get(url))) >= 2
