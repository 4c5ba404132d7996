"""Organization and contact pages: lists with filters, detail pages, create and
edit forms, and the near-duplicate warning."""

from __future__ import annotations

import html
import re

import pytest

from partnerships import lifecycle
from partnerships.models import Contact, Organization, Sector
from tests import factories
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot

pytestmark = pytest.mark.django_db


def row_titles(response) -> list[str]:
    titles = re.findall(r'class="row-title" href="[^"]*">([^<]*)</a>', response.content.decode())
    return [html.unescape(title) for title in titles]


def field_errors(response, name: str) -> str:
    match = re.search(
        rf'<ul class="errorlist" id="id_{re.escape(name)}_error">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


@pytest.fixture
def atlas():
    """Hebei with Zhangjiakou inside it, a French city, a hospital."""
    winter = Sector.objects.get(slug="mountain-winter-sports")
    hebei = factories.OrganizationFactory(
        name="Hebei Province", local_name="河北省", kind="region", country="CN", locality=""
    )
    zhangjiakou = factories.OrganizationFactory(
        name="Zhangjiakou",
        local_name="张家口市",
        aliases="Kalgan",
        kind="city",
        country="CN",
        parent=hebei,
    )
    zhangjiakou.sectors.set([winter, Sector.objects.get(slug="tourism-hospitality")])
    chambery = factories.OrganizationFactory(
        name="Ville de Chambéry", kind="city", country="FR", locality="Chambéry"
    )
    ruijin = factories.OrganizationFactory(
        name="Ruijin Hospital", kind="hospital", country="CN", locality="Shanghai"
    )
    return {"hebei": hebei, "zhangjiakou": zhangjiakou, "chambery": chambery, "ruijin": ruijin}


# Organization list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "city"}, ["Ville de Chambéry", "Zhangjiakou"]),
        ({"country": "FR"}, ["Ville de Chambéry"]),
        ({"sector": "mountain-winter-sports"}, ["Zhangjiakou"]),
        ({"sector": ["mountain-winter-sports", "tourism-hospitality"]}, ["Zhangjiakou"]),
        ({"search": "chambery"}, ["Ville de Chambéry"]),
        ({"search": "CHAMBÉRY"}, ["Ville de Chambéry"]),
        ({"search": "zhang"}, ["Zhangjiakou"]),
        ({"search": "张家口"}, ["Zhangjiakou"]),
        ({"search": "kalgan"}, ["Zhangjiakou"]),
        ({"parent": "HEBEI"}, ["Zhangjiakou"]),
        (
            {"ordering": "-name"},
            ["Zhangjiakou", "Ville de Chambéry", "Ruijin Hospital", "Hebei Province"],
        ),
    ],
)
def test_the_organization_list_filters_and_sorts(outsider, atlas, query, expected):
    query = {k: atlas["hebei"].pk if v == "HEBEI" else v for k, v in query.items()}

    response = client_for(outsider).get("/organizations/", query)

    assert response.status_code == 200
    assert row_titles(response) == expected


def test_the_organization_list_shows_where_each_one_is(outsider, atlas):
    page = client_for(outsider).get("/organizations/").content.decode()

    assert "张家口市" in page
    assert f'<a href="/organizations/{atlas["hebei"].pk}/">Hebei Province</a>' in page


# Organization detail ---------------------------------------------------------------------


def test_the_organization_page_shows_its_partnerships_meetings_contacts_and_children(
    owner, manager, atlas
):
    zhangjiakou = atlas["zhangjiakou"]
    live = factories.PartnershipFactory(owner=owner, title="Chambéry – Zhangjiakou")
    factories.PartnershipPartyFactory(partnership=live, organization=zhangjiakou)
    gone = factories.PartnershipFactory(owner=owner, title="Abandoned idea")
    factories.PartnershipPartyFactory(partnership=gone, organization=zhangjiakou)
    lifecycle.soft_delete(gone, by=manager)
    meeting = factories.MeetingFactory(title="Mission to Zhangjiakou", logged_by=owner)
    meeting.organizations.set([zhangjiakou])
    factories.ContactFactory(organization=zhangjiakou, name="Wang Wei", title="Mayor")
    factories.OrganizationFactory(name="Chongli District", parent=zhangjiakou, kind="city")
    factories.OrganizationRelationFactory(
        source=atlas["chambery"], target=zhangjiakou, kind="sister_city"
    )
    factories.ActionFactory(
        title="Visit the ski school", owner=owner, partnership=live, lead_organization=zhangjiakou
    )

    response = client_for(owner).get(f"/organizations/{zhangjiakou.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Chambéry – Zhangjiakou",
        "Mission to Zhangjiakou",
        "Wang Wei",
        "Chongli District",
        "Ville de Chambéry",
        "Visit the ski school",
        "Kalgan",
        "Mountain and winter sports",
        f'<a href="/organizations/{atlas["hebei"].pk}/">Hebei Province</a>',
    ]:
        assert text in page, text
    assert "Abandoned idea" not in page


