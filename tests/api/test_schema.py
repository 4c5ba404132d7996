"""The OpenAPI schema describes every endpoint and validates; the docs page is
served by the app (no CDN) and runs under the strict Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/organizations/": {"get", "post"},
    "/api/organizations/{id}/": {"get", "put", "patch"},
    "/api/organizations/{id}/history/": {"get"},
    "/api/organizations/{id}/merge/": {"post"},
    "/api/organizations/{id}/dossier/": {"get"},
    "/api/organization-relations/": {"get", "post"},
    "/api/organization-relations/{id}/": {"get", "put", "patch", "delete"},
    "/api/contacts/": {"get", "post"},
    "/api/contacts/{id}/": {"get", "put", "patch"},
    "/api/contacts/{id}/history/": {"get"},
    "/api/contacts/{id}/merge/": {"post"},
    "/api/contacts/{id}/new-post/": {"post"},
    "/api/contact-positions/": {"get"},
    "/api/contact-positions/{id}/": {"get"},
    "/api/sectors/": {"get"},
    "/api/sectors/{id}/": {"get"},
    "/api/partnerships/": {"get", "post"},
    "/api/partnerships/{id}/renew/": {"post"},
    "/api/partnerships/{id}/": {"get", "put", "patch", "delete"},
    "/api/partnerships/{id}/history/": {"get"},
    "/api/partnerships/{id}/move/": {"post"},
    "/api/partnerships/{id}/status/": {"post"},
    "/api/partnerships/{id}/restore/": {"post"},
    "/api/partnerships/{id}/dossier/": {"get"},
    "/api/stage-changes/": {"get"},
    "/api/stage-changes/{id}/": {"get"},
    "/api/meetings/": {"get", "post"},
    "/api/meetings/{id}/": {"get", "put", "patch", "delete"},
    "/api/meetings/{id}/history/": {"get"},
    "/api/meetings/{id}/restore/": {"post"},
    "/api/meetings/{id}/dossier/": {"get"},
    "/api/actions/": {"get", "post"},
    "/api/actions/{id}/": {"get", "put", "patch", "delete"},
    "/api/actions/{id}/history/": {"get"},
    "/api/actions/{id}/complete/": {"post"},
    "/api/actions/{id}/cancel/": {"post"},
    "/api/actions/{id}/reopen/": {"post"},
    "/api/actions/{id}/restore/": {"post"},
    "/api/documents/": {"get", "post"},
    "/api/documents/{id}/": {"get"},
    "/api/abandon-reasons/": {"get"},
    "/api/abandon-reasons/{id}/": {"get"},
    "/api/users/": {"get"},
    "/api/users/{id}/": {"get"},
    "/api/indicators/": {"get"},
    "/api/indicators/{id}/": {"get"},
    "/api/partnership-indicators/": {"get", "post"},
    "/api/partnership-indicators/{id}/": {"get", "put", "patch", "delete"},
    "/api/dormancy-alerts/": {"get"},
    "/api/dormancy-alerts/{id}/": {"get"},
}


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_schema_is_generated_without_a_warning(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", tmp_path / "s.yaml")

    assert yaml.safe_load((tmp_path / "s.yaml").read_text())["paths"]


def test_every_endpoint_and_method_is_described(schema):
    described = {
        path: {method for method in operations if method != "parameters"}
        for path, operations in schema["paths"].items()
    }

    assert described == ENDPOINTS


def test_every_operation_needs_a_token_or_a_session(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {} not in operation["security"]  # no anonymous access
            assert {"bearerAuth": []} in operation["security"]


def test_every_operation_describes_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)


def test_updates_of_versioned_records_require_the_version(schema):
    components = schema["components"]["schemas"]

    for name in ("Partnership", "Meeting", "Action"):
        assert "version" in components[f"{name}Request"]["required"]
        assert "version" in components[f"Patched{name}Request"]["required"]
        assert "version" not in components[f"{name}CreateRequest"]["properties"]


def test_stage_status_and_history_are_not_writable_by_a_plain_update(schema):
    request = schema["components"]["schemas"]["PatchedPartnershipRequest"]["properties"]

    for field in ("stage", "status", "created_by", "created_at", "updated_at"):
        assert field not in request
    assert "stage" in schema["components"]["schemas"]["PartnershipCreateRequest"]["properties"]


def test_enum_names_are_stable(schema):
    components = schema["components"]["schemas"]

    assert components["PartnershipStageEnum"]["enum"] == [
        "prospect",
        "letter_of_intent",
        "agreement",
        "contract",
        "renewal",
    ]
    for name in (
        "PartnershipStatusEnum",
        "ActionStatusEnum",
        "MeetingStatusEnum",
        "CountryEnum",
        "CurrencyEnum",
        "PartyRoleEnum",
    ):
        assert name in components
    assert not [name for name in components if re.search(r"[0-9a-f]{3}Enum$", name)]


def test_list_filters_are_described_with_their_types(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/partnerships/"]["get"]["parameters"]
    }

    assert parameters["stage"]["items"]["enum"][:2] == ["agreement", "contract"]
    assert parameters["owner"] == {"type": "integer"}
    assert parameters["organization"]["type"] == "integer"
    assert parameters["country"]["items"]["enum"][:2] == ["AD", "AE"]
    assert parameters["overdue"]["enum"] == ["false", "true"]
    assert parameters["end_after"] == {"type": "string", "format": "date"}
    for name in ("search", "sector", "member", "ordering", "page", "page_size"):
        assert name in parameters


def test_the_schema_is_for_signed_in_people_only(api_for, no_role):
    assert api_for(None).get("/api/schema/").status_code == 401
    assert api_for(no_role).get("/api/schema/").status_code == 403


# The docs page ---------------------------------------------------------------------------


def test_the_docs_page_loads_its_assets_from_the_app(owner):
    response = client_for(owner).get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources[:2] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    assert sources[2] == "/api/docs/?script="
    assert "https://" not in html  # nothing from a CDN
    for source in sources[:2]:
        assert client_for(owner).get(source).status_code == 200


def test_the_docs_page_has_no_inline_script_or_style(owner):
    response = client_for(owner).get("/api/docs/")
    html = response.content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert " style=" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_docs_start_up_script_points_at_the_schema(owner):
    response = client_for(owner).get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in response.content.decode()


def test_the_docs_page_asks_anonymous_visitors_to_sign_in(db):
    response = client_for(None).get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_docs_page_is_refused_to_an_account_without_a_role(no_role):
    assert client_for(no_role).get("/api/docs/").status_code == 403


def test_answers_are_typed_for_generated_clients(schema):
    """openapi-python-client crashed on the one-member allOf wrapping web and
    e-mail addresses, and typed fields that are always present as optional."""
    components = schema["components"]["schemas"]

    def inline_all_ofs(node):
        if isinstance(node, dict):
            members = node.get("allOf")
            found = int(bool(members) and len(members) == 1 and "$ref" not in members[0])
            return found + sum(inline_all_ofs(value) for value in node.values())
        if isinstance(node, list):
            return sum(inline_all_ofs(value) for value in node)
        return 0

    assert inline_all_ofs(components) == 0
    for component, name, format_name in (
        ("Organization", "website", "uri"),
        ("OrganizationRequest", "website", "uri"),
        ("Contact", "email", "email"),
        ("Partnership", "source_url", "uri"),
    ):
        filled, blank = components[component]["properties"][name]["anyOf"]
        assert (filled["type"], filled["format"]) == ("string", format_name)
        assert (blank["type"], blank["pattern"]) == ("string", r"^\s*$")
    for name in ("Organization", "Contact", "Partnership", "Meeting", "Action"):
        assert set(components[name]["required"]) == set(components[name]["properties"]), name
    assert components["Partnership"]["properties"]["value_amount"]["nullable"] is True
    assert "name" not in components["PatchedOrganizationRequest"].get("required", [])
