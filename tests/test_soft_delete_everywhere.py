"""Soft delete with no holes: a deleted partnership, meeting and action are
gone from every surface that shows records or their names, and come back,
links and all, when restored.

The walk is enumerated from the URL resolver, the API router and the admin
site, so a surface added later cannot be forgotten: every URL pattern is
either visited (with the ids of the live records around the deleted ones
filled in, lists with and without each of their filters) or listed in
``NOT_SHOWING_RECORDS`` with the reason it shows no record. The exports,
the calendar feed, the reminder e-mail, the search and the search-select
look-ups are part of the walk.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from partnerships import filters as page_filters
from partnerships import forms as page_forms
from partnerships import lifecycle
from partnerships.api.urls import router
from partnerships.models import (
    Action,
    Contact,
    Document,
    DormancyAlert,
    Meeting,
    Organization,
    Partnership,
    PartnershipParty,
    ReminderLog,
    Sector,
    Stage,
    StageChange,
    StatusChange,
    UserProfile,
)
from partnerships.models.base import HiddenWithParentManager, SoftDeleteModel, live_links
from partnerships.pipeline import BoardFilter
from partnerships.widgets import SearchSelectMixin
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import client_for
from tests.pages.conftest import action_form_data, meeting_form_data, partnership_form_data

pytestmark = pytest.mark.django_db

NOW = "2026-11-25 10:00 +01:00"
TODAY = datetime.date(2026, 11, 25)

# The names of the three records that are deleted: none may show anywhere.
QUETZAL = "Quetzalcoatl"  # the partnership (and the rows that are its own)
ZEPPELIN = "Zeppelin"  # the meeting
MARZIPAN = "Marzipan"  # the action
MARKERS = (QUETZAL, ZEPPELIN, MARZIPAN)
# Every record of the world has this word in its name: searches find them all.
COMMON = "chambery"

# URL patterns the walk does not visit, and why they show no record.
NOT_SHOWING_RECORDS = {
    "login": "the sign-in form",
    "logout": "POST only: signs out",
    "set_language": "POST only: stores the language, then redirects",
    "api_token_create": "POST only: creates a token, then redirects to the profile",
    "api_token_revoke": "POST only: revokes a token",
    "calendar_reset": "POST only: changes the feed's secret",
    "partnerships:delete": "POST only: deletes, then redirects",
    "meetings:delete": "POST only: deletes, then redirects",
    "actions:delete": "POST only: deletes, then redirects",
    "actions:complete": "POST only: answers with the row, as actions:detail shows it",
    "actions:cancel": "POST only: answers with the row, as actions:detail shows it",
    "actions:reopen": "POST only: answers with the row, as actions:detail shows it",
    "actions:reassign": "POST only: redirects to actions:detail",
    "pipeline_move": "POST only: redirects to the board, or answers the card as it shows",
    "organizations:quick_create": "POST only: answers the new organization",
    "contacts:quick_create": "POST only: answers the new contact",
    "partnerships:indicator_edit": "a line of a partnership's targets (two ids): "
    "404 while the partnership is deleted, in tests/test_indicators.py",
    "partnerships:indicator_delete": "POST only: deletes a line of targets (two ids), "
    "404 while the partnership is deleted, in tests/test_indicators.py",
    "organizations:merge": "compares two organizations (never soft-deleted), from merge_pick",
    "contacts:merge": "compares two contacts (never soft-deleted), from merge_pick",
    "trash": "lists deleted records by design: where managers restore them",
    "restore": "POST only: restores, then redirects",
    "healthz": "answers whether the database is up",
    "favicon.ico": "an image",
    "api:schema": "describes the API's fields, no record",
    "api:docs": "the API's documentation page, no record",
    "api/^": "the API's JSON 404 for any other address",
    "api:partnership-move": "POST only: answers the partnership as its detail route does",
    "api:partnership-change-status": "POST only: answers the partnership as its detail does",
    "api:partnership-restore": "POST only: answers the partnership as its detail does",
    "api:meeting-restore": "POST only: answers the meeting as its detail does",
    "api:action-complete": "POST only: answers the action as its detail does",
    "api:action-cancel": "POST only: answers the action as its detail does",
    "api:action-reopen": "POST only: answers the action as its detail does",
    "api:action-restore": "POST only: answers the action as its detail does",
    "api:partnership-renew": "POST only: answers the successor as its detail does",
    "api:organization-merge": "POST only: answers the survivor as its detail does",
    "api:contact-merge": "POST only: answers the survivor as its detail does",
    "api:contact-new-post": "POST only: answers the contact as its detail does",
    "admin:login": "the admin's sign-in form",
    "admin:logout": "POST only: signs out",
    "admin:password_change": "the admin's password form",
    "admin:password_change_done": "a confirmation",
    "admin:jsi18n": "translations for the admin's scripts",
    "admin:view_on_site": "redirects to a record's own page, which the walk visits",
    "admin/(?P<url>.*)$": "the admin's 404 for any other address",
    "admin:auth_user_password_change": "a user's password form",
    **{
        f"admin:partnerships_{model}_import_confirm": "POST only: imports a previewed file"
        for model in ("organization", "contact", "partnership", "meeting", "action")
    },
    **{
        f"admin:partnerships_{model}_import_template": "an empty file to fill in, no record"
        for model in ("organization", "contact", "partnership", "meeting", "action")
    },
    # Sign-in throttling (django-axes): failed sign-ins, user names and addresses.
    "admin:axes_accessattempt_change": "a failed sign-in's user name and address",
    "admin:axes_accessattempt_history": "a failed sign-in's admin history",
    "admin/axes/accessattempt/<path:object_id>/": "redirects to the change page",
    "admin:axes_accessfailurelog_change": "a failed sign-in's user name and address",
    "admin:axes_accessfailurelog_history": "a failed sign-in's admin history",
    "admin/axes/accessfailurelog/<path:object_id>/": "redirects to the change page",
}
# The admin's delete confirmation of any model lists every row a hard delete
# would touch, deleted ones included since they still block or cascade (a user
# who owns a deleted partnership cannot be erased): what it is for.
ADMIN_DELETE_REASON = "the admin's delete confirmation, which lists what a hard delete touches"


@dataclass
class World:
    owner: object
    teammate: object
    manager: object
    admin: object
    organization: object
    contact: object
    sector: Sector
    forum: Meeting  # live; the deleted meeting was a side meeting of it
    meeting: Meeting  # deleted
    side_meeting: Meeting  # live, a side meeting of the deleted one
    partnership: Partnership  # live; originated at the deleted meeting
    lost_partnership: Partnership  # deleted
    action: Action  # live, from the deleted meeting
    lost_action: Action  # deleted
    orphan: Action  # an action of the deleted partnership, restored on its own
    document: Document  # live, presented at the deleted meeting
    lost_document: Document  # the deleted partnership's

    def live(self, model: type[models.Model]) -> list[int]:
        """Every row of ``model`` the walk fills into a URL: all the live ones."""
        return list(model._default_manager.order_by("pk").values_list("pk", flat=True))

    def hidden(self, model: type[models.Model]) -> list[int]:
        """Rows of ``model`` that must answer 404: deleted, or a deleted record's own."""
        every = getattr(model, "all_objects", model._default_manager)
        return sorted(set(every.values_list("pk", flat=True)) - set(self.live(model)))

    def deleted_urls(self) -> list[str]:
        """Addresses of the deleted records: no page or answer may link to them."""
        return [
            reverse("partnerships:detail", args=[self.lost_partnership.pk]),
            reverse("meetings:detail", args=[self.meeting.pk]),
            reverse("actions:detail", args=[self.lost_action.pk]),
            reverse("documents:download", args=[self.lost_document.pk]),
        ]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(frozen, owner, teammate, manager, admin_user) -> World:
    """A partnership, a meeting and an action with distinctive names, linked to
    each other and to live records, before anything is deleted."""
    days = datetime.timedelta
    organization = factories.OrganizationFactory(
        name="Chambery Hebei office", kind="region", country="CN", locality="Shijiazhuang"
    )
    contact = factories.ContactFactory(organization=organization, name="Chambery Wang Wei")
    sector = Sector.objects.order_by("pk").first()

    def partnership(title: str, **fields) -> Partnership:
        created = factories.PartnershipFactory(
            title=title,
            owner=owner,
            team=[teammate],
            stage=Stage.AGREEMENT,
            stage_changed_on=TODAY - days(60),
            **fields,
        )
        created.sectors.set([sector])
        factories.PartnershipPartyFactory(partnership=created, organization=organization)
        return created

    live_partnership = partnership(
        "Chambery ski school", end_date=TODAY + days(70), renewal_notice_days=40
    )
    lost_partnership = partnership(
        f"Chambery {QUETZAL} hospital",
        end_date=TODAY + days(50),
        renewal_notice_days=30,
        summary=f"The {QUETZAL} programme",
    )
    StageChange.objects.create(
        partnership=lost_partnership,
        from_stage=Stage.AGREEMENT,
        to_stage=Stage.CONTRACT,
        effective_date=TODAY - days(10),
        changed_by=owner,
        note=f"{QUETZAL} contract signed",
    )
    Partnership.all_objects.filter(pk=lost_partnership.pk).update(stage=Stage.CONTRACT)
    StatusChange.objects.create(
        partnership=lost_partnership,
        from_status="active",
        to_status="on_hold",
        effective_date=TODAY - days(5),
        changed_by=owner,
        note=f"{QUETZAL} on hold",
    )
    Partnership.all_objects.filter(pk=lost_partnership.pk).update(status="on_hold")

    def meeting(title: str, **fields) -> Meeting:
        created = factories.MeetingFactory(title=title, logged_by=owner, **fields)
        created.attendees.set([owner, teammate])
        created.organizations.set([organization])
        created.contacts.set([contact])
        return created

    forum = meeting("Chambery winter forum", kind="forum", start_date=TODAY - days(6))
    forum.partnerships.set([live_partnership, lost_partnership])
    lost_meeting = meeting(
        f"Chambery {ZEPPELIN} delegation", parent=forum, start_date=TODAY - days(5)
    )
    lost_meeting.partnerships.set([live_partnership])
    side_meeting = meeting("Chambery side visit", parent=lost_meeting, start_date=TODAY - days(4))
    side_meeting.partnerships.set([live_partnership])
    Partnership.all_objects.filter(pk=live_partnership.pk).update(origin_meeting=lost_meeting)

    def action(title: str, **fields) -> Action:
        fields.setdefault("partnership", live_partnership)
        return factories.ActionFactory(
            title=title, owner=owner, lead_organization=organization, created_by=owner, **fields
        )

    live_action = action("Chambery send the draft", meeting=lost_meeting, due_date=TODAY - days(2))
    lost_action = action(
        f"Chambery {MARZIPAN} visit", meeting=side_meeting, due_date=TODAY + days(3)
    )
    action(f"Chambery {QUETZAL} follow-up", partnership=lost_partnership, due_date=TODAY + days(1))
    orphan = action("Chambery orphan task", partnership=lost_partnership, due_date=TODAY + days(4))

    def document(title: str, **fields) -> Document:
        created = factories.DocumentFactory(title=title, uploaded_by=owner, **fields)
        factories.DocumentSignatoryFactory(document=created, contact=contact)
        return created

    live_document = document("Chambery minutes", partnership=live_partnership, meeting=lost_meeting)
    lost_document = document(f"{QUETZAL} agreement", partnership=lost_partnership, meeting=forum)
    StageChange.objects.filter(partnership=lost_partnership, from_stage=Stage.AGREEMENT).update(
        document=lost_document
    )
    StatusChange.objects.create(
        partnership=live_partnership,
        from_status="on_hold",
        to_status="active",
        effective_date=TODAY - days(20),
        changed_by=owner,
        note="Resumed",
    )
    # A row of every other model the admin lists, so each page of it is walked.
    factories.ExchangeRateFactory()
    factories.OrganizationRelationFactory(
        source=organization, target=factories.OrganizationFactory(name="Chambery city")
    )
    ReminderLog.objects.create(user=teammate, day=TODAY - days(1), summary="0 overdue")
    # Targets with a year's result and a dormancy alert on each partnership:
    # the deleted one's hide with it.
    for record, label in ((live_partnership, "Chambery jobs"), (lost_partnership, QUETZAL)):
        factories.IndicatorResultFactory(
            line=factories.PartnershipIndicatorFactory(partnership=record, label=label),
            year=TODAY.year - 1,
        )
        DormancyAlert.objects.create(
            partnership=record, quiet_since=TODAY - days(200), alerted_on=TODAY, owner=owner
        )
    for record in (live_partnership, lost_partnership):
        record.refresh_from_db()
    return World(
        owner=owner,
        teammate=teammate,
        manager=manager,
        admin=admin_user,
        organization=organization,
        contact=contact,
        sector=sector,
        forum=forum,
        meeting=lost_meeting,
        side_meeting=side_meeting,
        partnership=live_partnership,
        lost_partnership=lost_partnership,
        action=live_action,
        lost_action=lost_action,
        orphan=orphan,
        document=live_document,
        lost_document=lost_document,
    )


