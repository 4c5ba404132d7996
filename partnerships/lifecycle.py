"""Workflows: every write that touches several rows or has side effects.

Creating and editing a partnership with its parties, team and sectors; logging a
meeting with its links and follow-up actions; adding a document with its
signatories; creating an organization under the near-duplicate rule; stage and
status moves; the action workflows; soft delete and restore; revoking a
person's credentials when their password changes or their account is closed.

Every function here keeps the partnerships' stored activity (last activity,
next due date: ``activity.py``), value in euros (``valuation.py``) and stage
history aggregates (stays, furthest stage: ``stage_history.py``) true in the
same transaction; saving or deleting an exchange rate revalues the
partnerships in its currency.

Every function here is typed and keyword-only, validates against the rules of
SPEC section 2, writes the change and its records (StageChange, StatusChange,
completion stamps, history) in one transaction, and raises :class:`DomainError`
with a message meant for the user when it refuses: a refusal writes nothing.
Pages, the API, the admin and imports only translate their input into these
arguments.

Permission checks are not made here: callers (pages, API, admin) ask
``permissions.py`` first.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from partnerships import activity, merging, stage_history, text_search, valuation
from partnerships.errors import DomainError, NearDuplicate, StaleObjectError
from partnerships.models import (
    AbandonReason,
    Action,
    ActionStatus,
    ApiToken,
    Contact,
    ContactPosition,
    DatePrecision,
    Document,
    DocumentKind,
    DocumentSignatory,
    ExchangeRate,
    IndicatorResult,
    Meeting,
    Organization,
    Partnership,
    PartnershipIndicator,
    PartnershipParty,
    PartyRole,
    Sector,
    Stage,
    StageChange,
    Status,
    StatusChange,
    UserProfile,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

    from partnerships.uploads import CheckedFile


logger = logging.getLogger(__name__)


class InvalidTransition(DomainError):
    """The requested stage, status or action change breaks a lifecycle rule."""


def _today() -> datetime.date:
    return timezone.localdate()


def _lock(model, pk: int):
    """Re-read a row inside the transaction, locked against concurrent writers
    (a no-op lock on SQLite, where IMMEDIATE transactions serialize writers)."""
    return model.all_objects.select_for_update().get(pk=pk)


def _check_version(current, expected_version: int) -> None:
    """Refuse a change made from a copy older than the row. Callers pass the
    version the user or client started from (the form's hidden field, the API
    body), so that of two people changing the same record from the same page
    exactly one wins: the row is locked first, so the second sees the first's
    bump. (The admin's bulk actions, whose pages show no versions, pass each
    row's version as they read it.)"""
    if current.version != expected_version:
        raise StaleObjectError(current)


def _check_effective_date(
    effective_date: datetime.date,
    *,
    not_before: datetime.date | None,
    field: str = "effective_date",
) -> None:
    if effective_date > _today():
        raise InvalidTransition(_("The effective date cannot be in the future."), field=field)
    if not_before is not None and effective_date < not_before:
        raise InvalidTransition(
            _("The effective date cannot be before the previous change (%(date)s).")
            % {"date": not_before.isoformat()},
            field=field,
        )


def _check_precision(precision: str) -> None:
    if precision not in DatePrecision.values:
        raise InvalidTransition(
            _("“%(precision)s” is not a date precision.") % {"precision": precision},
            field="date_precision",
        )


# Partnerships: creation and stage moves ---------------------------------------------


@dataclass(frozen=True)
class Party:
    """An organization taking part in a partnership, in a role."""

    organization: Organization
    role: str = PartyRole.PARTNER


@transaction.atomic
def create_partnership(
    partnership: Partnership,
    *,
    by: User,
    stage_since: datetime.date | None = None,
    stage_note: str = "",
    stage_precision: str = DatePrecision.DAY,
    team: Iterable[User] = (),
    sectors: Iterable[Sector] = (),
    parties: Sequence[Party] = (),
) -> Partnership:
    """Save a new partnership (its own fields already set on ``partnership``)
    with its team, sectors and parties, and record the stage it starts in.

    ``stage_since`` is when it entered that stage (today by default); it may be
    in the past for a partnership recorded after the fact, never in the future.
    ``stage_note`` is recorded with that first stage (what it is based on), and
    ``stage_precision`` says whether its day, or only its month or year, is known.
    """
    if partnership.pk is not None:
        raise InvalidTransition(_("This partnership has already been created."))
    _check_precision(stage_precision)
    _check_parties(parties)
    effective_date = stage_since or _today()
    _check_effective_date(effective_date, not_before=None, field="stage_since")
    partnership.created_by = by
    partnership.stage_changed_on = effective_date
    partnership.last_activity_on = effective_date
    partnership.last_engaged_on = effective_date
    partnership.next_due_on = None
    # Its history is the one change below (stage_history.py, as a refresh would give).
    partnership.furthest_stage = partnership.stage
    partnership.entered_pipeline_on = effective_date
    _stamp(partnership, by=by, reason=gettext_noop("Created"))
    partnership.save()
    StageChange.objects.create(
        partnership=partnership,
        from_stage="",
        to_stage=partnership.stage,
        effective_date=effective_date,
        changed_by=by,
        note=(stage_note or "").strip(),
        date_precision=stage_precision,
    )
    # A new row has no links yet: adding them skips set()'s read of the old ones.
    partnership.team.add(*team)
    partnership.sectors.add(*sectors)
    _replace_parties(partnership, parties, by=by)
    valuation.refresh([partnership.pk])
    return partnership


# What only the workflows change: an edit keeps the stored values.
_PARTNERSHIP_WORKFLOW_FIELDS = (
    "stage",
    "stage_changed_on",
    "status",
    "abandon_reason_id",
    "status_note",
    "created_by_id",
    "deleted_at",
    "deleted_by_id",
    "last_activity_on",
    "next_due_on",
    "last_engaged_on",
    "value_eur",
    "furthest_stage",
    "entered_pipeline_on",
)


@transaction.atomic
def update_partnership(
    partnership: Partnership,
    *,
    by: User,
    expected_version: int,
    team: Iterable[User] | None = None,
    sectors: Iterable[Sector] | None = None,
    parties: Sequence[Party] | None = None,
) -> Partnership:
    """Save the fields edited on ``partnership`` and, when given, make its
    team, sectors and parties exactly those.

    Refused with :class:`StaleObjectError` when someone saved the partnership
    after ``expected_version`` was read (the save is a conditional UPDATE on
    that version). The stage and status are left as stored: they change only
    through :func:`move_stage` and :func:`change_status`.
    """
    current = _lock(Partnership, partnership.pk)
    if current.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if parties is not None:
        _check_parties(parties)
    for name in _PARTNERSHIP_WORKFLOW_FIELDS:
        setattr(partnership, name, getattr(current, name))
    partnership.version = expected_version
    _stamp(partnership, by=by, reason=gettext_noop("Edited"))
    partnership.save()
    if team is not None:
        partnership.team.set(team)
    if sectors is not None:
        partnership.sectors.set(sectors)
    if parties is not None:
        _replace_parties(partnership, parties, by=by)
    if (partnership.value_amount, partnership.value_currency) != (
        current.value_amount,
        current.value_currency,
    ):
        valuation.refresh([partnership.pk])
    return partnership


def _check_parties(parties: Sequence[Party]) -> None:
    seen: set[tuple[int, str]] = set()
    for party in parties:
        if party.role not in PartyRole.values:
            raise InvalidTransition(
                _("“%(role)s” is not a party role.") % {"role": party.role}, field="parties"
            )
        key = (party.organization.pk, party.role)
        if key in seen:
            raise InvalidTransition(
                _("%(name)s is listed twice with the same role.")
                % {"name": party.organization.name},
                field="parties",
            )
        seen.add(key)


def _replace_parties(partnership: Partnership, parties: Sequence[Party], *, by: User) -> None:
    """Make the partnership's parties exactly ``parties``, in that order,
    keeping the rows that stay (and their history, which says who)."""
    existing = {(p.organization_id, p.role): p for p in partnership.parties.all()}
    for order, party in enumerate(parties):
        row = existing.pop((party.organization.pk, party.role), None)
        if row is None:
            row = PartnershipParty(
                partnership=partnership,
                organization=party.organization,
                role=party.role,
                order=order,
            )
            row._history_user = by
            row.save()
        elif row.order != order:
            row.order = order
            row._history_user = by
            row.save(update_fields=["order"])
    for row in existing.values():
        row._history_user = by
        row.delete()


@transaction.atomic
def move_stage(
    partnership: Partnership,
    *,
    to: str,
    by: User,
    note: str = "",
    effective_date: datetime.date | None = None,
    document: Document | None = None,
    date_precision: str = DatePrecision.DAY,
    expected_version: int,
) -> StageChange:
    """Move ``partnership`` to stage ``to`` and record the move.

    Forward moves may skip stages; a backward move needs a note saying why; a
    concluded or abandoned partnership does not move. Concurrency: the row is
    locked for the duration and ``expected_version`` (the version the user
    started from) must still be the row's, so of two simultaneous moves exactly
    one succeeds and the other raises :class:`StaleObjectError`.
    ``date_precision`` says whether the day, or only the month or year, of
    ``effective_date`` is known (a move recorded from a source that gives no day).
    """
    _check_precision(date_precision)
    if to not in Stage.values:
        raise InvalidTransition(_("“%(stage)s” is not a stage.") % {"stage": to}, field="stage")
    current = _lock(Partnership, partnership.pk)
    _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if current.status in Status.closed():
        raise InvalidTransition(
            _("A %(status)s partnership cannot change stage; reopen it first.")
            % {"status": current.get_status_display().lower()},
            field="stage",
        )
    if to == current.stage:
        raise InvalidTransition(
            _("The partnership is already at the %(stage)s stage.")
            % {"stage": current.get_stage_display().lower()},
            field="stage",
        )
    note = (note or "").strip()
    backward = Stage.rank(to) < Stage.rank(current.stage)
    if backward and not note:
        raise InvalidTransition(
            _("Moving back to an earlier stage needs a note saying why."), field="note"
        )
    if document is not None and document.partnership_id != current.pk:
        raise InvalidTransition(_("The document belongs to another partnership."), field="document")
    effective_date = effective_date or _today()
    _check_effective_date(effective_date, not_before=current.stage_changed_on)

    change = StageChange.objects.create(
        partnership=current,
        from_stage=current.stage,
        to_stage=to,
        effective_date=effective_date,
        changed_by=by,
        note=note,
        document=document,
        date_precision=date_precision,
    )
    current.stage = to
    current.stage_changed_on = effective_date
    _stamp(current, by=by, reason=note or gettext_noop("Stage moved"))
    current.save(update_fields=["stage", "stage_changed_on", "updated_at"])
    stage_history.refresh([current.pk])
    # What the refresh stored, for the caller's copy (a move back leaves it).
    if not current.furthest_stage or Stage.rank(to) > Stage.rank(current.furthest_stage):
        current.furthest_stage = to
    _refresh_activity([current.pk], reload=current)
    _refresh(partnership, current)
    return change


# Partnerships: status ------------------------------------------------------------


@transaction.atomic
def change_status(
    partnership: Partnership,
    *,
    to: str,
    by: User,
    note: str = "",
    reason: AbandonReason | None = None,
    effective_date: datetime.date | None = None,
    expected_version: int,
) -> StatusChange:
    """Put on hold, resume, conclude, abandon or reopen a partnership.

    Abandoning needs a reason from the admin-managed list and a note. Leaving
    the abandoned status clears the reason. Concurrency: as for
    :func:`move_stage`, the change is made from ``expected_version`` or not at all.
    """
    if to not in Status.values:
        raise InvalidTransition(_("“%(status)s” is not a status.") % {"status": to}, field="status")
    current = _lock(Partnership, partnership.pk)
    _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if to == current.status:
        raise InvalidTransition(
            _("The partnership is already %(status)s.")
            % {"status": current.get_status_display().lower()},
            field="status",
        )
    note = (note or "").strip()
    if to == Status.ABANDONED:
        if reason is None:
            raise InvalidTransition(_("Choose why the partnership is abandoned."), field="reason")
        if not note:
            raise InvalidTransition(
                _("Add a note explaining why the partnership is abandoned."), field="note"
            )
    elif reason is not None:
        raise InvalidTransition(_("A reason is only given when abandoning."), field="reason")
    effective_date = effective_date or _today()
    _check_effective_date(effective_date, not_before=None)

    change = StatusChange.objects.create(
        partnership=current,
        from_status=current.status,
        to_status=to,
        reason=reason,
        note=note,
        changed_by=by,
        effective_date=effective_date,
    )
    current.status = to
    current.abandon_reason = reason if to == Status.ABANDONED else None
    current.status_note = note
    _stamp(current, by=by, reason=note or gettext_noop("Status changed"))
    current.save(update_fields=["status", "abandon_reason", "status_note", "updated_at"])
    _refresh(partnership, current)
    return change


def put_on_hold(
    partnership: Partnership, *, by: User, note: str = "", expected_version: int
) -> StatusChange:
    return change_status(
        partnership, to=Status.ON_HOLD, by=by, note=note, expected_version=expected_version
    )


def resume(
    partnership: Partnership, *, by: User, note: str = "", expected_version: int
) -> StatusChange:
    return change_status(
        partnership, to=Status.ACTIVE, by=by, note=note, expected_version=expected_version
    )


def conclude(
    partnership: Partnership, *, by: User, note: str = "", expected_version: int
) -> StatusChange:
    return change_status(
        partnership, to=Status.CONCLUDED, by=by, note=note, expected_version=expected_version
    )


def abandon(
    partnership: Partnership,
    *,
    by: User,
    reason: AbandonReason,
    note: str,
    expected_version: int,
) -> StatusChange:
    return change_status(
        partnership,
        to=Status.ABANDONED,
        by=by,
        reason=reason,
        note=note,
        expected_version=expected_version,
    )


@transaction.atomic
def reassign_partnership(partnership: Partnership, *, to: User, by: User) -> Partnership:
    current = _lock(Partnership, partnership.pk)
    if not to.is_active:
        raise InvalidTransition(_("Choose an active user as the new owner."), field="owner")
    if current.owner_id == to.pk:
        return current
    current.owner = to
    _stamp(current, by=by, reason=gettext_noop("Reassigned"))
    current.save(update_fields=["owner", "updated_at"])
    _refresh(partnership, current)
    return partnership


# Partnerships: lineage -----------------------------------------------------------

# The terms a renewal carries over from the agreement it renews.
_RENEWED_TERMS = (
    "summary",
    "kind",
    "owner_id",
    "value_amount",
    "value_currency",
    "value_note",
    "date_precision",
    "renewal_notice_days",
    "renews_tacitly",
    "framework_id",
    "source_url",
    "source_reference",
    "is_illustrative",
)


@transaction.atomic
def renew_into_successor(
    *,
    partnership: Partnership,
    by: User,
    start: datetime.date,
    end: datetime.date | None,
    title: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Partnership:
    """Renew ``partnership`` into a new agreement that follows it: a successor
    at the renewal stage, from ``start`` to ``end``, with the same parties,
    sectors, team, owner and terms (value, currency, kind, notice, framework),
    titled ``title`` (the same title by default). The predecessor keeps its own
    dates, is concluded (if still open) and linked to its successor, so that
    the chain reads agreement by agreement and the renewal cockpit counts it
    once; its pending "prepare the renewal" reminders are completed. Refused
    when the partnership is deleted, abandoned or already
    renewed, or when the dates are out of order. With ``expected_version``,
    refused as :func:`move_stage` is when someone changed it in between."""
    current = _lock(Partnership, partnership.pk)
    if expected_version is not None:
        _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if current.status == Status.ABANDONED:
        raise InvalidTransition(
            _("An abandoned partnership cannot be renewed; reopen it first."), field="status"
        )
    if Partnership.all_objects.filter(predecessor=current).exists():
        raise InvalidTransition(
            _("This partnership has already been renewed into a new agreement.")
        )
    if start is None:
        raise InvalidTransition(_("Give the day the new agreement starts."), field="start")
    if end is not None and end < start:
        raise InvalidTransition(_("The end date cannot be before the start date."), field="end")
    if current.start_date is not None and start < current.start_date:
        raise InvalidTransition(
            _("The new agreement cannot start before the one it renews (%(date)s).")
            % {"date": current.start_date.isoformat()},
            field="start",
        )
    successor = Partnership(
        title=(title or "").strip() or current.title,
        stage=Stage.RENEWAL,
        start_date=start,
        end_date=end,
        predecessor=current,
        lineage_root_id=current.lineage_root_id or current.pk,
    )
    for name in _RENEWED_TERMS:
        setattr(successor, name, getattr(current, name))
    parties = [
        Party(organization=party.organization, role=party.role)
        for party in current.parties.select_related("organization").order_by("order", "pk")
    ]
    note = (note or "").strip()
    create_partnership(
        successor,
        by=by,
        stage_note=note or _("Renewal of “%(title)s”") % {"title": current.title},
        team=list(current.team.all()),
        sectors=list(current.sectors.all()),
        parties=parties,
    )
    # The "prepare the renewal" reminders of the predecessor are done: decided.
    for reminder in Action.objects.filter(
        partnership=current, automation_key__startswith=f"renewal:{current.pk}:"
    ).pending():
        complete_action(
            reminder,
            by=by,
            outcome=_("Renewed into “%(title)s”.") % {"title": successor.title},
            expected_version=reminder.version,
        )
    if current.status in Status.open():
        change_status(
            current,
            to=Status.CONCLUDED,
            by=by,
            note=_("Renewed into “%(title)s” from %(date)s.")
            % {"title": successor.title, "date": start.isoformat()},
            expected_version=current.version,
        )
    _refresh(partnership, Partnership.all_objects.get(pk=current.pk))
    return successor


# Meetings --------------------------------------------------------------------

# The records a meeting links to, as the keyword arguments of the workflows below.
MEETING_LINKS = ("organizations", "contacts", "attendees", "partnerships")


@transaction.atomic
def log_meeting(
    meeting: Meeting,
    *,
    by: User,
    organizations: Iterable[Organization] = (),
    contacts: Iterable[Contact] = (),
    attendees: Iterable[User] = (),
    partnerships: Iterable[Partnership] = (),
    actions: Sequence[Action] = (),
) -> Meeting:
    """Save a new meeting (its own fields set on ``meeting``) with its links
    and its follow-up ``actions`` (unsaved), all or nothing.

    A follow-up action belongs to the partnership the meeting discusses: when
    the meeting is about exactly one partnership, an action left without one
    gets it; with several, the person chooses.
    """
    if meeting.pk is not None:
        raise InvalidTransition(_("This meeting has already been logged."))
    if meeting.logged_by_id is None:  # an admin may record it for a colleague
        meeting.logged_by = by
    meeting._history_user = by
    meeting.save()
    partnerships = list(partnerships)
    _set_meeting_links(meeting, organizations, contacts, attendees, partnerships)
    added = _add_follow_ups(meeting, actions, by=by, partnerships=partnerships)
    _refresh_activity([p.pk for p in partnerships] + [a.partnership_id for a in added])
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    by: User,
    expected_version: int,
    organizations: Iterable[Organization] | None = None,
    contacts: Iterable[Contact] | None = None,
    attendees: Iterable[User] | None = None,
    partnerships: Iterable[Partnership] | None = None,
    new_actions: Sequence[Action] = (),
) -> Meeting:
    """Save the fields edited on ``meeting``, replace the links given, and add
    ``new_actions`` under the same rule as :func:`log_meeting`. Refused with
    :class:`StaleObjectError` when the meeting changed since
    ``expected_version``."""
    current = _lock(Meeting, meeting.pk)
    if current.is_deleted:
        raise InvalidTransition(_("This meeting has been deleted."))
    meeting.logged_by_id = current.logged_by_id
    meeting.version = expected_version
    meeting._history_user = by
    before = list(current.partnerships.values_list("pk", flat=True))
    meeting.save()
    partnerships = None if partnerships is None else list(partnerships)
    _set_meeting_links(meeting, organizations, contacts, attendees, partnerships)
    discussed = list(meeting.partnerships.all()) if partnerships is None else partnerships
    added = _add_follow_ups(meeting, new_actions, by=by, partnerships=discussed)
    _refresh_activity(before + [p.pk for p in discussed] + [a.partnership_id for a in added])
    return meeting


def _set_meeting_links(meeting: Meeting, organizations, contacts, attendees, partnerships) -> None:
    for relation, values in (
        (meeting.organizations, organizations),
        (meeting.contacts, contacts),
        (meeting.attendees, attendees),
        (meeting.partnerships, partnerships),
    ):
        if values is not None:
            relation.set(values)


def _add_follow_ups(
    meeting: Meeting, actions: Sequence[Action], *, by: User, partnerships: list[Partnership]
) -> Sequence[Action]:
    only_partnership = partnerships[0] if len(partnerships) == 1 else None
    for action in actions:
        if action.pk is not None:
            raise InvalidTransition(_("This action has already been recorded."))
        action.meeting = meeting
        if action.partnership_id is None and only_partnership is not None:
            action.partnership = only_partnership
        _insert_action(action, by=by)
    return actions


# Documents -------------------------------------------------------------------


@transaction.atomic
def add_document(
    document: Document,
    *,
    by: User,
    checked_file: CheckedFile,
    signatories: Iterable[Contact] = (),
) -> Document:
    """Save a new document of a partnership (its fields and file set on
    ``document``), as checked by ``uploads.check_document_file``, with its
    signatories, each with the title they hold now as their title at signing."""
    if document.partnership.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if document.meeting is not None and document.meeting.is_deleted:
        raise InvalidTransition(_("This meeting has been deleted."), field="meeting")
    document.summary = (document.summary or "").strip()
    if document.kind == DocumentKind.AMENDMENT:
        if document.signed_on is None:
            raise InvalidTransition(
                _("Give the date of the amendment (the day it was signed)."), field="signed_on"
            )
        if not document.summary:
            raise InvalidTransition(
                _("Say in a few words what the amendment changes."), field="summary"
            )
    document.uploaded_by = by
    document.describe_file(checked_file)
    document.save()
    signatories = list(dict.fromkeys(signatories))
    # The title each held on the day of signing (their current one when the
    # day is unknown or no recorded post covers it): one query for all.
    titled = {
        contact.pk: contact
        for contact in Contact.objects.filter(pk__in=[c.pk for c in signatories]).with_positions()
    }
    DocumentSignatory.objects.bulk_create(
        DocumentSignatory(
            document=document,
            contact=contact,
            title_at_signing=titled[contact.pk].title_on(document.signed_on)
            if contact.pk in titled and document.signed_on
            else contact.title,
        )
        for contact in signatories
    )
    return document


# Targets and yearly results ------------------------------------------------------


@dataclass(frozen=True)
class YearResult:
    """The actual figure of an indicator line for one year."""

    year: int
    value: Decimal
    note: str = ""
    source: str = ""


def _check_rules(record, *, exclude: Iterable[str] = ()) -> None:
    """The model's own checks, as a refusal with the first message."""
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False)
        record.validate_constraints()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidTransition(
            str(messages[0]), field=None if field == "__all__" else field
        ) from None


