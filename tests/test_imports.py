"""Spreadsheet imports and exports of organizations and contacts in the admin:
a preview first, then the import in one transaction; errors name the row and
the column, and a file with an error saves nothing."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.imports import ContactResource
from partnerships.models import Contact, Organization, Sector
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/admin/partnerships/organization/"
CONTACTS = "/admin/partnerships/contact/"
CSV, XLSX = "0", "1"


@pytest.fixture
def hebei(db):
    return factories.OrganizationFactory(
        name="Hebei Province", local_name="河北省", romanization="Hebei", country="CN"
    )


@pytest.fixture
def chambery(db):
    return factories.OrganizationFactory(name="Ville de Chambéry", country="FR", locality="")


@pytest.fixture
def tourism(db):
    """From the reference list that migrations fill."""
    return Sector.objects.get(slug="tourism-hospitality")


def csv_file(rows: list[list[str]], name: str = "import.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows: list[list[str]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("import.xlsx", out.getvalue())


def preview(client, changelist: str, upload, file_format: str = CSV):
    return client.post(
        f"{changelist}import/", {"resource": "0", "format": file_format, "import_file": upload}
    )


def confirm(client, changelist: str, previewed):
    """Press "Confirm import" on a preview page."""
    page = previewed.content.decode()
    assert 'name="confirm"' in page, "the preview offers no confirmation"
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(f"{changelist}process_import/", hidden)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


ORG_HEADER = ["name", "local_name", "kind", "country", "parent", "sectors", "locality"]


def test_organizations_are_previewed_then_imported_as_people_write_them(
    admin_user, hebei, chambery, tourism
):
    client = client_for(admin_user)
    upload = csv_file(
        [
            ORG_HEADER,
            [
                "Shijiazhuang",
                "石家庄市",
                "Ville",
                "Chine",
                "hebei",
                "Tourisme et hôtellerie",
                "Shijiazhuang",
            ],
            ["ville de chambery", "", "city", "France", "", "tourism-hospitality", "Chambéry"],
        ]
    )

    previewed = preview(client, ORGANIZATIONS, upload)

    assert previewed.status_code == 200
    assert "Preview" in text_of(previewed)
    assert not Organization.objects.filter(name="Shijiazhuang").exists()  # nothing yet

    response = confirm(client, ORGANIZATIONS, previewed)

    assert response.status_code == 302
    created = Organization.objects.get(name="Shijiazhuang")
    assert (created.kind, created.country.code, created.parent) == ("city", "CN", hebei)
    assert list(created.sectors.all()) == [tourism]
    assert created.local_name == "石家庄市"
    # The second row updated Ville de Chambéry instead of adding a duplicate.
    chambery.refresh_from_db()
    assert chambery.locality == "Chambéry"
    assert Organization.objects.filter(country="FR").count() == 1
    # Saved like a form would: searchable, with its history and who did it.
    assert Organization.objects.search("石家庄").get() == created
    assert created.history.earliest().history_type == "+"
    assert {entry.history_user for entry in created.history.all()} == {admin_user}
    assert chambery.history.latest().history_type == "~"


def test_an_excel_file_imports_too(admin_user, hebei):
    client = client_for(admin_user)
    upload = xlsx_file([ORG_HEADER, ["Baoding", "保定市", "city", "CN", "河北省", "", ""]])

    confirm(client, ORGANIZATIONS, preview(client, ORGANIZATIONS, upload, XLSX))

    assert Organization.objects.get(name="Baoding").parent == hebei


def test_a_file_with_errors_names_each_bad_cell_and_saves_nothing(admin_user, hebei):
    client = client_for(admin_user)
    before = Organization.objects.count()
    upload = csv_file(
        [
            ORG_HEADER,
            ["Tangshan", "唐山市", "city", "CN", "hebei", "", ""],  # fine on its own
            ["Atlantis", "", "city", "Atlantide", "", "", ""],
            ["Langfang", "", "planet", "CN", "Nowhere Province", "Space mining", ""],
            ["", "", "city", "CN", "", "", ""],
        ]
    )

    response = preview(client, ORGANIZATIONS, upload)

    page = text_of(response)
    assert "“Atlantide” is not a country name or code." in page
    assert "“planet” is not one of:" in page
    assert "No organization is named “Nowhere Province”." in page
    assert "This field cannot be blank." in page
    assert 'name="confirm"' not in response.content.decode()
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(name="Tangshan").exists()


def test_an_unknown_sector_is_reported_and_nothing_saved(admin_user):
    client = client_for(admin_user)
    upload = csv_file([ORG_HEADER, ["Langfang", "", "city", "CN", "", "Space mining", ""]])

    response = preview(client, ORGANIZATIONS, upload)

    assert "Unknown sectors: Space mining." in text_of(response)
    assert 'name="confirm"' not in response.content.decode()
    assert not Organization.objects.exists()


def test_a_duplicate_name_in_the_same_country_is_an_update_not_an_error(admin_user, hebei):
    client = client_for(admin_user)
    upload = csv_file([ORG_HEADER, ["HEBEI  province", "", "region", "CN", "", "", "Shijiazhuang"]])

    confirm(client, ORGANIZATIONS, preview(client, ORGANIZATIONS, upload))

    hebei.refresh_from_db()
    assert hebei.locality == "Shijiazhuang"
    assert hebei.name == "HEBEI  province"  # the file's spelling wins
    assert Organization.objects.count() == 1


CONTACT_HEADER = ["organization", "organization_country", "name", "title", "messaging_app", "phone"]


def test_contacts_are_imported_at_organizations_named_in_the_file(admin_user, hebei):
    client = client_for(admin_user)
    namesake = factories.OrganizationFactory(name="Plasticval", country="FR")
    factories.OrganizationFactory(name="Plasticval", country="CN")
    existing = factories.ContactFactory(organization=hebei, name="Li Wei", title="")
    upload = csv_file(
        [
            CONTACT_HEADER,
            ["Hebei Province", "", "li wei", "Director of foreign affairs", "WeChat", ""],
            ["plasticval", "France", "Claire Martin", "Cluster manager", "", "+33 4 79 00 00 00"],
        ]
    )

    confirm(client, CONTACTS, preview(client, CONTACTS, upload))

    existing.refresh_from_db()
    assert existing.title == "Director of foreign affairs"
    assert existing.messaging_app == "wechat"
    claire = Contact.objects.get(name="Claire Martin")
    assert claire.organization == namesake
    assert claire.phone == "+33 4 79 00 00 00"
    assert claire.is_active
    assert Contact.objects.count() == 2


def test_an_ambiguous_or_unknown_organization_is_refused(admin_user):
    client = client_for(admin_user)
    factories.OrganizationFactory(name="Plasticval", country="FR")
    factories.OrganizationFactory(name="Plasticval", country="CN")
    upload = csv_file(
        [
            CONTACT_HEADER,
            ["Plasticval", "", "Claire Martin", "", "", ""],
            ["Nowhere Inc", "", "John Doe", "", "", ""],
        ]
    )

    response = preview(client, CONTACTS, upload)

    page = text_of(response)
    assert "Several organizations are named “Plasticval”: write its id instead." in page
    assert "No organization is named “Nowhere Inc”." in page
    assert not Contact.objects.exists()


def test_exports_neutralise_formulas_and_import_back_unchanged(admin_user, hebei):
    client = client_for(admin_user)
    factories.ContactFactory(organization=hebei, name="=HYPERLINK(1)", phone="+86 311 8765 4321")

    response = client.post(
        f"{CONTACTS}export/",
        {"format": CSV, "resource": "0", **{f"contactresource_{f}": "on" for f in FIELDS}},
    )

    assert response.status_code == 200
    exported = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in exported
    assert "'+86 311 8765 4321" in exported

    reimported = SimpleUploadedFile("contacts.csv", exported.encode(), content_type="text/csv")
    confirm(client, CONTACTS, preview(client, CONTACTS, reimported))

    contact = Contact.objects.get()
    assert (contact.name, contact.phone) == ("=HYPERLINK(1)", "+86 311 8765 4321")


FIELDS = ContactResource.Meta.fields


def test_staff_and_managers_cannot_import(owner, manager):
    for person in (owner, manager):
        response = client_for(person).get(f"{ORGANIZATIONS}import/")
        assert response.status_code == 403  # the admin is for admins: a 403 page, no sign-in form
        assert "The administration pages are for administrators." in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "file_format", "message"),
    [
        (csv_file([["name", "kind"], ["Foo", "city"]]), CSV, "file headers: country"),
        (SimpleUploadedFile("broken.xlsx", b"\x00garbage"), XLSX, "while trying to read file"),
        (
            SimpleUploadedFile("latin1.csv", "name,country\nChambéry,FR\n".encode("latin-1")),
            CSV,
            "while trying to read file",
        ),
        (SimpleUploadedFile("empty.csv", b""), CSV, "The submitted file is empty."),
    ],
    ids=["missing-column", "not-excel", "not-utf8", "empty"],
)
def test_an_unreadable_file_is_refused_with_a_message(admin_user, upload, file_format, message):
    response = preview(client_for(admin_user), ORGANIZATIONS, upload, file_format)

    assert response.status_code == 200
    assert message in text_of(response).replace("&#x27;", "'")
    assert 'name="confirm"' not in response.content.decode()
    assert not Organization.objects.exists()