def delete_one_of_each(world: World) -> None:
    """As a manager does it: the delete buttons, then the orphan action of the
    deleted partnership restored on its own from the deleted items."""
    manager = client_for(world.manager)
    for url in (
        reverse("partnerships:delete", args=[world.lost_partnership.pk]),
        reverse("meetings:delete", args=[world.meeting.pk]),
        reverse("actions:delete", args=[world.lost_action.pk]),
    ):
        assert manager.post(url).status_code == 302
    assert not Action.objects.filter(pk=world.orphan.pk).exists()  # went with its partnership
    assert manager.post(reverse("restore", args=["action", world.orphan.pk])).status_code == 302
    assert Action.objects.filter(pk=world.orphan.pk).exists()


def restore_them(world: World) -> None:
    manager = client_for(world.manager)
    for kind, record in (
        ("partnership", world.lost_partnership),
        ("meeting", world.meeting),
        ("action", world.lost_action),
    ):
        assert manager.post(reverse("restore", args=[kind, record.pk])).status_code == 302


# The routes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL name (namespaced), or the pattern of an unnamed one
    pattern: str
    converters: tuple[str, ...]


def _routes(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            converters = tuple(getattr(entry.pattern, "converters", {}) or ())
            yield Route(key=name or full, pattern=full, converters=converters)


def every_route() -> dict[str, Route]:
    return {route.key: route for route in _routes(get_resolver().url_patterns)}


# The walk ----------------------------------------------------------------------------


def body(response) -> str:
    """What a response shows, as text: HTML, JSON, CSV, iCalendar (unfolded),
    the cells of an Excel file, a downloaded file."""
    # A streamed answer is closed by the test client once read (closing it again
    # would close the database connection).
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        sheet = load_workbook(io.BytesIO(raw), read_only=True).active
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for row in sheet.iter_rows(values_only=True)
        )
    text = raw.decode("utf-8", errors="replace")
    if "text/calendar" in content_type:
        text = text.replace("\r\n ", "")  # long lines are folded
    if "json" in content_type:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