@transaction.atomic
def save_indicator_line(
    line: PartnershipIndicator,
    *,
    results: Sequence[YearResult] | None = None,
    by: User | None,
) -> PartnershipIndicator:
    """Save a new or edited indicator line (its indicator, target, target year,
    notes) and, when ``results`` is given, make its yearly results exactly
    those (see :func:`set_indicator_results`), in one transaction: a refused
    result writes nothing, the line included."""
    partnership = _lock(Partnership, line.partnership_id)
    if partnership.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."))
    if line.pk is None and not line.indicator.is_active:
        raise InvalidTransition(
            _("The indicator “%(name)s” is no longer offered.") % {"name": line.indicator},
            field="indicator",
        )
    if line.pk is not None and line.partnership_id != PartnershipIndicator.all_objects.values_list(
        "partnership_id", flat=True
    ).get(pk=line.pk):
        raise InvalidTransition(_("An indicator line stays with its partnership."))
    line.label = line.label.strip()
    _check_rules(line, exclude=["partnership", "indicator"])
    _stamp(line, by=by, reason=gettext_noop("Indicator saved"))
    line.save()
    if results is not None:
        set_indicator_results(line, results=results, by=by)
    return line


@transaction.atomic
def set_indicator_results(
    line: PartnershipIndicator, *, results: Sequence[YearResult], by: User | None
) -> list[IndicatorResult]:
    """Make ``line``'s yearly results exactly ``results``: one per year, the
    years not listed removed, the others updated or added (each change in the
    history). Refuses two results for one year, a negative value or an
    implausible year, and then writes nothing."""
    years = [result.year for result in results]
    repeated = sorted({year for year in years if years.count(year) > 1})
    if repeated:
        raise InvalidTransition(
            _("Two results for %(year)s: give one figure per year.") % {"year": repeated[0]},
            field="results",
        )
    existing = {result.year: result for result in IndicatorResult.objects.filter(line=line)}
    kept = []
    for wanted in sorted(results, key=lambda result: result.year):
        row = existing.pop(wanted.year, None) or IndicatorResult(line=line, year=wanted.year)
        changed = (row.value, row.note, row.source) != (
            wanted.value,
            wanted.note.strip(),
            wanted.source.strip(),
        )
        row.value, row.note, row.source = wanted.value, wanted.note.strip(), wanted.source.strip()
        _check_rules(row, exclude=["line"])
        if changed or row.pk is None:
            _stamp(row, by=by, reason=gettext_noop("Result saved"))
            row.save()
        kept.append(row)
    for gone in existing.values():
        _stamp(gone, by=by, reason=gettext_noop("Result removed"))
        gone.delete()
    return kept


