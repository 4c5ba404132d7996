"""What changed in a record, field by field: old value → new value, by whom
and when, from django-simple-history's rows.

The history of a record is its own historical rows (every field, and the
many-to-many fields the model lists in ``m2m_fields``: sectors, team,
attendees...) and, for a partnership, those of its parties (each party row has
its own history: added, role changed, removed). Values are shown as people read
them: a choice by its label, a related record by its name, a date in the
reader's format, a list of names for many-to-many fields.

A fixed number of queries whatever the length of the history: the rows, one
per many-to-many field, one per kind of related record named, and the parties'
rows. Pages (for managers and admins, ``permissions.can_view_history``) and the
API (``GET /api/<resource>/<id>/history/``) read it from here.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnerships.models import Partnership, PartnershipParty, PartyRole

# Bookkeeping the history does not show as changes of their own.
NOT_SHOWN = {
    "id",
    "created_at",
    "updated_at",
    "version",
    "search_text",
    "name_key",
    "last_activity_on",
    "next_due_on",
    "deleted_at",
    "deleted_by",
    "created_by",
}
MAX_ENTRIES = 200


# What a deleted record (or one removed since) is shown as: never its name.
def _deleted() -> str:
    return "(" + _("deleted") + ")"


# A partnership's parties are saved a moment after the partnership itself.
SAME_SAVE_SECONDS = 5


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime.datetime
    by: Any  # a user, or None for changes made by scripts
    kind: str  # "created", "changed", "deleted"
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"created": _("created"), "changed": _("edited"), "deleted": _("deleted")}[self.kind]

    @property
    def by_name(self) -> str:
        if self.by is None:
            return ""
        return self.by.get_full_name() or self.by.get_username()


def history_of(record: models.Model) -> list[Entry]:
    """The changes of ``record``, newest first (at most MAX_ENTRIES)."""
    model = type(record)
    rows = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :MAX_ENTRIES
        ]
    )
    rows.reverse()
    m2m = _m2m_values(model, rows)
    fields = _shown_fields(model)
    names = _Names(fields, rows)
    entries = []
    previous = None
    for row in rows:
        changes = []
        for model_field in fields:
            old = None if previous is None else _raw(previous, model_field)
            new = _raw(row, model_field)
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, "", False):
                continue
            changes.append(
                FieldChange(
                    model_field.name,
                    str(model_field.verbose_name),
                    names.show(model_field, old) if previous is not None else "—",
                    names.show(model_field, new),
                )
            )
        for m2m_field, values in m2m.items():
            old = None if previous is None else values.get(previous.history_id, ())
            new = values.get(row.history_id, ())
            if set(old or ()) == set(new) or (previous is None and not new):
                continue
            changes.append(
                FieldChange(
                    m2m_field.name,
                    str(m2m_field.verbose_name),
                    _list(old) if old is not None else "—",
                    _list(new),
                )
            )
        kind = {"+": "created", "-": "deleted"}.get(row.history_type, "changed")
        if changes or kind != "changed" or row.history_change_reason:
            entries.append(
                Entry(
                    at=row.history_date,
                    by=row.history_user,
                    kind=kind,
                    reason=_reason(row.history_change_reason),
                    changes=changes,
                )
            )
        previous = row
    if isinstance(record, Partnership):
        _add_party_changes(entries, record)
    entries.sort(key=lambda entry: entry.at)
    return _one_entry_per_save(entries)[::-1][:MAX_ENTRIES]


# The reason lifecycle.merge_reason() stores, in English with the two names.
_MERGED = re.compile(
    r"^Merged (?P<loser>.+) \(#(?P<loser_id>\d+)\) into (?P<survivor>.+) \(#(?P<survivor_id>\d+)\)$"
)


def _reason(stored: str | None) -> str:
    """A change reason in the reader's language: ours are stored in English."""
    if not stored:
        return ""
    merged = _MERGED.match(stored)
    if merged:
        return _("Merged %(loser)s (#%(loser_id)s) into %(survivor)s (#%(survivor_id)s)") % (
            merged.groupdict()
        )
    return _(stored)


