"""Partnership pages: the filtered list, the detail page and its timeline,
create and edit, the lifecycle forms (move, status, reassign, delete) and
documents (upload checks, downloads)."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import lifecycle
from partnerships.models import (
    Document,
    Partnership,
    PartnershipParty,
    StageChange,
    StatusChange,
)
from tests import factories, upload_samples
from tests.clock import TODAY, at, written
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot, partnership_form_data

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def row_titles(response) -> list[str]:
    """The titles of the rows of a list page, in order."""
    titles = re.findall(r'class="row-title" href="[^"]*">([^<]*)</a>', response.content.decode())
    return [html.unescape(title) for title in titles]


def field_errors(response, name: str) -> str:
    """The errors shown next to the field ``name`` (its own error list, which
    the field template puts under the input); empty when there are none."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{re.escape(name)}_error">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


# List ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(owner, teammate):
    """Two partnerships that differ by every filter of the list."""
    tourism = factories.SectorFactory(name="Tourism", slug="tourism")
    health = factories.SectorFactory(name="Health", slug="health")
    city = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", kind="city", country="CN"
    )
    hospital = factories.OrganizationFactory(name="CHU de Lyon", kind="hospital", country="FR")
    ski = factories.PartnershipFactory(
        title="Thaiwoo ski lifts",
        owner=owner,
        stage="contract",
        value_amount=Decimal("200000000"),
    )
    ski.sectors.set([tourism])
    factories.PartnershipPartyFactory(partnership=ski, organization=city)
    hospital_partnership = factories.PartnershipFactory(
        title="Hôpital Ruijin renewal",
        owner=teammate,
        stage="prospect",
        status="on_hold",
        value_amount=Decimal("5000"),
    )
    hospital_partnership.sectors.set([health])
    factories.PartnershipPartyFactory(partnership=hospital_partnership, organization=hospital)
    return {"ski": ski.title, "hospital": hospital_partnership.title}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "contract"}, ["ski"]),
        ({"stage": ["prospect", "agreement"]}, ["hospital"]),
        ({"status": "on_hold"}, ["hospital"]),
        ({"sector": "tourism"}, ["ski"]),
        ({"country": "FR"}, ["hospital"]),
        ({"organization_kind": "city"}, ["ski"]),
        ({"search": "hopital"}, ["hospital"]),
        ({"search": "HÔPITAL ruijin"}, ["hospital"]),
        ({"search": "张家口"}, ["ski"]),
        ({"search": "zhangjiakou"}, ["ski"]),
        ({"ordering": "value"}, ["hospital", "ski"]),
        ({"ordering": "-value"}, ["ski", "hospital"]),
        ({"ordering": "title"}, ["hospital", "ski"]),
    ],
)
def test_the_partnership_list_filters_and_sorts(owner, catalogue, query, expected):
    response = client_for(owner).get("/partnerships/", query)

    assert response.status_code == 200
    assert row_titles(response) == [catalogue[key] for key in expected]


def test_the_partnership_list_filters_by_owner(owner, teammate, catalogue):
    client = client_for(owner)

    assert row_titles(client.get("/partnerships/", {"owner": owner.pk})) == [catalogue["ski"]]
    assert row_titles(client.get("/partnerships/", {"owner": teammate.pk})) == [
        catalogue["hospital"]
    ]


def test_the_partnership_list_shows_nothing_for_a_filter_it_does_not_understand(owner, catalogue):
    response = client_for(owner).get("/partnerships/", {"stage": "bogus", "owner": "abc"})

    page = response.content.decode()
    form = response.context["listing"].filterset.form
    assert response.status_code == 200
    assert row_titles(response) == []
    assert "These filters could not be applied, so nothing is shown" in page
    assert "Nothing is listed until the filters marked as not valid are corrected." in page
    assert set(form.errors) == {"stage", "owner"}
    assert 'id="id_owner_error"' in page  # the message is next to its field too


def test_the_partnership_list_takes_fields_left_empty_as_not_set(owner, catalogue):
    response = client_for(owner).get("/partnerships/", {"stage": "", "owner": "", "sector": ""})

    assert sorted(row_titles(response)) == sorted(catalogue.values())