@transaction.atomic
def delete_indicator_line(line: PartnershipIndicator, *, by: User | None) -> None:
    """Remove an indicator line and its yearly results (the history keeps them)."""
    for result in IndicatorResult.objects.filter(line=line):
        _stamp(result, by=by, reason=gettext_noop("Result removed"))
        result.delete()
    _stamp(line, by=by, reason=gettext_noop("Indicator removed"))
    line.delete()


# Exchange rates --------------------------------------------------------------


@transaction.atomic
def save_exchange_rate(rate: ExchangeRate, *, by: User | None) -> ExchangeRate:
    """Save a new or edited exchange rate and bring the value in euros of every
    partnership in its currency (and in the currency it had, if changed) to
    today's rate: one UPDATE per currency, in the same transaction."""
    previous = (
        ExchangeRate.objects.filter(pk=rate.pk).values_list("currency", flat=True).first()
        if rate.pk is not None
        else None
    )
    rate.save()
    valuation.revalue(currencies={rate.currency, previous or rate.currency})
    return rate


@transaction.atomic
def delete_exchange_rates(rates: Iterable[ExchangeRate], *, by: User | None) -> int:
    """Delete exchange rates (an admin's mistake) and revalue the partnerships
    of their currencies with the rates that remain."""
    rates = list(rates)
    currencies = {rate.currency for rate in rates}
    ExchangeRate.objects.filter(pk__in=[rate.pk for rate in rates]).delete()
    valuation.revalue(currencies=currencies)
    return len(rates)