@dataclass
class Walk:
    """Visits surfaces, keeps what each showed, and the routes it covered."""

    world: World
    clients: dict[str, Client]
    seen: dict[str, str] = field(default_factory=dict)  # label -> text
    statuses: dict[str, int] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    again: dict[str, Callable[[], str]] = field(default_factory=dict)

    def get(
        self,
        route: str,
        url: str,
        *,
        who: str = "admin",
        expect: tuple[int, ...] = (200,),
        follow: bool = True,
    ) -> str:
        self.routes.add(route)
        label = f"{who} GET {url}"

        def fetch() -> str:
            response = self.clients[who].get(url, follow=follow)
            self.statuses[label] = response.status_code
            return body(response)

        text = fetch()
        assert self.statuses[label] in expect, (label, self.statuses[label])
        self.seen[label] = text
        self.again[label] = fetch
        return label

    def record(self, label: str, produce: Callable[[], str]) -> str:
        """A surface that is not a URL: an e-mail."""
        self.seen[label] = produce()
        self.again[label] = produce
        return label

    def leaks(self) -> list[str]:
        found = []
        deleted_urls = self.world.deleted_urls()
        for label, text in self.seen.items():
            found += [f"{marker} shows on {label}" for marker in MARKERS if marker in text]
            if self.statuses.get(label) != 404:  # a 404 page names the address asked for
                found += [f"{url} linked from {label}" for url in deleted_urls if url in text]
        return found


