"""Logging a meeting in one form: its links and any number of follow-up actions,
saved in one transaction; on any error nothing is saved, every error shows next
to its field and every value typed is still there. Also the meeting list,
detail and edit pages, and creating an organization or a contact from inside
the form."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
import time_machine

from partnerships import lifecycle
from partnerships.errors import DomainError
from partnerships.models import Action, Contact, Meeting, Organization
from tests import factories
from tests.clock import TODAY, at, written
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot, meeting_form_data

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)
# The delegation visit of full_meeting(): last week, with actions due after it.
VISIT_START = TODAY - datetime.timedelta(days=7)
VISIT_END = TODAY - datetime.timedelta(days=5)
FIRST_DUE = TODAY + datetime.timedelta(days=6)
SECOND_DUE = TODAY + datetime.timedelta(days=20)


def field_errors(response, name: str) -> str:
    """The errors shown next to the field ``name`` (empty when none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{re.escape(name)}_error">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


def selected_options(response, name: str) -> list[str]:
    """The values of the options selected in the select named ``name``."""
    html = response.content.decode()
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*selected', match.group(1))


@pytest.fixture
def forum(owner):
    return factories.MeetingFactory(
        title="Forum on the Winter Games", kind="forum", logged_by=owner, locality="Chambéry"
    )


def full_meeting(owner, teammate, partnership, organization, contact, **changes) -> dict:
    """A delegation visit with every link and two follow-up actions, one ours
    and one the partner made."""
    data = meeting_form_data(
        kind="inbound_delegation",
        status="held",
        title="Zhengzhou delegation in Amiens",
        start_date=str(VISIT_START),
        end_date=str(VISIT_END),
        locality="Amiens",
        country="FR",
        organizations=[organization.pk],
        contacts=[contact.pk],
        attendees=[owner.pk, teammate.pk],
        partnerships=[partnership.pk],
        summary="Visit of the Zhengzhou International Hub",
        outcomes="Interest in the Silk Road trains",
        actions=[
            {
                "title": "Send the cooperation draft",
                "owner": teammate.pk,
                "due_date": str(FIRST_DUE),
                "priority": "high",
                "side": "ours",
                "partnership": partnership.pk,
            },
            {
                "title": "Zhengzhou to send the freight figures",
                "owner": owner.pk,
                "due_date": str(SECOND_DUE),
                "priority": "normal",
                "side": "partner",
            },
        ],
    )
    data.update(changes)
    return data


def test_a_meeting_is_logged_with_its_links_and_follow_up_actions_in_one_form(
    owner, teammate, partnership, organization, contact
):
    data = full_meeting(owner, teammate, partnership, organization, contact)

    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).post("/meetings/new/", data)

    meeting = Meeting.objects.get(title="Zhengzhou delegation in Amiens")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.kind, meeting.status, meeting.locality, meeting.country.code) == (
        "inbound_delegation",
        "held",
        "Amiens",
        "FR",
    )
    assert (meeting.start_date, meeting.end_date) == (VISIT_START, VISIT_END)
    assert meeting.logged_by == owner
    assert list(meeting.organizations.all()) == [organization]
    assert list(meeting.contacts.all()) == [contact]
    assert set(meeting.attendees.all()) == {owner, teammate}
    assert list(meeting.partnerships.all()) == [partnership]
    assert meeting.outcomes == "Interest in the Silk Road trains"
    actions = list(meeting.actions.order_by("due_date"))
    assert [
        (a.title, a.owner, a.due_date, a.priority, a.side, a.partnership, a.created_by)
        for a in actions
    ] == [
        (
            "Send the cooperation draft",
            teammate,
            FIRST_DUE,
            "high",
            "ours",
            partnership,
            owner,
        ),
        (
            "Zhengzhou to send the freight figures",
            owner,
            SECOND_DUE,
            "normal",
            "partner",
            partnership,  # left empty: the one partnership the meeting discusses
            owner,
        ),
    ]