# Organizations ---------------------------------------------------------------


def near_duplicates(organization: Organization, *, limit: int = 5) -> list[Organization]:
    """Existing organizations that ``organization`` (new or renamed) would
    nearly duplicate."""
    similar = Organization.objects.near_duplicates_of(
        organization.name,
        country=organization.country or None,
        local_name=organization.local_name,
        romanization=organization.romanization,
    )
    if organization.pk is not None:
        similar = similar.exclude(pk=organization.pk)
    return list(similar.order_by("pk")[:limit])


@transaction.atomic
def create_organization(
    organization: Organization,
    *,
    by: User,
    sectors: Iterable[Sector] = (),
    confirm_distinct: bool = False,
) -> Organization:
    """Save a new organization with its sectors. A name very close to an
    existing organization's in the same country is refused
    (:class:`NearDuplicate`) unless ``confirm_distinct``."""
    if organization.pk is not None:
        raise InvalidTransition(_("This organization has already been created."))
    refuse_near_duplicate(organization, confirm_distinct=confirm_distinct)
    organization._history_user = by
    organization.save()
    organization.sectors.set(sectors)
    return organization


@transaction.atomic
def update_organization(
    organization: Organization,
    *,
    by: User,
    sectors: Iterable[Sector] | None = None,
    confirm_distinct: bool = False,
) -> Organization:
    """Save the fields edited on ``organization``; a rename is held to the
    near-duplicate rule of :func:`create_organization`."""
    refuse_near_duplicate(organization, confirm_distinct=confirm_distinct)
    organization._history_user = by
    organization.save()
    if sectors is not None:
        organization.sectors.set(sectors)
    return organization


