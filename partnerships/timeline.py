"""One chronological timeline of everything that happened to a partnership:
stage moves, status changes, meetings, actions, documents and (for managers and
admins, who may see the history) edits.

Built in a fixed number of queries whatever the length of the story: one per
kind of event, then merged and sorted in Python.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Action, ActionStatus, DatePrecision, DocumentKind, Partnership

# Fields whose edits are shown; lifecycle fields have entries of their own.
EDITABLE_FIELDS = [
    "title",
    "summary",
    "kind",
    "owner",
    "value_amount",
    "value_currency",
    "value_note",
    "signed_on",
    "start_date",
    "end_date",
    "renewal_notice_days",
    "renews_tacitly",
    "source_url",
    "source_reference",
]


@dataclass
class Entry:
    day: datetime.date
    moment: datetime.datetime
    kind: str  # stage, status, meeting, action, action_done, document, edit, created
    title: str
    detail: str = ""
    actor: object | None = None
    url: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def precision(self) -> str:
        """How much of ``day`` is known (a source may give only the month)."""
        return self.extra.get("precision", DatePrecision.DAY)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def build_timeline(
    partnership: Partnership, *, with_edits: bool, lineage: list[Partnership] | None = None
) -> list[Entry]:
    """``lineage``, the chain as ``Partnership.lineage()`` read it, saves the
    query for the successor."""
    entries: list[Entry] = []
    entries += _stage_entries(partnership)
    entries += _status_entries(partnership)
    entries += _meeting_entries(partnership)
    entries += _action_entries(partnership)
    entries += _document_entries(partnership)
    entries += _lineage_entries(partnership, lineage)
    if with_edits:
        entries += _edit_entries(partnership)
    entries.sort(key=lambda e: (e.day, e.moment), reverse=True)
    return entries


def _stage_entries(partnership: Partnership) -> list[Entry]:
    entries = []
    for change in partnership.stage_changes.select_related("changed_by", "document"):
        if not change.from_stage:
            title = _("Started at the %(stage)s stage") % {"stage": change.get_to_stage_display()}
            kind = "created"
        else:
            title = _("Moved from %(from)s to %(to)s") % {
                "from": change.get_from_stage_display(),
                "to": change.get_to_stage_display(),
            }
            kind = "stage"
        entries.append(
            Entry(
                day=change.effective_date,
                moment=change.changed_at,
                kind=kind,
                title=title,
                detail=change.note,
                actor=change.changed_by,
                extra={
                    "backward": change.is_backward,
                    "to_stage": change.to_stage,
                    "precision": change.date_precision,
                },
            )
        )
    return entries


def stage_since_precision(partnership: Partnership, timeline: list[Entry]) -> str:
    """How much is known of the day the partnership entered its stage: the
    precision of the latest stage change of the timeline that led to it."""
    moves = [
        entry
        for entry in timeline
        if entry.kind in ("stage", "created")
        and entry.extra.get("to_stage") == partnership.stage
        and entry.day == partnership.stage_changed_on
    ]
    if not moves:
        return DatePrecision.DAY
    return max(moves, key=lambda entry: entry.moment).precision


def _status_entries(partnership: Partnership) -> list[Entry]:
    entries = []
    for change in partnership.status_changes.select_related("changed_by", "reason"):
        title = _("Status: %(from)s → %(to)s") % {
            "from": change.get_from_status_display(),
            "to": change.get_to_status_display(),
        }
        detail = change.note
        if change.reason:
            detail = f"{change.reason.label}. {detail}".strip()
        entries.append(
            Entry(
                day=change.effective_date,
                moment=change.changed_at,
                kind="status",
                title=title,
                detail=detail,
                actor=change.changed_by,
            )
        )
    return entries


def _meeting_entries(partnership: Partnership) -> list[Entry]:
    meetings = partnership.meetings.select_related("logged_by").only(
        "id", "title", "kind", "status", "start_date", "end_date", "date_precision", "outcomes",
        "created_at",
        "logged_by__first_name", "logged_by__last_name", "logged_by__username",
    )  # fmt: skip
    return [
        Entry(
            day=meeting.start_date,
            moment=meeting.created_at,
            kind="meeting",
            title=meeting.title,
            detail=meeting.outcomes,
            actor=meeting.logged_by,
            url=meeting.get_absolute_url(),
            extra={
                "meeting_kind": meeting.get_kind_display(),
                "status": meeting.status,
                "precision": meeting.date_precision,
            },
        )
        for meeting in meetings
    ]


def _action_entries(partnership: Partnership) -> list[Entry]:
    entries = []
    actions = Action.objects.filter(partnership=partnership).select_related("owner", "completed_by")
    for action in actions:
        created = timezone.localtime(action.created_at)
        entries.append(
            Entry(
                day=created.date(),
                moment=created,
                kind="action",
                title=_("Action: %(title)s") % {"title": action.title},
                detail=_("Owner: %(owner)s")
                % {"owner": action.owner.get_full_name() or action.owner.get_username()},
                url=action.get_absolute_url(),
                extra={"action": action, "due": action.due_date},
            )
        )
        if action.status in (ActionStatus.DONE, ActionStatus.CANCELLED) and action.completed_on:
            done = action.status == ActionStatus.DONE
            entries.append(
                Entry(
                    day=action.completed_on,
                    moment=_moment(action.completed_on),
                    kind="action_done" if done else "action_cancelled",
                    title=(_("Done: %(title)s") if done else _("Cancelled: %(title)s"))
                    % {"title": action.title},
                    detail=action.outcome,
                    actor=action.completed_by,
                    url=action.get_absolute_url(),
                )
            )
    return entries


def _document_entries(partnership: Partnership) -> list[Entry]:
    """Documents on the day they were added; an amendment on the day it was
    signed, with its summary."""
    entries = []
    for document in partnership.documents.select_related("uploaded_by"):
        if document.kind == DocumentKind.AMENDMENT and document.signed_on:
            entries.append(
                Entry(
                    day=document.signed_on,
                    moment=document.uploaded_at,
                    kind="amendment",
                    title=_("Amendment: %(title)s") % {"title": document.title},
                    detail=document.summary,
                    actor=document.uploaded_by,
                    url=document.get_absolute_url(),
                )
            )
            continue
        entries.append(
            Entry(
                day=timezone.localtime(document.uploaded_at).date(),
                moment=document.uploaded_at,
                kind="document",
                title=_("Document: %(title)s") % {"title": document.title},
                detail=document.get_kind_display(),
                actor=document.uploaded_by,
                url=document.get_absolute_url(),
            )
        )
    return entries


def _lineage_entries(partnership: Partnership, lineage: list[Partnership] | None) -> list[Entry]:
    """Where the agreement comes from and what it was renewed into (one query
    for the successor unless the chain is given; the predecessor comes with
    the partnership)."""
    entries = []
    predecessor = partnership.predecessor if partnership.predecessor_id else None
    if predecessor is not None and not predecessor.is_deleted:
        day = partnership.start_date or timezone.localtime(partnership.created_at).date()
        entries.append(
            Entry(
                day=day,
                moment=partnership.created_at,
                kind="lineage",
                title=_("Renews “%(title)s”") % {"title": predecessor.title},
                url=predecessor.get_absolute_url(),
            )
        )
    if lineage is None:
        successor = Partnership.objects.filter(predecessor=partnership).first()
    else:
        successor = next((p for p in lineage if p.predecessor_id == partnership.pk), None)
    if successor is not None:
        day = successor.start_date or timezone.localtime(successor.created_at).date()
        entries.append(
            Entry(
                day=day,
                moment=successor.created_at,
                kind="lineage",
                title=_("Renewed into “%(title)s”") % {"title": successor.title},
                url=successor.get_absolute_url(),
            )
        )
    return entries


def _edit_entries(partnership: Partnership) -> list[Entry]:
    records = list(partnership.history.select_related("history_user").order_by("history_date"))
    owner_ids = {r.owner_id for r in records}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=owner_ids)}
    entries = []
    for previous, record in itertools.pairwise(records):
        changed = [
            name for name in EDITABLE_FIELDS if _value(previous, name) != _value(record, name)
        ]
        if not changed:
            continue
        labels = [str(Partnership._meta.get_field(name).verbose_name) for name in changed]
        detail = ", ".join(labels)
        if "owner" in changed:
            new_owner = users.get(record.owner_id)
            name = new_owner.get_full_name() if new_owner else "?"
            detail += " — " + _("new owner: %(name)s") % {"name": name}
        moment = timezone.localtime(record.history_date)
        # Our own reasons are stored in English (a note, as typed).
        reason = record.history_change_reason
        entries.append(
            Entry(
                day=moment.date(),
                moment=moment,
                kind="edit",
                title=_(reason) if reason else _("Edited"),
                detail=detail,
                actor=record.history_user,
            )
        )
    return entries


def _value(record, name: str):
    field_name = f"{name}_id" if name == "owner" else name
    return getattr(record, field_name)
