"""SPEC section 3 on every page: each page tried by each persona, and forged
requests that must be refused with a clear 403 page and change nothing."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from partnerships import lifecycle
from partnerships.models import Action, Contact, Meeting, Organization, Partnership
from tests import factories, upload_samples
from tests.conftest import client_for, make_partnership, make_personas, shared_rows
from tests.pages.conftest import (
    action_form_data,
    db_snapshot,
    make_action,
    make_contact,
    make_document,
    make_meeting,
    make_organization,
    meeting_form_data,
    partnership_form_data,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "teammate", "outsider", "manager", "admin", "no_role", "anonymous"]

# Who gets the page (200) and who gets a 403; no_role always gets a 403 that
# says why, anonymous visitors are sent to sign in.
EVERY_ROLE = {"owner", "teammate", "outsider", "manager", "admin"}
PARTNERSHIP_EDITORS = {"owner", "teammate", "manager", "admin"}
MEETING_EDITORS = {"owner", "teammate", "manager", "admin"}  # logged it, attended it, managers
ACTION_EDITORS = {"owner", "manager", "admin"}
MANAGERS = {"manager", "admin"}

PAGES = [
    ("home", "/", EVERY_ROLE),
    ("profile", "/accounts/profile/", EVERY_ROLE),
    ("search", "/search/?q=zhang", EVERY_ROLE),
    ("lookup", "/lookup/organizations/?q=zhang", EVERY_ROLE),
    ("partnership list", "/partnerships/", EVERY_ROLE),
    ("partnership new", "/partnerships/new/", EVERY_ROLE),
    ("partnership detail", "/partnerships/{partnership}/", EVERY_ROLE),
    ("partnership edit", "/partnerships/{partnership}/edit/", PARTNERSHIP_EDITORS),
    ("partnership move", "/partnerships/{partnership}/move/", PARTNERSHIP_EDITORS),
    ("partnership status", "/partnerships/{partnership}/status/?to=on_hold", PARTNERSHIP_EDITORS),
    ("document upload", "/partnerships/{partnership}/documents/new/", PARTNERSHIP_EDITORS),
    ("partnership reassign", "/partnerships/{partnership}/reassign/", MANAGERS),
    ("document download", "/documents/{document}/download/", EVERY_ROLE),
    ("meeting list", "/meetings/", EVERY_ROLE),
    ("meeting new", "/meetings/new/", EVERY_ROLE),
    ("meeting detail", "/meetings/{meeting}/", EVERY_ROLE),
    ("meeting edit", "/meetings/{meeting}/edit/", MEETING_EDITORS),
    ("action list", "/actions/?pending=true", EVERY_ROLE),
    ("action new", "/actions/new/", EVERY_ROLE),
    ("action detail", "/actions/{action}/", EVERY_ROLE),
    ("action edit", "/actions/{action}/edit/", ACTION_EDITORS),
    ("organization list", "/organizations/", EVERY_ROLE),
    ("organization new", "/organizations/new/", EVERY_ROLE),
    ("organization similar", "/organizations/similar/?name=zhang", EVERY_ROLE),
    ("organization detail", "/organizations/{organization}/", EVERY_ROLE),
    ("organization edit", "/organizations/{organization}/edit/", EVERY_ROLE),
    ("contact list", "/contacts/", EVERY_ROLE),
    ("contact new", "/contacts/new/", EVERY_ROLE),
    ("contact detail", "/contacts/{contact}/", EVERY_ROLE),
    ("contact edit", "/contacts/{contact}/edit/", EVERY_ROLE),
    ("deleted items", "/deleted/", MANAGERS),
]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The personas and one record of each kind (the pages' fixtures), made once
    for the module: each test's writes are rolled back after it."""

    def build() -> dict:
        personas = make_personas()
        owner, teammate = personas["owner"], personas["teammate"]
        partnership = make_partnership(owner, teammate)
        organization = make_organization()
        contact = make_contact(organization)
        meeting = make_meeting(owner, teammate, partnership, organization, contact)
        return {
            **personas,
            "partnership": partnership,
            "meeting": meeting,
            "action": make_action(owner, partnership, meeting),
            "document": make_document(owner, partnership),
            "organization": organization,
            "contact": contact,
        }

    yield from shared_rows(django_db_blocker, build)