def refuse_near_duplicate(organization: Organization, *, confirm_distinct: bool) -> None:
    """The near-duplicate rule, for a new organization or a renamed one (an
    edit that keeps the name is not held to it). Serializers and forms may ask
    it early, to report it before other checks of the same name."""
    if confirm_distinct:
        return
    if organization.pk is not None:
        stored = Organization.objects.filter(pk=organization.pk).values_list("name", flat=True)
        if organization.name in stored:
            return
    similar = near_duplicates(organization)
    if similar:
        raise NearDuplicate(similar)


# Merging duplicates ------------------------------------------------------------------

Side = Literal["survivor", "loser"]


class MergeSide(models.TextChoices):
    """Whose value a merge keeps: the record that stays, or the duplicate."""

    SURVIVOR = "survivor", gettext_lazy("the record that stays")
    LOSER = "loser", gettext_lazy("the duplicate")


# The fields a merge lets people choose, field by field (the rest is bookkeeping,
# derived, or combined: aliases and sectors are the union of both records').
ORGANIZATION_MERGE_FIELDS = (
    "name",
    "local_name",
    "romanization",
    "kind",
    "country",
    "locality",
    "parent",
    "website",
    "notes",
    "source_reference",
)
CONTACT_MERGE_FIELDS = (
    "organization",
    "name",
    "local_name",
    "title",
    "email",
    "phone",
    "messaging_app",
    "messaging_handle",
    "languages",
    "notes",
    "is_active",
)


class MergeRefused(DomainError):
    """Two records cannot be merged as asked."""


def default_keep(
    survivor: models.Model, loser: models.Model, fields: Sequence[str]
) -> dict[str, Side]:
    """What a merge keeps unless told otherwise: the survivor's value, or the
    loser's where the survivor has none."""
    keep: dict[str, Side] = {}
    for name in fields:
        attname = survivor._meta.get_field(name).attname
        empty = getattr(survivor, attname) in (None, "")
        keep[name] = "loser" if empty and getattr(loser, attname) not in (None, "") else "survivor"
    return keep


