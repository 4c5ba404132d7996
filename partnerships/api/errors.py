"""How refusals become HTTP answers, always with a JSON body.

- a lifecycle refusal (``DomainError``): 400 ``{"<field>": ["message"]}``, or
  ``{"non_field_errors": [...]}`` when it concerns no single field;
- an edit made from a stale copy (``StaleObjectError``): 409 ``{"detail": ...}``;
- a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 400 ``{"detail": ...}``;
- a model validation error or a database constraint the serializers could not
  see coming (two requests racing): 400 with the constraint's own message;
- everything else as DRF answers it (401, 403, 404, 405, 415...).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from partnerships.errors import DomainError, NearDuplicate, StaleObjectError

logger = logging.getLogger(__name__)

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Someone else changed this record in the meantime.")
    default_code = "stale"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    return drf_exception_handler(as_api_exception(exc), context)


def as_api_exception(exc: Exception) -> Exception:
    """The DRF exception that says the same thing as ``exc`` (or ``exc`` itself)."""
    if isinstance(exc, StaleObjectError):
        return Conflict(exc.message)
    if isinstance(exc, RequestDataTooBig):
        return exceptions.ParseError(
            _("The body is too large (more than %(limit)s bytes).")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    if isinstance(exc, NearDuplicate):
        refused = exceptions.ValidationError({exc.field: [exc.message]})
        # The ids let a script pick the existing organization instead.
        refused.detail["similar"] = [{"id": org.pk, "name": org.name} for org in exc.similar]
        return refused
    if isinstance(exc, DomainError):
        return exceptions.ValidationError({exc.field or NON_FIELD: [exc.message]})
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(field_errors(exc))
    if isinstance(exc, IntegrityError):
        logger.info("Constraint violation turned into a 400: %s", exc)
        return exceptions.ValidationError({NON_FIELD: [constraint_message(str(exc))]})
    if isinstance(exc, DataError):
        logger.warning("Database refused a value, turned into a 400: %s", exc)
        return exceptions.ValidationError(
            {NON_FIELD: [_("A value is too long or out of range for this field.")]}
        )
    return exc


def field_errors(error: DjangoValidationError) -> dict[str, Any]:
    """A Django validation error as DRF words it: ``non_field_errors``, not ``__all__``."""
    detail = as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[NON_FIELD] = detail.pop(NON_FIELD_ERRORS)
    return detail


def constraint_message(error: str) -> str:
    """The message of the app's constraint named in a database error, if any."""
    for name, constraint in _constraints_by_name().items():
        if name in error:
            return str(constraint.get_violation_error_message())
    return _("This change conflicts with existing data.")


@cache
def _constraints_by_name() -> dict[str, Any]:
    constraints = {
        constraint.name: constraint
        for model in apps.get_app_config("partnerships").get_models()
        for constraint in model._meta.constraints
    }
    # Longest names first, so that "a_b_c" is not mistaken for "a_b".
    return dict(sorted(constraints.items(), key=lambda item: -len(item[0])))
