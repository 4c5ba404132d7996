"""/api/indicators/ (read-only) and /api/partnership-indicators/ (lines with
their nested yearly results), for each persona."""

from __future__ import annotations

from decimal import Decimal

import pytest

from partnerships import lifecycle
from partnerships.models import Indicator, IndicatorResult, PartnershipIndicator
from tests import factories
from tests.clock import TODAY

URL = "/api/partnership-indicators/"
Y = TODAY.year


def jobs() -> Indicator:
    return Indicator.objects.get(code="jobs-created")


def body(partnership, **extra) -> dict:
    return {
        "partnership": partnership.pk,
        "indicator": jobs().pk,
        "label": "in Zhangjiakou",
        "target": "200",
        "results": [{"year": Y - 1, "value": "30"}, {"year": Y, "value": "20", "source": "Report"}],
    } | extra


def test_the_indicator_list_is_read_only_and_bilingual(api, api_for, no_role):
    response = api.get("/api/indicators/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["jobs-created"]["name_fr"] == "Emplois créés"
    assert rows["flights-per-week"]["kind"] == "level"
    assert api.post("/api/indicators/", {"code": "x"}, format="json").status_code == 405
    assert api_for(no_role).get("/api/indicators/").status_code == 403
    assert api_for(None).get("/api/indicators/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", 201),
        ("teammate", 201),
        ("manager", 201),
        ("admin", 201),
        ("outsider", 403),
        ("no_role", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_add_a_line_with_its_results(api_for, personas, partnership, persona, expected):
    response = api_for(personas[persona]).post(URL, body(partnership), format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        data = response.json()
        assert data["indicator_name"] == "Jobs created"
        assert [r["year"] for r in data["results"]] == [Y - 1, Y]
        assert data["achieved"] == "50.00"
        assert data["progress_percent"] == 25
    else:
        assert not PartnershipIndicator.objects.exists()


def test_a_patch_without_results_keeps_them_and_with_results_replaces_them(
    api_for, teammate, outsider, partnership
):
    created = api_for(teammate).post(URL, body(partnership), format="json").json()
    url = f"{URL}{created['id']}/"
    assert api_for(outsider).patch(url, {"target": "1"}, format="json").status_code == 403

    response = api_for(teammate).patch(url, {"target": "100"}, format="json")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert response.json()["progress_percent"] == 50

    response = api_for(teammate).patch(
        url, {"results": [{"year": Y, "value": "60"}]}, format="json"
    )
    assert [r["value"] for r in response.json()["results"]] == ["60.00"]
    assert IndicatorResult.objects.count() == 1


def test_bad_input_is_a_clear_400_and_loses_nothing(api, partnership):
    twice = body(partnership, results=[{"year": Y, "value": "1"}, {"year": Y, "value": "2"}])
    response = api.post(URL, twice, format="json")
    assert response.status_code == 400
    assert "Two results for" in str(response.json())

    negative = body(partnership, results=[{"year": Y, "value": "-5"}])
    assert api.post(URL, negative, format="json").status_code == 400
    assert api.post(URL, body(partnership, target="lots"), format="json").status_code == 400
    assert api.post(URL, body(partnership, indicator=999999), format="json").status_code == 400
    assert not PartnershipIndicator.objects.exists()

    assert api.post(URL, body(partnership), format="json").status_code == 201
    again = api.post(URL, body(partnership), format="json")
    assert again.status_code == 400
    assert "already has this indicator" in str(again.json())


def test_a_line_cannot_move_to_another_partnership(api, owner, partnership):
    created = api.post(URL, body(partnership), format="json").json()
    other = factories.PartnershipFactory(owner=owner)
    response = api.patch(f"{URL}{created['id']}/", {"partnership": other.pk}, format="json")
    assert response.status_code == 400


def test_deleting_a_line_removes_its_results(api, api_for, outsider, partnership):
    created = api.post(URL, body(partnership), format="json").json()
    url = f"{URL}{created['id']}/"
    assert api_for(outsider).delete(url).status_code == 403
    assert api.delete(url).status_code == 204
    assert not IndicatorResult.objects.exists()


def test_the_list_filters_by_partnership(api, owner, partnership):
    api.post(URL, body(partnership), format="json")
    other = factories.PartnershipFactory(owner=owner)
    api.post(URL, body(other), format="json")
    response = api.get(f"{URL}?partnership={partnership.pk}")
    assert [row["partnership"] for row in response.json()["results"]] == [partnership.pk]


@pytest.mark.parametrize("lines", [2, 25])
def test_the_lists_run_the_same_queries_for_few_and_many_rows(
    api_for, owner, lines, django_assert_max_num_queries
):
    for n in range(lines):
        line = lifecycle.save_indicator_line(
            PartnershipIndicator(
                partnership=factories.PartnershipFactory(owner=owner),
                indicator=jobs(),
                label=f"scope {n}",
                target=Decimal(10),
            ),
            results=[lifecycle.YearResult(year=Y, value=Decimal(1))],
            by=None,
        )
    assert line.pk
    for url in (URL, "/api/indicators/"):
        client = api_for(owner)
        with django_assert_max_num_queries(12, info=url):
            response = client.get(f"{url}?page_size=200")
        assert response.status_code == 200
        assert len(response.json()["results"]) >= min(lines, 6)