def _check_merge(survivor, loser, keep: Mapping[str, str], fields: Sequence[str]) -> dict:
    if type(survivor) is not type(loser):
        raise MergeRefused(_("Only two records of the same kind can be merged."))
    if survivor.pk is None or loser.pk is None:
        raise MergeRefused(_("Both records must exist to be merged."))
    if survivor.pk == loser.pk:
        raise MergeRefused(_("A record cannot be merged into itself."), field="duplicate")
    unknown = sorted(set(keep) - set(fields))
    if unknown:
        raise MergeRefused(
            _("These fields cannot be chosen in a merge: %(fields)s.")
            % {"fields": ", ".join(unknown)},
            field="keep",
        )
    wrong = sorted(name for name, side in keep.items() if side not in ("survivor", "loser"))
    if wrong:
        raise MergeRefused(
            _("Choose “survivor” or “loser” for: %(fields)s.") % {"fields": ", ".join(wrong)},
            field="keep",
        )
    return {**default_keep(survivor, loser, fields), **keep}


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def merge_reason(loser: models.Model, survivor: models.Model) -> str:
    """The history's change reason, in English (translated when shown, see
    history.py): "Merged Ville de Zhangjiakou (#12) into 张家口市 (#3)"."""
    return (
        f"Merged {_short(str(loser))} (#{loser.pk}) into {_short(str(survivor))} (#{survivor.pk})"
    )


def _apply_choices(survivor, loser, keep: Mapping[str, str]) -> None:
    for name, side in keep.items():
        if side == "loser":
            attname = survivor._meta.get_field(name).attname
            setattr(survivor, attname, getattr(loser, attname))


def _merged_aliases(survivor: Organization, before: list[str], loser: Organization) -> str:
    """The survivor's aliases after a merge: its own, every name of the loser,
    and its own former names that the merge replaced, less its new names (each
    once, whatever its accents or case)."""
    current = {
        text_search.normalize(n)
        for n in (survivor.name, survivor.local_name, survivor.romanization)
        if n
    }
    aliases: dict[str, str] = {}
    for name in [*survivor.alias_list(), *before, *loser.names()]:
        key = text_search.normalize(name)
        if key and key not in current and key not in aliases:
            aliases[key] = name.strip()
    return "\n".join(aliases.values())


def _save_merged(survivor, *, by: User, reason: str) -> None:
    try:
        survivor.clean()
        survivor.validate_constraints()
    except ValidationError as error:
        raise MergeRefused(" ".join(error.messages)) from error
    _stamp(survivor, by=by, reason=reason)
    try:
        with transaction.atomic():
            survivor.save()
    except IntegrityError as error:
        raise MergeRefused(
            _("The merged record would break a rule: %(error)s") % {"error": error}
        ) from error


def _delete_loser(loser, *, survivor, by: User) -> None:
    _stamp(loser, by=by, reason=merge_reason(loser, survivor))
    loser.delete()


def merge_organizations(
    *,
    survivor: Organization,
    loser: Organization,
    keep: Mapping[str, Side] | None = None,
    by: User,
) -> Organization:
    """Merge the duplicate ``loser`` into ``survivor``, in one transaction.

    ``keep`` says, field by field (``ORGANIZATION_MERGE_FIELDS``), whose value
    the survivor keeps; a field not named keeps the survivor's value, or the
    loser's where the survivor has none. Every reference to the loser (parties,
    meetings, actions it leads, relations, children, contacts, sectors, history)
    moves to the survivor (``merging.move_references``: a relation of the two
    with each other, and a row the survivor already has, are dropped); the
    loser's names become aliases of the survivor; the loser is deleted
    (organizations are not soft-deleted) and both histories record the merge.
    """
    with transaction.atomic():
        survivor = _lock_plain(Organization, survivor.pk)
        loser = _lock_plain(Organization, loser.pk)
        choices = _check_merge(survivor, loser, keep or {}, ORGANIZATION_MERGE_FIELDS)
        before = [n for n in (survivor.name, survivor.local_name, survivor.romanization) if n]
        original_parent = survivor.parent_id
        parties_of = list(
            PartnershipParty.all_objects.filter(organization__in=[survivor.pk, loser.pk])
            .values_list("partnership_id", flat=True)
            .distinct()
        )
        merging.move_references(Organization, survivor=survivor, loser=loser)
        _apply_choices(survivor, loser, choices)
        survivor.parent_id = _merged_parent(survivor, loser, original=original_parent)
        survivor.aliases = _merged_aliases(survivor, before, loser)
        if survivor.parent_id and survivor._parent_creates_loop():
            raise MergeRefused(
                _("The parent chosen is inside the merged organization: choose the other one."),
                field="parent",
            )
        reason = merge_reason(loser, survivor)
        _delete_loser(loser, survivor=survivor, by=by)
        _save_merged(survivor, by=by, reason=reason)
        # Nothing in a partnership's stored activity depends on its parties
        # today; recomputed anyway so that it stays true if that changes.
        _refresh_activity(parties_of)
    return survivor


def _merged_parent(survivor: Organization, loser: Organization, *, original: int | None):
    """The survivor's parent after the merge: the one chosen, unless that is
    one of the two merged (the loser was inside the survivor, or the other way
    round), then the other record's parent, else none."""
    merged = (survivor.pk, loser.pk)
    other = loser.parent_id if survivor.parent_id == original else original
    for candidate in (survivor.parent_id, other):
        if candidate not in merged:
            return candidate
    return None


def merge_contacts(
    *,
    survivor: Contact,
    loser: Contact,
    keep: Mapping[str, Side] | None = None,
    by: User,
) -> Contact:
    """Merge the duplicate contact ``loser`` into ``survivor``, in one
    transaction: the fields chosen in ``keep`` (``CONTACT_MERGE_FIELDS``, as for
    :func:`merge_organizations`), every reference (meetings attended,
    signatures with the title signed under, history) moved, the loser deleted
    and the merge recorded in both histories. A signature of the same document
    by both is kept once, the survivor's."""
    with transaction.atomic():
        survivor = _lock_plain(Contact, survivor.pk)
        loser = _lock_plain(Contact, loser.pk)
        choices = _check_merge(survivor, loser, keep or {}, CONTACT_MERGE_FIELDS)
        # One person holds one current post: the loser's past posts join the
        # survivor's career, its current one goes, and the survivor's current
        # post becomes the organization and title the merge keeps.
        ContactPosition.objects.filter(contact=loser, end_date__isnull=True).delete()
        merging.move_references(Contact, survivor=survivor, loser=loser)
        _apply_choices(survivor, loser, choices)
        reason = merge_reason(loser, survivor)
        _delete_loser(loser, survivor=survivor, by=by)
        _save_merged(survivor, by=by, reason=reason)
        _correct_current_position(survivor, by=by)
    return survivor


