"""Spreadsheet imports of organizations and contacts in the admin, with the
files people have: a preview first (old → new for every change), then the
import in one transaction; every row's errors name the row and the column, and
a file with an error saves nothing; importing an accepted file again changes
nothing."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.models import Contact, Organization, Sector
from tests import factories
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot as page_rows

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/admin/partnerships/organization/"
CONTACTS = "/admin/partnerships/contact/"


@pytest.fixture
def hebei(db):
    return factories.OrganizationFactory(
        name="Hebei Province", local_name="河北省", romanization="Hebei", country="CN"
    )


@pytest.fixture
def chambery(db):
    return factories.OrganizationFactory(
        name="Ville de Chambéry",
        country="FR",
        locality="",
        aliases="City of Chambéry",
        notes="Twinned with Zhangjiakou.",
    )


@pytest.fixture
def tourism(db):
    """From the reference list that migrations fill."""
    return Sector.objects.get(slug="tourism-hospitality")


def db_snapshot() -> dict[str, object]:
    """Every row an import could write, with its history."""
    return {
        **page_rows(),
        "organizations": list(Organization.objects.order_by("pk").values()),
        "organization_sectors": sorted(
            Organization.sectors.through.objects.values_list("organization_id", "sector_id")
        ),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "history": (Organization.history.count(), Contact.history.count()),
    }


def csv_file(
    rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", name: str = "import.csv"
) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "import.xlsx") -> SimpleUploadedFile:
    """As LibreOffice writes it: empty cells are absent, so openpyxl reads None."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def preview(client, changelist: str, upload):
    return client.post(f"{changelist}import/", {"import_file": upload})


def confirm(client, changelist: str, previewed):
    """Press "Confirm import" on a preview page."""
    page = previewed.content.decode()
    shown = text_of(previewed)
    assert 'name="confirm"' in page, shown[shown.find("Preview") :][:2000]
    token = re.search(r'name="token" value="(\w+)"', page).group(1)
    return client.post(f"{changelist}import/confirm/", {"token": token, "confirm": "1"})


def imported(client, changelist: str, upload):
    response = confirm(client, changelist, preview(client, changelist, upload))
    assert response.status_code == 302, text_of(response)
    return response


def text_of(response) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return html.unescape(text.replace(" :", ":"))


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
    page = text_of(previewed)
    assert "Preview" in page
    assert "1 new, 1 updated, 0 unchanged, 0 with errors." in page
    assert "Locality: — → Chambéry" in page  # old → new
    assert not Organization.objects.filter(name="Shijiazhuang").exists()  # nothing yet

    response = confirm(client, ORGANIZATIONS, previewed)

    assert response.status_code == 302
    created = Organization.objects.get(name="Shijiazhuang")
    assert (created.kind, created.country.code, created.parent) == ("city", "CN", hebei)
    assert list(created.sectors.all()) == [tourism]
    assert created.local_name == "石家庄市"
    # The second row updated Ville de Chambéry instead of adding a duplicate,
    # and kept its name as stored (the file wrote it without capitals and accents).
    chambery.refresh_from_db()
    assert chambery.name == "Ville de Chambéry"
    assert chambery.locality == "Chambéry"
    assert Organization.objects.filter(country="FR").count() == 1
    # Saved like a form would: searchable, with its history and who did it.
    assert Organization.objects.search("石家庄").get() == created
    assert created.history.earliest().history_type == "+"
    assert {entry.history_user for entry in created.history.all()} == {admin_user}
    assert chambery.history.latest().history_type == "~"


def test_a_libreoffice_workbook_with_empty_cells_imports(admin_user, hebei):
    client = client_for(admin_user)
    header = ["name", "local_name", "aliases", "kind", "country", "parent", "notes", "website"]
    upload = xlsx_file(
        [
            header,
            ["Baoding", "保定市", "", "city", "CN", "河北省", "", ""],
            ["Xingtai", "", "", "city", "CN", "Hebei Province", "", "www.xingtai.gov.cn"],
        ]
    )

    imported(client, ORGANIZATIONS, upload)

    baoding = Organization.objects.get(name="Baoding")
    assert (baoding.parent, baoding.aliases, baoding.notes) == (hebei, "", "")
    assert Organization.objects.get(name="Xingtai").website == "https://www.xingtai.gov.cn"