def test_the_logged_meeting_shows_its_actions_and_links(
    owner, teammate, partnership, organization, contact
):
    client = client_for(owner)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/meetings/new/", full_meeting(owner, teammate, partnership, organization, contact)
        )
        detail = client.get(response["Location"])

    html = detail.content.decode()
    assert "Meeting logged." in html
    for text in [
        "Send the cooperation draft",
        "Zhengzhou to send the freight figures",
        "Chambéry – Zhangjiakou",
        "Zhangjiakou",
        "Wang Wei",
        "Tom Teammate",
        "Interest in the Silk Road trains",
        f"{written(VISIT_START)} → {written(VISIT_END)}",
    ]:
        assert text in html, text


def test_the_new_meeting_form_starts_with_me_as_attendee_and_owner_of_new_actions(owner):
    response = client_for(owner).get("/meetings/new/")

    assert response.status_code == 200
    assert selected_options(response, "attendees") == [str(owner.pk)]
    assert selected_options(response, "actions-0-owner") == [str(owner.pk)]
    assert selected_options(response, "status") == ["held"]
    assert 'data-formset-template="actions"' in response.content.decode()


def test_the_new_meeting_form_can_start_from_a_forum_a_partnership_and_an_organization(
    owner, forum, partnership, organization
):
    response = client_for(owner).get(
        "/meetings/new/",
        {
            "parent": forum.pk,
            "partnerships": partnership.pk,
            "organizations": organization.pk,
            "status": "planned",
        },
    )

    assert selected_options(response, "parent") == [str(forum.pk)]
    assert selected_options(response, "partnerships") == [str(partnership.pk)]
    assert selected_options(response, "organizations") == [str(organization.pk)]
    assert selected_options(response, "status") == ["planned"]


def test_an_action_row_left_as_it_started_is_ignored(owner):
    data = meeting_form_data(title="Call with Hebei", actions=[{"title": "", "owner": owner.pk}])

    response = client_for(owner).post("/meetings/new/", data)

    assert response.status_code == 302
    assert Meeting.objects.get().title == "Call with Hebei"
    assert not Action.objects.exists()


def test_an_action_row_marked_for_removal_is_not_saved(owner):
    data = meeting_form_data(
        title="Call with Hebei",
        actions=[{"title": "Changed my mind", "owner": owner.pk, "DELETE": "on"}],
    )

    response = client_for(owner).post("/meetings/new/", data)

    assert response.status_code == 302
    assert not Action.objects.exists()