def test_an_unknown_organization_is_not_found(owner):
    assert client_for(owner).get("/organizations/999999/").status_code == 404


# Organization forms --------------------------------------------------------------------


def test_staff_create_an_organization_inside_another(outsider, atlas):
    response = client_for(outsider).post(
        "/organizations/new/",
        {
            "name": "Chengdu Hi-tech Zone",
            "local_name": "成都高新区",
            "kind": "tech_park",
            "country": "CN",
            "parent": atlas["hebei"].pk,
            "website": "https://example.org/",
        },
    )

    created = Organization.objects.get(name="Chengdu Hi-tech Zone")
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{created.pk}/"
    assert created.parent == atlas["hebei"]


@pytest.mark.parametrize("name", ["ville de chambery", "Ville-de-Chambery", "VILLE  DE CHAMBÉRY "])
def test_a_name_close_to_an_existing_one_warns_with_a_link_and_saves_nothing(outsider, atlas, name):
    before = db_snapshot()

    response = client_for(outsider).post(
        "/organizations/new/", {"name": name, "kind": "city", "country": "FR"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "very similar name already exists" in page
    assert f'<a href="/organizations/{atlas["chambery"].pk}/"' in page
    assert 'name="confirm_distinct"' in page
    assert f'value="{html.escape(name)}"' in page
    assert db_snapshot() == before


def test_ticking_the_box_creates_the_similar_organization_anyway(outsider, atlas):
    response = client_for(outsider).post(
        "/organizations/new/",
        {"name": "Ville de Chambery", "kind": "city", "country": "FR", "confirm_distinct": "on"},
    )

    assert response.status_code == 302
    assert Organization.objects.filter(name__startswith="Ville de Chamb").count() == 2


def test_the_same_name_in_the_same_country_is_refused_even_when_confirmed(outsider, atlas):
    before = db_snapshot()

    response = client_for(outsider).post(
        "/organizations/new/",
        {"name": "ZHANGJIAKOU", "kind": "city", "country": "CN", "confirm_distinct": "on"},
    )

    assert response.status_code == 400
    assert "already exists in this country" in response.content.decode()
    assert db_snapshot() == before


def test_the_same_name_in_another_country_is_not_a_duplicate(outsider, atlas):
    response = client_for(outsider).post(
        "/organizations/new/", {"name": "Zhangjiakou", "kind": "city", "country": "TW"}
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "castle"}, "kind", "Select a valid choice."),
        ({"country": "ZZ"}, "country", "Select a valid choice."),
        ({"parent": "999999"}, "parent", "Select a valid choice."),
        ({"website": "not a site"}, "website", "Enter a valid URL."),
    ],
)
def test_a_bad_organization_saves_nothing(outsider, atlas, changes, field, message):
    data = {"name": "Yanqing District", "kind": "city", "country": "CN", "notes": "Great Wall"}
    data.update(changes)
    before = db_snapshot()

    response = client_for(outsider).post("/organizations/new/", data)

    assert response.status_code == 400
    assert message in (field_errors(response, field) or _custom_name_errors(response))
    assert db_snapshot() == before
    assert "Great Wall</textarea>" in response.content.decode()