def test_an_update_changes_only_the_columns_of_the_file_and_never_blanks_a_field(
    admin_user, chambery
):
    client = client_for(admin_user)
    upload = csv_file(
        [
            ["name", "country", "aliases", "notes", "locality"],
            ["  ville de chambery ", "FR", "", "", "Chambéry"],
        ]
    )

    imported(client, ORGANIZATIONS, upload)

    chambery.refresh_from_db()
    assert chambery.name == "Ville de Chambéry"
    assert chambery.aliases == "City of Chambéry"
    assert chambery.notes == "Twinned with Zhangjiakou."
    assert chambery.locality == "Chambéry"
    assert Organization.objects.search("City of Chambéry").get() == chambery


def test_aliases_in_a_file_are_added_to_those_known(admin_user, chambery):
    client = client_for(admin_user)

    imported(
        client,
        ORGANIZATIONS,
        csv_file(
            [
                ["name", "country", "aliases"],
                ["Ville de Chambéry", "FR", "Chambéry; city of chambéry"],
            ]
        ),
    )

    chambery.refresh_from_db()
    assert chambery.alias_list() == ["City of Chambéry", "Chambéry"]


def test_an_accepted_file_imports_again_and_changes_nothing(admin_user, hebei, chambery):
    client = client_for(admin_user)
    rows = [
        ["name", "local_name", "romanization", "kind", "country", "parent", "aliases"],
        ["Zhangjiakou", "张家口市", "Zhangjiakou", "city", "CN", "Hebei", "Kalgan"],
        ["Chongli District", "崇礼区", "Chongli", "government", "CN", "Zhangjiakou", ""],
        ["Ville de Chambéry", "", "", "city", "FR", "", "City of Chambéry"],
    ]
    imported(client, ORGANIZATIONS, csv_file(rows))
    before = db_snapshot()

    previewed = preview(client, ORGANIZATIONS, csv_file(rows))

    assert "0 new, 0 updated, 3 unchanged, 0 with errors." in text_of(previewed)
    confirm(client, ORGANIZATIONS, previewed)
    assert db_snapshot() == before
    chongli = Organization.objects.get(name="Chongli District")
    assert chongli.parent.name == "Zhangjiakou"


def test_a_parent_listed_below_its_children_in_the_file_is_created_first(admin_user):
    client = client_for(admin_user)

    imported(
        client,
        ORGANIZATIONS,
        csv_file(
            [
                ["name", "country", "parent"],
                ["Chengdu Hi-tech Zone", "CN", "Sichuan Province"],
                ["Sichuan Province", "CN", ""],
            ]
        ),
    )

    assert Organization.objects.get(name="Chengdu Hi-tech Zone").parent.name == "Sichuan Province"


def test_every_rows_errors_are_listed_with_row_and_column_and_nothing_is_saved(admin_user, hebei):
    client = client_for(admin_user)
    before = db_snapshot()
    upload = csv_file(
        [
            ORG_HEADER,
            ["Tangshan", "", "town hall", "CN", "", "Ski; Nowhere", ""],
            ["Qinhuangdao", "", "city", "Atlantis", "Nowhere", "", ""],
            ["Langfang", "", "city", "CN", "", "", ""],
            ["", "", "city", "CN", "", "", ""],
        ]
    )

    response = preview(client, ORGANIZATIONS, upload)

    page = text_of(response)
    assert "1 new, 0 updated, 0 unchanged, 3 with errors." in page
    # Row 2: the kind and the sectors, both reported (one does not hide the other).
    assert "“town hall” is not one of the choices. Write one of:" in page
    assert "Unknown sectors: Ski; Nowhere. The sectors are:" in page
    # Row 3: the country and the parent.
    assert "“Atlantis” is not a country." in page
    assert "No organization is named “Nowhere”." in page
    # Row 5: no name.
    assert "name (Name): This cell is empty" in page
    assert 'name="confirm"' not in response.content.decode()
    assert "Nothing was imported" in page
    assert db_snapshot() == before


