"""Managers and admins see each change of a record as field, old value → new
value, by whom and when, many-to-many fields (sectors, team, attendees) and a
partnership's parties included; staff do not see the history."""

from __future__ import annotations

import pytest

from partnerships import lifecycle
from partnerships.lifecycle import Party
from partnerships.models import Partnership
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    assert 'id="history"' in html, "no history section"
    section = html[html.index('id="history"') :]
    return section[: section.index("</section>")]


@pytest.fixture
def edited(owner, teammate, manager):
    """A partnership created, then edited by the manager: title, value,
    currency, sectors, team and parties."""
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    chambery = factories.OrganizationFactory(name="Ville de Chambéry", country="FR")
    tourism = factories.SectorFactory(name="Snow tourism")
    health = factories.SectorFactory(name="Ice hockey")
    partnership = lifecycle.create_partnership(
        Partnership(title="Winter cooperation", owner=owner, value_amount=1000),
        by=owner,
        sectors=[tourism],
        parties=[Party(zhangjiakou, "partner")],
    )
    partnership.title = "Winter sports cooperation"
    partnership.value_amount = 25000
    lifecycle.update_partnership(
        partnership,
        by=manager,
        expected_version=partnership.version,
        team=[teammate],
        sectors=[tourism, health],
        parties=[Party(zhangjiakou, "signatory"), Party(chambery, "partner")],
    )
    return partnership


def test_a_manager_sees_each_partnership_change_as_old_and_new_values(edited, manager):
    html = client_for(manager).get(f"/partnerships/{edited.pk}/").content.decode()

    history = _history(html)
    assert 'Title:</span> <span class="old">Winter cooperation</span> → ' in history
    assert '<span class="new">Winter sports cooperation</span>' in history
    assert "1,000" in history and "25,000" in history
    assert (
        'Sectors:</span> <span class="old">Snow tourism</span> → '
        '<span class="new">Ice hockey, Snow tourism' in history
    )
    assert 'Team members:</span> <span class="old">—</span> → ' in history
    assert (
        'Parties:</span> <span class="old">Zhangjiakou (Partner)</span> → <span class="new">—'
        in history
    )
    assert '<span class="new">Zhangjiakou (Signatory)</span>' in history
    assert '<span class="new">Ville de Chambéry (Partner)</span>' in history
    assert manager.get_full_name() in history or manager.get_username() in history


def test_staff_do_not_see_the_history(edited, owner):
    html = client_for(owner).get(f"/partnerships/{edited.pk}/").content.decode()

    assert 'id="history"' not in html


def test_meeting_action_organization_and_contact_pages_show_old_and_new(owner, manager, admin_user):
    meeting = factories.MeetingFactory(title="Visit", logged_by=owner, locality="Lyon")
    meeting.locality = "Chambéry"
    lifecycle.update_meeting(
        meeting, by=owner, expected_version=meeting.version, attendees=[owner, manager]
    )
    action = factories.ActionFactory(owner=owner, title="Send the draft")
    action.title = "Send the signed draft"
    lifecycle.update_action(action, by=owner, expected_version=action.version)
    organization = factories.OrganizationFactory(name="Hebei", locality="")
    organization.locality = "Shijiazhuang"
    lifecycle.update_organization(organization, by=owner)
    contact = factories.ContactFactory(name="Li Na", title="Deputy mayor")
    contact.title = "Mayor"
    contact.save()

    pages = {
        f"/meetings/{meeting.pk}/": [
            'Lyon</span> → <span class="new">Chambéry',
            "Internal attendees",
        ],
        f"/actions/{action.pk}/": [
            'Send the draft</span> → <span class="new">Send the signed draft'
        ],
        f"/organizations/{organization.pk}/": ['—</span> → <span class="new">Shijiazhuang'],
        f"/contacts/{contact.pk}/": ['Deputy mayor</span> → <span class="new">Mayor'],
    }
    for person in (manager, admin_user):
        client = client_for(person)
        for url, expected in pages.items():
            history = _history(client.get(url).content.decode())
            for text in expected:
                assert text in history, (person, url, text)
    for url in pages:
        assert 'id="history"' not in client_for(owner).get(url).content.decode()