def filter_params(filterset_class: type[django_filters.FilterSet], world: World) -> list[dict]:
    """One query string per value of each filter of ``filterset_class``: the
    values the world's rows hold (so that, were the deleted rows not hidden,
    the filter would select them), the live and the deleted records of
    soft-deletable models, the world's row of other models, wide date ranges."""
    model = filterset_class._meta.model
    return [
        {name: value}
        for name, filter_ in filterset_class.base_filters.items()
        for value in _filter_values(filter_, model, world)
    ]


def _filter_values(filter_, model: type[models.Model], world: World) -> list:
    if isinstance(filter_, django_filters.OrderingFilter):
        return [next(iter(filter_.param_map))]
    if isinstance(
        filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
    ):
        queryset = filter_.extra.get("queryset")
        related = (queryset(None) if callable(queryset) else queryset).model
        if issubclass(related, SoftDeleteModel):
            return list(related.all_objects.order_by("pk").values_list("pk", flat=True))
        if related is Sector:
            return [world.sector.slug]
        if related._meta.model_name == "user":
            return [world.owner.pk]
        return [world.organization.pk]
    if isinstance(filter_, django_filters.DateTimeFilter):
        return ["2000-01-01T00:00:00+00:00"]
    if isinstance(filter_, django_filters.DateFilter):
        return ["2000-01-01" if filter_.lookup_expr == "gte" else "2100-12-31"]
    if isinstance(filter_, django_filters.BooleanFilter):
        return ["true", "false"]
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        choices = [value for value, _label in filter_.extra["choices"]]
        held = _values_held(model, filter_.field_name, world)
        return [value for value in choices if value in held] or choices[:3]
    if isinstance(filter_, django_filters.CharFilter):
        return [COMMON]
    if isinstance(filter_, django_filters.NumberFilter):
        return sorted(_values_held(model, filter_.field_name, world) - {"None"})[:3] or ["0"]
    raise AssertionError(f"The walk does not know how to set the filter {filter_!r}")


def _values_held(model: type[models.Model], path: str, world: World) -> set:
    """The values of ``path`` in every row of ``model``, deleted ones included;
    for a filter computed by a method, those of the world's organization
    (partner countries and kinds)."""
    rows = getattr(model, "all_objects", model._default_manager)
    try:
        return {str(value) for value in rows.values_list(path, flat=True).distinct()}
    except FieldError:
        return {world.organization.kind, str(world.organization.country), "true", "false"}


def _query(params: dict) -> str:
    return "?" + urlencode(params) if params else ""


# Page lists and their FilterSets (the API's come from its viewsets).
PAGE_FILTERS = {
    "partnerships:list": page_filters.PartnershipFilter,
    "meetings:list": page_filters.MeetingFilter,
    "actions:list": page_filters.ActionFilter,
    "organizations:list": page_filters.OrganizationFilter,
    "contacts:list": page_filters.ContactFilter,
    "pipeline": BoardFilter,
    "export_partnerships": page_filters.PartnershipFilter,
    "export_actions": page_filters.ActionFilter,
}
# Which records fill the <pk> of each namespace's pages.
PAGE_MODELS = {
    "partnerships": Partnership,
    "meetings": Meeting,
    "actions": Action,
    "organizations": Organization,
    "contacts": Contact,
    "documents": Document,
}


def prefill(world: World) -> dict:
    """The query string a form or list is opened with, naming deleted records."""
    return {
        "partnership": world.lost_partnership.pk,
        "partnerships": world.lost_partnership.pk,
        "meeting": world.meeting.pk,
        "parent": world.meeting.pk,
        "origin_meeting": world.meeting.pk,
    }


def lookup_kinds() -> set[str]:
    """Every kind of search-select widget the forms and filters use."""
    kinds = set()
    for module in (page_forms, page_filters):
        for value in vars(module).values():
            fields = getattr(value, "base_fields", None) or getattr(value, "base_filters", None)
            for item in (fields or {}).values():
                widget = getattr(item, "widget", None) or item.extra.get("widget")
                if isinstance(widget, SearchSelectMixin):
                    kinds.add(widget.kind)
    return kinds