def test_the_partnership_list_is_paginated(owner):
    for index in range(30):
        factories.PartnershipFactory(owner=owner, title=f"Programme {index:02}")
    client = client_for(owner)

    first = client.get("/partnerships/", {"ordering": "title"})
    second = client.get("/partnerships/", {"ordering": "title", "page": 2})

    assert len(row_titles(first)) == 25
    assert row_titles(second) == [f"Programme {index:02}" for index in range(25, 30)]
    assert "Page 2 of 2" in second.content.decode()


def test_deleted_partnerships_are_not_listed(owner, manager, partnership):
    lifecycle.soft_delete(partnership, by=manager)

    assert row_titles(client_for(owner).get("/partnerships/")) == []


# Detail and timeline ------------------------------------------------------------------


@pytest.fixture
def story(owner, teammate, manager):
    """A partnership with a few months of history, each event on its own day."""
    with time_machine.travel(at(days_ago(320), 9), tick=False):
        partnership = lifecycle.create_partnership(
            Partnership(
                title="Chambéry – Zhangjiakou",
                owner=owner,
                value_amount=Decimal("1250000.50"),
                value_currency="EUR",
                value_note="over ten years",
                start_date=days_ago(300),
                end_date=days_ago(300) + datetime.timedelta(days=4 * 365),
            ),
            by=owner,
        )
        partnership.team.set([teammate])
        factories.PartnershipPartyFactory(
            partnership=partnership,
            organization=factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市"),
            role="signatory",
        )
    with time_machine.travel(at(days_ago(265), 15), tick=False):
        meeting = factories.MeetingFactory(
            title="Mission to Hebei", start_date=days_ago(265), logged_by=owner
        )
        meeting.partnerships.set([partnership])
    with time_machine.travel(at(days_ago(238), 11), tick=False):
        lifecycle.move_stage(
            partnership,
            to="letter_of_intent",
            by=owner,
            note="LoI signed",
            expected_version=partnership.version,
        )
    with time_machine.travel(at(days_ago(197), 11), tick=False):
        factories.ActionFactory(
            title="Draft the agreement", owner=teammate, partnership=partnership
        )
    with time_machine.travel(at(days_ago(158), 11), tick=False):
        factories.DocumentFactory(
            partnership=partnership, title="Signed letter of intent", uploaded_by=owner
        )
    with time_machine.travel(at(days_ago(146), 11), tick=False):
        partnership.refresh_from_db()
        client_for(manager).post(
            f"/partnerships/{partnership.pk}/edit/",
            partnership_form_data(partnership, value_note="over twelve years"),
        )
    with time_machine.travel(at(days_ago(102), 11), tick=False):
        partnership.refresh_from_db()  # edited through the page above
        lifecycle.put_on_hold(
            partnership, by=manager, note="Elections in Hebei", expected_version=partnership.version
        )
    return partnership


