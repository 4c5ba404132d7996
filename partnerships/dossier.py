"""The briefing dossier: everything to read before a visit, on one organization,
one partnership or one planned meeting (issue 14, point 1).

:func:`build_dossier` gathers it in a fixed number of queries whatever the size
of the story (one or two per section, prefetches for the rest) and returns a
:class:`Dossier`: the subject, the scope (which organizations and partnerships it
is about) and an ordered list of :class:`Section`, each rendered by its own
template (``templates/dossier/_<key>.html``).

Adding a section (indicators, positions...) is one function taking the
:class:`Scope` and returning a :class:`Section` (or ``None`` when there is
nothing to say), appended to :data:`SECTION_BUILDERS`, plus its template. It
must read its rows in a fixed number of queries; the query-count test of
``tests/test_dossier.py`` holds every builder to that.

What the reader sees is what the pages show them: every list goes through
``permissions.visible`` (and ``visible_partnerships``), deleted records stay out.
The dossier is written in the language active when it is built: callers wrap
the call (and the rendering) in ``translation.override``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from partnerships import humanize, permissions
from partnerships.models import (
    Action,
    ActionSide,
    Contact,
    Document,
    DocumentSignatory,
    Meeting,
    MeetingStatus,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
    PartnershipParty,
)
from partnerships.models.indicators import results_table

SubjectKind = Literal["organization", "partnership", "meeting"]

# Parents read with the subject (Zhangjiakou, Hebei, China...): deeper chains
# are cut there rather than costing one query per level.
HIERARCHY_DEPTH = 4
RECENT_MEETINGS = 8
KEY_CONTACTS = 40


@dataclass
class OrganizationProfile:
    """One organization as the dossier presents it: who it is, where it sits."""

    organization: Organization
    ancestors: list[Organization]
    hierarchy_cut: bool
    children: list[Organization]
    # (True, other, relation): "it <kind> other"; (False, ...): "other <kind> it".
    relations: list[tuple[bool, Organization, OrganizationRelation]]


@dataclass
class PartnershipBrief:
    partnership: Partnership
    parties: list[PartnershipParty]
    expiry_words: str
    expired: bool
    is_focus: bool


@dataclass
class Commitment:
    action: Action
    overdue: bool
    due_words: str


@dataclass
class KeyContact:
    contact: Contact
    met_at_this_meeting: bool


@dataclass
class Section:
    """One part of the dossier: ``key`` names its template and anchor."""

    key: str
    title: str
    data: Any = None
    template: str = ""

    def __post_init__(self) -> None:
        self.template = self.template or f"dossier/_{self.key}.html"


@dataclass
class Scope:
    """What the dossier is about, as every section builder reads it."""

    user: Any
    today: datetime.date
    kind: SubjectKind
    organizations: list[Organization]
    partnerships: list[Partnership]
    meeting: Meeting | None = None
    focus_partnership: Partnership | None = None

    @property
    def organization_ids(self) -> list[int]:
        return [organization.pk for organization in self.organizations]

    @property
    def partnership_ids(self) -> list[int]:
        return [partnership.pk for partnership in self.partnerships]


@dataclass
class Dossier:
    kind: SubjectKind
    subject: Organization | Partnership | Meeting
    title: str
    today: datetime.date
    language: str
    scope: Scope
    sections: list[Section] = field(default_factory=list)


class NotVisible(LookupError):
    """The subject does not exist or the user may not see it (a 404)."""


# The subject and its scope ------------------------------------------------------------


def _profiled_organizations():
    """Organizations with what a profile shows, in a fixed number of queries."""
    parent_chain = "__".join(["parent"] * HIERARCHY_DEPTH)
    return Organization.objects.select_related(parent_chain).prefetch_related(
        "sectors",
        Prefetch("children", queryset=Organization.objects.order_by("name_key", "name")),
        Prefetch("relations_from", queryset=OrganizationRelation.objects.select_related("target")),
        Prefetch("relations_to", queryset=OrganizationRelation.objects.select_related("source")),
    )


def _partnerships_for_dossier(user):
    return (
        Partnership.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related("organization").order_by(
                    "order", "pk"
                ),
            ),
            "sectors",
        )
    )


def _scope(user, kind: SubjectKind, pk: int, today: datetime.date) -> tuple[Any, Scope]:
    if kind == "organization":
        organization = permissions.visible(user, _profiled_organizations()).filter(pk=pk).first()
        if organization is None:
            raise NotVisible(pk)
        partnerships = list(
            _partnerships_for_dossier(user)
            .filter(
                pk__in=PartnershipParty.objects.filter(organization=organization).values(
                    "partnership"
                )
            )
            .order_by("-signed_on", "title")
        )
        return organization, Scope(user, today, kind, [organization], partnerships)
    if kind == "partnership":
        partnership = _partnerships_for_dossier(user).filter(pk=pk).first()
        if partnership is None:
            raise NotVisible(pk)
        party_ids = [party.organization_id for party in partnership.parties.all()]
        by_pk = _profiled_organizations().in_bulk(party_ids)
        organizations = [by_pk[i] for i in dict.fromkeys(party_ids) if i in by_pk]
        return partnership, Scope(
            user, today, kind, organizations, [partnership], focus_partnership=partnership
        )
    meeting = (
        permissions.visible(user, Meeting.objects.select_related("logged_by", "parent"))
        .prefetch_related("attendees", "contacts__organization", "partnerships")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise NotVisible(pk)
    organizations = list(
        _profiled_organizations().filter(pk__in=meeting.organizations.values("pk"))
    )
    discussed = [p.pk for p in meeting.partnerships.all() if p.deleted_at is None]
    partnerships = list(
        _partnerships_for_dossier(user)
        .filter(
            Q(pk__in=discussed)
            | Q(
                pk__in=PartnershipParty.objects.filter(organization__in=organizations).values(
                    "partnership"
                )
            )
        )
        .order_by("-signed_on", "title")
    )
    return meeting, Scope(user, today, kind, organizations, partnerships, meeting=meeting)


# Sections ------------------------------------------------------------------------------


def _agenda(scope: Scope) -> Section | None:
    if scope.meeting is None:
        return None
    meeting = scope.meeting
    actions = list(
        permissions.visible(scope.user, Action.objects.pending().filter(meeting=meeting))
        .select_related("owner")
        .by_urgency()
    )
    return Section(
        "agenda",
        _("Agenda"),
        {
            "meeting": meeting,
            "planned": meeting.status == MeetingStatus.PLANNED,
            "days_ahead": (meeting.start_date - scope.today).days,
            "when_words": _when(meeting.start_date, scope.today),
            "partnerships": [p for p in meeting.partnerships.all() if p.deleted_at is None],
            "attendees": list(meeting.attendees.all()),
            "actions": [_commitment(action, scope.today) for action in actions],
        },
    )


def _profiles(scope: Scope) -> Section | None:
    profiles = [_profile(organization) for organization in scope.organizations]
    if not profiles:
        return None
    title = _("Partner profile") if len(profiles) == 1 else _("Partner profiles")
    return Section("profiles", title, profiles)


def _profile(organization: Organization) -> OrganizationProfile:
    ancestors: list[Organization] = []
    seen = {organization.pk}
    current = organization
    cut = False
    while current.parent_id is not None:
        if not Organization.parent.is_cached(current):
            cut = True
            break
        current = current.parent
        if current.pk in seen:
            break
        seen.add(current.pk)
        ancestors.append(current)
    relations = [(True, r.target, r) for r in organization.relations_from.all()]
    relations += [(False, r.source, r) for r in organization.relations_to.all()]
    return OrganizationProfile(
        organization=organization,
        ancestors=ancestors,
        hierarchy_cut=cut,
        children=list(organization.children.all()),
        relations=relations,
    )


def _partnerships(scope: Scope) -> Section:
    briefs = []
    for partnership in scope.partnerships:
        expired = False
        words = ""
        if partnership.end_date:
            days = (partnership.end_date - scope.today).days
            expired = days < 0
            words = (
                _("expired %(span)s ago") % {"span": humanize.span(days)}
                if expired
                else _("expires %(when)s") % {"when": humanize.ahead(days)}
            )
        briefs.append(
            PartnershipBrief(
                partnership=partnership,
                parties=list(partnership.parties.all()),
                expiry_words=words,
                expired=expired,
                is_focus=partnership == scope.focus_partnership,
            )
        )
    return Section("partnerships", _("Partnerships"), briefs)


def _meetings(scope: Scope) -> Section:
    condition = Q(organizations__in=scope.organization_ids) | Q(
        partnerships__in=scope.partnership_ids
    )
    recent = Meeting.objects.filter(
        pk__in=Meeting.objects.filter(condition, status=MeetingStatus.HELD).values("pk")
    )
    if scope.meeting is not None:
        recent = recent.exclude(pk=scope.meeting.pk)
    meetings = list(
        permissions.visible(scope.user, recent)
        .prefetch_related("organizations")
        .order_by("-start_date", "-pk")[:RECENT_MEETINGS]
    )
    return Section("meetings", _("Last meetings"), meetings)


def _commitments(scope: Scope) -> Section:
    # An action a party leads belongs in the dossier, except, in a
    # partnership's, one about another partnership.
    led = Q(lead_organization__in=scope.organization_ids)
    if scope.kind == "partnership":
        led &= Q(partnership__isnull=True)
    condition = Q(partnership__in=scope.partnership_ids) | led
    if scope.meeting is not None:
        condition |= Q(meeting=scope.meeting)
    actions = list(
        permissions.visible(scope.user, Action.objects.pending().filter(condition))
        .select_related("owner", "partnership", "lead_organization")
        .by_urgency()
    )
    commitments = [_commitment(action, scope.today) for action in actions]
    return Section(
        "commitments",
        _("Open commitments"),
        {
            "ours": [c for c in commitments if c.action.side == ActionSide.OURS],
            "theirs": [c for c in commitments if c.action.side == ActionSide.PARTNER],
            "overdue": sum(1 for c in commitments if c.overdue),
        },
    )


def _commitment(action: Action, today: datetime.date) -> Commitment:
    overdue = action.is_overdue(today)
    words = ""
    if action.due_date:
        days = (action.due_date - today).days
        words = humanize.late(-days) if overdue else humanize.ahead(days)
    return Commitment(action=action, overdue=overdue, due_words=words)


def _contacts(scope: Scope) -> Section:
    """The subject's people first, then those of its parents, then those of
    the other parties of its partnerships (our own side included: who to call)."""
    rank: dict[int, int] = {}
    for organization in scope.organizations:
        rank.setdefault(organization.pk, 0)
        if organization.parent_id:
            rank.setdefault(organization.parent_id, 1)
    for partnership in scope.partnerships:
        for party in partnership.parties.all():
            rank.setdefault(party.organization_id, 2)
    met = set()
    if scope.meeting is not None:
        met = {contact.pk for contact in scope.meeting.contacts.all()}
    contacts = list(
        permissions.visible(
            scope.user,
            Contact.objects.filter(Q(organization__in=list(rank)) | Q(pk__in=met), is_active=True),
        ).select_related("organization")
    )
    contacts.sort(
        key=lambda c: (c.pk not in met, rank.get(c.organization_id, 3), c.organization.name, c.name)
    )
    people = [KeyContact(contact=c, met_at_this_meeting=c.pk in met) for c in contacts]
    return Section("contacts", _("Key contacts"), people[:KEY_CONTACTS])


def _documents(scope: Scope) -> Section:
    documents = list(
        permissions.visible(
            scope.user, Document.objects.filter(partnership__in=scope.partnership_ids)
        )
        .select_related("partnership", "meeting")
        .prefetch_related(
            Prefetch(
                "signings",
                queryset=DocumentSignatory.objects.select_related(
                    "contact", "contact__organization"
                ).order_by("pk"),
            )
        )
        .order_by("-signed_on", "-uploaded_at")
    )
    return Section("documents", _("Documents and signatories"), documents)


def _targets(scope: Scope) -> Section | None:
    """Each partnership's targets and yearly results, in the scope's order;
    nothing when none has any."""
    lines = list(
        PartnershipIndicator.objects.filter(partnership__in=scope.partnership_ids).for_table()
    )
    if not lines:
        return None
    tables = []
    for partnership in scope.partnerships:
        own = [line for line in lines if line.partnership_id == partnership.pk]
        if own:
            tables.append((partnership, results_table(own)))
    return Section("targets", _("Targets and results"), tables)


SectionBuilder = Callable[[Scope], Section | None]

# In the order the dossier prints them.
SECTION_BUILDERS: list[SectionBuilder] = [
    _agenda,
    _profiles,
    _partnerships,
    _targets,
    _meetings,
    _commitments,
    _contacts,
    _documents,
]


def _when(day: datetime.date, today: datetime.date) -> str:
    days = (day - today).days
    return humanize.ahead(days) if days >= 0 else humanize.ago(-days)


def _title(kind: SubjectKind, subject: Any) -> str:
    if kind == "organization":
        return subject.display_name
    return subject.title


def build_dossier(
    *, user, kind: SubjectKind, pk: int, today: datetime.date | None = None
) -> Dossier:
    """The dossier on the organization, partnership or meeting ``pk`` as
    ``user`` may see it, in the active language.

    A fixed number of queries whatever the number of partnerships, meetings,
    actions, contacts and documents (about twenty; see the test). Raises
    :class:`NotVisible` when the subject does not exist or is hidden."""
    permissions.can_view_dossier.require(user)
    today = today or timezone.localdate()
    subject, scope = _scope(user, kind, pk, today)
    sections = [section for build in SECTION_BUILDERS if (section := build(scope)) is not None]
    return Dossier(
        kind=kind,
        subject=subject,
        title=_title(kind, subject),
        today=today,
        language=get_language() or "en",
        scope=scope,
        sections=sections,
    )
