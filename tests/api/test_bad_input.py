"""Bad input is a 400 (or a 404 for an address that names nothing), always with
a JSON body, never a server error."""

from __future__ import annotations

import pytest

from partnerships.models import Organization, Partnership

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def _post_raw(client, url: str, body: bytes | str, content_type: str = "application/json"):
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize(
    "body",
    [
        "{",
        '{"title": }',
        "not json at all",
        '{"title": "NaN is not JSON", "value_amount": NaN}',
        b"\xff\xfe\x00",
        '{"title": "\\ud800"}',  # half of a surrogate pair: no database can store it
    ],
)
def test_malformed_json_is_a_400(api, body):
    response = _post_raw(api, "/api/partnerships/", body)

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Partnership.objects.exists()


def test_json_nested_too_deeply_is_a_400(api):
    response = _post_raw(api, "/api/organizations/", "[" * 100_000)

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_body_larger_than_the_limit_is_refused_before_reading_it(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = _post_raw(api, "/api/organizations/", '{"name": "' + "x" * 2000 + '"}')

    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


def test_a_notice_period_reaching_before_year_one_is_refused(api, partnership):
    response = api.patch(
        f"/api/partnerships/{partnership.pk}/",
        {"end_date": "0001-01-05", "renewal_notice_days": 30, "version": 1},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["renewal_notice_days"]


@pytest.mark.parametrize("body", ["[]", '"a string"', "42", "null", '[{"title": "x"}]'])
def test_json_that_is_not_an_object_is_a_400(api, body):
    response = _post_raw(api, "/api/organizations/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("owner", "abc"),
        ("owner", 1.5),
        ("owner", True),
        ("owner", [1]),
        ("owner", {"id": 1}),
        ("owner", int(HUGE)),
        ("owner", -1),
        ("team", "1,2"),
        ("team", [1.5]),
        ("sectors", [int(HUGE)]),
        ("origin_meeting", "x"),
        ("value_amount", "lots"),
        ("value_amount", "12345678901234567.00"),
        ("value_amount", "1.234"),
        ("renewal_notice_days", "soon"),
        ("renewal_notice_days", -5),
        ("renewal_notice_days", 10**20),
        ("renews_tacitly", "perhaps"),
        ("kind", "friendship"),
        ("value_currency", "GBP"),
        ("signed_on", "2024-02-30"),
        ("signed_on", "yesterday"),
        ("signed_on", 20240101),
        ("start_date", "10000-01-01"),
        ("source_url", "javascript:alert(1)"),
        ("parties", {"organization": 1}),
        ("parties", [{"organization": "x"}]),
        ("parties", [{"organization": 1, "role": "boss"}]),
        ("title", "x" * 201),
        ("title", "x" * 200 + " "),
        ("value_note", " " * 201),
        ("title", ""),
        ("title", None),
        ("title", "nul\x00byte"),
        ("title", 12),
        ("title", ["a list"]),
        ("summary", {"an": "object"}),
        ("renews_tacitly", "true"),
        ("renews_tacitly", 1),
        ("renewal_notice_days", "30"),
        ("renewal_notice_days", 30.5),
        ("owner", "1"),
        ("team", {"1": "x"}),
        ("sectors", "1"),
        ("value_note", "y" * 201),
        ("source_reference", "z" * 301),
    ],
)
def test_a_wrong_value_is_a_400_on_its_field(api, world, field, value):
    body = {"title": "A valid title", field: value}

    response = api.post("/api/partnerships/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Partnership.objects.count() == 1  # the fixture's, nothing more


def test_an_oversized_name_is_refused_with_its_limit(api):
    response = api.post("/api/organizations/", {"name": "N" * 300, "country": "CN"})

    assert response.status_code == 400
    assert response.json() == {"name": ["Ensure this field has no more than 200 characters."]}
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/partnerships/424242/",
        f"/api/partnerships/{HUGE}/",
        "/api/partnerships/-1/",
        "/api/partnerships/abc/",
        "/api/partnerships/1.5/",
        "/api/partnerships/%00/",
        "/api/actions/-4.468747405268507e-166/",
        "/api/actions/424242/complete/",
        f"/api/meetings/{HUGE}/restore/",
        "/api/no-such-resource/",
    ],
)
def test_an_unknown_address_is_a_json_404(api_for, manager, path):
    client = api_for(manager)
    client.handler.enforce_csrf_checks = True  # as a real client: no CSRF exemption

    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
        assert response["Content-Type"] == "application/json"


def test_a_missing_trailing_slash_is_a_404_that_says_which_address_was_meant(api):
    response = api.post("/api/partnerships", {"title": "x"})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. Did you mean /api/partnerships/ (with a trailing slash)?"
    }
    assert api.get("/api/nowhere").json() == {"detail": "Not found."}


def test_unknown_ids_in_a_body_are_field_errors(api, partnership):
    response = api.post(
        f"/api/partnerships/{partnership.pk}/move/",
        {"stage": "contract", "document": 424242, "version": 1},
    )

    assert response.status_code == 400
    assert response.json() == {"document": ['Invalid pk "424242" - object does not exist.']}


@pytest.mark.parametrize(
    "body",
    [
        {"stage": ["contract"]},
        {"stage": None},
        {},
        {"stage": "contract", "effective_date": "31/12/2024"},
        {"stage": "contract", "version": "one"},
        {"stage": "contract", "version": 0},
        {"stage": "contract", "version": 2**40},
        {"stage": "contract", "note": 12},
    ],
)
def test_a_bad_move_request_is_a_400(api, partnership, body):
    response = api.post(f"/api/partnerships/{partnership.pk}/move/", body, format="json")

    assert response.status_code == 400
    partnership.refresh_from_db()
    assert partnership.stage == "prospect"


def test_a_version_beyond_any_real_one_is_refused_not_overflowed(api, partnership):
    response = api.patch(
        f"/api/partnerships/{partnership.pk}/", {"title": "x", "version": 10**30}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()


def test_an_unsupported_body_type_is_a_415(api):
    response = _post_raw(api, "/api/organizations/", "name=x", content_type="text/plain")

    assert response.status_code == 415
    assert "detail" in response.json()


def test_bodies_are_json_except_document_uploads(api):
    response = api.post(
        "/api/organizations/",
        {"name": "Yanqing", "country": "CN", "kind": "city"},
        format="multipart",
    )

    assert response.status_code == 415
    assert not Organization.objects.exists()