def test_the_detail_page_shows_parties_value_dates_team_and_documents(owner, story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).get(f"/partnerships/{story.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zhangjiakou" in html
    assert "张家口市" in html
    assert "EUR 1,250,000.50" in html
    assert "over twelve years" in html
    start, end = story.start_date, story.end_date
    assert f"{written(start, short=True)} → {written(end, short=True)}" in html
    assert "Tom Teammate" in html
    assert "Signed letter of intent" in html
    assert f'href="/documents/{story.documents.get().pk}/download/"' in html


def test_the_timeline_tells_the_whole_story_newest_first(manager, story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(manager).get(f"/partnerships/{story.pk}/")

    html = response.content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    events = [
        "Status: Active → On hold",
        "Edited",
        "Document: Signed letter of intent",
        "Action: Draft the agreement",
        "Moved from Prospect to Letter of intent",
        "Mission to Hebei",
        "Started at the Prospect stage",
    ]
    positions = [timeline.find(event) for event in events]
    assert -1 not in positions, dict(zip(events, positions, strict=True))
    assert positions == sorted(positions)
    assert "Elections in Hebei" in timeline
    assert "LoI signed" in timeline


def test_staff_see_the_timeline_without_the_edit_history(owner, story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).get(f"/partnerships/{story.pk}/")

    html = response.content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    assert "Moved from Prospect to Letter of intent" in timeline
    assert 'class="kind-edit"' not in timeline


def test_the_detail_page_offers_editing_only_to_those_who_may_edit(
    owner, outsider, manager, partnership
):
    edit_link = f'href="/partnerships/{partnership.pk}/edit/"'
    reassign_form = f'action="/partnerships/{partnership.pk}/reassign/"'

    owner_page = client_for(owner).get(f"/partnerships/{partnership.pk}/").content.decode()
    outsider_page = client_for(outsider).get(f"/partnerships/{partnership.pk}/").content.decode()
    manager_page = client_for(manager).get(f"/partnerships/{partnership.pk}/").content.decode()

    assert edit_link in owner_page and reassign_form not in owner_page
    assert edit_link not in outsider_page and "Move to another stage" not in outsider_page
    assert edit_link in manager_page and reassign_form in manager_page


# Create ------------------------------------------------------------------------------


def test_staff_create_a_partnership_with_its_parties_team_and_first_stage(
    outsider, teammate, organization
):
    data = partnership_form_data(
        title="Chamonix – Yanqing",
        owner=outsider.pk,
        team=[teammate.pk],
        stage="agreement",
        stage_since=str(days_ago(100)),
        start_date="2026-03-01",
        end_date="2031-02-28",
        renewal_notice_days="90",
        value_amount="1000000",
        **{"parties-0-organization": organization.pk, "parties-0-role": "signatory"},
    )

    with time_machine.travel(NOW, tick=False):
        response = client_for(outsider).post("/partnerships/new/", data)

    partnership = Partnership.objects.get(title="Chamonix – Yanqing")
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership.pk}/"
    assert partnership.owner == outsider
    assert list(partnership.team.all()) == [teammate]
    assert partnership.stage == "agreement"
    assert partnership.renewal_due_on == datetime.date(2030, 11, 30)
    assert list(partnership.parties.values_list("organization", "role")) == [
        (organization.pk, "signatory")
    ]
    assert list(
        partnership.stage_changes.values_list("from_stage", "to_stage", "effective_date")
    ) == [("", "agreement", days_ago(100))]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"owner": ""}, "owner", "This field is required."),
        ({"owner": "999999"}, "owner", "Select a valid choice."),
        ({"title": ""}, "title", "This field is required."),
        (
            {"start_date": "2027-06-01", "end_date": "2027-01-01"},
            "end_date",
            "The end date cannot be before the start date.",
        ),
        (
            {"stage_since": str(TODAY + datetime.timedelta(days=1))},
            "stage_since",
            "This date cannot be in the future.",
        ),
        ({"stage": "bogus"}, "stage", "Select a valid choice."),
        ({"start_date": "31/02/2027"}, "start_date", "Enter a valid date."),
        ({"origin_meeting": "999999"}, "origin_meeting", "Select a valid choice."),
    ],
    ids=[
        "missing owner",
        "unknown owner",
        "missing title",
        "end before start",
        "stage date in the future",
        "unknown stage",
        "impossible date",
        "unknown meeting",
    ],
)
def test_a_bad_new_partnership_saves_nothing_and_keeps_what_was_typed(
    owner, organization, changes, field, message
):
    data = partnership_form_data(
        title="Sophia Antipolis – Chengdu",
        owner=owner.pk,
        summary="Sister parks",
        value_note="over five years",
        **{"parties-0-organization": organization.pk},
    )
    data.update(changes)
    before = db_snapshot()

    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).post("/partnerships/new/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert db_snapshot() == before
    assert "Sister parks" in html
    assert 'value="over five years"' in html
    assert f'<option value="{organization.pk}" selected>Zhangjiakou (张家口市)</option>' in html


def test_a_new_partnership_with_an_unknown_or_deleted_party_saves_nothing(
    owner, manager, partnership
):
    lifecycle.soft_delete(partnership, by=manager)
    before = db_snapshot()

    response = client_for(owner).post(
        "/partnerships/new/",
        partnership_form_data(owner=owner.pk, **{"parties-0-organization": "999999"}),
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("value_amount", "-5"), ("value_amount", "0"), ("renewal_notice_days", "4000")],
)
def test_a_value_the_database_would_refuse_is_shown_next_to_its_field(owner, field, value):
    before = db_snapshot()

    response = client_for(owner).post(
        "/partnerships/new/", partnership_form_data(owner=owner.pk, **{field: value})
    )

    assert response.status_code == 400
    assert "Ensure this value is" in field_errors(response, field)
    assert db_snapshot() == before


# Edit --------------------------------------------------------------------------------


