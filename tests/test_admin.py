"""The Django admin: every page loads, changelists don't grow in queries, and
lifecycle changes made there go through the lifecycle service."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from partnerships.models import (
    Action,
    ApiToken,
    Contact,
    DormancyAlert,
    Meeting,
    Organization,
    Partnership,
    ReminderLog,
    Stage,
    StageChange,
)
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REGISTERED = [
    model for model in admin.site._registry if model._meta.app_label in {"partnerships", "auth"}
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def populate(owner) -> None:
    """One of everything, so change pages have a record to open."""
    partnership = factories.PartnershipFactory(owner=owner)
    factories.PartnershipPartyFactory(partnership=partnership)
    meeting = factories.MeetingFactory(logged_by=owner)
    factories.ActionFactory(owner=owner, partnership=partnership, meeting=meeting)
    factories.DocumentSignatoryFactory(document=factories.DocumentFactory(partnership=partnership))
    factories.OrganizationRelationFactory()
    factories.ContactFactory()
    factories.ExchangeRateFactory()
    factories.StatusChangeFactory(partnership=partnership)
    ApiToken.issue(user=owner, name="Nightly sync")
    ReminderLog.objects.create(user=owner, day=datetime.date(2026, 11, 25), summary="1 overdue")
    factories.IndicatorResultFactory(
        line=factories.PartnershipIndicatorFactory(partnership=partnership)
    )
    DormancyAlert.objects.create(
        partnership=partnership,
        quiet_since=datetime.date(2026, 1, 5),
        alerted_on=datetime.date(2026, 6, 1),
    )


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_admin_page_loads_for_an_admin(admin_user, owner, model):
    populate(owner)
    client = client_for(admin_user)
    obj = model._base_manager.first()

    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "changelist"), {"q": "zhang"}).status_code == 200
    if admin.site._registry[model].has_add_permission(_request(admin_user)):
        assert client.get(admin_url(model, "add")).status_code == 200
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "history", obj.pk)).status_code == 200


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("persona", ["owner", "manager", "no_role"])
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/login/",
        "/admin/partnerships/partnership/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
    ],
)
def test_signed_in_non_admins_get_a_403_page_from_the_admin_not_a_sign_in_form(
    personas, persona, url
):
    response = client_for(personas[persona]).get(url)

    assert response.status_code == 403
    html = response.content.decode()
    assert "The administration pages are for administrators." in html
    assert 'name="password"' not in html


def test_signed_out_visitors_get_the_admins_sign_in_page(db):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert 'name="password"' in Client().get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (
            Partnership,
            lambda owner, i: factories.PartnershipPartyFactory(
                partnership=factories.PartnershipFactory(owner=owner)
            ),
        ),
        (Action, lambda owner, i: factories.ActionFactory(owner=owner)),
        ("partnerships.Meeting", lambda owner, i: factories.MeetingFactory(logged_by=owner)),
        (
            "partnerships.Organization",
            lambda owner, i: factories.OrganizationFactory(parent=factories.OrganizationFactory()),
        ),
        ("partnerships.Contact", lambda owner, i: factories.ContactFactory()),
        ("partnerships.StageChange", lambda owner, i: factories.PartnershipFactory(owner=owner)),
        ("partnerships.Document", lambda owner, i: factories.DocumentFactory()),
    ],
    ids=["partnership", "action", "meeting", "organization", "contact", "stagechange", "document"],
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_user, owner, model, make, django_assert_max_num_queries
):
    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    client = client_for(admin_user)
    url = admin_url(model, "changelist")
    make(owner, 0)
    client.get(url)  # warm caches (content types, sessions)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    for i in range(12):
        make(owner, i)
    with django_assert_max_num_queries(len(one_row)):
        assert client.get(url).status_code == 200


def test_admin_finds_organizations_by_local_name_and_without_accents(admin_user):
    factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市")
    factories.OrganizationFactory(name="Ville de Chambéry", country="FR", locality="Chambéry")
    client = client_for(admin_user)
    url = admin_url(factories.OrganizationFactory._meta.model, "changelist")

    assert "Zhangjiakou" in client.get(url, {"q": "张家口"}).content.decode()
    assert "Ville de Chambéry" in client.get(url, {"q": "chambery"}).content.decode()
    assert "Zhangjiakou" not in client.get(url, {"q": "chambery"}).content.decode()


def test_the_admin_lists_and_filters_illustrative_meetings(admin_user):
    factories.MeetingFactory(title="From the release")
    factories.MeetingFactory(title="A plausible next call", is_illustrative=True)
    page = client_for(admin_user).get(
        admin_url(Meeting, "changelist"), {"is_illustrative__exact": "1"}
    )
    text = page.content.decode()
    assert "A plausible next call" in text and "From the release" not in text


def test_adding_a_partnership_in_the_admin_records_its_first_stage(admin_user, owner):
    response = client_for(admin_user).post(
        admin_url(Partnership, "add"),
        {
            "title": "Chamonix – Yanqing",
            "kind": "institutional",
            "stage": "agreement",
            "owner": owner.pk,
            "value_currency": "EUR",
            "version": 1,
            "parties-TOTAL_FORMS": 0,
            "parties-INITIAL_FORMS": 0,
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 0,
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
            "indicator_lines-TOTAL_FORMS": 0,
            "indicator_lines-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partnership = Partnership.objects.get(title="Chamonix – Yanqing")
    assert partnership.created_by == admin_user
    assert list(partnership.stage_changes.values_list("from_stage", "to_stage")) == [
        ("", "agreement")
    ]


def test_the_admin_saves_parties_team_and_sectors_through_the_workflow(admin_user, owner, teammate):
    yanqing = factories.OrganizationFactory(name="Yanqing District")
    chamonix = factories.OrganizationFactory(name="Chamonix", country="FR")
    sector = factories.SectorFactory(name="Tourism")
    response = client_for(admin_user).post(
        admin_url(Partnership, "add"),
        {
            "title": "Chamonix – Yanqing",
            "kind": "institutional",
            "stage": "agreement",
            "owner": owner.pk,
            "team": [teammate.pk],
            "sectors": [sector.pk],
            "value_currency": "EUR",
            "version": 1,
            "parties-TOTAL_FORMS": 2,
            "parties-INITIAL_FORMS": 0,
            "parties-0-organization": yanqing.pk,
            "parties-0-role": "signatory",
            "parties-0-order": 2,
            "parties-1-organization": chamonix.pk,
            "parties-1-role": "signatory",
            "parties-1-order": 1,
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 0,
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
            "indicator_lines-TOTAL_FORMS": 0,
            "indicator_lines-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    partnership = Partnership.objects.get(title="Chamonix – Yanqing")
    assert [p.organization for p in partnership.parties.all()] == [chamonix, yanqing]
    assert list(partnership.team.all()) == [teammate]
    assert list(partnership.sectors.all()) == [sector]
    assert partnership.stage_changes.count() == 1


def test_an_action_added_to_a_meeting_in_the_admin_gets_its_only_partnership(
    admin_user, owner, partnership
):
    response = client_for(admin_user).post(
        admin_url(Meeting, "add"),
        {
            "kind": "call",
            "status": "held",
            "title": "Call with Zhangjiakou",
            "start_date": "2026-11-20",
            "logged_by": owner.pk,
            "partnerships": [partnership.pk],
            "version": 1,
            "actions-TOTAL_FORMS": 1,
            "actions-INITIAL_FORMS": 0,
            "actions-0-title": "Send the draft",
            "actions-0-owner": owner.pk,
            "actions-0-side": "ours",
            "actions-0-priority": "normal",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title="Call with Zhangjiakou")
    assert meeting.logged_by == owner
    action = meeting.actions.get()
    assert (action.partnership, action.created_by) == (partnership, admin_user)


def test_the_stage_cannot_be_edited_as_a_field_in_the_admin(admin_user, partnership):
    response = client_for(admin_user).get(admin_url(Partnership, "change", partnership.pk))
    assert 'name="stage"' not in response.content.decode()


def test_admin_bulk_move_goes_through_the_lifecycle(admin_user, owner):
    first = factories.PartnershipFactory(owner=owner, stage=Stage.LETTER_OF_INTENT)
    closed = factories.PartnershipFactory(
        owner=owner, stage=Stage.LETTER_OF_INTENT, status="concluded"
    )
    client = client_for(admin_user)
    url = admin_url(Partnership, "changelist")
    form = {"action": "move_stage", "_selected_action": [first.pk, closed.pk]}

    confirmation = client.post(url, form)
    assert "Move partnerships to another stage" in confirmation.content.decode()

    response = client.post(
        url, {**form, "apply": "1", "stage": "agreement", "note": "Signed"}, follow=True
    )

    first.refresh_from_db()
    closed.refresh_from_db()
    assert first.stage == Stage.AGREEMENT
    assert StageChange.objects.filter(
        partnership=first, to_stage="agreement", changed_by=admin_user
    ).exists()
    assert closed.stage == Stage.LETTER_OF_INTENT
    assert "cannot change stage" in response.content.decode()


def test_admin_bulk_backward_move_without_note_is_refused_and_reported(admin_user, owner):
    partnership = factories.PartnershipFactory(owner=owner, stage=Stage.CONTRACT)
    response = client_for(admin_user).post(
        admin_url(Partnership, "changelist"),
        {
            "action": "move_stage",
            "_selected_action": [partnership.pk],
            "apply": "1",
            "stage": "prospect",
        },
        follow=True,
    )
    assert "needs a note" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.stage == Stage.CONTRACT


def test_admin_bulk_complete_and_reassign_actions(admin_user, owner, outsider):
    actions = factories.ActionFactory.create_batch(2, owner=owner)
    client = client_for(admin_user)
    url = admin_url(Action, "changelist")
    ids = [a.pk for a in actions]

    client.post(
        url,
        {"action": "reassign_owner", "_selected_action": ids, "apply": "1", "owner": outsider.pk},
    )
    client.post(
        url,
        {
            "action": "complete_selected",
            "_selected_action": ids,
            "apply": "1",
            "outcome": "Done at the forum",
        },
    )

    for action in Action.objects.filter(pk__in=ids):
        assert action.owner == outsider
        assert action.status == "done" and action.completed_by == admin_user
        assert action.outcome == "Done at the forum"


def test_deleting_in_the_admin_is_soft_and_restorable(admin_user, partnership):
    client = client_for(admin_user)
    client.post(admin_url(Partnership, "delete", partnership.pk), {"post": "yes"})
    assert not Partnership.objects.filter(pk=partnership.pk).exists()
    assert Partnership.all_objects.get(pk=partnership.pk).deleted_by == admin_user

    listing = client.get(admin_url(Partnership, "changelist"), {"deleted": "yes"})
    assert partnership.title in listing.content.decode()

    client.post(
        admin_url(Partnership, "changelist") + "?deleted=yes",
        {"action": "restore_selected", "_selected_action": [partnership.pk]},
    )
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_an_admin_edit_from_a_stale_form_is_refused(admin_user, partnership):
    stale_version = partnership.version
    partnership.summary = "Someone else's change"
    partnership.save()

    response = client_for(admin_user).post(
        admin_url(Partnership, "change", partnership.pk),
        {
            "title": "My title",
            "kind": "institutional",
            "owner": partnership.owner_id,
            "value_currency": "EUR",
            "version": stale_version,
            "parties-TOTAL_FORMS": 0,
            "parties-INITIAL_FORMS": 0,
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 1,
            "documents-TOTAL_FORMS": 0,
            "documents-INITIAL_FORMS": 0,
            "indicator_lines-TOTAL_FORMS": 0,
            "indicator_lines-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.title != "My title" and partnership.summary == "Someone else's change"


def test_an_admin_revokes_api_tokens_in_bulk(admin_user, owner):
    kept, _raw = ApiToken.issue(user=owner, name="Dashboard export")
    leaked, leaked_raw = ApiToken.issue(user=owner, name="Leaked")

    response = client_for(admin_user).post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [leaked.pk]},
        follow=True,
    )

    assert "1 token revoked." in response.content.decode()
    assert ApiToken.objects.authenticate(leaked_raw) is None
    kept.refresh_from_db()
    assert kept.is_active


def test_an_admin_sets_a_persons_language_on_their_user_page(admin_user, owner):
    client = client_for(admin_user)
    url = admin_url(get_user_model(), "change", owner.pk)
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in {"username", "first_name", "last_name", "email", "is_active"}
    }
    data.update(
        {
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "crm_profile-TOTAL_FORMS": "1",
            "crm_profile-INITIAL_FORMS": "0",
            "crm_profile-MIN_NUM_FORMS": "0",
            "crm_profile-MAX_NUM_FORMS": "1",
            "crm_profile-0-language": "fr",
            "crm_profile-0-user": str(owner.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert owner.crm_profile.language == "fr"


def test_admin_country_filters_offer_only_countries_in_use(admin_user):
    factories.OrganizationFactory(name="Ville de Chambéry", country="FR")
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    factories.ContactFactory(organization=zhangjiakou, name="Li Wei")
    client = client_for(admin_user)

    organizations = client.get(admin_url(Organization, "changelist"))
    contacts = client.get(admin_url(Contact, "changelist"), {"organization__country": "CN"})

    choices = [
        choice["display"]
        for spec in organizations.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "country"
        for choice in spec.choices(organizations.context["cl"])
    ]
    assert choices == ["All", "China", "France"]
    assert [contact.name for contact in contacts.context["cl"].result_list] == ["Li Wei"]


def test_the_partnership_country_filter_lists_party_countries_and_each_partnership_once(
    admin_user, owner
):
    factories.OrganizationFactory(name="Not a party", country="JP")
    partnership = factories.PartnershipFactory(owner=owner, title="Hebei – Zhangjiakou")
    for name in ("Hebei Province", "Zhangjiakou"):
        factories.PartnershipPartyFactory(
            partnership=partnership, organization=factories.OrganizationFactory(name=name)
        )

    response = client_for(admin_user).get(admin_url(Partnership, "changelist"), {"country": "CN"})

    changelist = response.context["cl"]
    assert list(changelist.result_list) == [partnership]
    (spec,) = [s for s in changelist.filter_specs if getattr(s, "parameter_name", "") == "country"]
    assert [choice["display"] for choice in spec.choices(changelist)] == ["All", "China"]
