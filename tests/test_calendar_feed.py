"""Each person's private calendar feed: valid iCalendar with their due dates
and renewal dates, behind a secret that a wrong guess or a reset turns away."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
import vobject
from django.urls import reverse
from icalendar import Calendar

from partnerships.models import UserProfile
from tests import clock, factories
from tests.builders import TODAY, noon
from tests.conftest import client_for

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


def _feed_url(user) -> str:
    return reverse("calendar_feed", args=[UserProfile.objects.for_user(user).calendar_token])


def _events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def dated(db, owner, teammate, outsider):
    renewing = factories.PartnershipFactory(
        title="Chambéry – Zhangjiakou",
        owner=owner,
        team=[teammate],
        end_date=D(2026, 9, 30),
        renewal_notice_days=90,
        renews_tacitly=True,
    )
    return {
        "renewing": renewing,
        "due": factories.ActionFactory(
            title="Send the draft", owner=owner, partnership=renewing, due_date=D(2026, 6, 20)
        ),
        "done": factories.ActionFactory(
            title="Book the room",
            owner=owner,
            due_date=D(2026, 6, 1),
            status="done",
            completed_on=D(2026, 6, 1),
        ),
        "undated": factories.ActionFactory(title="Someday", owner=owner, due_date=None),
        "theirs": factories.ActionFactory(
            title="Not mine", owner=outsider, due_date=D(2026, 6, 22)
        ),
    }


def test_the_feed_is_valid_icalendar_with_due_dates_and_renewal_dates(dated, owner):
    response = client_for(None).get(_feed_url(owner))  # no session: the secret is enough

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "Olivia Owner" in str(calendar["X-WR-CALNAME"])
    events = _events(response)
    renewing, due = dated["renewing"], dated["due"]
    assert set(events) == {
        f"action-{due.pk}@127.0.0.1",
        f"partnership-{renewing.pk}-renewal@127.0.0.1",
        f"partnership-{renewing.pk}-end@127.0.0.1",
    }


def test_an_action_is_an_all_day_event_on_its_due_date(dated, owner):
    events = _events(client_for(None).get(_feed_url(owner)))

    event = events[f"action-{dated['due'].pk}@127.0.0.1"]
    assert event.decoded("DTSTART") == D(2026, 6, 20)
    assert event.decoded("DTEND") == D(2026, 6, 21)
    assert str(event["SUMMARY"]) == "Due: Send the draft"
    assert "Chambéry – Zhangjiakou" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://127.0.0.1:8000/actions/{dated['due'].pk}/"


def test_a_tacit_renewal_says_when_it_must_be_stopped(dated, owner):
    renewing = dated["renewing"]
    events = _events(client_for(None).get(_feed_url(owner)))

    decision = events[f"partnership-{renewing.pk}-renewal@127.0.0.1"]
    end = events[f"partnership-{renewing.pk}-end@127.0.0.1"]
    assert decision.decoded("DTSTART") == D(2026, 7, 2)
    assert str(decision["SUMMARY"]) == (
        "Last day to stop the tacit renewal: Chambéry – Zhangjiakou"
    )
    assert end.decoded("DTSTART") == D(2026, 9, 30)
    assert str(end["SUMMARY"]) == "Ends, or renews tacitly: Chambéry – Zhangjiakou"


def test_done_undated_and_other_peoples_actions_are_not_in_the_feed(dated, owner):
    summaries = {
        str(event["SUMMARY"]) for event in _events(client_for(None).get(_feed_url(owner))).values()
    }

    assert "Due: Send the draft" in summaries
    assert not {"Due: Book the room", "Due: Someday", "Due: Not mine"} & summaries


def test_a_team_member_sees_the_renewal_dates_but_not_the_owners_actions(dated, teammate):
    events = _events(client_for(None).get(_feed_url(teammate)))

    assert f"partnership-{dated['renewing'].pk}-renewal@127.0.0.1" in events
    assert not any(uid.startswith("action-") for uid in events)


def test_uids_are_stable_when_a_date_moves(dated, owner):
    due = dated["due"]
    before = _events(client_for(None).get(_feed_url(owner)))
    due.due_date = D(2026, 6, 25)
    due.save()

    after = _events(client_for(None).get(_feed_url(owner)))

    uid = f"action-{due.pk}@127.0.0.1"
    assert set(before) == set(after)
    assert after[uid].decoded("DTSTART") == D(2026, 6, 25)


# The secret --------------------------------------------------------------------------------


def test_a_wrong_token_gets_404(db, owner):
    UserProfile.objects.for_user(owner)

    assert client_for(None).get("/calendar/not-the-secret.ics").status_code == 404
    assert client_for(owner).get("/calendar/not-the-secret.ics").status_code == 404


def test_resetting_the_secret_retires_the_old_address(dated, owner):
    old = _feed_url(owner)
    client = client_for(owner)

    response = client.post(reverse("calendar_reset"))

    assert response.status_code == 302
    assert response.url == reverse("profile")
    new = _feed_url(owner)
    assert new != old
    assert client_for(None).get(old).status_code == 404
    assert client_for(None).get(new).status_code == 200


def test_the_reset_must_be_posted_by_the_signed_in_user(db, owner):
    UserProfile.objects.for_user(owner)

    assert client_for(owner).get(reverse("calendar_reset")).status_code == 405
    response = client_for(None).post(reverse("calendar_reset"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_people_who_lost_their_access_lose_their_feed(db, owner, no_role):
    no_role_url = _feed_url(no_role)
    owner_url = _feed_url(owner)
    owner.is_active = False
    owner.save()

    assert client_for(None).get(no_role_url).status_code == 404
    assert client_for(None).get(owner_url).status_code == 404


def test_the_profile_page_shows_the_address_and_the_reset_button(db, owner):
    response = client_for(owner).get(reverse("profile"))
    html = response.content.decode()

    assert f"http://testserver{_feed_url(owner)}" in html
    assert f"webcal://testserver{_feed_url(owner)}" in html
    assert f'action="{reverse("calendar_reset")}"' in html
    assert "Outlook" in html


@pytest.mark.parametrize("size", [2, 20])
def test_the_feed_runs_a_fixed_number_of_queries(db, owner, size, django_assert_max_num_queries):
    for index in range(size):
        partnership = factories.PartnershipFactory(
            owner=owner, end_date=D(2026, 9, 1) + datetime.timedelta(days=index)
        )
        factories.ActionFactory(owner=owner, partnership=partnership)
        factories.MeetingFactory(
            logged_by=owner, start_date=D(2026, 7, 1), start_time=datetime.time(10, index % 60)
        )
    url = _feed_url(owner)

    with django_assert_max_num_queries(5):
        response = client_for(None).get(url)

    assert len(_events(response)) == 3 * size


# Meetings, durations, language, and what other readers make of it ---------------------


@pytest.fixture
def meetings(db, owner, outsider):
    visit = factories.MeetingFactory(
        title="Delegation from Zhangjiakou",
        status="planned",
        kind="inbound_delegation",
        start_date=D(2026, 6, 24),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(17, 0),
        locality="Chambéry",
        country="FR",
        logged_by=outsider,
    )
    visit.attendees.set([owner])
    return {
        "visit": visit,
        "forum": factories.MeetingFactory(
            title="Alpitec China",
            status="held",
            start_date=D(2026, 1, 14),
            end_date=D(2026, 1, 16),
            logged_by=owner,
        ),
        "cancelled": factories.MeetingFactory(
            title="Called off", status="cancelled", start_date=D(2026, 6, 26), logged_by=owner
        ),
        "not_mine": factories.MeetingFactory(
            title="Someone else's", start_date=D(2026, 6, 27), logged_by=outsider
        ),
    }


def test_the_feed_carries_planned_and_held_meetings_the_person_attends_or_logged(
    dated, meetings, owner
):
    events = _events(client_for(None).get(_feed_url(owner)))

    visit = events[f"meeting-{meetings['visit'].pk}@127.0.0.1"]
    # 9:30 to 17:00 in Paris, written in UTC (one or two hours behind, as the
    # meeting's day falls in winter or summer time: the frozen day moves).
    start, end = visit.decoded("DTSTART"), visit.decoded("DTEND")
    day = meetings["visit"].start_date
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    expected = [
        datetime.datetime.combine(day, at, tzinfo=paris).astimezone(datetime.UTC)
        for at in (datetime.time(9, 30), datetime.time(17, 0))
    ]
    assert (start, end) == tuple(expected)
    assert start.tzinfo is not None and start.utcoffset() == datetime.timedelta(0)
    assert str(visit["STATUS"]) == "TENTATIVE"
    assert str(visit["LOCATION"]) == "Chambéry, France"
    forum = events[f"meeting-{meetings['forum'].pk}@127.0.0.1"]
    assert (forum.decoded("DTSTART"), forum.decoded("DTEND")) == (D(2026, 1, 14), D(2026, 1, 17))
    assert str(forum["STATUS"]) == "CONFIRMED"
    assert f"meeting-{meetings['cancelled'].pk}@127.0.0.1" not in events
    assert f"meeting-{meetings['not_mine'].pk}@127.0.0.1" not in events


def test_durations_are_written_as_icalendar_durations(dated, owner):
    body = client_for(None).get(_feed_url(owner)).content.decode()

    assert "X-PUBLISHED-TTL:PT1H\r\n" in body
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert "1:00:00" not in body


def test_the_feed_validates_with_icalendar_and_vobject(dated, meetings, owner):
    body = client_for(None).get(_feed_url(owner)).content

    calendar = Calendar.from_ical(body)
    assert not calendar.errors
    assert all(not component.errors for component in calendar.walk())
    parsed = vobject.readOne(body.decode(), validate=True)
    assert len(parsed.vevent_list) == 5  # 2 meetings, 1 action, 2 renewal dates
    assert all(event.dtstart.value for event in parsed.vevent_list)
    assert parsed.contents["x-published-ttl"][0].value == "PT1H"


def test_the_feed_is_written_in_its_owners_language_whoever_fetches_it(dated, meetings, owner):
    UserProfile.objects.for_user(owner).choose_language("fr")
    client = client_for(None)
    client.cookies["django_language"] = "en"

    events = _events(client.get(_feed_url(owner), HTTP_ACCEPT_LANGUAGE="en"))

    assert str(events[f"action-{dated['due'].pk}@127.0.0.1"]["SUMMARY"]).startswith("Échéance")
    assert str(events[f"meeting-{meetings['visit'].pk}@127.0.0.1"]["LOCATION"]).endswith("France")
    assert "Délégation entrante" in str(
        events[f"meeting-{meetings['visit'].pk}@127.0.0.1"]["DESCRIPTION"]
    )
