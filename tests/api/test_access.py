"""SPEC section 3 through the API: every endpoint tried by every persona.

Reads: anyone with a role reads everything; a user without a role gets a 403;
an anonymous request a 401. Writes: exactly the people ``permissions.py``
allows; everyone else gets a 403 (401 when anonymous) and nothing changes.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from partnerships.models import ApiToken
from tests import upload_samples
from tests.api.conftest import build_world, db_snapshot
from tests.conftest import make_partnership, make_personas, shared_rows

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "teammate", "outsider", "manager", "admin", "no_role", "anonymous"]
EVERY_ROLE = {"owner", "teammate", "outsider", "manager", "admin"}
PARTNERSHIP_EDITORS = {"owner", "teammate", "manager", "admin"}
MEETING_EDITORS = {"owner", "teammate", "manager", "admin"}  # logged it, attended it, managers
ACTION_EDITORS = {"owner", "manager", "admin"}
MANAGERS = {"manager", "admin"}

READS = [
    "/api/partnerships/",
    "/api/partnerships/{partnership}/",
    "/api/stage-changes/",
    "/api/meetings/",
    "/api/meetings/{meeting}/",
    "/api/actions/",
    "/api/actions/{action}/",
    "/api/organizations/",
    "/api/organizations/{organization}/",
    "/api/contacts/",
    "/api/contacts/{contact}/",
    "/api/documents/",
    "/api/documents/{document}/",
    "/api/sectors/",
    "/api/sectors/{sector}/",
    "/api/abandon-reasons/",
    "/api/users/",
    "/api/schema/",
]


@pytest.fixture(scope="module")
def table(django_db_setup, django_db_blocker):
    """The personas, one API token each and one record of each kind, made once
    for the whole table (each test's writes are rolled back after it)."""

    def build() -> SimpleNamespace:
        personas = make_personas()
        partnership = make_partnership(personas["owner"], personas["teammate"])
        tokens = {
            name: ApiToken.issue(user=user, name="tests")[1]
            for name, user in personas.items()
            if user is not None
        }
        world = build_world(partnership, personas["owner"], personas["teammate"])
        return SimpleNamespace(personas=personas, tokens=tokens, world=world)

    yield from shared_rows(django_db_blocker, build)


@pytest.fixture
def world(table):
    return table.world


@pytest.fixture
def api_as(table):
    """A fresh API client with the persona's token (none for anonymous)."""

    def client(persona: str) -> APIClient:
        client = APIClient()
        if persona in table.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {table.tokens[persona]}")
        return client

    return client


def _expected_refusal(persona: str) -> int:
    return 401 if persona == "anonymous" else 403


def _url(template: str, world) -> str:
    return template.format(**{name: getattr(world, name).pk for name in vars(world)})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", READS)
def test_every_role_reads_every_resource_and_nobody_else_does(api_as, world, path, persona):
    response = api_as(persona).get(_url(path, world))

    expected = 200 if persona in EVERY_ROLE else _expected_refusal(persona)
    assert response.status_code == expected, response.content


def _document_upload(world) -> dict:
    return {
        "partnership": world.partnership.pk,
        "kind": "minutes",
        "title": "Minutes of the Hebei mission",
        "file": SimpleUploadedFile("minutes.pdf", upload_samples.PDF, "application/pdf"),
    }


# name, method, path, body, who may, success status
WRITES = [
    (
        "create a partnership",
        "post",
        "/api/partnerships/",
        lambda w: {
            "title": "Yanqing – Chamonix",
            "parties": [{"organization": w.organization.pk, "role": "signatory"}],
        },
        EVERY_ROLE,
        201,
    ),
    (
        "edit a partnership",
        "patch",
        "/api/partnerships/{partnership}/",
        lambda w: {"title": "Renamed", "version": 1},
        PARTNERSHIP_EDITORS,
        200,
    ),
    (
        "move a partnership",
        "post",
        "/api/partnerships/{partnership}/move/",
        lambda w: {"stage": "letter_of_intent", "version": 1},
        PARTNERSHIP_EDITORS,
        200,
    ),
    (
        "change a partnership's status",
        "post",
        "/api/partnerships/{partnership}/status/",
        lambda w: {"status": "on_hold", "note": "Waiting for the elections", "version": 1},
        PARTNERSHIP_EDITORS,
        200,
    ),
    ("delete a partnership", "delete", "/api/partnerships/{partnership}/", None, MANAGERS, 204),
    (
        "log a meeting",
        "post",
        "/api/meetings/",
        lambda w: {"title": "Call with Yanqing", "kind": "call", "start_date": "2026-01-10"},
        EVERY_ROLE,
        201,
    ),
    (
        "edit a meeting",
        "patch",
        "/api/meetings/{meeting}/",
        lambda w: {"outcomes": "Agreed on a visit", "version": 1},
        MEETING_EDITORS,
        200,
    ),
    ("delete a meeting", "delete", "/api/meetings/{meeting}/", None, MANAGERS, 204),
    (
        "create an action",
        "post",
        "/api/actions/",
        lambda w: {"title": "Send the invitation", "partnership": w.partnership.pk},
        EVERY_ROLE,
        201,
    ),
    (
        "edit an action",
        "patch",
        "/api/actions/{action}/",
        lambda w: {"priority": "high", "version": 1},
        ACTION_EDITORS,
        200,
    ),
    (
        "complete an action",
        "post",
        "/api/actions/{action}/complete/",
        lambda w: {"outcome": "Sent", "version": 1},
        ACTION_EDITORS,
        200,
    ),
    (
        "cancel an action",
        "post",
        "/api/actions/{action}/cancel/",
        lambda w: {"note": "No longer needed", "version": 1},
        ACTION_EDITORS,
        200,
    ),
    ("delete an action", "delete", "/api/actions/{action}/", None, MANAGERS, 204),
    (
        "create an organization",
        "post",
        "/api/organizations/",
        lambda w: {"name": "Yanqing District", "country": "CN", "kind": "city"},
        EVERY_ROLE,
        201,
    ),
    (
        "edit an organization",
        "patch",
        "/api/organizations/{organization}/",
        lambda w: {"notes": "Host city of the 2022 alpine events"},
        EVERY_ROLE,
        200,
    ),
    (
        "create a contact",
        "post",
        "/api/contacts/",
        lambda w: {"name": "Wang Fang", "organization": w.organization.pk},
        EVERY_ROLE,
        201,
    ),
    (
        "edit a contact",
        "patch",
        "/api/contacts/{contact}/",
        lambda w: {"title": "Deputy mayor"},
        EVERY_ROLE,
        200,
    ),
    (
        "upload a document",
        "post",
        "/api/documents/",
        _document_upload,
        PARTNERSHIP_EDITORS,
        201,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "success"),
    [pytest.param(*write[1:], id=write[0]) for write in WRITES],
)
def test_writes_are_allowed_exactly_as_the_permission_module_says(
    api_as, world, persona, method, path, body, allowed, success
):
    client = api_as(persona)
    data = body(world) if body else None
    request_format = "multipart" if path == "/api/documents/" else "json"
    before = db_snapshot()

    response = getattr(client, method)(_url(path, world), data, format=request_format)

    if persona in allowed:
        assert response.status_code == success, response.content
    else:
        assert response.status_code == _expected_refusal(persona), response.content
        assert "detail" in response.json()
        assert db_snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/{organization}/",
        "/api/contacts/{contact}/",
        "/api/documents/{document}/",
        "/api/sectors/{sector}/",
    ],
)
def test_shared_reference_data_cannot_be_deleted_through_the_api(api_as, world, persona, path):
    before = db_snapshot()

    response = api_as(persona).delete(_url(path, world))

    expected = 405 if persona in EVERY_ROLE else _expected_refusal(persona)
    assert response.status_code == expected
    assert db_snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "path", ["/api/sectors/", "/api/users/", "/api/stage-changes/", "/api/abandon-reasons/"]
)
def test_read_only_resources_refuse_writes(api_as, persona, path):
    response = api_as(persona).post(path, {"name": "New"}, format="json")

    expected = 405 if persona in EVERY_ROLE else _expected_refusal(persona)
    assert response.status_code == expected


def test_a_user_without_a_role_is_told_why(api_as):
    response = api_as("no_role").get("/api/partnerships/")

    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


def test_an_anonymous_request_is_asked_for_a_token(api_as):
    response = api_as("anonymous").get("/api/partnerships/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_refused_edit_says_who_may_do_it(api_as, world):
    response = api_as("outsider").patch(
        f"/api/partnerships/{world.partnership.pk}/", {"title": "Mine now", "version": 1}
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the owner, the team and managers can edit this partnership."
    }