def _lock_plain(model, pk: int):
    """:func:`_lock` for the models without soft delete (organizations, contacts)."""
    return model._base_manager.select_for_update().get(pk=pk)


# Contacts and their posts ----------------------------------------------------------


@transaction.atomic
def create_contact(
    contact: Contact,
    *,
    by: User | None,
    since: datetime.date | None = None,
    date_precision: str = DatePrecision.DAY,
) -> Contact:
    """Save a new contact (its fields set on ``contact``) and open its current
    post: its organization and title, held since ``since`` (unknown if None)."""
    if contact.pk is not None:
        raise InvalidTransition(_("This contact has already been created."))
    _check_precision(date_precision)
    if since is not None and since > _today():
        raise InvalidTransition(_("A post cannot start in the future."), field="since")
    contact._history_user = by
    contact.save()
    position = ContactPosition(
        contact=contact,
        organization_id=contact.organization_id,
        title=contact.title,
        start_date=since,
        date_precision=date_precision,
    )
    position._history_user = by
    position.save()
    return contact


@transaction.atomic
def update_contact(
    contact: Contact, *, by: User | None, new_post_since: datetime.date | None = None
) -> Contact:
    """Save the fields edited on ``contact``. A change of organization or title
    is a new post when ``new_post_since`` says since when (the current post
    ends the day before, see :func:`change_position`); without it, a
    correction of the current post, which is changed in place."""
    stored = Contact.objects.filter(pk=contact.pk).values("organization_id", "title").get()
    organization_id, title = contact.organization_id, contact.title
    moved = (organization_id, title) != (stored["organization_id"], stored["title"])
    if moved and new_post_since is not None:
        contact.organization_id, contact.title = stored["organization_id"], stored["title"]
        contact._history_user = by
        contact.save()
        change_position(
            contact=contact,
            organization=Organization.objects.get(pk=organization_id),
            title=title,
            since=new_post_since,
            by=by,
        )
        return contact
    contact._history_user = by
    contact.save()
    if moved:
        _correct_current_position(contact, by=by)
    return contact


def _correct_current_position(contact: Contact, *, by: User | None) -> None:
    current = contact.positions.current().first()
    if current is None:
        current = ContactPosition(contact=contact)
    current.organization_id = contact.organization_id
    current.title = contact.title
    current._history_user = by
    current.save()


@transaction.atomic
def change_position(
    *,
    contact: Contact,
    organization: Organization,
    title: str,
    since: datetime.date,
    by: User | None,
    date_precision: str = DatePrecision.DAY,
    notes: str = "",
) -> ContactPosition:
    """The person takes a new post (the director of a Foreign Affairs Office
    becomes vice-mayor): their current post ends the day before ``since`` and
    the new one opens, and the contact's organization and title become the new
    post's, in one transaction. Refused when ``since`` is in the future, not
    after the current post started, or the post would not change."""
    _check_precision(date_precision)
    title = (title or "").strip()
    person = Contact.objects.select_for_update().get(pk=contact.pk)
    if since > _today():
        raise InvalidTransition(_("A post cannot start in the future."), field="since")
    current = person.positions.current().first()
    if current is not None:
        if (current.organization_id, current.title) == (organization.pk, title):
            raise InvalidTransition(
                _("%(name)s already holds this post.") % {"name": person.name}, field="title"
            )
        if current.start_date is not None and since <= current.start_date:
            raise InvalidTransition(
                _("The new post must start after the current one (%(date)s).")
                % {"date": current.start_date.isoformat()},
                field="since",
            )
        current.end_date = since - datetime.timedelta(days=1)
        current._history_user = by
        current.save(update_fields=["end_date", "updated_at"])
    position = ContactPosition(
        contact=person,
        organization=organization,
        title=title,
        start_date=since,
        date_precision=date_precision,
        notes=(notes or "").strip(),
    )
    position._history_user = by
    position.save()
    person.organization = organization
    person.title = title
    _stamp(person, by=by, reason=gettext_noop("New post"))
    person.save(update_fields=["organization", "title", "search_text", "updated_at"])
    _refresh(contact, person)
    return position


# Actions ---------------------------------------------------------------------


@transaction.atomic
def create_action(action: Action, *, by: User | None) -> Action:
    """Save a new follow-up action (its fields set on ``action``); ``by`` is
    None for the actions the system creates (``send_reminders``)."""
    if action.pk is not None:
        raise InvalidTransition(_("This action has already been recorded."))
    if action.partnership_id is not None and action.partnership.is_deleted:
        raise InvalidTransition(_("This partnership has been deleted."), field="partnership")
    _insert_action(action, by=by)
    _refresh_activity([action.partnership_id])
    return action


@transaction.atomic
def update_action(action: Action, *, by: User, expected_version: int) -> Action:
    """Save the fields edited on ``action`` (its status changes only through
    the workflows below). Refused with :class:`StaleObjectError` when it
    changed since ``expected_version``."""
    current = _lock(Action, action.pk)
    if current.is_deleted:
        raise InvalidTransition(_("This action has been deleted."))
    for name in ("status", "completed_on", "completed_by_id", "outcome", "created_by_id"):
        setattr(action, name, getattr(current, name))
    action.version = expected_version
    action._history_user = by
    action.save()
    _refresh_activity([current.partnership_id, action.partnership_id])
    return action


def _insert_action(action: Action, *, by: User | None) -> None:
    action.created_by = by
    action._history_user = by
    action.save()


@transaction.atomic
def complete_action(
    action: Action,
    *,
    by: User,
    outcome: str = "",
    completed_on: datetime.date | None = None,
    expected_version: int,
) -> Action:
    """Mark an open or in-progress action done, with who, when and the outcome,
    from ``expected_version`` (see :func:`move_stage`)."""
    current = _lock(Action, action.pk)
    _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This action has been deleted."))
    if current.status == ActionStatus.DONE:
        raise InvalidTransition(_("This action is already done."), field="status")
    if current.status == ActionStatus.CANCELLED:
        raise InvalidTransition(
            _("A cancelled action cannot be completed; reopen it first."), field="status"
        )
    completed_on = completed_on or _today()
    if completed_on > _today():
        raise InvalidTransition(
            _("The completion date cannot be in the future."), field="completed_on"
        )
    current.status = ActionStatus.DONE
    current.completed_on = completed_on
    current.completed_by = by
    current.outcome = (outcome or "").strip()
    _stamp(current, by=by, reason=gettext_noop("Completed"))
    current.save(update_fields=["status", "completed_on", "completed_by", "outcome", "updated_at"])
    _refresh_activity([current.partnership_id])
    _refresh(action, current)
    return action


