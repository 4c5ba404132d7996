"""An id out of range or malformed is a 404 or a field error, never a server
error, wherever it comes in: an address (every id-taking URL of the resolver
and of the API router), a form field, a search-select look-up, an API body.

SQLite's driver raises OverflowError for an integer beyond 64 bits; these run
on PostgreSQL too (DATABASE_URL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django import forms
from django.forms.formsets import BaseFormSet
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern
from rest_framework import serializers
from rest_framework.test import APIClient

from partnerships.api.urls import router
from partnerships.ids import MAX_ID, IdConverter, parse_id
from tests import factories
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 23
BAD_IDS = [HUGE_ID, str(MAX_ID + 1), "0"]
ID_NAMES = {"pk", "id", "object_id", "content_type_id", "line_pk", "other"}
# What the other parts of an address take (a new one fails until it is given here).
SAMPLES = {"kind": "partnership"}


def _routes(patterns=None, prefix: str = "") -> Iterator[tuple[str, object]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route, pattern


def _address(route: str) -> str | None:
    """The route with ``{id}`` where it takes an id; None if it takes none."""
    converter, group = r"<(?:\w+:)?(?P<name>\w+)>", r"\(\?P<(?P<name>\w+)>[^)]*\)"
    names = {m["name"] for pattern in (converter, group) for m in re.finditer(pattern, route)}
    if not names & ID_NAMES or "format" in names:
        return None  # no id; or a format suffix, which repeats its route

    def value(match: re.Match) -> str:
        return "{id}" if match["name"] in ID_NAMES else SAMPLES[match["name"]]

    address = re.sub(converter, value, re.sub(group, value, route))
    return "/" + address.replace("^", "").replace("$", "")


ADDRESSES = sorted({address for route, _ in _routes() if (address := _address(route))})


def test_the_walk_covers_every_kind_of_address():
    assert any(a.startswith("/partnerships/") for a in ADDRESSES)
    assert any(a.startswith("/admin/partnerships/action/") for a in ADDRESSES)
    assert "/api/partnerships/{id}/move/" in ADDRESSES
    assert "/deleted/partnership/{id}/restore/" in ADDRESSES
    assert len(ADDRESSES) > 100


def test_page_addresses_take_ids_through_the_bounded_converter():
    unbounded = [
        route
        for route, pattern in _routes()
        if isinstance(pattern.pattern, RoutePattern)
        and not route.startswith("admin/")
        and any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert unbounded == []


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_with_an_id_out_of_range_is_a_404(admin_user, address):
    client, api = client_for(admin_user), APIClient()
    api.force_authenticate(admin_user)
    problems = []

    for bad in BAD_IDS:
        url = address.format(id=bad)
        if url.startswith("/api/"):
            for method in ("get", "post", "patch", "delete"):
                response = getattr(api, method)(url, {}, format="json")
                if response.status_code not in (404, 405) or "json" not in response["Content-Type"]:
                    problems.append((method, url, response.status_code))
        elif url.startswith("/admin/"):
            # The admin says "does not exist" on its index page (a redirect),
            # or refuses first what nobody may do there (deleting history).
            response = client.get(url)
            if response.status_code not in (302, 403, 404):
                problems.append(("get", url, response.status_code))
        else:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code != 404:
                    problems.append((method, url, response.status_code))

    assert problems == []


def test_the_converter_and_parse_id_agree_on_what_an_id_is():
    converter = IdConverter()
    assert parse_id("42") == parse_id(42) == converter.to_python("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in [*BAD_IDS, "-1", "1.5", "abc", "٣", "", None, True, 2**64]:
        assert parse_id(bad) is None, bad
    for bad in BAD_IDS:
        with pytest.raises(ValueError):
            converter.to_python(bad)


# Form fields and search-select widgets ---------------------------------------------------


@pytest.fixture
def world(owner, partnership):
    return {
        "partnership": partnership,
        "action": factories.ActionFactory(owner=owner, partnership=partnership),
        "meeting": factories.MeetingFactory(logged_by=owner),
        "organization": factories.OrganizationFactory(),
        "contact": factories.ContactFactory(),
    }


FORM_PAGES = [
    ("partnerships:create", None),
    ("partnerships:edit", "partnership"),
    ("partnerships:status", "partnership"),
    ("partnerships:reassign", "partnership"),
    ("partnerships:document_upload", "partnership"),
    ("meetings:create", None),
    ("meetings:edit", "meeting"),
    ("actions:create", None),
    ("actions:edit", "action"),
    ("organizations:create", None),
    ("organizations:edit", "organization"),
    ("contacts:create", None),
    ("contacts:edit", "contact"),
]


def _choice_fields(form: forms.BaseForm) -> list[str]:
    return [
        name for name, field in form.fields.items() if isinstance(field, forms.ModelChoiceField)
    ]


@pytest.mark.parametrize(("url_name", "record"), FORM_PAGES)
def test_a_form_field_given_an_id_out_of_range_is_a_field_error(manager, world, url_name, record):
    url = reverse(url_name, args=[world[record].pk] if record else [])
    client = client_for(manager)
    page = client.get(url)
    form = page.context["form"]
    formsets = {
        key: value
        for context in page.context
        for key, value in context.flatten().items()
        if isinstance(value, BaseFormSet)
    }
    before = db_snapshot()
    problems = []

    for name in _choice_fields(form):
        # Pre-filled from the address ("New action" from a partnership's page)...
        if client.get(url, {name: HUGE_ID}).status_code != 200:
            problems.append(("prefilled", name))
        # ... and posted.
        response = client.post(url, {name: HUGE_ID})
        if response.status_code != 400 or name not in response.context["form"].errors:
            problems.append(("posted", name, response.status_code))
    for key, formset in formsets.items():
        management = {
            f"{formset.prefix}-TOTAL_FORMS": "1",
            f"{formset.prefix}-INITIAL_FORMS": "0",
        }
        for name in _choice_fields(formset.empty_form):
            response = client.post(url, {**management, f"{formset.prefix}-0-{name}": HUGE_ID})
            errors = response.context[key].forms[0].errors if response.status_code == 400 else {}
            if name not in errors:
                problems.append((key, name, response.status_code))

    assert problems == []
    assert db_snapshot() == before


@pytest.mark.parametrize("kind", ["organizations", "contacts", "partnerships", "meetings", "users"])
def test_a_search_select_look_up_with_an_id_out_of_range_finds_nothing(manager, world, kind):
    response = client_for(manager).get(
        reverse("lookup", args=[kind]), {"q": HUGE_ID, "organization": HUGE_ID}
    )

    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_the_contact_look_up_filters_by_a_valid_organization_only(manager, world):
    contact = world["contact"]
    client = client_for(manager)
    url = reverse("lookup", args=["contacts"])

    found = client.get(url, {"q": contact.name, "organization": contact.organization_id})
    unfiltered = client.get(url, {"q": contact.name, "organization": "٣"})

    assert [row["id"] for row in found.json()["results"]] == [contact.pk]
    assert [row["id"] for row in unfiltered.json()["results"]] == [contact.pk]


# API bodies -----------------------------------------------------------------------------


def _id_fields(serializer: serializers.Serializer) -> Iterator[tuple[str, object]]:
    """Writable fields taking ids, with a body value out of range for each
    (nested lists of objects, such as a partnership's parties, included)."""
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            yield name, int(HUGE_ID)
        elif isinstance(field, serializers.ManyRelatedField):
            yield name, [int(HUGE_ID)]
        elif isinstance(field, serializers.ListSerializer) and isinstance(
            field.child, serializers.Serializer
        ):
            for inner, value in _id_fields(field.child):
                yield name, [{inner: value}]


CREATABLE = [
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if hasattr(viewset, "create")
]


@pytest.mark.parametrize(("prefix", "viewset"), CREATABLE, ids=[p for p, _ in CREATABLE])
def test_an_api_body_id_out_of_range_is_a_field_error(admin_user, world, prefix, viewset):
    serializer = (viewset.create_serializer_class or viewset.serializer_class)()
    api = APIClient()
    api.force_authenticate(admin_user)
    multipart = prefix == "documents"  # uploads are the one multipart body
    before = db_snapshot()
    problems = []

    for name, value in _id_fields(serializer):
        if multipart:
            body, kind = {name: HUGE_ID}, "multipart"
        else:
            body, kind = {name: value}, "json"
        response = api.post(f"/api/{prefix}/", body, format=kind)
        if response.status_code != 400 or name not in response.json():
            problems.append((name, response.status_code, response.content[:200]))

    assert problems == []
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("move", {"stage": "agreement", "document": int(HUGE_ID), "version": 1}),
        ("status", {"status": "abandoned", "reason": int(HUGE_ID), "note": "x", "version": 1}),
    ],
)
def test_a_lifecycle_body_id_out_of_range_is_a_field_error(api_for_owner, partnership, path, body):
    before = db_snapshot()

    response = api_for_owner.post(f"/api/partnerships/{partnership.pk}/{path}/", body)

    assert response.status_code == 400
    assert list(response.json()) == [next(k for k in body if k in ("document", "reason"))]
    assert db_snapshot() == before


@pytest.fixture
def api_for_owner(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client
