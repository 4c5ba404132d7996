"""Names containing markup and quotes are shown as text everywhere: escaped in
every page, and data (never markup) in the JSON the selectors read."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from partnerships import lifecycle
from partnerships.models import Partnership
from tests import factories
from tests.clock import TODAY, at
from tests.conftest import client_for, make_persona, shared_rows

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)


def nasty(label: str) -> str:
    return f'<script>alert("{label}")</script> & "quotes" \'single\''


RAW = "<script>alert("
ESCAPED = "&lt;script&gt;alert("


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """One record of every kind whose names and texts are hostile markup, made once
    for the module (each test's writes are rolled back after it)."""
    yield from shared_rows(django_db_blocker, _hostile_records)


def _hostile_records() -> dict:
    owner, manager = make_persona("owner"), make_persona("manager")
    with time_machine.travel(NOW, tick=False):
        person = factories.StaffFactory(
            username="mallory", first_name=nasty("first name"), last_name="Mallory"
        )
        parent = factories.OrganizationFactory(name=nasty("parent"), country="CN")
        organization = factories.OrganizationFactory(
            name=nasty("organization"),
            local_name=nasty("local name"),
            romanization=nasty("romanization"),
            aliases=nasty("alias"),
            notes=nasty("notes"),
            locality=nasty("locality"),
            parent=parent,
            country="CN",
        )
        factories.OrganizationFactory(name=nasty("child"), parent=organization, country="FR")
        contact = factories.ContactFactory(
            organization=organization,
            name=nasty("contact"),
            local_name=nasty("contact local"),
            title=nasty("title"),
            messaging_app="wechat",
            messaging_handle=nasty("handle"),
            notes=nasty("contact notes"),
        )
        partnership = factories.PartnershipFactory(
            owner=owner,
            title=nasty("partnership"),
            summary=nasty("summary"),
            value_amount=1000,
            value_note=nasty("value note"),
            source_reference=nasty("source"),
            end_date=TODAY + datetime.timedelta(days=40),
            renewal_notice_days=30,
            team=[person],
        )
        factories.PartnershipPartyFactory(partnership=partnership, organization=organization)
        meeting = factories.MeetingFactory(
            title=nasty("meeting"),
            locality=nasty("place"),
            summary=nasty("meeting summary"),
            outcomes=nasty("outcomes"),
            logged_by=owner,
            start_date=TODAY - datetime.timedelta(days=2),
        )
        meeting.organizations.set([organization])
        meeting.contacts.set([contact])
        meeting.attendees.set([person, owner])
        meeting.partnerships.set([partnership])
        factories.MeetingFactory(title=nasty("side meeting"), parent=meeting, logged_by=owner)
        action = factories.ActionFactory(
            title=nasty("action"),
            details=nasty("details"),
            owner=owner,
            partnership=partnership,
            meeting=meeting,
            lead_organization=organization,
            due_date=TODAY - datetime.timedelta(days=1),
        )
        factories.ActionFactory(
            title=nasty("due soon"),
            owner=owner,
            partnership=partnership,
            due_date=TODAY + datetime.timedelta(days=3),
        )
        document = factories.DocumentFactory(
            partnership=partnership, title=nasty("document"), meeting=meeting
        )
        factories.DocumentSignatoryFactory(
            document=document, contact=contact, title_at_signing=nasty("signing")
        )
        lifecycle.move_stage(
            partnership,
            to="agreement",
            by=owner,
            note=nasty("move note"),
            expected_version=partnership.version,
        )
        reason = factories.AbandonReasonFactory(name=nasty("reason"))
        abandoned = factories.PartnershipFactory(owner=owner, title=nasty("abandoned"))
        lifecycle.abandon(
            abandoned,
            by=owner,
            reason=reason,
            note=nasty("abandon note"),
            expected_version=abandoned.version,
        )
        deleted = factories.PartnershipFactory(owner=owner, title=nasty("deleted"))
        lifecycle.soft_delete(deleted, by=manager)
    return {
        "organization": organization,
        "contact": contact,
        "partnership": partnership,
        "abandoned": abandoned,
        "meeting": meeting,
        "action": action,
        "person": person,
    }


PAGES = [
    "/partnerships/",
    "/partnerships/{partnership}/",
    "/partnerships/{abandoned}/",
    "/partnerships/{partnership}/edit/",
    "/partnerships/{partnership}/move/",
    "/partnerships/{partnership}/status/",
    "/partnerships/{partnership}/reassign/",
    "/partnerships/{partnership}/documents/new/",
    "/meetings/",
    "/meetings/{meeting}/",
    "/meetings/{meeting}/edit/",
    "/meetings/new/?parent={meeting}&partnerships={partnership}&organizations={organization}",
    "/actions/?pending=true",
    "/actions/?partnership={partnership}&meeting={meeting}&lead_organization={organization}",
    "/actions/{action}/",
    "/actions/{action}/edit/",
    "/organizations/",
    "/organizations/?parent={organization}",
    "/organizations/{organization}/",
    "/organizations/{organization}/edit/",
    "/organizations/similar/?name=%3Cscript%3Ealert(%22organization%22)%3C/script%3E+%26+%22quotes%22+%27single%27",
    "/contacts/",
    "/contacts/?organization={organization}",
    "/contacts/{contact}/",
    "/contacts/{contact}/edit/",
    "/contacts/new/?organization={organization}",
    "/search/?q=alert",
    "/search/?q=%3Cscript%3Ealert(%22typed%22)%3C/script%3E",
    "/deleted/",
]


@pytest.mark.parametrize("template", PAGES)
def test_hostile_names_are_escaped_on_every_page(manager, hostile, template):
    url = template.format(**{key: obj.pk for key, obj in hostile.items()})

    with time_machine.travel(NOW, tick=False):
        response = client_for(manager).get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert RAW not in page
    assert ESCAPED in page
    assert "&quot;" in page


def test_hostile_names_are_escaped_on_the_owners_home_page(owner, hostile):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    assert RAW not in page
    for label in ("action", "due soon", "partnership", "meeting"):
        assert f"{ESCAPED}&quot;{label}&quot;)" in page, label


def test_the_partnership_page_escapes_every_part_of_the_story(manager, hostile):
    with time_machine.travel(NOW, tick=False):
        page = (
            client_for(manager).get(f"/partnerships/{hostile['partnership'].pk}/").content.decode()
        )

    assert RAW not in page
    labels = ["partnership", "summary", "value note", "source", "organization", "local name"]
    labels += ["parent", "action", "document", "meeting", "move note", "first name"]
    for label in labels:
        assert f"{ESCAPED}&quot;{label}&quot;)" in page, label


def test_the_one_click_completion_row_is_escaped(owner, hostile):
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).post(
            f"/actions/{hostile['action'].pk}/complete/",
            {"outcome": nasty("outcome"), "version": hostile["action"].version},
            HTTP_HX_REQUEST="true",
        )
        detail = client_for(owner).get(f"/actions/{hostile['action'].pk}/").content.decode()

    row = response.content.decode()
    assert RAW not in row and ESCAPED in row
    assert RAW not in detail and f"{ESCAPED}&quot;outcome&quot;)" in detail