@pytest.fixture
def world(shared_world, settings, shared_media_root):
    settings.MEDIA_ROOT = shared_media_root  # the shared document's file is there
    # Each test gets its own copies: tests refresh and change these objects.
    return {key: copy.copy(value) for key, value in shared_world.items()}


def login_redirect(url: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = url
    return "/accounts/login/?" + query.urlencode(safe="/")


def expected_answer(persona: str, allowed: set[str], url: str) -> tuple[int, str]:
    if persona == "anonymous":
        return 302, login_redirect(url)
    if persona in allowed:
        return 200, ""
    return 403, ""


def actual_answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "") if response.status_code == 302 else ""


def url_in(world, template: str) -> str:
    """``/partnerships/{partnership}/`` with the id of the world's partnership."""
    keys = ("partnership", "meeting", "action", "document", "organization", "contact")
    return template.format(**{key: world[key].pk for key in keys})


@pytest.mark.parametrize(("name", "template", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_answers_each_persona_as_the_rules_say(world, name, template, allowed):
    url = url_in(world, template)
    responses = {p: client_for(world[p]).get(url) for p in PERSONAS}

    answers = {p: actual_answer(response) for p, response in responses.items()}
    assert answers == {p: expected_answer(p, allowed, url) for p in PERSONAS}
    # Someone without a role is told why they see nothing.
    assert "Your account has no role yet" in responses["no_role"].content.decode()


@pytest.mark.parametrize(
    ("persona", "url_of", "message"),
    [
        ("outsider", lambda w: f"/partnerships/{w['partnership'].pk}/edit/", "can edit this"),
        ("outsider", lambda w: f"/partnerships/{w['partnership'].pk}/move/", "can move this"),
        ("teammate", lambda w: f"/partnerships/{w['partnership'].pk}/reassign/", "Only managers"),
        ("teammate", lambda w: f"/actions/{w['action'].pk}/edit/", "Only the owner of this"),
        ("outsider", lambda w: f"/meetings/{w['meeting'].pk}/edit/", "can edit it"),
        ("owner", lambda w: "/deleted/", "Only managers and admins can restore."),
    ],
    ids=["edit", "move", "reassign", "action", "meeting", "deleted items"],
)
def test_a_refusal_is_a_clear_403_page_that_says_why(world, persona, url_of, message):
    response = client_for(world[persona]).get(url_of(world))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert message in response.content.decode()


def test_the_action_list_opens_on_my_actions_to_do(owner):
    response = client_for(owner).get("/actions/")

    assert response.status_code == 302
    assert response["Location"] == f"/actions/?owner={owner.pk}&pending=true"


def test_healthz_and_the_login_page_are_open_to_anonymous_visitors(db):
    client = client_for(None)

    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200


def test_a_deleted_partnership_has_no_page_even_for_its_owner(owner, manager, partnership):
    lifecycle.soft_delete(partnership, by=manager)

    client = client_for(owner)
    assert client.get(f"/partnerships/{partnership.pk}/").status_code == 404
    assert client.get(f"/partnerships/{partnership.pk}/edit/").status_code == 404
    assert client.get(f"/partnerships/{partnership.pk}/move/").status_code == 404


# Forged requests ---------------------------------------------------------------------


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("forged.pdf", upload_samples.PDF, content_type="application/pdf")


FORGED_ON_THE_PARTNERSHIP = [
    ("edit", lambda w: partnership_form_data(w["partnership"], title="Hijacked")),
    ("move", lambda w: {"stage": "contract", "note": "forged", "version": 1}),
    (
        "status",
        lambda w: {"status": "abandoned", "reason": w["reason"].pk, "note": "forged", "version": 1},
    ),
    ("documents/new", lambda w: {"title": "Forged", "kind": "other", "file": pdf_upload()}),
    ("reassign", lambda w: {"owner": w["outsider"].pk}),
    ("delete", lambda w: {}),
]


@pytest.mark.parametrize(
    ("path", "data_of"), FORGED_ON_THE_PARTNERSHIP, ids=[f[0] for f in FORGED_ON_THE_PARTNERSHIP]
)
def test_outsider_cannot_change_someone_elses_partnership(world, path, data_of):
    world["reason"] = factories.AbandonReasonFactory()
    before = db_snapshot()

    response = client_for(world["outsider"]).post(
        f"/partnerships/{world['partnership'].pk}/{path}/", data_of(world)
    )

    assert response.status_code == 403
    assert "You can’t do this" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("path", ["reassign", "delete"])
def test_teammate_cannot_reassign_or_delete_the_partnership(world, path):
    before = db_snapshot()

    response = client_for(world["teammate"]).post(
        f"/partnerships/{world['partnership'].pk}/{path}/", {"owner": world["teammate"].pk}
    )

    assert response.status_code == 403
    assert db_snapshot() == before


FORGED_ON_THE_ACTION = [
    ("edit", lambda w: action_form_data(w["action"], title="Hijacked", owner=w["outsider"].pk)),
    ("complete", lambda w: {"outcome": "forged", "version": 1}),
    ("cancel", lambda w: {"note": "forged", "version": 1}),
    ("reassign", lambda w: {"owner": w["outsider"].pk}),
    ("delete", lambda w: {}),
]


@pytest.mark.parametrize("persona", ["teammate", "outsider"])
@pytest.mark.parametrize(
    ("path", "data_of"), FORGED_ON_THE_ACTION, ids=[f[0] for f in FORGED_ON_THE_ACTION]
)
def test_staff_cannot_change_an_action_they_do_not_own(world, persona, path, data_of):
    before = db_snapshot()

    response = client_for(world[persona]).post(
        f"/actions/{world['action'].pk}/{path}/", data_of(world), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 403
    assert db_snapshot() == before


def test_outsider_cannot_reopen_an_action_they_do_not_own(world):
    lifecycle.complete_action(
        world["action"], by=world["owner"], outcome="Sent", expected_version=world["action"].version
    )
    before = db_snapshot()

    response = client_for(world["outsider"]).post(
        f"/actions/{world['action'].pk}/reopen/", {"version": world["action"].version}
    )

    assert response.status_code == 403
    assert Action.objects.get(pk=world["action"].pk).status == "done"
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("path", "data_of"),
    [
        ("edit", lambda w: meeting_form_data(w["meeting"], title="Hijacked")),
        ("delete", lambda w: {}),
    ],
    ids=["edit", "delete"],
)
def test_outsider_cannot_change_a_meeting_they_neither_logged_nor_attended(world, path, data_of):
    before = db_snapshot()

    response = client_for(world["outsider"]).post(
        f"/meetings/{world['meeting'].pk}/{path}/", data_of(world)
    )

    assert response.status_code == 403
    assert db_snapshot() == before


def test_staff_cannot_restore_a_deleted_partnership(world):
    lifecycle.soft_delete(world["partnership"], by=world["manager"])
    before = db_snapshot()

    response = client_for(world["owner"]).post(
        f"/deleted/partnership/{world['partnership'].pk}/restore/"
    )

    assert response.status_code == 403
    assert Partnership.all_objects.get(pk=world["partnership"].pk).is_deleted
    assert db_snapshot() == before


CREATIONS = [
    ("/partnerships/new/", lambda w: partnership_form_data(owner=w["owner"].pk, title="Forged")),
    ("/meetings/new/", lambda w: meeting_form_data(title="Forged")),
    ("/actions/new/", lambda w: action_form_data(title="Forged", owner=w["owner"].pk)),
    ("/organizations/new/", lambda w: {"name": "Forged", "kind": "city", "country": "CN"}),
    ("/organizations/quick-create/", lambda w: {"name": "Forged", "kind": "city", "country": "CN"}),
    ("/contacts/new/", lambda w: {"name": "Forged", "organization": w["organization"].pk}),
    ("/contacts/quick-create/", lambda w: {"name": "Forged", "organization": w["organization"].pk}),
]


@pytest.mark.parametrize(("url", "data_of"), CREATIONS, ids=[c[0] for c in CREATIONS])
def test_a_user_without_a_role_creates_nothing(world, url, data_of):
    before = db_snapshot()

    response = client_for(world["no_role"]).post(url, data_of(world))

    assert response.status_code == 403
    assert db_snapshot() == before


@pytest.mark.parametrize(("url", "data_of"), CREATIONS, ids=[c[0] for c in CREATIONS])
def test_an_anonymous_visitor_creates_nothing_and_is_sent_to_sign_in(world, url, data_of):
    before = db_snapshot()

    response = client_for(None).post(url, data_of(world))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "url_of",
    [
        lambda w: f"/partnerships/{w['partnership'].pk}/move/",
        lambda w: f"/actions/{w['action'].pk}/complete/",
        lambda w: f"/meetings/{w['meeting'].pk}/delete/",
        lambda w: f"/deleted/partnership/{w['partnership'].pk}/restore/",
    ],
    ids=["move", "complete", "delete", "restore"],
)
def test_an_anonymous_post_changes_nothing(world, url_of):
    before = db_snapshot()

    response = client_for(None).post(
        url_of(world), {"stage": "contract", "outcome": "x", "version": 1}
    )

    assert response.status_code == 302
    assert db_snapshot() == before


def test_staff_may_correct_any_organization_or_contact(world):
    organization, contact = world["organization"], world["contact"]
    client = client_for(world["outsider"])

    client.post(
        f"/organizations/{organization.pk}/edit/",
        {"name": "Zhangjiakou City", "kind": "city", "country": "CN"},
    )
    client.post(
        f"/contacts/{contact.pk}/edit/",
        {"name": "Wang Wei", "organization": organization.pk, "title": "Former mayor"},
    )

    assert Organization.objects.get(pk=organization.pk).name == "Zhangjiakou City"
    assert Contact.objects.get(pk=contact.pk).title == "Former mayor"


def test_an_attendee_may_edit_the_meeting(world):
    response = client_for(world["teammate"]).post(
        f"/meetings/{world['meeting'].pk}/edit/",
        meeting_form_data(world["meeting"], status="cancelled"),
    )

    assert response.status_code == 302
    assert Meeting.objects.get(pk=world["meeting"].pk).status == "cancelled"


# Forged ids inside forms a person may use ------------------------------------------------


def test_a_party_of_another_partnership_cannot_be_edited_through_my_partnership(world):
    other = factories.PartnershipFactory(owner=world["outsider"], title="Outsider's programme")
    party = factories.PartnershipPartyFactory(partnership=other, role="funder")
    data = partnership_form_data(
        world["partnership"],
        **{
            "parties-TOTAL_FORMS": "1",
            "parties-INITIAL_FORMS": "1",
            "parties-0-id": party.pk,
            "parties-0-partnership": world["partnership"].pk,
            "parties-0-organization": world["organization"].pk,
            "parties-0-role": "signatory",
        },
    )
    before = db_snapshot()["parties"]

    client_for(world["teammate"]).post(f"/partnerships/{world['partnership'].pk}/edit/", data)

    # The forged row is dropped: the other partnership's party is untouched.
    assert db_snapshot()["parties"] == before


def test_a_party_row_cannot_be_moved_to_a_partnership_i_may_not_edit(world):
    other = factories.PartnershipFactory(owner=world["outsider"])
    data = partnership_form_data(
        world["partnership"],
        **{
            "parties-TOTAL_FORMS": "1",
            "parties-0-partnership": other.pk,
            "parties-0-organization": world["organization"].pk,
            "parties-0-role": "signatory",
        },
    )
    before = db_snapshot()

    response = client_for(world["teammate"]).post(
        f"/partnerships/{world['partnership'].pk}/edit/", data
    )

    assert response.status_code == 400
    assert db_snapshot() == before


def test_someone_elses_action_cannot_be_rewritten_through_my_meeting(world):
    mine = factories.MeetingFactory(logged_by=world["outsider"])
    data = meeting_form_data(
        mine,
        actions=[
            {
                "id": world["action"].pk,
                "title": "Hijacked",
                "owner": world["outsider"].pk,
                "partnership": world["partnership"].pk,
            }
        ],
        **{"actions-INITIAL_FORMS": "1"},
    )
    before = db_snapshot()["actions"]

    client_for(world["outsider"]).post(f"/meetings/{mine.pk}/edit/", data)

    # The forged row is dropped: the action keeps its title, owner and meeting.
    assert db_snapshot()["actions"] == before
    assert Action.objects.get(pk=world["action"].pk).meeting == world["meeting"]


def test_a_document_goes_to_the_partnership_of_the_page_whatever_is_posted(world):
    other = factories.PartnershipFactory(owner=world["outsider"])

    response = client_for(world["teammate"]).post(
        f"/partnerships/{world['partnership'].pk}/documents/new/",
        {"title": "Minutes", "kind": "minutes", "file": pdf_upload(), "partnership": other.pk},
    )

    assert response.status_code == 302
    assert not other.documents.exists()
    assert world["partnership"].documents.filter(title="Minutes").exists()