def test_a_teammate_edits_the_partnership(teammate, partnership, organization):
    data = partnership_form_data(
        partnership,
        title="Chambéry – Zhangjiakou cooperation",
        summary="Nordic sport and smart city",
        **{
            "parties-TOTAL_FORMS": "1",
            "parties-0-organization": organization.pk,
            "parties-0-role": "partner",
        },
    )

    response = client_for(teammate).post(f"/partnerships/{partnership.pk}/edit/", data)

    partnership.refresh_from_db()
    assert response.status_code == 302
    assert partnership.title == "Chambéry – Zhangjiakou cooperation"
    assert partnership.summary == "Nordic sport and smart city"
    assert partnership.version == 2
    assert list(partnership.parties.values_list("organization", flat=True)) == [organization.pk]


def test_a_teammate_cannot_change_the_owner_through_the_edit_form(
    owner, teammate, outsider, partnership
):
    data = partnership_form_data(partnership, owner=outsider.pk, title="Renamed")

    client_for(teammate).post(f"/partnerships/{partnership.pk}/edit/", data)

    partnership.refresh_from_db()
    assert partnership.title == "Renamed"
    assert partnership.owner == owner


def test_an_edit_from_a_stale_copy_is_refused_and_saves_nothing(owner, teammate, partnership):
    stale = partnership_form_data(partnership, title="Teammate's title")
    client_for(owner).post(
        f"/partnerships/{partnership.pk}/edit/",
        partnership_form_data(partnership, title="Owner's title"),
    )
    before = db_snapshot()

    response = client_for(teammate).post(f"/partnerships/{partnership.pk}/edit/", stale)

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert db_snapshot() == before
    assert Partnership.objects.get(pk=partnership.pk).title == "Owner's title"


def test_an_edit_with_the_end_before_the_start_saves_nothing(owner, partnership):
    before = db_snapshot()

    response = client_for(owner).post(
        f"/partnerships/{partnership.pk}/edit/",
        partnership_form_data(partnership, start_date="2027-01-01", end_date="2026-01-01"),
    )

    assert response.status_code == 400
    assert "cannot be before the start date" in field_errors(response, "end_date")
    assert db_snapshot() == before


# Lifecycle forms ------------------------------------------------------------------------


def test_the_owner_moves_the_partnership_forward_with_a_date_and_a_note(owner, partnership):
    client = client_for(owner)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/partnerships/{partnership.pk}/move/",
            {
                "stage": "contract",
                "effective_date": str(days_ago(5)),
                "note": "Signed at the forum",
                "version": partnership.version,
            },
        )
        detail = client.get(response["Location"])

    partnership.refresh_from_db()
    change = partnership.stage_changes.last()
    assert response.status_code == 302
    assert partnership.stage == "contract"
    assert (change.from_stage, change.to_stage, change.effective_date, change.note) == (
        "prospect",
        "contract",
        days_ago(5),
        "Signed at the forum",
    )
    assert change.changed_by == owner
    assert "Moved to Contract." in detail.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"stage": "prospect", "note": ""}, "note", "needs a note saying why"),
        (
            {"stage": "agreement", "effective_date": str(TODAY + datetime.timedelta(days=1))},
            "effective_date",
            "future",
        ),
        (
            {"stage": "agreement", "effective_date": str(days_ago(1))},
            "effective_date",
            "previous",
        ),
        ({"stage": "letter_of_intent"}, "stage", "already at the letter of intent stage"),
        ({"stage": "bogus"}, "stage", "Select a valid choice."),
        ({"stage": "agreement", "effective_date": "someday"}, "effective_date", "valid date"),
    ],
    ids=["backward without a note", "future", "before the last move", "same", "unknown", "bad"],
)
def test_a_refused_move_saves_nothing_and_says_why_next_to_the_field(
    owner, partnership, data, field, message
):
    with time_machine.travel(NOW, tick=False):
        lifecycle.move_stage(
            partnership, to="letter_of_intent", by=owner, expected_version=partnership.version
        )
        before = db_snapshot()
        response = client_for(owner).post(
            f"/partnerships/{partnership.pk}/move/", {"version": partnership.version, **data}
        )

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert db_snapshot() == before


