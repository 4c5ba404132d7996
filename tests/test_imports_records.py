"""Spreadsheet imports of partnerships, meetings and actions in the admin:
saved through the workflows, so the stage history, versions, stored activity
and history read as if people had entered them; one transaction per file."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.models import Action, Meeting, Partnership, StageChange
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for
from tests.test_imports import csv_file, db_snapshot, imported, preview, text_of, xlsx_file

pytestmark = pytest.mark.django_db

PARTNERSHIPS = "/admin/partnerships/partnership/"
MEETINGS = "/admin/partnerships/meeting/"
ACTIONS = "/admin/partnerships/action/"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def world(db, owner, teammate):
    chambery = factories.OrganizationFactory(name="Ville de Chambéry", country="FR")
    zhangjiakou = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", country="CN"
    )
    return {"chambery": chambery, "zhangjiakou": zhangjiakou}


PARTNERSHIP_HEADER = [
    "title",
    "parties",
    "sectors",
    "owner",
    "team",
    "value_amount",
    "value_currency",
    "signed_on",
    "stage",
    "letter_of_intent_on",
    "agreement_on",
]


def partnership_row(owner, teammate) -> list:
    return [
        "Chambéry – Zhangjiakou cooperation",
        "Ville de Chambéry (signataire); 张家口市 (signatory)",
        "Tourisme et hôtellerie",
        owner.email,
        teammate.username,
        "1 500 000,50",
        "EUR",
        ago(300).strftime("%d/%m/%Y"),
        "Accord",
        ago(600).isoformat(),
        ago(300),
    ]


def test_partnerships_import_with_parties_stage_history_and_value(
    admin_user, world, owner, teammate
):
    client = client_for(admin_user)
    upload = xlsx_file([PARTNERSHIP_HEADER, partnership_row(owner, teammate)])

    imported(client, PARTNERSHIPS, upload)

    partnership = Partnership.objects.get()
    assert (partnership.owner, list(partnership.team.all())) == (owner, [teammate])
    assert [(p.organization.name, p.role) for p in partnership.parties.all()] == [
        ("Ville de Chambéry", "signatory"),
        ("Zhangjiakou", "signatory"),
    ]
    assert [s.slug for s in partnership.sectors.all()] == ["tourism-hospitality"]
    assert (str(partnership.value_amount), partnership.signed_on) == ("1500000.50", ago(300))
    # The stage history, as if people had moved it on those days.
    assert partnership.stage == "agreement"
    assert partnership.stage_changed_on == ago(300)
    assert list(
        StageChange.objects.filter(partnership=partnership).values_list(
            "from_stage", "to_stage", "effective_date", "changed_by"
        )
    ) == [
        ("", "letter_of_intent", ago(600), admin_user.pk),
        ("letter_of_intent", "agreement", ago(300), admin_user.pk),
    ]
    # One history row, "created" by the importer, holding what the file made
    # of it (its final stage, team and sectors), not one row per save.
    (record,) = partnership.history.all()
    assert (record.history_type, record.history_user) == ("+", admin_user)
    assert record.stage == "agreement"
    assert [m.user for m in record.team.all()] == [teammate]
    assert [m.sector.slug for m in record.sectors.all()] == ["tourism-hospitality"]
    assert {p.history_user for p in partnership.parties.model.history.all()} == {admin_user}


def test_an_imported_partnership_file_imports_again_and_changes_nothing(
    admin_user, world, owner, teammate
):
    client = client_for(admin_user)
    rows = [PARTNERSHIP_HEADER, partnership_row(owner, teammate)]
    imported(client, PARTNERSHIPS, csv_file(rows))
    before = db_snapshot()

    page = text_of(preview(client, PARTNERSHIPS, csv_file(rows)))

    assert "0 new, 0 updated, 1 unchanged, 0 with errors." in page
    assert db_snapshot() == before


def test_a_partnership_update_moves_the_stage_forward_and_shows_old_and_new(
    admin_user, world, owner, teammate
):
    client = client_for(admin_user)
    imported(client, PARTNERSHIPS, csv_file([PARTNERSHIP_HEADER, partnership_row(owner, teammate)]))
    rows = [
        ["title", "stage", "contract_on", "value_amount", "team"],
        ["chambery - zhangjiakou cooperation", "contract", ago(10), "", ""],
    ]

    previewed = preview(client, PARTNERSHIPS, csv_file(rows))

    page = text_of(previewed)
    assert "Stage: Agreement → Contract" in page
    imported(client, PARTNERSHIPS, csv_file(rows))
    partnership = Partnership.objects.get()
    assert partnership.title == "Chambéry – Zhangjiakou cooperation"
    assert (partnership.stage, partnership.stage_changed_on) == ("contract", ago(10))
    assert str(partnership.value_amount) == "1500000.50"  # empty cell: kept
    assert list(partnership.team.all()) == [teammate]


def test_partnership_rows_with_errors_say_row_column_and_what_to_type(admin_user, world, owner):
    client = client_for(admin_user)
    before = db_snapshot()
    upload = csv_file(
        [
            ["title", "parties", "owner", "stage", "agreement_on", "contract_on", "value_amount"],
            ["A", "Nowhere (partner)", "nobody", "agreement", "", "", "lots"],
            ["B", "Zhangjiakou", owner.username, "letter_of_intent", "", ago(3), ""],
            [
                "C",
                "Zhangjiakou",
                owner.username,
                "agreement",
                TODAY + datetime.timedelta(1),
                "",
                "",
            ],
        ]
    )

    page = text_of(preview(client, PARTNERSHIPS, upload))

    assert "0 new, 0 updated, 0 unchanged, 3 with errors." in page
    assert "No organization is named “Nowhere”." in page
    assert "No active user is “nobody”." in page
    assert "“lots” is not an amount." in page
    assert "contract_on (Contract on): This stage comes after the partnership's stage" in page
    assert "agreement_on (Agreement on): This date is in the future." in page
    assert db_snapshot() == before


def test_a_thousand_rows_import_in_one_transaction_or_not_at_all(admin_user, world, owner):
    client = client_for(admin_user)
    rows = [["title", "parties", "owner", "stage"]]
    rows += [[f"Partnership {n}", "Zhangjiakou", owner.username, "prospect"] for n in range(20)]
    rows.append(["Broken", "Zhangjiakou", owner.username, "not a stage"])

    page = text_of(preview(client, PARTNERSHIPS, csv_file(rows)))

    assert "20 new, 0 updated, 0 unchanged, 1 with errors." in page
    assert not Partnership.objects.exists()


def test_meetings_import_with_times_links_and_activity(admin_user, world, owner):
    client = client_for(admin_user)
    partnership = factories.PartnershipFactory(title="Amiens – Zhengzhou", owner=owner)
    contact = factories.ContactFactory(name="Li Wei", organization=world["zhangjiakou"])
    rows = [
        [
            "title",
            "kind",
            "status",
            "start_date",
            "start_time",
            "end_time",
            "organizations",
            "contacts",
            "attendees",
            "partnerships",
        ],
        [
            "Delegation from Zhangjiakou",
            "Délégation entrante",
            "held",
            ago(5),
            "9h30",
            "17:00",
            "Zhangjiakou; Ville de Chambéry",
            "Li Wei",
            owner.username,
            "Amiens – Zhengzhou",
        ],
        ["Visit to Chengdu", "outbound mission", "Prévue", TODAY + datetime.timedelta(30)]
        + [""] * 6,
    ]

    imported(client, MEETINGS, csv_file(rows))

    held = Meeting.objects.get(title="Delegation from Zhangjiakou")
    assert (held.kind, held.status) == ("inbound_delegation", "held")
    assert (held.start_time, held.end_time) == (datetime.time(9, 30), datetime.time(17, 0))
    assert list(held.contacts.all()) == [contact]
    assert list(held.attendees.all()) == [owner]
    assert held.logged_by == admin_user
    partnership.refresh_from_db()
    assert partnership.last_activity_on == ago(5)  # the stored activity counts it
    assert Meeting.objects.get(title="Visit to Chengdu").status == "planned"

    page = text_of(preview(client, MEETINGS, csv_file(rows)))
    assert "0 new, 0 updated, 2 unchanged, 0 with errors." in page


def test_actions_import_with_owner_partnership_meeting_and_completion(admin_user, world, owner):
    client = client_for(admin_user)
    partnership = factories.PartnershipFactory(title="Lyon air route", owner=owner)
    meeting = factories.MeetingFactory(title="Air route kick-off", start_date=ago(40))
    rows = [
        ["title", "owner", "due_date", "partnership", "meeting", "status", "completed_on"],
        ["Study the route", owner.username, ago(-20), "Lyon air route", "", "open", ""],
        [
            "Send the minutes",
            owner.email,
            ago(30),
            "Lyon air route",
            f"Air route kick-off ({ago(40)})",
            "Terminée",
            ago(32),
        ],
    ]

    imported(client, ACTIONS, csv_file(rows))

    study = Action.objects.get(title="Study the route")
    assert (study.owner, study.partnership, study.status) == (owner, partnership, "open")
    minutes = Action.objects.get(title="Send the minutes")
    assert (minutes.status, minutes.completed_on, minutes.meeting) == ("done", ago(32), meeting)
    assert minutes.completed_by == admin_user
    partnership.refresh_from_db()
    assert partnership.next_due_on == ago(-20)

    page = text_of(preview(client, ACTIONS, csv_file(rows)))
    assert "0 new, 0 updated, 2 unchanged, 0 with errors." in page


def test_the_partnership_export_imports_back_unchanged(admin_user, world, owner, teammate):
    client = client_for(admin_user)
    imported(client, PARTNERSHIPS, csv_file([PARTNERSHIP_HEADER, partnership_row(owner, teammate)]))
    exported = client.get(f"{PARTNERSHIPS}export/")
    before = db_snapshot()

    page = text_of(preview(client, PARTNERSHIPS, SimpleUploadedFile("p.xlsx", exported.content)))

    assert "0 new, 0 updated, 1 unchanged, 0 with errors." in page
    assert db_snapshot() == before
