"""``send_reminders``: one digest per owner and per day, and one "prepare the
renewal" action per partnership entering its renewal window."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from partnerships.models import Action, ReminderLog, UserProfile
from partnerships.reminders import renewal_key
from tests import clock, factories
from tests.builders import TODAY, noon
from tests.clock import written

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(db, owner, outsider):
    """The owner has an overdue action, one due this week, one due later, one
    done, and a tacitly renewing partnership whose renewal decision is due in
    17 days; the outsider has one action due this week."""
    renewing = factories.PartnershipFactory(
        title="Chambéry – Zhangjiakou",
        owner=owner,
        stage="agreement",
        end_date=D(2026, 9, 30),
        renewal_notice_days=90,  # decide by 2 July
        renews_tacitly=True,
    )
    far = factories.PartnershipFactory(
        title="Renews next year", owner=owner, end_date=D(2027, 6, 1), renewal_notice_days=30
    )
    factories.ActionFactory(
        title="Send the draft agreement", owner=owner, partnership=renewing, due_date=D(2026, 6, 10)
    )
    factories.ActionFactory(title="Call Zhangjiakou", owner=owner, due_date=D(2026, 6, 18))
    factories.ActionFactory(title="Plan the autumn mission", owner=owner, due_date=D(2026, 7, 30))
    factories.ActionFactory(
        title="Book the room",
        owner=owner,
        due_date=D(2026, 6, 1),
        status="done",
        completed_on=D(2026, 6, 1),
    )
    factories.ActionFactory(title="Translate the minutes", owner=outsider, due_date=D(2026, 6, 21))
    return {"renewing": renewing, "far": far}


def _send(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _mail_to(address: str):
    return [message for message in mail.outbox if message.to == [address]]


# Digests ---------------------------------------------------------------------------------


def test_each_owner_gets_one_digest_of_what_needs_them(work, owner, outsider, teammate):
    _send()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "outsider@example.org",
        "owner@example.org",
    ]
    (message,) = _mail_to("owner@example.org")
    assert message.subject == ("Partnership CRM: 1 overdue, 1 due this week, 1 renewal coming due")
    body = message.body
    assert "OVERDUE: 1 action" in body
    assert "Send the draft agreement" in body
    assert "DUE IN THE NEXT 7 DAYS: 1 action" in body
    assert "Call Zhangjiakou" in body
    assert "RENEWALS COMING DUE: 1 partnership" in body
    assert "Chambéry – Zhangjiakou" in body
    decide, end = written(D(2026, 7, 2), short=True), written(D(2026, 9, 30), short=True)
    assert f"Decide by {decide}; ends {end}." in body
    assert "Renews tacitly" in body
    assert "Plan the autumn mission" not in body  # due later
    assert "Book the room" not in body  # done
    assert "Renews next year" not in body
    assert "http://127.0.0.1:8000/actions/" in body


def test_the_digest_has_an_html_version_with_the_same_items(work, owner):
    _send()

    (message,) = _mail_to("owner@example.org")
    html, content_type = message.alternatives[0]
    assert content_type == "text/html"
    for title in ("Send the draft agreement", "Call Zhangjiakou", "Chambéry – Zhangjiakou"):
        assert title in html
    assert 'href="http://127.0.0.1:8000/' in html


def test_the_outsider_gets_only_their_own_work(work, outsider):
    _send()

    (message,) = _mail_to("outsider@example.org")
    assert message.subject == "Partnership CRM: 1 due this week"
    assert "Translate the minutes" in message.body
    assert "Send the draft agreement" not in message.body


def test_running_twice_the_same_day_sends_nothing_twice(work):
    _send()
    first = len(mail.outbox)

    output = _send()

    assert len(mail.outbox) == first == 2
    assert "sent 0 digest(s); 2 already sent today" in output
    assert ReminderLog.objects.filter(day=TODAY).count() == 2


def test_the_next_day_brings_a_new_digest(work, frozen_today):
    _send()
    frozen_today.shift(datetime.timedelta(days=1))

    _send()

    assert len(_mail_to("owner@example.org")) == 2
    assert ReminderLog.objects.count() == 4


def test_people_without_an_address_or_a_role_get_nothing(db, no_role):
    no_address = factories.StaffFactory(username="noaddress", email="")
    factories.ActionFactory(owner=no_address, due_date=D(2026, 6, 1))
    factories.ActionFactory(owner=no_role, due_date=D(2026, 6, 1), partnership=None)
    inactive = factories.StaffFactory(username="gone", is_active=False)
    factories.ActionFactory(owner=inactive, due_date=D(2026, 6, 1))

    _send()

    assert mail.outbox == []


def test_nothing_to_say_means_no_e_mail(db, owner):
    factories.ActionFactory(owner=owner, due_date=D(2026, 12, 1))

    _send()

    assert mail.outbox == []


def test_a_failed_send_is_retried_by_the_next_run(work, caplog):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
        ),
        pytest.raises(CommandError, match="could not be sent"),
    ):
        _send()

    assert ReminderLog.objects.count() == 0
    assert "could not be sent" in caplog.text
    _send()
    assert len(mail.outbox) == 2


def test_a_dry_run_sends_and_creates_nothing(work):
    output = _send("--dry-run")

    assert mail.outbox == []
    assert ReminderLog.objects.count() == 0
    assert not Action.objects.filter(automation_key__isnull=False).exists()
    assert "Would send to owner" in output


def test_the_digest_lists_many_items_up_to_a_limit_with_the_full_count(db, owner):
    for index in range(30):
        factories.ActionFactory(
            title=f"Late {index:02d}", owner=owner, due_date=D(2026, 5, 1), partnership=None
        )

    _send()

    (message,) = _mail_to("owner@example.org")
    assert "OVERDUE: 30 actions" in message.body
    assert "Late 24" in message.body
    assert "Late 25" not in message.body
    assert f"owner={owner.pk}&overdue=true" in message.body


# Renewal actions ----------------------------------------------------------------------------------


def test_a_partnership_entering_its_renewal_window_gets_one_action(work, owner):
    output = _send()

    renewing = work["renewing"]
    action = Action.objects.get(automation_key=renewal_key(renewing))
    assert action.owner == owner
    assert action.partnership == renewing
    assert action.due_date == D(2026, 7, 2)
    assert action.priority == "high"
    assert action.title == (
        f"Tacit renewal: decide before {written(D(2026, 7, 2))} whether to renew "
        "“Chambéry – Zhangjiakou”"
    )
    assert "renews automatically" in action.details
    assert "created 1 renewal action(s)" in output
    assert not Action.objects.filter(partnership=work["far"], automation_key__isnull=False)


FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def test_a_renewal_action_is_written_in_its_owners_language_with_french_dates(db, owner):
    UserProfile.objects.for_user(owner).choose_language("fr")
    # Decided on the first of next month, ending thirty days later.
    first = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    end = first + datetime.timedelta(days=30)
    factories.PartnershipFactory(
        title="Amiens – Zhengzhou", owner=owner, end_date=end, renewal_notice_days=30
    )

    _send()

    action = Action.objects.get(automation_key__startswith="renewal:")
    due = f"1er {FRENCH_MONTHS[first.month - 1]} {first.year}"
    assert action.title == "Préparer le renouvellement de «\u202fAmiens – Zhengzhou\u202f»"
    assert f"doit être décidé au plus tard le {due}" in action.details
    assert f"{end.day} {FRENCH_MONTHS[end.month - 1]} {end.year}" in action.details


def test_the_renewal_action_is_created_once(work, frozen_today):
    _send()
    _send()
    frozen_today.shift(datetime.timedelta(days=5))
    _send()

    assert Action.all_objects.filter(partnership=work["renewing"]).count() == 2  # + the draft


def test_a_deleted_renewal_action_is_not_created_again(work, owner):
    _send()
    Action.objects.filter(automation_key__isnull=False).update(deleted_at=timezone.now())

    _send()

    assert Action.all_objects.filter(automation_key__isnull=False).count() == 1


def test_a_new_end_date_opens_a_new_renewal(work):
    _send()
    renewing = work["renewing"]
    renewing.end_date = D(2026, 10, 31)
    renewing.save()

    _send()

    assert Action.objects.filter(automation_key__startswith=f"renewal:{renewing.pk}:").count() == 2


def test_an_ordinary_renewal_is_prepared_not_stopped(db, owner):
    partnership = factories.PartnershipFactory(
        title="Sitri – CEA-Leti", owner=owner, end_date=D(2026, 8, 1), renewal_notice_days=30
    )

    _send()

    action = Action.objects.get(automation_key=renewal_key(partnership))
    assert action.title == "Prepare the renewal of “Sitri – CEA-Leti”"
    assert action.due_date == D(2026, 7, 2)


@pytest.mark.parametrize(
    "fields",
    [
        {"end_date": D(2026, 6, 1), "renewal_notice_days": 30},  # already ended
        {"end_date": D(2026, 8, 1), "renewal_notice_days": 30, "status": "concluded"},
        {"end_date": D(2026, 12, 31), "renewal_notice_days": 30},  # decide 1 Dec: too early
        {"end_date": None},
    ],
)
def test_no_renewal_action_outside_the_window(db, owner, fields):
    factories.PartnershipFactory(owner=owner, **fields)

    _send()

    assert not Action.objects.filter(automation_key__isnull=False).exists()


def test_a_late_decision_gets_an_action_that_is_already_overdue(db, owner):
    partnership = factories.PartnershipFactory(
        owner=owner, end_date=D(2026, 7, 1), renewal_notice_days=60
    )

    _send()

    action = Action.objects.get(automation_key=renewal_key(partnership))
    assert action.due_date == D(2026, 5, 2)
    assert action.is_overdue(TODAY)
    assert "OVERDUE: 1 action" in _mail_to("owner@example.org")[0].body


def test_each_digest_is_written_in_its_readers_language(work, owner, outsider):
    UserProfile.objects.create(user=owner, language="fr")

    _send()

    (french,) = _mail_to("owner@example.org")
    (english,) = _mail_to("outsider@example.org")
    assert "en retard" in french.subject
    assert "Send the draft agreement" in french.body
    assert "DUE IN THE NEXT 7 DAYS" not in french.body
    assert f"À décider avant le {D(2026, 7, 2):%d/%m/%Y}" in french.body
    assert english.subject == "Partnership CRM: 1 due this week"
