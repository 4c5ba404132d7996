"""An invalid filter value is never ignored, on any surface that takes filters.

Every filter of every FilterSet gets values it cannot accept (enumerated from
the FilterSets, so a filter added later is tried too): a 23-digit id, an id
that names nothing (``?meeting=999999``), an unknown choice, a date that is no
date... Then:

- pages (lists, the board and its columns) stay 200, list nothing, and say
  which filter is wrong, next to it;
- exports answer 400 naming the parameter, and export nothing;
- API lists answer 400 naming the parameter.
"""

from __future__ import annotations

import django_filters as filters
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships import lifecycle
from partnerships.api.urls import router
from partnerships.filters import (
    ActionFilter,
    ContactFilter,
    MeetingFilter,
    OrganizationFilter,
    PartnershipFilter,
    SearchFilter,
)
from partnerships.models import DormancyAlert
from partnerships.pipeline import BoardFilter
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 23


def bad_values(filter_: filters.Filter) -> list[str]:
    """Values the filter must refuse. A new kind of filter fails here until it
    says what it refuses."""
    if isinstance(filter_, filters.OrderingFilter):
        return ["password"]
    if isinstance(filter_, filters.ModelMultipleChoiceFilter):
        if filter_.extra.get("to_field_name"):
            return ["no-such-slug"]
        return [HUGE_ID, "999999", "abc"]
    if isinstance(filter_, filters.ModelChoiceFilter):
        return [HUGE_ID, "999999", "abc"]
    if isinstance(filter_, filters.MultipleChoiceFilter | filters.ChoiceFilter):
        return ["no-such-choice"]
    if isinstance(filter_, filters.DateTimeFilter):
        return ["yesterday", "2024-13-45T10:00"]
    if isinstance(filter_, filters.DateFilter):
        return ["2024-13-45", "someday"]
    if isinstance(filter_, filters.BooleanFilter):
        return ["maybe"]
    if isinstance(filter_, filters.NumberFilter):
        return ["abc", "1e999999"]
    if isinstance(filter_, SearchFilter | filters.CharFilter):
        return ["nul\x00byte"]  # no text field takes a NUL character
    raise AssertionError(f"No bad value known for {type(filter_).__name__}: add one here.")


def cases(filterset_class: type[filters.FilterSet]) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, filter_ in filterset_class.base_filters.items()
        for value in bad_values(filter_)
    ]


@pytest.fixture
def records(manager, owner):
    """One row of each kind, so that a filter ignored would list something."""
    organization = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    partnership = factories.PartnershipFactory(owner=owner, title="Chambéry – Zhangjiakou")
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )
    factories.PartnershipPartyFactory(partnership=partnership, organization=organization)
    meeting = factories.MeetingFactory(logged_by=owner, title="Mission to Hebei")
    meeting.partnerships.add(partnership)
    factories.ActionFactory(owner=owner, partnership=partnership, meeting=meeting)
    factories.ContactFactory(organization=organization, name="Li Wei")
    factories.DocumentFactory(partnership=partnership, meeting=meeting)
    factories.OrganizationRelationFactory(source=organization)
    factories.IndicatorResultFactory(
        line=factories.PartnershipIndicatorFactory(partnership=partnership)
    )
    DormancyAlert.objects.create(
        partnership=partnership, quiet_since=TODAY, alerted_on=TODAY, owner=owner
    )


def _query(name: str, value: str) -> dict[str, str]:
    return {name: value}


# Pages ---------------------------------------------------------------------------------

PAGES = {
    "partnerships:list": PartnershipFilter,
    "meetings:list": MeetingFilter,
    "actions:list": ActionFilter,
    "organizations:list": OrganizationFilter,
    "contacts:list": ContactFilter,
}


def _listed(response) -> int:
    context = response.context
    if "listing" in context:
        return context["listing"].page.paginator.count
    if "columns" in context:
        return context["total_count"]
    return context["column"].count