BAD_INPUT = [
    (
        "end before start",
        {"end_date": str(VISIT_START - datetime.timedelta(days=1))},
        "end_date",
        "cannot be before the start",
    ),
    ("missing title", {"title": ""}, "title", "This field is required."),
    ("missing start date", {"start_date": ""}, "start_date", "This field is required."),
    ("impossible date", {"start_date": "2026-02-30"}, "start_date", "Enter a valid date."),
    ("unknown kind", {"kind": "party"}, "kind", "Select a valid choice."),
    ("unknown organization", {"organizations": ["999999"]}, "organizations", "valid choice"),
    ("unknown contact", {"contacts": ["999999"]}, "contacts", "valid choice"),
    ("unknown attendee", {"attendees": ["999999"]}, "attendees", "valid choice"),
    ("deleted partnership", {"partnerships": ["DELETED"]}, "partnerships", "valid choice"),
    ("deleted parent", {"parent": "DELETED_MEETING"}, "parent", "valid choice"),
    ("id that is no number", {"organizations": ["abc"]}, "organizations", "valid value"),
    ("action owner missing", {"actions-1-owner": ""}, "actions-1-owner", "required"),
    ("action owner unknown", {"actions-1-owner": "999999"}, "actions-1-owner", "valid choice"),
    ("action title missing", {"actions-0-title": ""}, "actions-0-title", "required"),
    ("action bad date", {"actions-0-due_date": "next week"}, "actions-0-due_date", "valid date"),
    ("action unknown side", {"actions-0-side": "theirs"}, "actions-0-side", "valid choice"),
    (
        "action deleted partnership",
        {"actions-0-partnership": "DELETED"},
        "actions-0-partnership",
        "valid choice",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_a_bad_meeting_saves_nothing_shows_the_error_by_its_field_and_keeps_what_was_typed(
    owner, teammate, manager, partnership, organization, contact, changes, field, message
):
    gone = factories.PartnershipFactory(owner=owner, title="Deleted programme")
    lifecycle.soft_delete(gone, by=manager)
    gone_meeting = factories.MeetingFactory(logged_by=owner)
    lifecycle.soft_delete(gone_meeting, by=manager)
    replacements = {"DELETED": str(gone.pk), "DELETED_MEETING": str(gone_meeting.pk)}
    changes = {
        name: [replacements.get(v, v) for v in value]
        if isinstance(value, list)
        else replacements.get(value, value)
        for name, value in changes.items()
    }
    data = full_meeting(owner, teammate, partnership, organization, contact, **changes)
    before = db_snapshot()

    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).post("/meetings/new/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert "Nothing was saved" in html
    assert db_snapshot() == before
    # Every value typed is still there.
    if "title" not in changes:
        assert 'value="Zhengzhou delegation in Amiens"' in html
    assert "Visit of the Zhengzhou International Hub</textarea>" in html
    assert "Interest in the Silk Road trains</textarea>" in html
    assert 'value="Amiens"' in html
    if "organizations" not in changes:
        assert selected_options(response, "organizations") == [str(organization.pk)]
    assert selected_options(response, "contacts") == (
        [] if "contacts" in changes else [str(contact.pk)]
    )
    if "attendees" not in changes:
        assert set(selected_options(response, "attendees")) == {str(owner.pk), str(teammate.pk)}
    if "actions-0-title" not in changes:
        assert 'value="Send the cooperation draft"' in html
    assert 'value="Zhengzhou to send the freight figures"' in html
    assert selected_options(response, "actions-0-priority") == ["high"]
    assert selected_options(response, "actions-1-side") == ["partner"]
    if "actions-0-due_date" not in changes:
        assert f'value="{FIRST_DUE}"' in html


def test_a_failure_while_saving_the_actions_saves_nothing(
    owner, teammate, partnership, organization, contact, monkeypatch
):
    """The meeting and its first action are written before the second action
    fails: the transaction takes them all back."""
    original_save = Action.save

    def save_or_fail(action, *args, **kwargs):
        if action.side == "partner":
            raise DomainError("The partner's commitment could not be saved.")
        return original_save(action, *args, **kwargs)

    monkeypatch.setattr(Action, "save", save_or_fail)
    before = db_snapshot()

    response = client_for(owner).post(
        "/meetings/new/", full_meeting(owner, teammate, partnership, organization, contact)
    )

    assert response.status_code == 400
    assert "The partner&#x27;s commitment could not be saved." in response.content.decode()
    assert db_snapshot() == before
    assert 'value="Send the cooperation draft"' in response.content.decode()


# Planned, held, cancelled; side meetings; edits ---------------------------------------


def test_a_meeting_logged_ahead_as_planned_is_marked_held_later(owner):
    client = client_for(owner)
    with time_machine.travel(NOW, tick=False):
        client.post(
            "/meetings/new/",
            meeting_form_data(
                title="Alpitec China",
                status="planned",
                start_date=str(TODAY + datetime.timedelta(days=56)),
            ),
        )
        meeting = Meeting.objects.get()
        response = client.post(
            f"/meetings/{meeting.pk}/edit/",
            meeting_form_data(meeting, status="held", outcomes="Three leads"),
        )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.status, meeting.outcomes, meeting.version) == ("held", "Three leads", 2)


def test_a_planned_meeting_can_be_cancelled(owner):
    meeting = factories.MeetingFactory(logged_by=owner, status="planned")

    client_for(owner).post(
        f"/meetings/{meeting.pk}/edit/", meeting_form_data(meeting, status="cancelled")
    )

    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"


def test_a_side_meeting_is_attached_to_its_forum(owner, forum):
    client = client_for(owner)

    response = client.post(
        "/meetings/new/", meeting_form_data(title="Side meeting with MND", parent=forum.pk)
    )
    side = Meeting.objects.get(title="Side meeting with MND")
    forum_page = client.get(f"/meetings/{forum.pk}/").content.decode()
    side_page = client.get(f"/meetings/{side.pk}/").content.decode()

    assert response.status_code == 302
    assert side.parent == forum
    assert "Side meeting with MND" in forum_page
    assert f'href="/meetings/{forum.pk}/">Forum on the Winter Games</a>' in side_page


def test_a_meeting_cannot_be_part_of_itself(owner, forum):
    before = db_snapshot()

    response = client_for(owner).post(
        f"/meetings/{forum.pk}/edit/", meeting_form_data(forum, parent=forum.pk)
    )

    assert response.status_code == 400
    assert "cannot be part of itself" in field_errors(response, "parent")
    assert db_snapshot() == before


def test_editing_a_meeting_adds_follow_up_actions_and_keeps_the_existing_ones(
    owner, meeting, action
):
    response = client_for(owner).post(
        f"/meetings/{meeting.pk}/edit/",
        meeting_form_data(meeting, actions=[{"title": "Book the hotel", "owner": owner.pk}]),
    )

    assert response.status_code == 302
    assert sorted(meeting.actions.values_list("title", flat=True)) == [
        "Book the hotel",
        "Send the draft agreement",
    ]


def test_the_edit_form_lists_existing_actions_read_only(owner, meeting, action):
    response = client_for(owner).get(f"/meetings/{meeting.pk}/edit/")

    html = response.content.decode()
    assert f'href="/actions/{action.pk}/">Send the draft agreement</a>' in html
    assert 'name="actions-INITIAL_FORMS" value="0"' in html


def test_an_edit_from_a_stale_copy_of_the_meeting_is_refused(owner, teammate, meeting):
    stale = meeting_form_data(meeting, summary="Teammate's notes")
    client_for(owner).post(
        f"/meetings/{meeting.pk}/edit/", meeting_form_data(meeting, summary="Owner's notes")
    )
    before = db_snapshot()

    response = client_for(teammate).post(f"/meetings/{meeting.pk}/edit/", stale)

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert db_snapshot() == before
    assert "Teammate&#x27;s notes</textarea>" in response.content.decode()


def test_a_manager_deletes_a_meeting_and_it_leaves_the_list(manager, owner, meeting):
    response = client_for(manager).post(f"/meetings/{meeting.pk}/delete/")

    assert response.status_code == 302
    assert Meeting.all_objects.get(pk=meeting.pk).is_deleted
    assert meeting.title not in client_for(owner).get("/meetings/").content.decode()


# List and detail -----------------------------------------------------------------------


def meeting_titles(response) -> list[str]:
    titles = re.findall(
        r'class="row-title" href="/meetings/\d+/">([^<]*)</a>', response.content.decode()
    )
    return [html.unescape(title) for title in titles]


@pytest.fixture
def diary(owner, teammate, organization):
    visit = factories.MeetingFactory(
        title="Réunion à Chambéry", kind="meeting", logged_by=owner, country="FR"
    )
    visit.organizations.set([organization, factories.OrganizationFactory()])
    visit.attendees.set([teammate])
    call = factories.MeetingFactory(
        title="Call with Yanqing",
        kind="call",
        status="planned",
        logged_by=teammate,
        locality="Yanqing",
        country="CN",
        start_date=TODAY - datetime.timedelta(days=160),
    )
    return {"visit": visit.title, "call": call.title}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "call"}, ["call"]),
        ({"status": "planned"}, ["call"]),
        ({"country": "FR"}, ["visit"]),
        ({"search": "reunion chambery"}, ["visit"]),
        ({"search": "YANQING"}, ["call"]),
        ({"start_before": str(TODAY - datetime.timedelta(days=130))}, ["call"]),
    ],
)
def test_the_meeting_list_filters(owner, diary, query, expected):
    response = client_for(owner).get("/meetings/", query)

    assert response.status_code == 200
    assert meeting_titles(response) == [diary[key] for key in expected]