def walk_pages(walk: Walk, routes: dict[str, Route]) -> None:
    world = walk.world
    for key, route in routes.items():
        if key in NOT_SHOWING_RECORDS or key.startswith(("admin:", "admin/", "api:", "api/")):
            continue  # walked by walk_admin and walk_api
        namespace = key.split(":")[0] if ":" in key else ""
        if "pk" in route.converters and namespace in PAGE_MODELS:
            model = PAGE_MODELS[namespace]
            for pk in world.live(model):
                walk.get(key, reverse(key, args=[pk]))
            for pk in world.hidden(model):
                walk.get(key, reverse(key, args=[pk]), expect=(404,))
        elif not route.converters:
            url = reverse(key)
            walk.get(key, url)
            walk.get(key, url + _query(prefill(world)), expect=(200, 400))
            if key in PAGE_FILTERS:
                for params in filter_params(PAGE_FILTERS[key], world):
                    walk.get(key, url + _query(params), expect=(200, 400))
            if key.startswith("export_"):
                walk.get(key, url + "?format=xlsx")
    # Pages whose address takes something else than a record's id.
    for kind in sorted(lookup_kinds()):
        walk.get("lookup", reverse("lookup", args=[kind]) + _query({"q": COMMON}))
    walk.get("search", reverse("search") + _query({"q": COMMON}))
    for stage in Stage.values:  # "show more" of each column (filtered like the board)
        column = reverse("pipeline_column", args=[stage])
        walk.get("pipeline_column", column)
        walk.get("pipeline_column", column + _query({"status": "on_hold"}))
    walk.get(
        "organizations:similar",
        reverse("organizations:similar")
        + _query({"name": world.organization.name, "country": "CN"}),
    )
    # What is the owner's own: "my work" and the calendar feed.
    walk.get("home", reverse("home"), who="owner")
    token = UserProfile.objects.for_user(world.owner).calendar_token
    walk.get("calendar_feed", reverse("calendar_feed", args=[token]), who="anonymous")


def walk_api(walk: Walk) -> None:
    world = walk.world
    walk.get("api:api-root", reverse("api:api-root"), who="api")
    for _prefix, viewset, basename in router.registry:
        model = viewset.queryset.model
        list_url = reverse(f"api:{basename}-list")
        walk.get(f"api:{basename}-list", list_url, who="api")
        walk.get(
            f"api:{basename}-list", list_url + _query(prefill(world)), who="api", expect=(200, 400)
        )
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is not None:
            for params in filter_params(filterset_class, world):
                walk.get(
                    f"api:{basename}-list", list_url + _query(params), who="api", expect=(200, 400)
                )
        for pk in world.live(model):
            walk.get(
                f"api:{basename}-detail", reverse(f"api:{basename}-detail", args=[pk]), who="api"
            )
        for pk in world.hidden(model):
            walk.get(
                f"api:{basename}-detail",
                reverse(f"api:{basename}-detail", args=[pk]),
                who="api",
                expect=(404,),
            )
        if hasattr(viewset, "dossier"):  # a dossier names no deleted record
            for pk in world.live(model):
                url = reverse(f"api:{basename}-dossier", args=[pk])
                walk.get(f"api:{basename}-dossier", url, who="api")
            for pk in world.hidden(model):
                url = reverse(f"api:{basename}-dossier", args=[pk])
                walk.get(f"api:{basename}-dossier", url, who="api", expect=(404,))
        if hasattr(viewset, "history"):  # a record's history names no deleted record
            for pk in world.live(model):
                url = reverse(f"api:{basename}-history", args=[pk])
                walk.get(f"api:{basename}-history", url, who="api")
            for pk in world.hidden(model):
                url = reverse(f"api:{basename}-history", args=[pk])
                walk.get(f"api:{basename}-history", url, who="api", expect=(404,))


def walk_admin(walk: Walk, routes: dict[str, Route]) -> None:
    world = walk.world
    walk.get("admin:index", reverse("admin:index"))
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        walk.get("admin:app_list", reverse("admin:app_list", args=[app_label]))
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        # Partnerships, meetings, actions and a partnership's own rows: each
        # live one, and the changelist searched; other models: one row.
        records = issubclass(model, SoftDeleteModel) or isinstance(
            model._default_manager, HiddenWithParentManager
        )
        changelist = reverse(f"{prefix}_changelist")
        walk.get(f"{prefix}_changelist", changelist)
        if records and model_admin.search_fields:
            walk.get(f"{prefix}_changelist", changelist + _query({"q": COMMON}))
        walk.get(f"{prefix}_add", reverse(f"{prefix}_add"), expect=(200, 403))
        rows = world.live(model) if records else world.live(model)[:1]
        if rows:  # the short address redirects to the change page
            unnamed = f"{routes[f'{prefix}_changelist'].pattern}<path:object_id>/"
            walk.get(unnamed, changelist + f"{rows[0]}/")
        for pk in rows:
            walk.get(f"{prefix}_change", reverse(f"{prefix}_change", args=[pk]))
            walk.get(f"{prefix}_history", reverse(f"{prefix}_history", args=[pk]))
            if f"{prefix}_simple_history" in routes:
                latest = model.history.filter(id=pk).order_by("-history_date").first()
                walk.get(
                    f"{prefix}_simple_history",
                    reverse(f"{prefix}_simple_history", args=[pk, latest.history_id]),
                )
        if not issubclass(model, SoftDeleteModel):
            # Rows of a deleted partnership do not exist for the admin either
            # (deleted partnerships, meetings and actions show under "deleted").
            for pk in world.hidden(model):
                walk.get(
                    f"{prefix}_change",
                    reverse(f"{prefix}_change", args=[pk]),
                    expect=(302,),
                    follow=False,
                )
        for name in ("import", "export"):
            if f"{prefix}_{name}" in routes:
                walk.get(f"{prefix}_{name}", reverse(f"{prefix}_{name}"))
        for field_name in model_admin.autocomplete_fields:
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": COMMON,
            }
            walk.get("admin:autocomplete", reverse("admin:autocomplete") + _query(params))
        for inline in model_admin.inlines:
            for field_name in inline.autocomplete_fields:
                params = {
                    "app_label": inline.model._meta.app_label,
                    "model_name": inline.model._meta.model_name,
                    "field_name": field_name,
                    "term": COMMON,
                }
                walk.get("admin:autocomplete", reverse("admin:autocomplete") + _query(params))