def test_moving_back_with_a_reason_is_recorded_as_a_backward_move(owner, partnership):
    with time_machine.travel(NOW, tick=False):
        lifecycle.move_stage(
            partnership, to="agreement", by=owner, expected_version=partnership.version
        )
        response = client_for(owner).post(
            f"/partnerships/{partnership.pk}/move/",
            {
                "stage": "prospect",
                "note": "The partner withdrew its signature",
                "version": partnership.version,
            },
        )
        detail = client_for(owner).get(f"/partnerships/{partnership.pk}/")

    assert response.status_code == 302
    assert partnership.stage_changes.last().is_backward
    assert "backward" in detail.content.decode()


def test_a_move_from_a_stale_page_is_a_409_that_keeps_what_was_typed(owner, teammate, partnership):
    with time_machine.travel(NOW, tick=False):
        stale_version = partnership.version
        lifecycle.move_stage(
            partnership, to="agreement", by=teammate, expected_version=partnership.version
        )
        before = db_snapshot()
        response = client_for(owner).post(
            f"/partnerships/{partnership.pk}/move/",
            {"stage": "contract", "note": "Signed at the forum", "version": stale_version},
        )

    page = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 409
    assert db_snapshot() == before
    assert "Someone else changed this partnership in the meantime" in page
    assert "it is now at the agreement stage, active" in page
    assert "Now: " in page and ">Agreement<" in page  # the page shows the stage as it is now
    assert form["stage"].value() == "contract"
    assert form["note"].value() == "Signed at the forum"
    # Sending it again is a deliberate choice made from what the page now shows.
    partnership.refresh_from_db()
    assert form["version"].value() == str(partnership.version) != str(stale_version)


def test_sending_the_kept_move_again_applies_it(owner, teammate, partnership):
    with time_machine.travel(NOW, tick=False):
        stale_version = partnership.version
        lifecycle.move_stage(
            partnership, to="agreement", by=teammate, expected_version=partnership.version
        )
        client = client_for(owner)
        url = f"/partnerships/{partnership.pk}/move/"
        refused = client.post(url, {"stage": "contract", "version": stale_version})
        again = client.post(
            url, {"stage": "contract", "version": refused.context["form"]["version"].value()}
        )

    partnership.refresh_from_db()
    assert (refused.status_code, again.status_code) == (409, 302)
    assert partnership.stage == "contract"
    assert partnership.stage_changes.count() == 3  # created, teammate's move, this one


@pytest.mark.parametrize("path", ["move", "status"])
def test_a_move_or_status_change_without_a_version_is_refused(owner, partnership, path):
    before = db_snapshot()

    response = client_for(owner).post(
        f"/partnerships/{partnership.pk}/{path}/", {"stage": "agreement", "status": "on_hold"}
    )

    assert response.status_code == 400
    assert "reload the page" in response.context["form"].errors["version"][0]
    assert db_snapshot() == before


def test_a_status_change_from_a_stale_page_is_a_409_that_keeps_what_was_typed(
    owner, teammate, partnership
):
    stale_version = partnership.version
    lifecycle.move_stage(
        partnership, to="agreement", by=teammate, expected_version=partnership.version
    )
    before = db_snapshot()

    response = client_for(owner).post(
        f"/partnerships/{partnership.pk}/status/",
        {"status": "on_hold", "note": "Waiting for the budget", "version": stale_version},
    )

    assert response.status_code == 409
    assert db_snapshot() == before
    assert "Someone else changed this partnership in the meantime" in response.content.decode()
    assert response.context["form"]["note"].value() == "Waiting for the budget"


def test_the_move_forms_carry_the_version_the_page_was_drawn_from(owner, partnership):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )
    hidden = f'<input type="hidden" name="version" value="{partnership.version}"'
    client = client_for(owner)

    for path in ("", "move/", "status/?to=on_hold"):
        page = client.get(f"/partnerships/{partnership.pk}/{path}").content.decode()
        assert page.count(hidden) == 1, path


def test_a_concluded_partnership_does_not_move(owner, partnership):
    lifecycle.conclude(partnership, by=owner, expected_version=partnership.version)
    before = db_snapshot()

    response = client_for(owner).post(
        f"/partnerships/{partnership.pk}/move/",
        {"stage": "contract", "version": partnership.version},
    )

    assert response.status_code == 400
    assert "cannot change stage; reopen it first" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("to", ["on_hold", "concluded"])
