"""Issue 14, point 4: people who change posts. A contact's career is kept as
positions; the current one is the contact's organization and title; meetings
and signatories show the title held on their day; pages, API, admin and
imports record new posts through ``lifecycle.change_position``."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import lifecycle, uploads
from partnerships.errors import DomainError
from partnerships.models import Contact, ContactPosition, DocumentSignatory
from tests import factories
from tests.api.conftest import token_client
from tests.clock import TODAY
from tests.conftest import client_for
from tests.test_imports import csv_file, imported

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(db):
    """The API's token clients, as in tests/api/."""
    return token_client


YEAR_AGO = TODAY - datetime.timedelta(days=365)
MONTH_AGO = TODAY - datetime.timedelta(days=30)


@pytest.fixture
def fao(db):
    return factories.OrganizationFactory(name="Zhangjiakou Foreign Affairs Office", country="CN")


@pytest.fixture
def city(db):
    return factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市", country="CN")


@pytest.fixture
def director(fao):
    return factories.ContactFactory(
        organization=fao, name="Wang Fang", title="Director", position=YEAR_AGO
    )


def promote(contact, city, *, by, since=MONTH_AGO):
    return lifecycle.change_position(
        contact=contact, organization=city, title="Vice-mayor", since=since, by=by
    )


# The workflow ---------------------------------------------------------------------


def test_a_new_post_ends_the_current_one_the_day_before_and_becomes_the_contacts(
    director, city, fao, owner
):
    position = promote(director, city, by=owner)

    director.refresh_from_db()
    assert (director.organization, director.title) == (city, "Vice-mayor")
    past = director.positions.get(end_date__isnull=False)
    assert (past.organization, past.title, past.start_date) == (fao, "Director", YEAR_AGO)
    assert past.end_date == MONTH_AGO - datetime.timedelta(days=1)
    assert position.is_current and position.start_date == MONTH_AGO
    assert director.positions.current().get() == position


@pytest.mark.parametrize(
    ("since", "field"),
    [
        (TODAY + datetime.timedelta(days=1), "since"),  # the future
        (YEAR_AGO, "since"),  # not after the current post started
    ],
)
def test_a_new_post_on_an_impossible_day_is_refused_and_changes_nothing(
    director, city, owner, since, field
):
    with pytest.raises(DomainError) as refusal:
        promote(director, city, by=owner, since=since)

    assert refusal.value.field == field
    director.refresh_from_db()
    assert director.title == "Director"
    assert director.positions.count() == 1


def test_the_same_post_again_is_refused(director, fao, owner):
    with pytest.raises(DomainError, match="already holds this post"):
        lifecycle.change_position(
            contact=director, organization=fao, title="Director", since=MONTH_AGO, by=owner
        )


def test_an_edit_without_a_date_corrects_the_current_post_in_place(director, owner):
    director.title = "Director-general"
    lifecycle.update_contact(director, by=owner)

    assert list(director.positions.values_list("title", "end_date")) == [("Director-general", None)]


def test_the_title_held_on_a_day_is_read_from_the_career(director, city, owner):
    promote(director, city, by=owner)
    contact = Contact.objects.with_positions().get(pk=director.pk)

    assert contact.title_on(MONTH_AGO - datetime.timedelta(days=10)) == "Director"
    assert contact.title_on(TODAY) == "Vice-mayor"
    assert contact.title_on(None) == "Vice-mayor"


def test_a_signatory_keeps_the_title_held_on_the_day_of_signing(director, city, owner):
    promote(director, city, by=owner)
    partnership = factories.PartnershipFactory(owner=owner)
    document = factories.DocumentFactory.build(
        partnership=partnership, signed_on=MONTH_AGO - datetime.timedelta(days=60)
    )
    upload = SimpleUploadedFile("a.txt", b"agreement", content_type="text/plain")
    checked = uploads.check_document_file(upload)
    upload.seek(0)
    document.file = upload
    lifecycle.add_document(document, by=owner, checked_file=checked, signatories=[director])

    assert DocumentSignatory.objects.get(document=document).title_at_signing == "Director"


# Pages ----------------------------------------------------------------------------


def test_the_contact_page_shows_the_current_post_and_the_career(director, city, manager):
    promote(director, city, by=manager)

    page = client_for(manager).get(director.get_absolute_url()).content.decode()

    assert "Career" in page and "Vice-mayor" in page
    assert "Director" in page and "Zhangjiakou Foreign Affairs Office" in page


def test_the_organization_page_lists_past_holders(director, city, fao, manager):
    promote(director, city, by=manager)

    page = client_for(manager).get(fao.get_absolute_url()).content.decode()

    assert "Past holders of posts here" in page and "Wang Fang" in page


def test_a_meeting_shows_the_title_held_on_its_day(director, city, owner):
    meeting = factories.MeetingFactory(
        logged_by=owner, start_date=MONTH_AGO - datetime.timedelta(days=20)
    )
    meeting.contacts.add(director)
    promote(director, city, by=owner)

    page = client_for(owner).get(meeting.get_absolute_url()).content.decode()

    assert "Director, Zhangjiakou Foreign Affairs Office" in page
    assert "now:" in page and "Vice-mayor" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 302),
        ("teammate", 302),
        ("outsider", 302),
        ("manager", 302),
        ("admin", 302),
        ("no_role", 403),
    ],
)
def test_who_may_record_a_new_post_from_the_page(personas, director, city, persona, status):
    response = client_for(personas[persona]).post(
        f"/contacts/{director.pk}/new-post/",
        {
            "organization": city.pk,
            "title": "Vice-mayor",
            "since": MONTH_AGO.isoformat(),
            "date_precision": "day",
        },
    )

    assert response.status_code == status
    director.refresh_from_db()
    assert (director.title == "Vice-mayor") is (status == 302)