def _one_entry_per_save(entries: list[Entry]) -> list[Entry]:
    """A save writes a row for the fields, then one for each many-to-many
    field set and each party: shown as one change (same person, moments apart)."""
    merged: list[Entry] = []
    for entry in entries:
        last = merged[-1] if merged else None
        if (
            last is not None
            and entry.kind == "changed"
            and entry.by == last.by
            and (entry.at - last.at).total_seconds() <= SAME_SAVE_SECONDS
            and (not entry.reason or entry.reason == last.reason)
        ):
            last.changes.extend(entry.changes)
        else:
            merged.append(entry)
    return merged


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in NOT_SHOWN and getattr(f, "editable", True)
    ]


def _raw(row: models.Model, model_field: models.Field) -> Any:
    return getattr(row, model_field.attname)


class _Names:
    """Related records named in the rows, read in one query per model."""

    def __init__(self, fields: list[models.Field], rows: list[models.Model]) -> None:
        self.names: dict[type[models.Model], dict[Any, str]] = {}
        for model_field in fields:
            if not model_field.is_relation:
                continue
            ids = {_raw(row, model_field) for row in rows} - {None}
            target = model_field.related_model
            manager = target._default_manager  # a deleted record is not named
            known = self.names.setdefault(target, {})
            missing = ids - set(known)
            if missing:
                known.update({obj.pk: _name(obj) for obj in manager.filter(pk__in=missing)})

    def show(self, model_field: models.Field, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if model_field.is_relation:
            return self.names.get(model_field.related_model, {}).get(value, _deleted())
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return _show(value)


def _name(obj: models.Model) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    for attribute in ("name", "title"):
        if getattr(obj, attribute, ""):
            return str(getattr(obj, attribute))
    return str(obj)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _list(names) -> str:
    return ", ".join(sorted(names)) if names else "—"


def _m2m_values(model: type[models.Model], rows: list[models.Model]) -> dict:
    """For each many-to-many field the history keeps: the names it held at
    each historical row (one query for the rows, one for the names)."""
    history_model = model.history.model
    result = {}
    ids = [row.history_id for row in rows]
    for m2m_field in getattr(history_model, "_history_m2m_fields", ()):
        through = _history_through(history_model, m2m_field)
        if through is None:
            continue
        target_field = next(
            f
            for f in through._meta.get_fields()
            if f.is_relation
            and f.many_to_one
            and f.name != "history"
            and f.related_model is m2m_field.related_model
            and f.related_model is not model
        )
        pairs = list(
            through.objects.filter(history_id__in=ids).values_list(
                "history_id", target_field.attname
            )
        )
        target = m2m_field.related_model
        manager = target._default_manager  # a deleted record is not named
        names = {obj.pk: _name(obj) for obj in manager.filter(pk__in={pk for _h, pk in pairs})}
        values: dict[int, list[str]] = defaultdict(list)
        for history_id, pk in pairs:
            values[history_id].append(names.get(pk) or _deleted())
        result[m2m_field] = values
    return result


def _history_through(history_model, m2m_field):
    for related in history_model._meta.related_objects:
        through = related.related_model
        if through.__name__ == f"{history_model.__name__}_{m2m_field.name}":
            return through
    return None


def _party_changes(partnership: Partnership) -> list[tuple[Any, Any, FieldChange]]:
    """Parties added and removed (a new role is a removal and an addition),
    from the party rows' own history: (when, by whom, the change)."""
    rows = (
        PartnershipParty.history.model.objects.filter(partnership_id=partnership.pk)
        .exclude(history_type="~")  # only their order changes in place
        .select_related("history_user", "organization")
        .order_by("history_date", "history_id")
    )
    label = str(PartnershipParty._meta.verbose_name_plural)
    roles = dict(PartyRole.choices)
    changes = []
    for row in rows:
        shown = f"{row.organization.name} ({roles.get(row.role, row.role)})"
        old, new = ("—", shown) if row.history_type == "+" else (shown, "—")
        changes.append(
            (row.history_date, row.history_user, FieldChange("parties", label, old, new))
        )
    return changes


def _add_party_changes(entries: list[Entry], partnership: Partnership) -> None:
    """Each party change is an entry, merged with the save it belongs to."""
    for at, by, change in _party_changes(partnership):
        entries.append(Entry(at=at, by=by, kind="changed", changes=[change]))


def for_page(user: Any, record: models.Model) -> list[Entry] | None:
    """What a detail page shows of the history: the changes for whoever
    ``permissions.can_view_history`` lets see them, nothing (None) otherwise."""
    from partnerships import permissions

    return history_of(record) if permissions.can_view_history(user, record) else None
