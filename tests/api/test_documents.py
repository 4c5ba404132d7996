"""/api/documents/: metadata with a permission-checked download address, and
uploads checked exactly like on the pages."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import lifecycle
from partnerships.models import Document
from tests import upload_samples
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PDF = upload_samples.PDF  # a real one-page PDF: uploads must parse


def _upload(world, **overrides) -> dict:
    return {
        "partnership": world.partnership.pk,
        "kind": "agreement",
        "title": "Cooperation agreement",
        "signed_on": "2018-11-29",
        "signed_place": "Chambéry",
        "meeting": world.meeting.pk,
        "signatories": [world.contact.pk],
        "file": SimpleUploadedFile("agreement.pdf", PDF, "application/pdf"),
        **overrides,
    }


def test_uploading_a_document_records_its_file_facts_and_signatories(api, world, owner):
    response = api.post("/api/documents/", _upload(world), format="multipart")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["original_name"] == "agreement.pdf"
    assert data["content_type"] == "application/pdf"
    assert data["size"] == len(PDF)
    assert data["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert data["uploaded_by"] == owner.pk
    assert data["meeting_title"] == "Mission to Hebei"
    assert data["signatories"] == [
        {"contact": world.contact.pk, "contact_name": "Li Wei", "title_at_signing": "Director"}
    ]
    assert data["download_url"] == f"http://testserver/documents/{data['id']}/download/"


def test_the_download_address_serves_the_file_to_staff(api, world, outsider):
    data = api.post("/api/documents/", _upload(world), format="multipart").json()

    response = client_for(outsider).get(data["download_url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "cannot be attached"),
        ("drawing.svg", b"<svg></svg>", "cannot be attached"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_unsafe_files_are_refused_like_on_the_pages(api, world, name, content, message):
    upload = _upload(world, file=SimpleUploadedFile(name, content, "application/octet-stream"))

    response = api.post("/api/documents/", upload, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
    assert message in response.json()["file"][0]
    assert not Document.objects.filter(title="Cooperation agreement").exists()


def test_a_document_larger_than_the_limit_is_refused(api, world, settings):
    settings.DOCUMENT_MAX_BYTES = 10

    response = api.post("/api/documents/", _upload(world), format="multipart")

    assert response.status_code == 400
    assert "too large" in response.json()["file"][0]


def test_an_outsider_cannot_attach_documents_to_someone_elses_partnership(api_for, outsider, world):
    response = api_for(outsider).post("/api/documents/", _upload(world), format="multipart")

    assert response.status_code == 403
    assert not Document.objects.filter(title="Cooperation agreement").exists()


def test_documents_are_sent_as_multipart_not_json(api, world):
    response = api.post("/api/documents/", {"partnership": world.partnership.pk, "title": "x"})

    assert response.status_code == 415


def test_documents_of_a_deleted_partnership_are_hidden(api, world, manager):
    lifecycle.soft_delete(world.partnership, by=manager)

    assert api.get("/api/documents/").json()["count"] == 0
    assert api.get(f"/api/documents/{world.document.pk}/").status_code == 404


def test_documents_cannot_be_edited_through_the_api(api, world):
    response = api.patch(f"/api/documents/{world.document.pk}/", {"title": "New"})

    assert response.status_code == 405