def admin_route_reasons(routes: dict[str, Route]) -> dict[str, str]:
    return {
        key: ADMIN_DELETE_REASON
        for key in routes
        if key.startswith("admin:") and key.endswith("_delete")
    }


def walk_mail(walk: Walk, *, day: datetime.date) -> None:
    """The reminder e-mails of ``day``, as cron sends them."""

    def digests() -> str:
        # Each reading is that day's run: the record of an earlier one goes.
        ReminderLog.objects.filter(day=day).delete()
        mail.outbox.clear()
        call_command("send_reminders", date=day, stdout=io.StringIO())
        owner_mail = [m for m in mail.outbox if walk.world.owner.email in m.to]
        assert owner_mail, "the owner gets a digest"
        return "\n".join(
            "\n".join([m.subject, m.body, *(content for content, _type in m.alternatives)])
            for m in mail.outbox
        )

    walk.record(f"reminder e-mails of {day}", digests)


def run_walk(world: World) -> tuple[Walk, dict[str, Route]]:
    routes = every_route()
    clients = {
        "admin": client_for(world.admin),
        "owner": client_for(world.owner),
        "anonymous": Client(),
        "api": token_client(world.admin),
    }
    walk = Walk(world=world, clients=clients)
    walk_pages(walk, routes)
    walk_api(walk)
    walk_admin(walk, routes)
    walk_mail(walk, day=TODAY)
    return walk, routes


# What must show again after the restore, and where ---------------------------------------


def where_they_belong(world: World) -> dict[str, list[str]]:
    def page(name: str, *args, who: str = "admin", query: str = "") -> str:
        return f"{who} GET {reverse(name, args=args)}{query}"

    token = UserProfile.objects.for_user(world.owner).calendar_token
    calendar = page("calendar_feed", token, who="anonymous")
    mail_label = f"reminder e-mails of {TODAY}"
    return {
        ZEPPELIN: [
            page("actions:detail", world.action.pk),  # From meeting
            page("partnerships:detail", world.partnership.pk),  # Originated at, timeline
            page("meetings:detail", world.side_meeting.pk),  # part of
            page("meetings:detail", world.forum.pk),  # its side meetings
            page("meetings:list"),
            page("organizations:detail", world.organization.pk),
            page("contacts:detail", world.contact.pk),
            page("home", who="owner"),
            page("search", query=_query({"q": COMMON})),
            page("lookup", "meetings", query=_query({"q": COMMON})),
            page("export_actions"),
            page("api:action-detail", world.action.pk, who="api"),
            page("api:meeting-detail", world.side_meeting.pk, who="api"),
            page("api:document-detail", world.document.pk, who="api"),
            page("admin:partnerships_meeting_changelist"),
        ],
        QUETZAL: [
            page("partnerships:list"),
            page("pipeline"),
            page("partnerships:detail", world.lost_partnership.pk),
            page("actions:detail", world.orphan.pk),
            page("meetings:detail", world.forum.pk),  # partnerships discussed, documents
            page("organizations:detail", world.organization.pk),
            page("contacts:detail", world.contact.pk),  # signed documents
            page("home", who="owner"),  # renewals coming due, its actions
            page("search", query=_query({"q": COMMON})),
            page("lookup", "partnerships", query=_query({"q": COMMON})),
            page("export_partnerships"),
            page("reports"),
            calendar,
            mail_label,
            page("api:partnership-list", who="api"),
            page("api:stage-change-list", who="api"),
            page("api:document-list", who="api"),
            page("admin:partnerships_document_changelist"),
            page("admin:partnerships_stagechange_changelist"),
            page("admin:partnerships_statuschange_changelist"),
        ],
        MARZIPAN: [
            page("actions:detail", world.lost_action.pk),
            page("partnerships:detail", world.partnership.pk),  # open actions, timeline
            page("meetings:detail", world.side_meeting.pk),  # follow-up actions
            page("organizations:detail", world.organization.pk),  # actions it leads
            page("home", who="owner"),
            page("export_actions"),
            page("api:action-list", who="api"),
            calendar,
            mail_label,
        ],
    }


# The tests ---------------------------------------------------------------------------