def _custom_name_errors(response) -> str:
    """The name field has its own markup (it checks for near duplicates while typing)."""
    match = re.search(
        r'<div class="field field-name has-error">.*?<ul class="errorlist">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


def test_an_organization_cannot_be_put_inside_its_own_child(outsider, atlas):
    hebei = atlas["hebei"]
    before = db_snapshot()

    response = client_for(outsider).post(
        f"/organizations/{hebei.pk}/edit/",
        {
            "name": hebei.name,
            "kind": hebei.kind,
            "country": "CN",
            "parent": atlas["zhangjiakou"].pk,
        },
    )

    assert response.status_code == 400
    assert "cannot be inside itself" in field_errors(response, "parent")
    assert db_snapshot() == before


def test_editing_an_organization_without_renaming_it_needs_no_confirmation(outsider, atlas):
    factories.OrganizationFactory(name="Ruijin hospital", country="TW")
    ruijin = atlas["ruijin"]

    response = client_for(outsider).post(
        f"/organizations/{ruijin.pk}/edit/",
        {
            "name": ruijin.name,
            "kind": "hospital",
            "country": "CN",
            "locality": "Shanghai (Huangpu)",
        },
    )

    assert response.status_code == 302
    assert Organization.objects.get(pk=ruijin.pk).locality == "Shanghai (Huangpu)"


def test_the_name_check_warns_while_typing_with_a_link(outsider, atlas):
    client = client_for(outsider)
    chambery = atlas["chambery"]

    warning = client.get("/organizations/similar/", {"name": "ville de chambery"})
    itself = client.get(
        "/organizations/similar/", {"name": "ville de chambery", "exclude": chambery.pk}
    )
    nothing = client.get("/organizations/similar/", {"name": "Lyon"})

    assert f'href="/organizations/{chambery.pk}/"' in warning.content.decode()
    assert itself.content.decode().strip() == ""
    assert nothing.content.decode().strip() == ""


# Contacts -------------------------------------------------------------------------------


@pytest.fixture
def people(atlas):
    wang = factories.ContactFactory(
        organization=atlas["zhangjiakou"],
        name="Wang Wei",
        local_name="王伟",
        email="wang@zjk.example",
        messaging_app="wechat",
        messaging_handle="wangwei88",
    )
    martin = factories.ContactFactory(
        organization=atlas["chambery"], name="Élise Martin", title="Deputy mayor"
    )
    gone = factories.ContactFactory(organization=atlas["ruijin"], name="Zhou Min", is_active=False)
    return {"wang": wang, "martin": martin, "gone": gone}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "FR"}, ["Élise Martin"]),
        ({"organization_kind": "hospital"}, ["Zhou Min"]),
        ({"is_active": "false"}, ["Zhou Min"]),
        ({"search": "elise"}, ["Élise Martin"]),
        ({"search": "王伟"}, ["Wang Wei"]),
        ({"search": "wangwei88"}, ["Wang Wei"]),
        ({"organization": "ZJK"}, ["Wang Wei"]),
        ({"ordering": "organization"}, ["Zhou Min", "Élise Martin", "Wang Wei"]),
    ],
)
def test_the_contact_list_filters(outsider, atlas, people, query, expected):
    query = {k: atlas["zhangjiakou"].pk if v == "ZJK" else v for k, v in query.items()}

    response = client_for(outsider).get("/contacts/", query)

    assert response.status_code == 200
    assert row_titles(response) == expected


def test_the_contact_page_shows_their_organization_meetings_and_signatures(owner, people):
    wang = people["wang"]
    meeting = factories.MeetingFactory(title="Signing in Chambéry", logged_by=owner)
    meeting.contacts.set([wang])
    factories.DocumentSignatoryFactory(
        contact=wang,
        document=factories.DocumentFactory(title="Cooperation agreement"),
        title_at_signing="Vice-mayor",
    )

    page = client_for(owner).get(f"/contacts/{wang.pk}/").content.decode()

    for text in [
        "王伟",
        "Signing in Chambéry",
        "Cooperation agreement",
        "Vice-mayor",
        "wangwei88",
        f'href="/organizations/{wang.organization_id}/">Zhangjiakou</a>',
    ]:
        assert text in page, text


def test_staff_add_a_contact_to_an_organization(outsider, atlas):
    client = client_for(outsider)
    form = client.get("/contacts/new/", {"organization": atlas["ruijin"].pk})

    response = client.post(
        "/contacts/new/",
        {
            "name": "Chen Jie",
            "organization": atlas["ruijin"].pk,
            "email": "chen@ruijin.example",
            "is_active": "on",
        },
    )

    contact = Contact.objects.get(name="Chen Jie")
    assert f'<option value="{atlas["ruijin"].pk}" selected>' in form.content.decode()
    assert response.status_code == 302
    assert (contact.organization, contact.is_active) == (atlas["ruijin"], True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"organization": ""}, "organization", "This field is required."),
        ({"organization": "999999"}, "organization", "Select a valid choice."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
        ({"messaging_app": "pager"}, "messaging_app", "Select a valid choice."),
    ],
)
def test_a_bad_contact_saves_nothing_and_keeps_what_was_typed(
    outsider, atlas, changes, field, message
):
    data = {
        "name": "Chen Jie",
        "organization": atlas["ruijin"].pk,
        "phone": "+86 21 6437 0045",
        "notes": "Met at the forum",
    }
    data.update(changes)
    before = db_snapshot()

    response = client_for(outsider).post("/contacts/new/", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert db_snapshot() == before
    assert 'value="+86 21 6437 0045"' in page
    assert "Met at the forum</textarea>" in page


def test_a_contact_who_left_is_marked_inactive(outsider, people):
    wang = people["wang"]

    client_for(outsider).post(
        f"/contacts/{wang.pk}/edit/",
        {"name": wang.name, "organization": wang.organization_id, "title": "Retired"},
    )

    wang.refresh_from_db()
    assert (wang.is_active, wang.title) == (False, "Retired")