def test_anonymous_visitors_are_sent_to_sign_in(director):
    response = client_for(None).get(f"/contacts/{director.pk}/new-post/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_new_post_in_the_future_is_refused_on_the_page_and_keeps_the_input(director, city, owner):
    response = client_for(owner).post(
        f"/contacts/{director.pk}/new-post/",
        {
            "organization": city.pk,
            "title": "Vice-mayor",
            "since": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "date_precision": "day",
        },
    )

    assert response.status_code == 400
    assert "A post cannot start in the future." in response.content.decode()
    assert 'value="Vice-mayor"' in response.content.decode()
    assert director.positions.count() == 1


def test_editing_with_a_new_post_date_keeps_the_old_post(director, city, owner):
    response = client_for(owner).post(
        f"/contacts/{director.pk}/edit/",
        {
            "name": director.name,
            "organization": city.pk,
            "title": "Vice-mayor",
            "post_since": MONTH_AGO.isoformat(),
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert director.positions.count() == 2
    assert director.positions.current().get().title == "Vice-mayor"


def test_a_new_contact_from_the_page_opens_its_current_post(fao, owner):
    response = client_for(owner).post(
        "/contacts/new/",
        {
            "name": "Li Na",
            "organization": fao.pk,
            "title": "Deputy director",
            "post_since": YEAR_AGO.isoformat(),
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    position = ContactPosition.objects.get(contact__name="Li Na")
    assert (position.title, position.start_date, position.end_date) == (
        "Deputy director",
        YEAR_AGO,
        None,
    )


# API ------------------------------------------------------------------------------


def test_the_api_shows_a_contacts_positions(api_for, director, city, owner):
    promote(director, city, by=owner)

    body = api_for(owner).get(f"/api/contacts/{director.pk}/").json()

    assert [(p["title"], p["is_current"]) for p in body["positions"]] == [
        ("Vice-mayor", True),
        ("Director", False),
    ]


def test_the_api_records_a_new_post(api_for, director, city, owner):
    response = api_for(owner).post(
        f"/api/contacts/{director.pk}/new-post/",
        {"organization": city.pk, "title": "Vice-mayor", "since": MONTH_AGO.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Vice-mayor"
    assert len(response.json()["positions"]) == 2


def test_the_api_refuses_a_new_post_in_the_future(api_for, director, city, owner):
    response = api_for(owner).post(
        f"/api/contacts/{director.pk}/new-post/",
        {
            "organization": city.pk,
            "title": "Vice-mayor",
            "since": (TODAY + datetime.timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert director.positions.count() == 1


def test_the_api_creates_a_contact_with_its_post(api_for, fao, owner):
    response = api_for(owner).post(
        "/api/contacts/",
        {"organization": fao.pk, "name": "Li Na", "title": "Deputy", "post_since": "2020-01-01"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["positions"][0]["start_date"] == "2020-01-01"


def test_the_api_lists_positions_by_organization(api_for, director, city, fao, owner):
    promote(director, city, by=owner)

    body = api_for(owner).get(f"/api/contact-positions/?organization={fao.pk}").json()

    assert [p["title"] for p in body["results"]] == ["Director"]


def test_people_without_a_role_cannot_read_positions(api_for, director, no_role):
    assert api_for(no_role).get("/api/contact-positions/").status_code == 403


# Admin and imports ---------------------------------------------------------------


def test_the_admin_shows_the_career_and_saves_through_the_workflow(director, city, admin_user):
    client = client_for(admin_user)
    page = client.get(f"/admin/partnerships/contact/{director.pk}/change/")
    assert page.status_code == 200 and "career" in page.content.decode().lower()

    response = client.post(
        "/admin/partnerships/contact/add/",
        {
            "organization": city.pk,
            "name": "Chen Jie",
            "title": "Mayor",
            "is_active": "on",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ContactPosition.objects.get(contact__name="Chen Jie").title == "Mayor"


def test_an_import_with_a_post_date_moves_the_person_and_keeps_the_career(
    director, city, fao, admin_user
):
    imported(
        client_for(admin_user),
        "/admin/partnerships/contact/",
        csv_file(
            [
                ["organization", "name", "title", "post_since"],
                ["Zhangjiakou", "Wang Fang", "Vice-mayor", MONTH_AGO.isoformat()],
            ]
        ),
    )

    director.refresh_from_db()
    assert (director.organization, director.title) == (city, "Vice-mayor")
    assert Contact.objects.filter(name="Wang Fang").count() == 1
    assert director.positions.past().get().organization == fao


def test_an_import_of_a_new_contact_opens_its_post(fao, admin_user):
    imported(
        client_for(admin_user),
        "/admin/partnerships/contact/",
        csv_file(
            [
                ["organization", "name", "title", "post_since"],
                ["Zhangjiakou Foreign Affairs Office", "Li Na", "Deputy", "2021-03-01"],
            ]
        ),
    )

    position = ContactPosition.objects.get(contact__name="Li Na")
    assert (position.title, position.start_date) == ("Deputy", datetime.date(2021, 3, 1))