def test_the_owner_puts_on_hold_or_concludes(owner, partnership, to):
    response = client_for(owner).post(
        f"/partnerships/{partnership.pk}/status/",
        {"status": to, "note": "Decided in committee", "version": partnership.version},
    )

    detail = client_for(owner).get(f"/partnerships/{partnership.pk}/").content.decode()

    partnership.refresh_from_db()
    assert response.status_code == 302
    assert partnership.status == to
    assert StatusChange.objects.get(partnership=partnership).note == "Decided in committee"
    assert "Decided in committee" in detail
    if to == "concluded":
        assert "A closed partnership does not move; reopen it first." in detail
        assert f"/partnerships/{partnership.pk}/status/?to=active" in detail
    else:
        assert f'action="/partnerships/{partnership.pk}/move/"' in detail


def test_abandoning_needs_a_reason_and_a_note(owner, partnership):
    reason = factories.AbandonReasonFactory(name="Partner unresponsive")
    client = client_for(owner)
    url = f"/partnerships/{partnership.pk}/status/"
    version = partnership.version
    before = db_snapshot()

    without_reason = client.post(
        url, {"status": "abandoned", "note": "No answer since May", "version": version}
    )
    without_note = client.post(
        url, {"status": "abandoned", "reason": reason.pk, "version": version}
    )
    unknown_reason = client.post(
        url, {"status": "abandoned", "reason": "999999", "note": "x", "version": version}
    )

    assert without_reason.status_code == without_note.status_code == unknown_reason.status_code
    assert without_reason.status_code == 400
    assert "Choose why" in field_errors(without_reason, "reason")
    assert "Add a note" in field_errors(without_note, "note")
    assert "Select a valid choice" in field_errors(unknown_reason, "reason")
    assert "No answer since May" in without_reason.content.decode()
    assert db_snapshot() == before

    done = client.post(
        url, {"status": "abandoned", "reason": reason.pk, "note": "Silence", "version": version}
    )

    partnership.refresh_from_db()
    assert done.status_code == 302
    assert (partnership.status, partnership.abandon_reason) == ("abandoned", reason)


def test_the_status_page_preselects_the_requested_status(owner, partnership):
    response = client_for(owner).get(f"/partnerships/{partnership.pk}/status/?to=concluded")

    assert '<option value="concluded" selected>' in response.content.decode()


def test_a_manager_reassigns_a_partnership(manager, outsider, partnership):
    response = client_for(manager).post(
        f"/partnerships/{partnership.pk}/reassign/", {"owner": outsider.pk}
    )

    partnership.refresh_from_db()
    assert response.status_code == 302
    assert partnership.owner == outsider


def test_a_partnership_cannot_be_reassigned_to_an_inactive_user(manager, owner, partnership):
    gone = factories.StaffFactory(username="gone", is_active=False)
    before = db_snapshot()

    response = client_for(manager).post(
        f"/partnerships/{partnership.pk}/reassign/", {"owner": gone.pk}
    )

    assert response.status_code == 400
    assert db_snapshot() == before


def test_a_manager_deletes_and_restores_a_partnership(manager, owner, partnership):
    client = client_for(manager)

    deleted = client.post(f"/partnerships/{partnership.pk}/delete/")
    trash = client.get("/deleted/")
    restored = client.post(f"/deleted/partnership/{partnership.pk}/restore/")

    assert deleted.status_code == 302
    assert "Chambéry – Zhangjiakou" in trash.content.decode()
    assert restored["Location"] == f"/partnerships/{partnership.pk}/"
    assert row_titles(client_for(owner).get("/partnerships/")) == ["Chambéry – Zhangjiakou"]


def test_the_delete_button_only_removes_by_post(manager, partnership):
    response = client_for(manager).get(f"/partnerships/{partnership.pk}/delete/")

    assert response.status_code == 405
    assert not Partnership.all_objects.get(pk=partnership.pk).is_deleted


# Documents ---------------------------------------------------------------------------

PDF = upload_samples.PDF  # a real one-page PDF: uploads must parse


def upload(client, partnership, file, **data):
    return client.post(
        f"/partnerships/{partnership.pk}/documents/new/",
        {"title": "Cooperation agreement", "kind": "agreement", "file": file, **data},
    )