def test_messages_naming_a_record_are_escaped(manager, hostile):
    partnership = Partnership.all_objects.get(title=nasty("deleted"))
    client = client_for(manager)

    response = client.post(f"/deleted/partnership/{partnership.pk}/restore/", follow=True)

    page = response.content.decode()
    assert "restored." in page
    assert RAW not in page


def test_a_refusal_page_does_not_echo_markup(outsider, hostile):
    response = client_for(outsider).get(f"/partnerships/{hostile['partnership'].pk}/edit/")

    assert response.status_code == 403
    assert RAW not in response.content.decode()


# JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("organizations", "organization"),
        ("contacts", "contact"),
        ("partnerships", "partnership"),
        ("meetings", "meeting"),
        ("users", "first name"),
    ],
)
def test_the_lookups_return_names_as_data_never_as_markup(owner, hostile, kind, label):
    response = client_for(owner).get(f"/lookup/{kind}/", {"q": "alert"})

    body = response.content.decode()
    labels = [row["label"] for row in json.loads(body)["results"]]
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert any(nasty(label) in text for text in labels), labels
    assert "<script" not in body
    assert "&lt;" not in body  # data, not HTML: the page script writes it as text


def test_the_quick_create_answers_carry_names_as_data(owner, hostile):
    client = client_for(owner)

    created = client.post(
        "/organizations/quick-create/",
        {"name": nasty("quick"), "kind": "city", "country": "FR"},
    )
    similar = client.post(
        "/organizations/quick-create/",
        {"name": nasty("organization") + "!", "kind": "city", "country": "CN"},
    )
    contact = client.post(
        "/contacts/quick-create/",
        {"name": nasty("quick contact"), "organization": hostile["organization"].pk},
    )

    for response in (created, similar, contact):
        assert "<script" not in response.content.decode()
        assert "&lt;" not in response.content.decode()
    assert created.json()["label"] == nasty("quick")
    assert similar.json()["similar"][0]["label"].startswith(nasty("organization"))
    assert contact.json()["label"].startswith(nasty("quick contact"))
