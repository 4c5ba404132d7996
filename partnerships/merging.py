"""The mechanics of merging two records: every reference to the duplicate
(the "loser") is moved to the record that stays (the "survivor").

The mover is written over ``_meta.related_objects`` (foreign keys, one-to-one
fields and many-to-many fields pointing to the model, and the model's own
many-to-many fields), so that a model added later with a link to organizations
or contacts is covered without a change here. Each row is moved as is, except:

- a row that would then link the survivor to itself (a relation "Zhangjiakou
  sister city of Ville de Zhangjiakou") is dropped;
- a row that would then break a unique constraint (both records were parties
  in the same role, both signed the same document, both had the same sector)
  is dropped: the survivor's row already says it;
- rows of the model itself pointing to the loser (its children) move to the
  survivor, but the survivor's and the loser's own links are left to the
  caller, who chooses them field by field.

History rows that name the loser (a meeting's past organizations, a party's
past organization) are pointed to the survivor too, so that the histories of
the records that stay keep naming someone. The workflows of ``lifecycle.py``
call this inside their transaction; nothing here checks permissions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges


@dataclass(frozen=True)
class Link:
    """Rows of ``model`` whose ``field`` points to the merged model."""

    model: type[models.Model]
    field: models.ForeignKey
    label: str


def links_to(model: type[models.Model]) -> list[Link]:
    """Every table holding references to ``model``, found from its metadata."""
    links: list[Link] = []
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # its foreign key to ``model`` is listed on its own
            field = through._meta.get_field(rel.field.m2m_reverse_field_name())
            label = rel.field.model._meta.verbose_name_plural
        else:
            field = rel.field
            label = rel.related_model._meta.verbose_name_plural
            if rel.related_model is model:
                label = field.remote_field.related_name or label
        links.append(Link(field.model, field, str(label)))
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            field = through._meta.get_field(m2m.m2m_field_name())
            links.append(Link(through, field, str(m2m.verbose_name)))
    return links


def count_references(model: type[models.Model], loser: models.Model) -> list[tuple[str, int]]:
    """How many rows of each kind point to ``loser``: the preview of a merge
    (one COUNT per kind of reference)."""
    counts: Counter[str] = Counter()
    for link in links_to(model):
        rows = link.model._base_manager.filter(**{link.field.attname: loser.pk})
        if link.model is model:
            rows = rows.exclude(pk=loser.pk)
        counts[link.label] += rows.count()
    return [(label, n) for label, n in counts.items() if n]


def _unique_sets(model: type[models.Model]) -> list[tuple[tuple[str, ...], models.Q | None]]:
    """The sets of fields whose values must be unique together (with the
    condition a conditional constraint has)."""
    sets: list[tuple[tuple[str, ...], models.Q | None]] = []
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            sets.append(((field.name,), None))
    for together in model._meta.unique_together:
        sets.append((tuple(together), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition))
    return sets


def _move_rows(
    link: Link, *, model: type[models.Model], survivor: models.Model, loser: models.Model
) -> tuple[int, int]:
    """Point the rows of ``link`` from ``loser`` to ``survivor``; returns
    (moved, dropped)."""
    rows_model = link.model
    manager = rows_model._base_manager
    rows = manager.filter(**{link.field.attname: loser.pk})
    if rows_model is model:
        rows = rows.exclude(pk__in=[survivor.pk, loser.pk])
    links_to_model = [
        f
        for f in rows_model._meta.concrete_fields
        if f.is_relation and f.related_model is model and not f.primary_key
    ]
    unique_sets = _unique_sets(rows_model)
    moved = dropped = 0
    for row in list(rows):
        new = {
            f.attname: survivor.pk
            for f in links_to_model
            if getattr(row, f.attname) in (loser.pk, survivor.pk)
        }
        if sum(1 for f in links_to_model if new.get(f.attname) == survivor.pk) > 1:
            manager.filter(pk=row.pk).delete()  # it would link the survivor to itself
            dropped += 1
            continue
        if _collides(rows_model, row, new, unique_sets):
            manager.filter(pk=row.pk).delete()
            dropped += 1
            continue
        manager.filter(pk=row.pk).update(**new)
        moved += 1
    return moved, dropped


def _collides(rows_model, row, new: dict, unique_sets) -> bool:
    """Would ``row``, moved (``new``), repeat another row's unique values?"""
    manager = rows_model._base_manager
    changed = set(new)
    for names, condition in unique_sets:
        fields = [rows_model._meta.get_field(name) for name in names]
        if not changed & {f.attname for f in fields}:
            continue
        values = {f.attname: new.get(f.attname, getattr(row, f.attname)) for f in fields}
        others = manager.filter(**values).exclude(pk=row.pk)
        if condition is not None:
            if not manager.filter(pk=row.pk).filter(condition).exists():
                continue
            others = others.filter(condition)
        if others.exists():
            return True
    return False


def _repoint_history(model: type[models.Model], *, survivor, loser) -> None:
    """History rows of other records that name the loser now name the survivor."""
    for history_model in apps.get_models():
        if not issubclass(history_model, HistoricalChanges):
            continue
        for field in history_model._meta.concrete_fields:
            if field.is_relation and field.related_model is model:
                history_model._base_manager.filter(**{field.attname: loser.pk}).update(
                    **{field.attname: survivor.pk}
                )


def move_references(
    model: type[models.Model], *, survivor: models.Model, loser: models.Model
) -> dict[str, int]:
    """Move every reference to ``loser`` onto ``survivor`` (see the module's
    docstring). Call inside a transaction; returns how many rows of each kind
    moved and were dropped."""
    summary: Counter[str] = Counter()
    for link in links_to(model):
        moved, dropped = _move_rows(link, model=model, survivor=survivor, loser=loser)
        summary[link.label] += moved
        summary["dropped"] += dropped
    _repoint_history(model, survivor=survivor, loser=loser)
    return dict(summary)
