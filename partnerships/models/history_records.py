"""One history row per record for a batch of writes.

django-simple-history writes a historical row on every ``save()`` and every
many-to-many change, and copies the many-to-many rows each time. A spreadsheet
import saves a partnership five times (created, team and sectors set, two
stage moves): five historical rows, each with its copy of the team and the
sectors, about half of the import's queries and of its time.

Inside :func:`one_row_per_record`, the records only note which rows changed;
when the block ends, each changed row gets one historical row holding its
final state ("created" if the block created it, "changed" otherwise), written
in one insert per model, with one insert per many-to-many field for the
copies. Everything outside such a block is recorded as before.

The rows are read again when the block ends, so a row created and then
rolled back inside it (a refused import row) gets none.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from simple_history import utils as simple_history_utils
from simple_history.models import HistoricalRecords


@dataclass
class _Pending:
    records: CoalescingHistoricalRecords
    model: type
    pk: Any
    history_type: str
    user: Any
    reason: str | None


_pending: contextvars.ContextVar[dict[tuple[type, Any], _Pending] | None] = contextvars.ContextVar(
    "coalesced_history", default=None
)


class CoalescingHistoricalRecords(HistoricalRecords):
    """simple-history's records, which hold their writes inside
    :func:`one_row_per_record` (and write as usual outside it)."""

    def post_save(self, instance, created, using=None, **kwargs):
        if self._note(instance, "+" if created else "~", raw=kwargs.get("raw", False)):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action in ("post_add", "post_remove", "post_clear") and self._note(instance, "~"):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    def _note(self, instance, history_type: str, *, raw: bool = False) -> bool:
        """Inside a batch, remember the row and say so; outside, say not."""
        pending = _pending.get()
        if pending is None:
            return False
        if raw or hasattr(instance, "skip_history_when_saving"):
            return True
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return True
        model = type(instance)._meta.concrete_model
        key = (model, instance.pk)
        entry = pending.get(key)
        reason = simple_history_utils.get_change_reason_from_object(instance)
        if entry is None:
            pending[key] = _Pending(
                records=self,
                model=model,
                pk=instance.pk,
                history_type=history_type,
                user=self.get_history_user(instance),
                reason=reason,
            )
        elif reason and not entry.reason:
            entry.reason = reason
        return True

    def write_batch(self, model: type, entries: list[_Pending]) -> None:
        """One historical row per entry, from the row as it is now."""
        current = model._base_manager.in_bulk([entry.pk for entry in entries])
        history_model = getattr(model, self.manager_name).model
        now = timezone.now()
        rows = []
        for entry in entries:
            instance = current.get(entry.pk)
            if instance is None:  # deleted again inside the block
                continue
            attrs = {
                f.attname: getattr(instance, f.attname) for f in self.fields_included(instance)
            }
            rows.append(
                history_model(
                    history_date=now,
                    history_type=entry.history_type,
                    history_user=entry.user,
                    history_change_reason=entry.reason,
                    **attrs,
                )
            )
        history_model.objects.bulk_create(rows)
        self._write_m2m_copies(model, rows)

    def _write_m2m_copies(self, model: type, rows: list) -> None:
        """The many-to-many copies of all the rows: one read and one insert a field."""
        if not rows:
            return
        history_by_pk = {getattr(row, model._meta.pk.attname): row for row in rows}
        for field in rows[0]._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            attnames = [f.attname for f in through_model._meta.fields]
            source = through_model._meta.get_field(simple_history_utils.get_m2m_field_name(field))
            links = through_model.objects.filter(**{f"{source.attname}__in": list(history_by_pk)})
            m2m_history_model.objects.bulk_create(
                m2m_history_model(
                    history=history_by_pk[getattr(link, source.attname)],
                    **{name: getattr(link, name) for name in attnames},
                )
                for link in links
            )


@contextmanager
def one_row_per_record() -> Iterator[None]:
    """Inside the block, each changed record gets one historical row, written
    when the block ends without an error. For a block inside one transaction."""
    if _pending.get() is not None:  # already batching: the outer block writes
        yield
        return
    pending: dict[tuple[type, Any], _Pending] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _write(pending)


def _write(pending: dict[tuple[type, Any], _Pending]) -> None:
    by_model: dict[type, list[_Pending]] = {}
    for entry in pending.values():
        by_model.setdefault(entry.model, []).append(entry)
    for model, entries in by_model.items():
        entries[0].records.write_batch(model, entries)