def test_a_semicolon_csv_in_windows_1252_is_read_and_said(admin_user, chambery):
    client = client_for(admin_user)
    upload = csv_file(
        [["Nom", "Pays", "Localité"], ["Ville de Chambéry", "France", "Chambéry"]],
        delimiter=";",
        encoding="cp1252",
    )

    previewed = preview(client, ORGANIZATIONS, upload)

    assert "read as Windows-1252" in text_of(previewed)
    confirm(client, ORGANIZATIONS, previewed)
    chambery.refresh_from_db()
    assert chambery.locality == "Chambéry"


def test_a_utf8_csv_with_a_byte_order_mark_and_semicolons_imports(admin_user):
    client = client_for(admin_user)
    body = "\ufeffname;country;kind\nZhengzhou;CN;Ville\n".encode()

    imported(client, ORGANIZATIONS, SimpleUploadedFile("excel.csv", body))

    assert Organization.objects.get(name="Zhengzhou").kind == "city"


CONTACT_HEADER = [
    "organization",
    "organization_country",
    "name",
    "email",
    "messaging_app",
    "is_active",
    "notes",
]


def test_contacts_are_imported_at_organizations_named_in_the_file(admin_user, hebei):
    factories.OrganizationFactory(name="Plasticval", country="FR")
    client = client_for(admin_user)
    upload = xlsx_file(
        [
            CONTACT_HEADER,
            ["河北省", "", "  Zhang Wei ", " zhang.wei@hebei.example ", "微信", "oui", ""],
            ["Plasticval", "FR", "Anne Martin", "", "WhatsApp", "yes", ""],
            ["Plasticval", "", "Paul Roux", "", "", "non", ""],
            ["Plasticval", "", "Léa Petit", "", "", "x", ""],
        ]
    )

    imported(client, CONTACTS, upload)

    zhang = Contact.objects.get(name="Zhang Wei")
    assert (zhang.organization, zhang.email, zhang.messaging_app) == (
        hebei,
        "zhang.wei@hebei.example",
        "wechat",
    )
    assert zhang.is_active and zhang.notes == ""
    assert Contact.objects.get(name="Anne Martin").messaging_app == "whatsapp"
    assert Contact.objects.get(name="Paul Roux").is_active is False
    assert Contact.objects.get(name="Léa Petit").is_active is True


@pytest.mark.parametrize(
    ("cell", "active"),
    [
        *[(word, True) for word in ("yes", "oui", "1", "x", "TRUE", "Vrai")],
        *[(word, False) for word in ("no", "non", "0", "false", "Faux")],
    ],
)
def test_yes_and_no_are_read_in_english_french_and_digits(admin_user, hebei, cell, active):
    imported(
        client_for(admin_user),
        CONTACTS,
        csv_file([["organization", "name", "is_active"], ["Hebei Province", "Li Na", cell]]),
    )

    assert Contact.objects.get(name="Li Na").is_active is active


def test_a_word_that_is_not_yes_or_no_is_an_error_not_false(admin_user, hebei):
    response = preview(
        client_for(admin_user),
        CONTACTS,
        csv_file([["organization", "name", "is_active"], ["Hebei Province", "Li Na", "maybe"]]),
    )

    assert "“maybe” is neither yes nor no." in text_of(response)
    assert not Contact.objects.exists()


def test_an_ambiguous_or_unknown_organization_is_refused(admin_user):
    factories.OrganizationFactory(name="Plasticval", country="FR")
    factories.OrganizationFactory(name="Plasticval", country="CN")
    client = client_for(admin_user)
    upload = csv_file(
        [["organization", "name"], ["Plasticval", "Anne Martin"], ["Nowhere Inc", "Bob"]]
    )

    response = preview(client, CONTACTS, upload)

    page = text_of(response)
    assert "Several organizations match “Plasticval”" in page
    assert "No organization is named “Nowhere Inc”." in page
    assert not Contact.objects.exists()