def test_the_meeting_list_filters_by_organization_attendee_and_author_once_per_meeting(
    owner, teammate, organization, diary
):
    client = client_for(owner)

    assert meeting_titles(client.get("/meetings/", {"organization": organization.pk})) == [
        diary["visit"]
    ]
    assert meeting_titles(client.get("/meetings/", {"attendee": teammate.pk})) == [diary["visit"]]
    assert meeting_titles(client.get("/meetings/", {"logged_by": teammate.pk})) == [diary["call"]]


# Creating an organization or a contact from inside the form ---------------------------


def test_an_organization_is_created_from_inside_the_form(owner):
    response = client_for(owner).post(
        "/organizations/quick-create/",
        {"name": "Yutong", "local_name": "宇通客车", "kind": "company", "country": "CN"},
    )

    organization = Organization.objects.get(name="Yutong")
    assert response.status_code == 201
    assert response.json() == {"id": organization.pk, "label": "Yutong (宇通客车)"}


def test_a_near_duplicate_organization_is_offered_instead_of_created(owner, organization):
    client = client_for(owner)
    data = {"name": "zhang-jiakou", "kind": "city", "country": "CN"}

    warned = client.post("/organizations/quick-create/", data)
    confirmed = client.post("/organizations/quick-create/", {**data, "confirm_distinct": "1"})

    assert warned.status_code == 409
    assert warned.json()["similar"] == [{"id": organization.pk, "label": "Zhangjiakou (张家口市)"}]
    assert confirmed.status_code == 201
    assert Organization.objects.filter(name="zhang-jiakou").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "kind": "city", "country": "CN"}, "name"),
        ({"name": "Yutong", "kind": "spaceport", "country": "CN"}, "kind"),
        ({"name": "Yutong", "kind": "company", "country": "XX"}, "country"),
        ({"name": "ZHANGJIAKOU", "kind": "city", "country": "CN", "confirm_distinct": "1"}, None),
    ],
    ids=["no name", "unknown kind", "unknown country", "same name"],
)
def test_a_bad_quick_organization_is_refused_with_its_errors(owner, organization, data, field):
    before = db_snapshot()

    response = client_for(owner).post("/organizations/quick-create/", data)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert errors[field] if field else errors
    assert db_snapshot() == before


