"""Uploads are checked by what the file is: every hostile kind is refused on
the page and in the API, with nothing stored; every accepted kind, when real,
is stored with the content type it really has."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.models import Document
from tests import factories, upload_samples
from tests.api.conftest import token_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.DOCUMENT_MAX_EXPANDED_BYTES = upload_samples.TEST_MAX_EXPANDED_BYTES
    settings.DOCUMENT_MAX_ZIP_ENTRIES = upload_samples.TEST_MAX_ZIP_ENTRIES
    settings.DOCUMENT_MAX_IMAGE_PIXELS = upload_samples.TEST_MAX_IMAGE_PIXELS


def _content(made) -> bytes:
    return made() if callable(made) else made


def _page_upload(client, partnership, name: str, content: bytes):
    return client.post(
        f"/partnerships/{partnership.pk}/documents/new/",
        {
            "title": "Cooperation agreement",
            "kind": "agreement",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _ids(table) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for name, _content_made, fragment in table:
        base = f"{name}: {fragment}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return ids


def test_the_hostile_table_covers_every_accepted_kind_and_the_refused_ones():
    """A representative table: each allowed extension has at least one hostile
    file, and so do the kinds refused by name."""
    extensions = {name.rpartition(".")[2] for name, _c, _f in upload_samples.HOSTILE}
    assert {"pdf", "txt", "docx", "odt", "png", "jpg", "doc", "svg", "html"} <= extensions
    assert len(upload_samples.HOSTILE) >= 34


@pytest.mark.parametrize(
    ("name", "content", "fragment"), upload_samples.HOSTILE, ids=_ids(upload_samples.HOSTILE)
)
def test_a_hostile_upload_is_refused_on_the_page_and_nothing_is_stored(
    owner, partnership, settings, name, content, fragment
):
    response = _page_upload(client_for(owner), partnership, name, _content(content))

    assert response.status_code == 400
    assert fragment in response.context["form"].errors["file"][0]
    assert not Document.all_objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [row for row in upload_samples.HOSTILE if not callable(row[1])][::3],
    ids=_ids([row for row in upload_samples.HOSTILE if not callable(row[1])][::3]),
)
def test_a_hostile_upload_is_refused_by_the_api_as_on_the_page(
    owner, partnership, name, content, fragment
):
    response = token_client(owner).post(
        "/api/documents/",
        {
            "partnership": partnership.pk,
            "kind": "agreement",
            "title": "Cooperation agreement",
            "file": SimpleUploadedFile(name, content, "application/octet-stream"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert fragment in response.json()["file"][0]
    assert not Document.all_objects.exists()


@pytest.mark.parametrize(("name", "content"), upload_samples.VALID, ids=lambda v: str(v)[:20])
def test_a_real_file_of_each_accepted_kind_is_stored_as_what_it_is(
    owner, partnership, name, content
):
    response = _page_upload(client_for(owner), partnership, name, content)

    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get()
    expected = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "doc": "application/msword",
        "txt": "text/plain",
    }[name.rpartition(".")[2]]
    assert document.content_type == expected
    assert document.file.read() == content


def test_a_zip_declaring_a_gigabyte_is_refused_without_inflating_it(owner, partnership, settings):
    """With the default limit: the sizes the headers declare are summed first."""
    settings.DOCUMENT_MAX_EXPANDED_BYTES = 200 * 1024 * 1024
    data = bytearray(upload_samples.office("docx", extra={"word/media/big.bin": b"x" * 100}))
    # Declare 1 GiB for that part in the central directory.
    at = data.find(b"PK\x01\x02")
    name = b"word/media/big.bin"
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 24 : at + 28] = (1024**3).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)

    response = _page_upload(client_for(owner), partnership, "agreement.docx", bytes(data))

    assert response.status_code == 400
    assert "expands to more than 200" in response.context["form"].errors["file"][0]


def test_a_refused_upload_in_the_admin_stores_nothing(admin_user, partnership, settings):
    response = client_for(admin_user).post(
        "/admin/partnerships/document/add/",
        {
            "partnership": partnership.pk,
            "kind": "agreement",
            "title": "Smuggled",
            "file": SimpleUploadedFile("notes.txt", codecs.BOM_UTF8 + upload_samples.SVG),
            "signings-TOTAL_FORMS": 0,
            "signings-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert not Document.all_objects.exists()
    assert _stored_files(settings) == []


def test_the_factory_document_is_a_real_pdf():
    """Other tests attach the factory's file: it passes the same checks."""
    from partnerships.uploads import check_document_file

    document = factories.DocumentFactory()
    document.file.open("rb")
    upload = SimpleUploadedFile("agreement.pdf", document.file.read())

    assert check_document_file(upload).content_type == "application/pdf"