@transaction.atomic
def cancel_action(action: Action, *, by: User, note: str = "", expected_version: int) -> Action:
    current = _lock(Action, action.pk)
    _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This action has been deleted."))
    if not current.is_pending:
        raise InvalidTransition(
            _("Only an open or in-progress action can be cancelled."), field="status"
        )
    current.status = ActionStatus.CANCELLED
    current.completed_on = _today()
    current.completed_by = by
    current.outcome = (note or "").strip()
    _stamp(current, by=by, reason=gettext_noop("Cancelled"))
    current.save(update_fields=["status", "completed_on", "completed_by", "outcome", "updated_at"])
    _refresh_activity([current.partnership_id])
    _refresh(action, current)
    return action


@transaction.atomic
def reopen_action(action: Action, *, by: User, expected_version: int) -> Action:
    current = _lock(Action, action.pk)
    _check_version(current, expected_version)
    if current.is_deleted:
        raise InvalidTransition(_("This action has been deleted."))
    if current.is_pending:
        raise InvalidTransition(_("This action is already open."), field="status")
    current.status = ActionStatus.OPEN
    current.completed_on = None
    current.completed_by = None
    _stamp(current, by=by, reason=gettext_noop("Reopened"))
    current.save(update_fields=["status", "completed_on", "completed_by", "updated_at"])
    _refresh_activity([current.partnership_id])
    _refresh(action, current)
    return action


@transaction.atomic
def reassign_action(action: Action, *, to: User, by: User) -> Action:
    current = _lock(Action, action.pk)
    if not to.is_active:
        raise InvalidTransition(_("Choose an active user as the new owner."), field="owner")
    if current.owner_id == to.pk:
        return current
    current.owner = to
    _stamp(current, by=by, reason=gettext_noop("Reassigned"))
    current.save(update_fields=["owner", "updated_at"])
    _refresh(action, current)
    return action


# Soft delete -----------------------------------------------------------------

SoftDeletable = Partnership | Meeting | Action


@transaction.atomic
def soft_delete(obj: SoftDeletable, *, by: User) -> None:
    """Hide a partnership, meeting or action from every list; a manager can
    restore it. A partnership's live actions go with it, stamped with the same
    moment, so that restoring it brings back exactly those (and not an action
    someone had deleted on its own before)."""
    current = _lock(type(obj), obj.pk)
    if current.is_deleted:
        return
    current.deleted_at = timezone.now()
    current.deleted_by = by
    _stamp(current, by=by, reason=gettext_noop("Deleted"))
    current.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    if isinstance(current, Partnership):
        Action.objects.filter(partnership=current).update(
            deleted_at=current.deleted_at, deleted_by=by
        )
    _refresh_activity(_touched_partnerships(current), reload=current)
    _refresh(obj, current)


@transaction.atomic
def restore(obj: SoftDeletable, *, by: User) -> None:
    """Bring back a deleted row (and, for a partnership, the actions deleted
    with it)."""
    current = _lock(type(obj), obj.pk)
    if not current.is_deleted:
        return
    if isinstance(current, Partnership):
        Action.all_objects.filter(partnership=current, deleted_at=current.deleted_at).update(
            deleted_at=None, deleted_by=None
        )
    current.deleted_at = None
    current.deleted_by = None
    _stamp(current, by=by, reason=gettext_noop("Restored"))
    current.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _refresh_activity(_touched_partnerships(current), reload=current)
    _refresh(obj, current)


def _touched_partnerships(obj: SoftDeletable) -> list[int]:
    """The partnerships whose activity a deleted or restored row counts in."""
    if isinstance(obj, Partnership):
        return [obj.pk]
    if isinstance(obj, Meeting):
        return list(obj.partnerships.values_list("pk", flat=True))
    return [obj.partnership_id]


def _refresh_activity(partnership_ids, *, reload: SoftDeletable | None = None) -> None:
    """Recompute the stored activity of these partnerships; ``reload``, a
    partnership among them, gets the new values too. Inside
    ``activity.deferred()`` (a whole import) it is left to the block's end."""
    if activity.defer(partnership_ids):
        return
    activity.refresh(partnership_ids, today=_today())
    if isinstance(reload, Partnership):
        reload.refresh_from_db(fields=["last_activity_on", "next_due_on", "last_engaged_on"])


def _stamp(obj, *, by: User, reason: str) -> None:
    """Tell the history who made the change and why (outside a web request too).
    Our own reasons are stored in English and translated when shown."""
    obj._history_user = by
    obj._change_reason = reason[:100]  # the history's column is 100 characters


def _refresh(stale, fresh) -> None:
    """Bring the caller's copy up to date with the row just saved."""
    for field in fresh._meta.concrete_fields:
        setattr(stale, field.attname, getattr(fresh, field.attname))


# Credentials -------------------------------------------------------------------------


@transaction.atomic
def revoke_credentials(*, user: User, by: User | None, reason: str) -> int:
    """What a changed or reset password, or a deactivated account, must take
    away: every API token of ``user`` is revoked and the secret of their
    calendar feed is replaced, so that nothing handed out under the old
    password keeps working (Django already ends their other sessions). Called
    whenever a password is saved (``partnerships.passwords``, on every path:
    the password page, the admin, ``manage.py changepassword``, scripts) and
    when the admin deactivates an account.
    Returns the number of tokens revoked. A person who has never opened their
    profile has no feed address yet, so none is made for them."""
    revoked = ApiToken.objects.filter(user=user).active().update(revoked_at=timezone.now())
    profile = UserProfile.objects.filter(user=user).first()
    if profile is None and not revoked:
        return 0
    if profile is not None:
        profile.reset_calendar_token()
    logger.info(
        "Credentials of %s revoked by %s (%s): %d API token(s), calendar feed secret reset",
        user,
        by or "the system",
        reason,
        revoked,
    )
    return revoked
