"""Domain errors: raised by the lifecycle and the models, shown to users as is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from partnerships.models import Organization


class DomainError(Exception):
    """A business rule refused an operation; ``message`` says why, for the user."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return str(self.message)


class StaleObjectError(DomainError):
    """Someone else saved the record after this copy of it was read."""

    def __init__(self, obj: object) -> None:
        super().__init__(
            _(
                "Someone else changed this %(thing)s while you were editing it. "
                "Your changes were not saved: reload the page to see the latest "
                "version, then make your changes again."
            )
            % {"thing": getattr(getattr(obj, "_meta", None), "verbose_name", _("record"))}
        )
        self.obj = obj


class NearDuplicate(DomainError):
    """A new or renamed organization's name is very close to an existing one's
    (same words but for case, accents, spacing or punctuation, same country)."""

    field = "name"

    def __init__(self, similar: list[Organization]) -> None:
        names = ", ".join(org.name for org in similar)
        super().__init__(
            _(
                "An organization with a very similar name already exists: %(names)s. "
                "Use it, or confirm that this is a different organization."
            )
            % {"names": names}
        )
        self.similar = similar
