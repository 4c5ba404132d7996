"""Targets and yearly results: the workflow, the partnership page and its
edit form (each persona), the admin, the report section and the export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships import lifecycle
from partnerships.errors import DomainError
from partnerships.indicator_reports import indicator_report
from partnerships.models import Indicator, IndicatorResult, PartnershipIndicator
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for

THIS_YEAR = TODAY.year


def jobs() -> Indicator:
    return Indicator.objects.get(code="jobs-created")


def flights() -> Indicator:
    return Indicator.objects.get(code="flights-per-week")


def line_for(partnership, **extra) -> PartnershipIndicator:
    values = {"indicator": jobs(), "label": "in Zhangjiakou", "target": Decimal(200)} | extra
    return lifecycle.save_indicator_line(
        PartnershipIndicator(partnership=partnership, **values), results=[], by=None
    )


def year(y: int, value: str, **extra) -> lifecycle.YearResult:
    return lifecycle.YearResult(year=y, value=Decimal(value), **extra)


# The standard list ----------------------------------------------------------------------


def test_the_standard_indicators_are_seeded_with_both_names_and_units(db):
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert codes == [
        "trainees",
        "investment-eur",
        "jobs-created",
        "visitors",
        "flights-per-week",
        "students-exchanged",
    ]
    assert jobs().name_fr == "Emplois créés"
    assert flights().unit == "flights/week"
    assert Indicator.objects.get(code="investment-eur").kind == "amount"


# The workflow -----------------------------------------------------------------------------


def test_results_replace_the_years_and_add_up_against_the_target(partnership):
    line = line_for(partnership)
    lifecycle.set_indicator_results(
        line, results=[year(THIS_YEAR - 2, "50"), year(THIS_YEAR - 1, "70")], by=None
    )
    lifecycle.set_indicator_results(
        line,
        results=[year(THIS_YEAR - 1, "80", source="Annual report"), year(THIS_YEAR, "20")],
        by=None,
    )

    line = PartnershipIndicator.objects.for_table().get(pk=line.pk)
    assert [(r.year, r.value) for r in line.ordered_results()] == [
        (THIS_YEAR - 1, Decimal("80.00")),
        (THIS_YEAR, Decimal("20.00")),
    ]
    assert line.achieved == Decimal(100)
    assert line.progress_percent == 50


def test_a_level_is_read_from_its_latest_year(partnership):
    line = line_for(partnership, indicator=flights(), label="", target=Decimal(6))
    lifecycle.set_indicator_results(
        line, results=[year(THIS_YEAR - 1, "2"), year(THIS_YEAR, "3")], by=None
    )
    line = PartnershipIndicator.objects.for_table().get(pk=line.pk)
    assert line.achieved == Decimal(3)
    assert line.progress_percent == 50


def test_two_results_for_one_year_are_refused_and_nothing_is_written(partnership):
    line = line_for(partnership)
    lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)

    with pytest.raises(DomainError, match="Two results for"):
        lifecycle.set_indicator_results(
            line, results=[year(THIS_YEAR, "6"), year(THIS_YEAR, "7")], by=None
        )
    assert list(IndicatorResult.objects.values_list("value", flat=True)) == [Decimal("5.00")]


def test_a_negative_result_is_refused_with_its_message(partnership):
    line = line_for(partnership)
    with pytest.raises(DomainError, match="cannot be negative"):
        lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "-1")], by=None)
    assert not IndicatorResult.objects.exists()


def test_the_same_indicator_and_scope_twice_is_refused(partnership):
    line_for(partnership)
    with pytest.raises(DomainError, match="already has this indicator"):
        line_for(partnership)
    line_for(partnership, label="around Chambéry")  # another scope is fine
    assert PartnershipIndicator.objects.count() == 2


def test_lines_are_hidden_while_their_partnership_is_deleted(partnership, manager):
    line = line_for(partnership)
    lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)
    lifecycle.soft_delete(partnership, by=manager)
    assert not PartnershipIndicator.objects.exists()
    assert not IndicatorResult.objects.exists()
    assert indicator_report().is_empty
    lifecycle.restore(partnership, by=manager)
    assert PartnershipIndicator.objects.count() == 1


def test_a_deleted_partnerships_target_pages_are_not_found(partnership, owner, manager):
    line = line_for(partnership)
    lifecycle.soft_delete(partnership, by=manager)
    client = client_for(owner)
    for url in (
        reverse("partnerships:indicator_create", args=[partnership.pk]),
        reverse("partnerships:indicator_edit", args=[partnership.pk, line.pk]),
    ):
        assert client.get(url).status_code == 404, url
    delete = reverse("partnerships:indicator_delete", args=[partnership.pk, line.pk])
    assert client.post(delete).status_code == 404


# The partnership page ---------------------------------------------------------------------


def test_the_page_shows_target_each_years_actual_and_progress(partnership, owner):
    line = line_for(partnership)
    lifecycle.set_indicator_results(
        line, results=[year(THIS_YEAR - 1, "30"), year(THIS_YEAR, "20")], by=None
    )
    page = client_for(owner).get(partnership.get_absolute_url()).content.decode()
    assert "Targets and results" in page
    assert "Jobs created" in page and "in Zhangjiakou" in page
    assert f">{THIS_YEAR - 1}</th>" in page and f">{THIS_YEAR}</th>" in page
    assert '<progress max="100" value="25"' in page
    assert "25&nbsp;%" in page
    assert reverse("partnerships:indicator_edit", args=[partnership.pk, line.pk]) in page


def test_the_page_in_french_names_the_indicator_in_french(partnership, owner):
    line_for(partnership)
    client = client_for(owner)
    page = client.get(partnership.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Objectifs et résultats" in page
    assert "Emplois créés" in page


@pytest.mark.parametrize(
    ("persona", "may_edit"),
    [
        ("owner", True),
        ("teammate", True),
        ("manager", True),
        ("admin", True),
        ("outsider", False),
        ("no_role", False),
        ("anonymous", False),
    ],
)
def test_who_may_add_an_indicator(personas, partnership, persona, may_edit):
    client = client_for(personas[persona])
    url = reverse("partnerships:indicator_create", args=[partnership.pk])
    response = client.post(
        url,
        {
            "indicator": jobs().pk,
            "label": "around Chambéry",
            "target": "100",
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "0",
            "results-0-year": str(THIS_YEAR),
            "results-0-value": "12",
        },
    )
    if may_edit:
        assert response.status_code == 302
        line = PartnershipIndicator.objects.get()
        assert line.label == "around Chambéry"
        assert [r.value for r in line.results.all()] == [Decimal("12.00")]
        assert client.get(partnership.get_absolute_url()).status_code == 200
    else:
        assert response.status_code in (302, 403)
        if persona == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert not PartnershipIndicator.objects.exists()


def test_the_outsider_sees_the_table_without_edit_links(partnership, outsider):
    line = line_for(partnership)
    page = client_for(outsider).get(partnership.get_absolute_url()).content.decode()
    assert "Jobs created" in page
    assert reverse("partnerships:indicator_edit", args=[partnership.pk, line.pk]) not in page
    assert reverse("partnerships:indicator_create", args=[partnership.pk]) not in page


def test_editing_keeps_the_years_and_a_repeated_year_loses_nothing(partnership, owner):
    line = line_for(partnership)
    lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)
    url = reverse("partnerships:indicator_edit", args=[partnership.pk, line.pk])
    client = client_for(owner)
    form = client.get(url).content.decode()
    assert f'value="{THIS_YEAR}"' in form

    response = client.post(
        url,
        {
            "indicator": jobs().pk,
            "label": "in Zhangjiakou",
            "target": "250",
            "results-TOTAL_FORMS": "2",
            "results-INITIAL_FORMS": "1",
            "results-0-year": str(THIS_YEAR),
            "results-0-value": "6",
            "results-1-year": str(THIS_YEAR),
            "results-1-value": "7",
        },
    )
    assert response.status_code == 400
    assert "Two results for" in response.content.decode()
    assert 'value="250"' in response.content.decode()  # what was typed is kept
    line.refresh_from_db()
    assert line.target == Decimal(200)
    assert [r.value for r in line.results.all()] == [Decimal("5.00")]


def test_removing_a_line_removes_its_results(partnership, owner, outsider):
    line = line_for(partnership)
    lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)
    url = reverse("partnerships:indicator_delete", args=[partnership.pk, line.pk])
    assert client_for(outsider).post(url).status_code == 403
    assert client_for(owner).post(url).status_code == 302
    assert not PartnershipIndicator.objects.exists()
    assert not IndicatorResult.objects.exists()


@pytest.mark.parametrize("lines", [1, 12])
def test_the_page_runs_the_same_queries_for_few_and_many_lines(
    partnership, owner, lines, django_assert_max_num_queries
):
    for n in range(lines):
        line = line_for(partnership, label=f"scope {n}")
        lifecycle.set_indicator_results(
            line, results=[year(THIS_YEAR - 1, "1"), year(THIS_YEAR, "2")], by=None
        )
    client = client_for(owner)
    client.get(partnership.get_absolute_url())
    with django_assert_max_num_queries(40):
        response = client.get(partnership.get_absolute_url())
    assert response.content.decode().count("indicators/") >= lines


# Admin ----------------------------------------------------------------------------------------


def test_the_admin_edits_a_line_with_its_results(partnership, admin_user):
    line = line_for(partnership)
    client = client_for(admin_user)
    url = reverse("admin:partnerships_partnershipindicator_change", args=[line.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "partnership": partnership.pk,
            "indicator": jobs().pk,
            "label": "in Zhangjiakou",
            "target": "300",
            "target_year": "",
            "notes": "",
            "source_reference": "",
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "0",
            "results-MIN_NUM_FORMS": "0",
            "results-MAX_NUM_FORMS": "1000",
            "results-0-year": str(THIS_YEAR),
            "results-0-value": "40",
            "results-0-note": "",
            "results-0-source": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.target == Decimal(300)
    assert [r.value for r in line.results.all()] == [Decimal("40.00")]


def test_the_admin_lists_indicators_and_the_partnership_page_has_the_inline(
    partnership, admin_user
):
    line_for(partnership)
    client = client_for(admin_user)
    listing = client.get(reverse("admin:partnerships_indicator_changelist")).content.decode()
    assert "Flights per week" in listing
    change = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
    assert "indicator_lines-TOTAL_FORMS" in change.content.decode()


def test_staff_cannot_open_the_indicator_admin(owner):
    response = client_for(owner).get(reverse("admin:partnerships_indicator_changelist"))
    assert response.status_code in (302, 403)


# Reports and exports ---------------------------------------------------------------------------


def test_the_report_breaks_targets_and_results_down(db, owner):
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    chambery = factories.OrganizationFactory(name="Chambéry", country="FR")
    sector = factories.SectorFactory(name="Mountain", slug="mountain")
    forum = factories.MeetingFactory(title="Winter Games forum", logged_by=owner)
    side = factories.MeetingFactory(title="Side meeting", logged_by=owner, parent=forum)
    first = factories.PartnershipFactory(owner=owner, origin_meeting=side)
    first.sectors.add(sector)
    factories.PartnershipPartyFactory(partnership=first, organization=zhangjiakou)
    factories.PartnershipPartyFactory(partnership=first, organization=chambery)
    second = factories.PartnershipFactory(owner=owner)
    factories.PartnershipPartyFactory(partnership=second, organization=chambery)
    a = line_for(first, target=Decimal(200), target_year=THIS_YEAR)
    lifecycle.set_indicator_results(
        a, results=[year(THIS_YEAR - 1, "30"), year(THIS_YEAR, "20")], by=None
    )
    b = line_for(second, target=Decimal(100))
    lifecycle.set_indicator_results(b, results=[year(THIS_YEAR, "100")], by=None)

    report = indicator_report()

    (block,) = report.by_year
    rows = {row.label: (row.target, row.actual) for row in block.rows}
    assert rows == {
        str(THIS_YEAR - 1): (None, Decimal(30)),
        str(THIS_YEAR): (Decimal(200), Decimal(120)),
        "No target year": (Decimal(100), None),
    }
    (block,) = report.by_country
    rows = {row.label: (row.target, row.actual, row.percent) for row in block.rows}
    assert rows == {
        "France": (Decimal(300), Decimal(150), 50),
        "China": (Decimal(200), Decimal(50), 25),
    }
    (block,) = report.by_sector
    assert {row.label: row.actual for row in block.rows} == {
        "Mountain": Decimal(50),
        "No sector": Decimal(100),
    }
    (block,) = report.by_programme
    assert {row.label: row.actual for row in block.rows} == {
        "Winter Games forum": Decimal(50),
        "No programme": Decimal(100),
    }


@pytest.mark.parametrize("partnerships", [1, 15])
def test_the_reports_page_runs_a_fixed_number_of_queries(
    db, manager, partnerships, django_assert_max_num_queries
):
    for _n in range(partnerships):
        line = line_for(factories.PartnershipFactory(stage="agreement"))
        lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)
    client = client_for(manager)
    with django_assert_max_num_queries(45):
        response = client.get(reverse("reports"))
    page = response.content.decode()
    assert "Targets and results" in page
    assert "By programme" in page


def test_the_reports_page_is_for_managers(owner):
    assert client_for(owner).get(reverse("reports")).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_indicators_export_has_a_row_per_year(partnership, manager, owner, fmt):
    line = line_for(partnership)
    lifecycle.set_indicator_results(
        line, results=[year(THIS_YEAR - 1, "30"), year(THIS_YEAR, "20")], by=None
    )
    line_for(partnership, label="around Chambéry")  # no result yet: one row
    url = reverse("export_indicators") + f"?format={fmt}"
    assert client_for(owner).get(url).status_code == 403
    response = client_for(manager).get(url)
    assert response.status_code == 200
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:3] == ["Partnership ID", "Partnership", "Indicator"]
        assert len(rows) == 4
        assert {row[9] for row in rows[1:]} == {str(THIS_YEAR - 1), str(THIS_YEAR), ""}
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("lines", [1, 20])
def test_the_indicators_export_runs_a_fixed_number_of_queries(
    db, manager, lines, django_assert_max_num_queries
):
    for _n in range(lines):
        line = line_for(factories.PartnershipFactory())
        lifecycle.set_indicator_results(line, results=[year(THIS_YEAR, "5")], by=None)
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("export_indicators") + "?format=csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == lines + 1