def test_a_teammate_uploads_a_pdf_with_its_signatories(teammate, partnership, contact, meeting):
    file = SimpleUploadedFile("Accord signé.pdf", PDF, content_type="application/pdf")

    response = upload(
        client_for(teammate),
        partnership,
        file,
        signed_on="2026-11-20",
        signed_place="Chambéry",
        meeting=meeting.pk,
        signatories=[contact.pk],
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership.pk}/#documents-title"
    assert (document.title, document.original_name, document.content_type, document.size) == (
        "Cooperation agreement",
        "Accord signé.pdf",
        "application/pdf",
        len(PDF),
    )
    assert document.uploaded_by == teammate
    assert document.meeting == meeting
    assert list(document.signings.values_list("contact", "title_at_signing")) == [
        (contact.pk, "Mayor")
    ]
    assert "Accord" not in document.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("agreement.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("agreement.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("notes.txt", b"<html><body>hi</body></html>"),
        ("agreement", b"%PDF-1.4\n"),
        ("empty.pdf", b""),
    ],
    ids=[
        "html",
        "svg",
        "exe",
        "html disguised as pdf",
        "html disguised as text",
        "no ext",
        "empty",
    ],
)
def test_unsafe_files_are_refused_and_nothing_is_saved(owner, partnership, name, content):
    before = db_snapshot()

    response = upload(client_for(owner), partnership, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert field_errors(response, "file")
    assert db_snapshot() == before
    assert 'value="Cooperation agreement"' in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(owner, partnership, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    before = db_snapshot()

    response = upload(
        client_for(owner), partnership, SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    )

    assert response.status_code == 400
    assert "too large" in field_errors(response, "file")
    assert db_snapshot() == before


def test_a_document_without_a_file_or_with_an_unknown_meeting_is_refused(owner, partnership):
    client = client_for(owner)
    before = db_snapshot()

    no_file = client.post(
        f"/partnerships/{partnership.pk}/documents/new/", {"title": "x", "kind": "agreement"}
    )
    unknown_meeting = upload(client, partnership, SimpleUploadedFile("a.pdf", PDF), meeting=999)

    assert no_file.status_code == unknown_meeting.status_code == 400
    assert "required" in field_errors(no_file, "file")
    assert "Select a valid choice" in field_errors(unknown_meeting, "meeting")
    assert db_snapshot() == before


def test_a_document_is_downloaded_as_an_attachment_never_inline(outsider, document):
    response = client_for(outsider).get(f"/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="agreement.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_anonymous_visitors_cannot_download_a_document(document):
    response = client_for(None).get(f"/documents/{document.pk}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_documents_of_a_deleted_partnership_cannot_be_downloaded(owner, manager, document):
    lifecycle.soft_delete(document.partnership, by=manager)

    response = client_for(owner).get(f"/documents/{document.pk}/download/")

    assert response.status_code in (403, 404)
    assert not getattr(response, "streaming", False)


def test_an_unknown_document_is_not_found(owner):
    assert client_for(owner).get("/documents/999999/download/").status_code == 404


def test_no_party_is_created_when_the_party_rows_are_left_empty(owner):
    response = client_for(owner).post(
        "/partnerships/new/", partnership_form_data(owner=owner.pk, title="No party yet")
    )

    assert response.status_code == 302
    assert not PartnershipParty.objects.exists()
    assert StageChange.objects.filter(partnership__title="No party yet").count() == 1


def test_a_documents_row_shows_where_it_was_signed_and_by_whom_with_their_title_then(
    owner, partnership
):
    mayor = factories.ContactFactory(name="Michel Dantin", title="Senator")
    ceremony = factories.MeetingFactory(title="Forum on the Winter Games business")
    document = factories.DocumentFactory(
        partnership=partnership,
        title="Cooperation agreement",
        signed_on=datetime.date(2018, 11, 29),
        signed_place="Chambéry",
        meeting=ceremony,
    )
    factories.DocumentSignatoryFactory(document=document, contact=mayor, title_at_signing="Mayor")

    html = client_for(owner).get(f"/partnerships/{partnership.pk}/").content.decode()

    row = html[html.index("download>Cooperation agreement") :][:1500]
    assert "signed in Chambéry · Forum on the Winter Games business" in row
    assert "Signatories:" in row
    assert "Michel Dantin</a> (Mayor)" in row  # the title they signed under, not today's
    assert "Senator" not in row