def test_deleted_records_disappear_from_every_surface_and_come_back_when_restored(world):
    delete_one_of_each(world)

    walk, routes = run_walk(world)

    # Every URL pattern is walked or said to show no record.
    explained = NOT_SHOWING_RECORDS | admin_route_reasons(routes)
    forgotten = set(routes) - walk.routes - set(explained)
    assert not forgotten, f"Walk these routes, or say why they show no record: {sorted(forgotten)}"
    assert not set(NOT_SHOWING_RECORDS) - set(routes), "NOT_SHOWING_RECORDS names gone routes"
    assert not walk.routes & set(NOT_SHOWING_RECORDS), "a route is both walked and explained"
    assert len(walk.seen) > 300  # the walk really walked

    leaks = walk.leaks()
    assert leaks == [], "\n".join(leaks)

    # Links to the deleted records read as null in the API (the ids are kept).
    api = walk.clients["api"]
    action = api.get(reverse("api:action-detail", args=[world.action.pk])).json()
    assert (action["meeting"], action["meeting_title"]) == (None, None)
    assert action["partnership"] == world.partnership.pk
    orphan = api.get(reverse("api:action-detail", args=[world.orphan.pk])).json()
    assert (orphan["partnership"], orphan["partnership_title"]) == (None, None)
    partnership = api.get(reverse("api:partnership-detail", args=[world.partnership.pk])).json()
    assert partnership["origin_meeting"] is None
    side = api.get(reverse("api:meeting-detail", args=[world.side_meeting.pk])).json()
    assert (side["parent"], side["parent_title"]) == (None, None)
    forum = api.get(reverse("api:meeting-detail", args=[world.forum.pk])).json()
    assert forum["partnerships"] == [world.partnership.pk]
    document = api.get(reverse("api:document-detail", args=[world.document.pk])).json()
    assert (document["meeting"], document["meeting_title"]) == (None, None)

    restore_them(world)

    expected = where_they_belong(world)
    for labels in expected.values():
        assert set(labels) <= set(walk.again), set(labels) - set(walk.again)
    missing = []
    for marker, labels in expected.items():
        for label in labels:
            if marker not in walk.again[label]():
                missing.append(f"{marker} is not back on {label}")
    assert missing == []
    action = api.get(reverse("api:action-detail", args=[world.action.pk])).json()
    assert action["meeting"] == world.meeting.pk
    partnership = api.get(reverse("api:partnership-detail", args=[world.partnership.pk])).json()
    assert partnership["origin_meeting"] == world.meeting.pk
    side = api.get(reverse("api:meeting-detail", args=[world.side_meeting.pk])).json()
    assert side["parent"] == world.meeting.pk
    forum = api.get(reverse("api:meeting-detail", args=[world.forum.pk])).json()
    assert set(forum["partnerships"]) == {world.partnership.pk, world.lost_partnership.pk}


def test_links_to_deleted_records_survive_edits_on_the_pages_and_come_back_on_restore(world):
    delete_one_of_each(world)
    owner, manager = client_for(world.owner), client_for(world.manager)

    # Each edit form shows the link empty, as the page shows it, and is saved so.
    edit = reverse("actions:edit", args=[world.action.pk])
    assert ZEPPELIN not in owner.get(edit).content.decode()
    response = owner.post(edit, action_form_data(world.action, meeting="", title="Chambery sent"))
    assert response.status_code == 302
    edit = reverse("partnerships:edit", args=[world.partnership.pk])
    data = partnership_form_data(world.partnership, origin_meeting="", summary="Edited")
    assert owner.post(edit, data).status_code == 302
    edit = reverse("meetings:edit", args=[world.side_meeting.pk])
    data = meeting_form_data(world.side_meeting, parent="", summary="Edited")
    assert owner.post(edit, data).status_code == 302
    edit = reverse("meetings:edit", args=[world.forum.pk])
    data = meeting_form_data(world.forum, summary="Edited")  # lists the live partnership only
    assert data["partnerships"] == [world.partnership.pk]
    assert owner.post(edit, data).status_code == 302
    orphan = Action.objects.get(pk=world.orphan.pk)  # restored on its own: a new version
    edit = reverse("actions:edit", args=[orphan.pk])
    data = action_form_data(orphan, partnership="", title="Chambery orphan, edited")
    assert owner.post(edit, data).status_code == 302

    assert Action.objects.get(pk=world.action.pk).title == "Chambery sent"
    assert Action.objects.get(pk=world.action.pk).live_meeting is None
    restore_them(world)

    page = manager.get(reverse("actions:detail", args=[world.action.pk])).content.decode()
    assert ZEPPELIN in page
    page = manager.get(reverse("partnerships:detail", args=[world.partnership.pk])).content.decode()
    assert ZEPPELIN in page and "Edited" in page
    page = manager.get(reverse("meetings:detail", args=[world.side_meeting.pk])).content.decode()
    assert ZEPPELIN in page
    page = manager.get(reverse("meetings:detail", args=[world.forum.pk])).content.decode()
    assert QUETZAL in page
    page = manager.get(reverse("actions:detail", args=[world.orphan.pk])).content.decode()
    assert QUETZAL in page


