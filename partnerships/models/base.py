"""Building blocks shared by the domain models: time stamps, soft delete and
optimistic concurrency (version numbers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from partnerships.errors import StaleObjectError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteManager(models.Manager):
    """The default manager of soft-deletable models: deleted rows are invisible."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """A row that is hidden, not erased, when deleted, and can be restored.

    Subclasses declare ``objects`` (built on :class:`SoftDeleteManager`, so it
    hides deleted rows) first, then ``all_objects`` (every row, for restore
    screens and admin).
    """

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class VersionedModel(models.Model):
    """Optimistic concurrency: every save of an existing row bumps ``version``.

    The bump is a conditional UPDATE (``WHERE version = <the version this copy
    was read at>``), so when two people edit the same record the second save
    finds no row to bump and raises :class:`StaleObjectError` instead of
    silently overwriting the first person's change. Forms and serializers carry
    the version the user started from in a hidden field.
    """

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Increases at every save; an edit made from an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            bumped = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not bumped:
                raise StaleObjectError(self)
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            super().save(*args, **kwargs)


class ParentLoopMixin:
    """For models with a ``parent`` pointing to the same model (an organization
    inside another, a side meeting at a forum): tells whether the chosen parent
    would make the row its own ancestor."""

    def _parent_creates_loop(self) -> bool:
        seen: set[int] = set()
        current = self.parent
        while current is not None and current.pk not in seen:
            if current.pk == self.pk:
                return True
            seen.add(current.pk)
            current = current.parent
        return False