def test_exports_import_back_unchanged_with_formulas_kept_as_text(admin_user, hebei):
    client = client_for(admin_user)
    factories.ContactFactory(organization=hebei, name="=HYPERLINK(1)", phone="+86 311 8765 4321")

    csv_export = client.get(f"{CONTACTS}export/", {"format": "csv"})
    xlsx_export = client.get(f"{CONTACTS}export/")

    assert csv_export.status_code == 200
    exported = csv_export.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in exported
    assert "'+86 311 8765 4321" in exported
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.content)).worksheets[0]
    rows = list(sheet.iter_rows())
    cells = {head.value: cell for head, cell in zip(rows[0], rows[1], strict=True)}
    assert (cells["name"].value, cells["name"].data_type) == ("=HYPERLINK(1)", "s")
    assert (cells["phone"].value, cells["phone"].data_type) == ("+86 311 8765 4321", "s")
    before = db_snapshot()

    for name, body in (
        ("contacts.csv", csv_export.content),
        ("contacts.xlsx", xlsx_export.content),
    ):
        previewed = preview(client, CONTACTS, SimpleUploadedFile(name, body))
        assert "0 new, 0 updated, 1 unchanged, 0 with errors." in text_of(previewed)

    assert db_snapshot() == before


def test_each_import_has_a_template_with_english_and_french_examples(admin_user):
    client = client_for(admin_user)
    for model in ("organization", "contact", "partnership", "meeting", "action"):
        response = client.get(f"/admin/partnerships/{model}/import/template/")

        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert len(rows) == 3  # the columns, an English row, a French row
        assert len(list(book.worksheets[1].iter_rows())) == len(rows[0]) + 1


def test_the_organization_template_imports_as_it_is(admin_user):
    client = client_for(admin_user)
    factories.OrganizationFactory(name="Hebei Province", country="CN")
    template = client.get(f"{ORGANIZATIONS}import/template/").content

    imported(client, ORGANIZATIONS, SimpleUploadedFile("template.xlsx", template))

    assert Organization.objects.get(name="Zhangjiakou").parent.name == "Hebei Province"
    assert Organization.objects.get(name="Ville de Chambéry").kind == "city"


def test_staff_and_managers_cannot_import(owner, manager):
    for person in (owner, manager):
        for url in (f"{ORGANIZATIONS}import/", f"{ORGANIZATIONS}import/template/"):
            response = client_for(person).get(url)
            assert response.status_code == 403  # the admin is for admins: no sign-in form
            assert "The administration pages are for administrators." in response.content.decode()


def test_a_preview_token_of_someone_else_is_refused(admin_user, hebei):
    client = client_for(admin_user)
    previewed = preview(
        client, CONTACTS, csv_file([["organization", "name"], ["Hebei Province", "Li Na"]])
    )
    token = re.search(r'name="token" value="(\w+)"', previewed.content.decode()).group(1)

    stranger = client_for(factories.AdminFactory())
    response = stranger.post(f"{CONTACTS}import/confirm/", {"token": token})

    assert response.status_code == 302
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file([["name", "kind"], ["Foo", "city"]]), "The file has no column “country"),
        (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04garbage"), "could not be read as an Excel"),
        (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "old Excel file"),
        (
            SimpleUploadedFile("mixed.csv", "name,country\nChambéry,FR\n".encode() + b"\x81\xff"),
            "neither UTF-8 nor Windows-1252",
        ),
        (SimpleUploadedFile("empty.csv", b"  \n"), "The file is empty."),
    ],
    ids=["missing-column", "not-excel", "xls", "not-an-encoding", "empty"],
)
def test_an_unreadable_file_is_refused_with_a_message(admin_user, upload, message):
    response = preview(client_for(admin_user), ORGANIZATIONS, upload)

    assert response.status_code == 200
    assert message in text_of(response)
    assert 'name="confirm"' not in response.content.decode()
    assert not Organization.objects.exists()