def test_links_to_deleted_records_survive_api_updates_and_come_back_on_restore(world):
    delete_one_of_each(world)
    api = token_client(world.owner)

    def put_back(name: str, pk: int, **changes) -> dict:
        """PUT what a GET returned (writable fields), with ``changes``."""
        url = reverse(name, args=[pk])
        read = api.get(url).json()
        writable = {
            "api:action-detail": ["title", "details", "owner", "side", "due_date", "priority",
                                  "partnership", "meeting", "lead_organization", "version"],
            "api:partnership-detail": ["title", "summary", "kind", "owner", "team", "sectors",
                                       "value_currency", "origin_meeting", "version"],
            "api:meeting-detail": ["kind", "status", "title", "start_date", "end_date",
                                   "locality", "country", "parent", "organizations",
                                   "contacts", "attendees", "partnerships", "summary",
                                   "outcomes", "version"],
        }[name]  # fmt: skip
        payload = {key: read[key] for key in writable} | changes
        response = api.put(url, payload, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    action = put_back("api:action-detail", world.action.pk, title="Chambery sent")
    assert action["meeting"] is None
    orphan = put_back("api:action-detail", world.orphan.pk)
    assert orphan["partnership"] is None
    partnership = put_back("api:partnership-detail", world.partnership.pk, summary="Edited")
    assert partnership["origin_meeting"] is None
    side = put_back("api:meeting-detail", world.side_meeting.pk, summary="Edited")
    assert side["parent"] is None
    forum = put_back("api:meeting-detail", world.forum.pk, summary="Edited")
    assert forum["partnerships"] == [world.partnership.pk]

    restore_them(world)

    assert api.get(reverse("api:action-detail", args=[world.action.pk])).json()["meeting"] == (
        world.meeting.pk
    )
    orphan = api.get(reverse("api:action-detail", args=[world.orphan.pk])).json()
    assert orphan["partnership"] == world.lost_partnership.pk
    partnership = api.get(reverse("api:partnership-detail", args=[world.partnership.pk])).json()
    assert (partnership["origin_meeting"], partnership["summary"]) == (world.meeting.pk, "Edited")
    side = api.get(reverse("api:meeting-detail", args=[world.side_meeting.pk])).json()
    assert side["parent"] == world.meeting.pk
    forum = api.get(reverse("api:meeting-detail", args=[world.forum.pk])).json()
    assert set(forum["partnerships"]) == {world.partnership.pk, world.lost_partnership.pk}


def test_a_link_to_a_live_record_is_still_cleared_on_the_pages_and_in_the_api(world):
    owner = client_for(world.owner)
    edit = reverse("actions:edit", args=[world.lost_action.pk])
    assert owner.post(edit, action_form_data(world.lost_action, meeting="")).status_code == 302
    assert Action.objects.get(pk=world.lost_action.pk).meeting_id is None

    api = token_client(world.owner)
    url = reverse("api:meeting-detail", args=[world.meeting.pk])
    version = api.get(url).json()["version"]
    response = api.patch(url, {"parent": None, "version": version}, format="json")
    assert response.status_code == 200
    assert Meeting.objects.get(pk=world.meeting.pk).parent_id is None


def test_every_link_to_a_soft_deletable_record_goes_through_the_mechanism():
    """A foreign key to a partnership, meeting or action is either read through
    a LiveLink (the link hides while its target is deleted), or belongs to a
    model whose default manager hides its rows with that record."""
    unexplained = []
    for model in apps.get_models():
        if hasattr(model, "instance_type"):
            continue  # a history table: what the record pointed to at the time
        links = live_links(model)
        manager = model._default_manager
        hidden_with = getattr(manager, "belongs_to", None)
        for model_field in model._meta.concrete_fields:
            target = model_field.related_model
            if not (model_field.is_relation and target and issubclass(target, SoftDeleteModel)):
                continue
            if model_field.name in links or (
                isinstance(manager, HiddenWithParentManager)
                and hidden_with.split("__")[0] == model_field.name
            ):
                continue
            if model_field.auto_created or model._meta.auto_created:
                continue  # a many-to-many table, read through the target's manager
            unexplained.append(f"{model.__name__}.{model_field.name}")
    assert unexplained == []
    # Rows hidden with their partnership have every row elsewhere.
    for model in (Document, PartnershipParty, StageChange, StatusChange):
        assert isinstance(model._default_manager, HiddenWithParentManager)
        assert hasattr(model, "all_objects")


def test_the_admin_shows_a_deleted_partnerships_own_rows_on_its_page(world, admin_user):
    """Opened from the "deleted" filter of the partnerships' changelist, a
    deleted partnership's page lists its parties, documents and stage history
    (its rows are hidden everywhere else)."""
    delete_one_of_each(world)
    url = reverse("admin:partnerships_partnership_change", args=[world.lost_partnership.pk])
    page = client_for(admin_user).get(url).content.decode()
    assert f"{QUETZAL} agreement" in page  # its document
    assert f"{QUETZAL} contract signed" in page  # its stage history
    assert f'value="{world.organization.pk}"' in page  # its party
    changelist = reverse("admin:partnerships_document_changelist")
    assert QUETZAL not in client_for(admin_user).get(changelist).content.decode()


@pytest.mark.parametrize(
    ("url_name", "who"),
    [
        ("actions:list", "page"),
        ("meetings:list", "page"),
        ("export_actions", "page"),
        ("api:action-list", "api"),
        ("api:meeting-list", "api"),
        ("api:partnership-list", "api"),
        ("api:document-list", "api"),
    ],
)
def test_hiding_links_to_deleted_records_costs_no_query_per_row(
    frozen, owner, manager, django_assert_max_num_queries, url_name, who
):
    """Rows linked to a deleted meeting (actions from it, side meetings of it,
    partnerships that originated at it, documents signed at it): the same
    number of queries for one row as for many."""
    forum = factories.MeetingFactory(logged_by=owner, title="Chambery forum")
    client = token_client(owner) if who == "api" else client_for(manager)
    url = reverse(url_name)
    if url_name == "actions:list":
        url += _query({"owner": owner.pk, "pending": "true"})  # it redirects without

    def add_rows(count: int) -> None:
        for _ in range(count):
            partnership = factories.PartnershipFactory(owner=owner, origin_meeting=forum)
            factories.ActionFactory(owner=owner, partnership=partnership, meeting=forum)
            factories.MeetingFactory(logged_by=owner, parent=forum)
            factories.DocumentFactory(partnership=partnership, meeting=forum)

    add_rows(1)
    lifecycle.soft_delete(forum, by=manager)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    add_rows(6)
    with django_assert_max_num_queries(len(one_row), info=url):
        assert client.get(url).status_code == 200