def test_every_list_page_is_walked():
    from django.urls import get_resolver

    names = {
        f"{namespace}:list"
        for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items()
        if "list" in resolver.reverse_dict
    }
    assert names == set(PAGES)


@pytest.mark.parametrize(
    ("url", "filterset_class"),
    [
        *((reverse(name), filterset) for name, filterset in PAGES.items()),
        (reverse("pipeline"), BoardFilter),
        (reverse("pipeline_column", args=["agreement"]), BoardFilter),
    ],
)
def test_a_page_lists_nothing_for_an_invalid_filter_and_says_why_next_to_it(
    records, manager, url, filterset_class
):
    client = client_for(manager)
    assert _listed(client.get(url, {"ordering": ""} if "pipeline" not in url else {})) > 0
    problems = []

    for name, value in cases(filterset_class):
        response = client.get(url, _query(name, value))
        if response.status_code != 200:
            problems.append((name, value, response.status_code))
            continue
        page = response.content.decode()
        form = response.context["filterset"].form
        if _listed(response) != 0:
            problems.append((name, value, "rows listed"))
        if name not in form.errors:
            problems.append((name, value, "no error on the field"))
        elif str(form.errors[name][0]) not in page.replace("&quot;", '"').replace("&#x27;", "'"):
            problems.append((name, value, "error not shown"))
        if "These filters could not be applied, so nothing is shown" not in page:
            problems.append((name, value, "no notice"))

    assert problems == []


# Exports -------------------------------------------------------------------------------

EXPORTS = {"export_partnerships": PartnershipFilter, "export_actions": ActionFilter}


@pytest.mark.parametrize(("url_name", "filterset_class"), EXPORTS.items())
def test_an_export_with_an_invalid_filter_is_a_400_naming_it_and_exports_nothing(
    records, manager, url_name, filterset_class
):
    client = client_for(manager)
    url = reverse(url_name)
    assert client.get(url, {"format": "csv"})["Content-Type"].startswith("text/csv")
    problems = []

    for name, value in cases(filterset_class):
        response = client.get(url, {**_query(name, value), "format": "csv"})
        page = response.content.decode() if not response.streaming else "(a file)"
        if response.status_code != 400:
            problems.append((name, value, response.status_code))
        elif not response["Content-Type"].startswith("text/html"):
            problems.append((name, value, "something was exported"))
        elif f"<code>{name}</code>" not in page or "Nothing was exported" not in page:
            problems.append((name, value, "the parameter is not named"))

    assert problems == []


def test_the_issue_s_export_of_an_unknown_meeting_exports_nothing(records, manager):
    response = client_for(manager).get(reverse("export_actions"), {"meeting": "999999"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Meeting (<code>meeting</code>): Select a valid choice." in page
    assert 'href="/actions/?meeting=999999"' in page  # back to the list to correct it


def test_an_export_from_a_list_page_with_fields_left_empty_exports(records, manager):
    response = client_for(manager).get(
        reverse("export_actions"), {"meeting": "", "owner": "", "search": "", "format": "csv"}
    )

    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 2  # header and the action


# API lists -----------------------------------------------------------------------------

API_LISTS = [
    (f"/api/{prefix}/", viewset.filterset_class)
    for prefix, viewset, _basename in router.registry
    if getattr(viewset, "filterset_class", None) is not None
]


def test_every_api_list_with_filters_is_walked():
    # organizations, their relations, contacts, their posts, partnerships,
    # targets, ...
    assert len(API_LISTS) == 12


@pytest.mark.parametrize(("url", "filterset_class"), API_LISTS)
def test_an_api_list_with_an_invalid_filter_is_a_400_naming_it(
    records, manager, url, filterset_class
):
    client = APIClient()
    client.force_authenticate(manager)
    assert client.get(url).json()["count"] > 0
    problems = []

    for name, value in cases(filterset_class):
        response = client.get(url, _query(name, value))
        if response.status_code != 400 or list(response.json()) != [name]:
            problems.append((name, value, response.status_code, response.content[:200]))

    assert problems == []
