"""Dormancy alerts: a signed, active partnership with no meeting held and no
action done for CRM_DORMANT_AFTER_DAYS days is listed once in its owner's
digest, and in the managers' report, until something happens."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from partnerships import activity, dormancy, lifecycle
from partnerships.models import DormancyAlert, Meeting
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def quiet_partnership(owner, *, days: int = 200, stage: str = "agreement", **extra):
    partnership = factories.PartnershipFactory(
        owner=owner, stage=stage, stage_changed_on=days_ago(days), **extra
    )
    activity.refresh([partnership.pk], today=TODAY)
    partnership.refresh_from_db()
    return partnership


def send() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def digest_for(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_quiet_signed_partnership_is_in_its_owners_digest_once(owner):
    partnership = quiet_partnership(owner, title="Chambéry – Zhangjiakou")

    send()
    (message,) = digest_for(owner)
    assert "SIGNED, GONE QUIET: 1 partnership" in message.body
    assert "Chambéry – Zhangjiakou" in message.body
    assert "1 signed partnership gone quiet" in message.subject
    alert = DormancyAlert.objects.get()
    assert (alert.partnership, alert.quiet_since) == (partnership, days_ago(200))

    mail.outbox.clear()
    send()  # the same day again: cron-safe
    assert digest_for(owner) == []
    with _next_day():
        send()  # the next day: already told
    assert digest_for(owner) == []
    assert DormancyAlert.objects.count() == 1


def _next_day():
    import time_machine

    from tests.clock import noon

    return time_machine.travel(noon(TODAY + datetime.timedelta(days=1)), tick=False)


def test_prospects_recent_on_hold_and_concluded_ones_are_not_dormant(owner):
    quiet_partnership(owner, stage="prospect")
    quiet_partnership(owner, days=30)
    on_hold = quiet_partnership(owner)
    lifecycle.put_on_hold(on_hold, by=owner, note="", expected_version=on_hold.version)
    contract = quiet_partnership(owner, stage="contract")
    renewal = quiet_partnership(owner, stage="renewal")

    assert set(dormancy.dormant(today=TODAY)) == {contract, renewal}


def test_a_meeting_held_resets_it_and_a_new_spell_alerts_again(owner):
    partnership = quiet_partnership(owner)
    send()
    assert DormancyAlert.objects.count() == 1

    meeting = factories.MeetingFactory(
        logged_by=owner, start_date=days_ago(1), status="held", title="Video call"
    )
    lifecycle.update_meeting(
        meeting, by=owner, expected_version=meeting.version, partnerships=[partnership]
    )
    partnership.refresh_from_db()
    assert partnership.last_engaged_on == days_ago(1)
    assert not dormancy.dormant(today=TODAY).exists()

    later = TODAY + datetime.timedelta(days=dormancy.dormant_after_days())
    assert list(dormancy.to_alert(today=later, owner=owner)) == [partnership]


def test_an_action_done_resets_it_but_an_action_created_does_not(owner):
    partnership = quiet_partnership(owner)
    action = factories.ActionFactory(owner=owner, partnership=partnership, due_date=None)
    activity.refresh([partnership.pk], today=TODAY)
    assert dormancy.dormant(today=TODAY).exists()  # created today: no sign from the partner

    lifecycle.complete_action(
        action, by=owner, outcome="Sent", completed_on=TODAY, expected_version=action.version
    )
    assert not dormancy.dormant(today=TODAY).exists()


def test_the_setting_decides_how_long_is_dormant(owner, settings):
    quiet_partnership(owner, days=50)
    assert not dormancy.dormant(today=TODAY).exists()
    settings.CRM_DORMANT_AFTER_DAYS = 45
    assert dormancy.dormant(today=TODAY).exists()


def test_the_managers_report_lists_them_with_the_day_the_owner_was_told(owner, manager):
    quiet_partnership(owner, title="MND – Snowland")
    client = client_for(manager)
    page = client.get(reverse("reports")).content.decode()
    assert "Signed partnerships gone quiet" in page
    assert "MND – Snowland" in page
    assert "not yet" in page

    send()
    page = client.get(reverse("reports")).content.decode()
    assert "not yet" not in page.split('id="dormant"')[1].split("</section>")[0]


def test_the_report_section_in_french(owner, manager):
    quiet_partnership(owner)
    page = client_for(manager).get(reverse("reports"), HTTP_ACCEPT_LANGUAGE="fr").content
    assert "Partenariats signés sans nouvelles" in page.decode()


@pytest.mark.parametrize("quiet", [1, 20])
def test_the_digest_runs_a_fixed_number_of_queries(owner, quiet, django_assert_max_num_queries):
    for _n in range(quiet):
        quiet_partnership(owner)
    from partnerships.reminders import build_digest

    with django_assert_max_num_queries(8):
        digest = build_digest(owner, today=TODAY)
        titles = [p.title for p in digest.dormant]
    assert len(titles) == quiet


@pytest.mark.parametrize("quiet", [1, 20])
def test_the_report_runs_a_fixed_number_of_queries(owner, quiet, django_assert_max_num_queries):
    for _n in range(quiet):
        quiet_partnership(owner)
    with django_assert_max_num_queries(2):
        report = dormancy.report(today=TODAY)
        owners = [p.owner.username for p in report.rows]
    assert report.count == quiet == len(owners)


def test_the_admin_lists_alerts_read_only(owner, admin_user):
    quiet_partnership(owner)
    send()
    client = client_for(admin_user)
    response = client.get(reverse("admin:partnerships_dormancyalert_changelist"))
    assert response.status_code == 200
    assert client.get(reverse("admin:partnerships_dormancyalert_add")).status_code == 403


def test_a_planned_meeting_whose_day_comes_is_an_engagement_after_the_daily_refresh(owner):
    partnership = quiet_partnership(owner)
    meeting = factories.MeetingFactory(
        logged_by=owner, start_date=TODAY + datetime.timedelta(days=1), status="planned"
    )
    lifecycle.update_meeting(
        meeting, by=owner, expected_version=meeting.version, partnerships=[partnership]
    )
    assert Meeting.objects.count() == 1
    activity.refresh_due(today=TODAY + datetime.timedelta(days=1))
    partnership.refresh_from_db()
    assert partnership.last_engaged_on == TODAY + datetime.timedelta(days=1)