def test_a_contact_is_created_from_inside_the_form(owner, organization):
    response = client_for(owner).post(
        "/contacts/quick-create/",
        {
            "name": "Li Na",
            "local_name": "李娜",
            "organization": organization.pk,
            "title": "Director",
        },
    )

    contact = Contact.objects.get(name="Li Na")
    assert response.status_code == 201
    assert response.json() == {"id": contact.pk, "label": "Li Na (李娜) — Zhangjiakou"}
    assert contact.organization == organization


@pytest.mark.parametrize(
    "data",
    [{"name": "Li Na"}, {"name": "Li Na", "organization": "999999"}, {"organization": "ORG"}],
    ids=["no organization", "unknown organization", "no name"],
)
def test_a_bad_quick_contact_is_refused_with_its_errors(owner, organization, data):
    data = {k: (organization.pk if v == "ORG" else v) for k, v in data.items()}
    before = db_snapshot()

    response = client_for(owner).post("/contacts/quick-create/", data)

    assert response.status_code == 400
    assert json.loads(response.content)["errors"]
    assert db_snapshot() == before


def test_the_meeting_form_carries_the_quick_create_dialogs(owner):
    html = client_for(owner).get("/meetings/new/").content.decode()

    assert 'data-url="/organizations/quick-create/"' in html
    assert 'data-url="/contacts/quick-create/"' in html
    assert 'data-create="organization"' in html


def test_a_forum_cannot_be_part_of_one_of_its_own_side_meetings(owner, forum):
    side = factories.MeetingFactory(title="Side meeting", parent=forum, logged_by=owner)
    before = db_snapshot()

    response = client_for(owner).post(
        f"/meetings/{forum.pk}/edit/", meeting_form_data(forum, parent=side.pk)
    )

    assert response.status_code == 400
    assert "side meetings" in field_errors(response, "parent")
    assert db_snapshot() == before


def test_documents_of_a_deleted_partnership_leave_the_meeting_page(manager, owner):
    meeting = factories.MeetingFactory(logged_by=owner)
    document = factories.DocumentFactory(meeting=meeting, title="Signed letter of intent")
    assert (
        "Signed letter of intent"
        in client_for(owner).get(meeting.get_absolute_url()).content.decode()
    )

    lifecycle.soft_delete(document.partnership, by=manager)
    assert (
        "Signed letter of intent"
        not in client_for(owner).get(meeting.get_absolute_url()).content.decode()
    )
