"""Serializer fields the API needs beyond DRF's own.

DRF is lenient with types: it reads ``12`` as the text "12", ``"true"`` as a
boolean, ``1.5`` as record 1. In a JSON body, the API takes values of the JSON
type its schema says, and refuses others (a 400 on the field). Multipart bodies
(document uploads) carry only text, and are read as DRF always does.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model
from django.http import QueryDict
from django.utils.translation import gettext_lazy
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty, get_attribute
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from partnerships.models.base import is_soft_deleted, live

_DIGITS = re.compile(r"[0-9]{1,19}")


def _from_json(field: serializers.Field) -> bool:
    """Is the value being read from a JSON body (not a form)?"""
    return not isinstance(getattr(field.root, "initial_data", None), QueryDict)


class _JsonTypeMixin:
    """Refuses, in a JSON body, a value that is not of the field's JSON type."""

    def json_type_ok(self, data: Any) -> bool:
        raise NotImplementedError

    def to_internal_value(self, data: Any) -> Any:
        if _from_json(self) and not self.json_type_ok(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class _TextMixin(_JsonTypeMixin):
    def json_type_ok(self, data: Any) -> bool:
        return isinstance(data, str)

    def run_validation(self, data: Any = empty) -> Any:
        # The length limit applies to what was sent, before surrounding spaces
        # are trimmed: a value longer than the schema allows is refused.
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(data))
        return super().run_validation(data)


class StrictCharField(_TextMixin, serializers.CharField):
    pass


class StrictEmailField(_TextMixin, serializers.EmailField):
    pass


class StrictURLField(_TextMixin, serializers.URLField):
    pass


class StrictSlugField(_TextMixin, serializers.SlugField):
    pass


class StrictIntegerField(_JsonTypeMixin, serializers.IntegerField):
    def json_type_ok(self, data: Any) -> bool:
        if isinstance(data, bool):
            return False
        return isinstance(data, int) or (isinstance(data, float) and data.is_integer())


TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": TIME_OF_DAY_PATTERN,
        "example": "14:30",
        "description": "A time of day in the site's time zone, 14:30 or 14:30:00.",
    }
)
class TimeOfDayField(_JsonTypeMixin, serializers.TimeField):
    """A time of day without a time zone (a meeting's start or end): "14:30"
    or "14:30:00" and nothing else, answered as "14:30". JSON Schema's
    ``format: time`` requires an offset, which a time of day has not."""

    default_error_messages = {
        "invalid": gettext_lazy("Write a time of day as 14:30 (hours and minutes).")
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)

    def json_type_ok(self, data: Any) -> bool:
        return isinstance(data, str)

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str) and not re.match(TIME_OF_DAY_PATTERN, value):
            self.fail("invalid")
        return super().to_internal_value(value)


class StrictBooleanField(_JsonTypeMixin, serializers.BooleanField):
    def json_type_ok(self, data: Any) -> bool:
        return isinstance(data, bool)


class StrictManyRelatedField(ManyRelatedField):
    """A list of ids must be a JSON list (not an object, whose keys DRF would read)."""

    def to_internal_value(self, data: Any) -> list:
        if _from_json(self) and not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class IdField(serializers.PrimaryKeyRelatedField):
    """A related record by id: a whole number (or its digits, in a form), never
    a float rounded to some other record, a boolean, or digits in JSON text."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> StrictManyRelatedField:
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return StrictManyRelatedField(**list_kwargs)

    def to_internal_value(self, data: Any) -> Model:
        is_int = isinstance(data, int) and not isinstance(data, bool)
        is_digits = isinstance(data, str) and _DIGITS.fullmatch(data) and not _from_json(self)
        if not (is_int or is_digits):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(int(data))


class LiveIdField(IdField):
    """A link to a partnership, meeting or action (an action's ``meeting``, a
    partnership's ``origin_meeting``, a side meeting's ``parent``): it reads
    as null while the record it points to is deleted, like the pages, which
    show no such link.

    The stored link is kept so that restoring the record brings it back: a
    null sent for a link that reads as null (a client sending back what it
    read) leaves it as it is. Deleted records are never offered as new
    targets (the field's queryset has live rows only).

    Reads the related row (``select_related`` it in the view's queryset) to
    see whether it is deleted, rather than only its id.
    """

    def use_pk_only_optimization(self) -> bool:
        return False

    def get_attribute(self, instance: Model) -> Any:
        return live(super().get_attribute(instance))

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and self.allow_null:
            hidden = self._hidden_target()
            if hidden is not None:
                return True, hidden
        return super().validate_empty_values(data)

    def _hidden_target(self) -> Model | None:
        """The deleted record the instance being updated points to, if any."""
        instance = getattr(self.parent, "instance", None)
        if not isinstance(instance, Model) or not self.source_attrs:
            return None
        try:
            target = get_attribute(instance, self.source_attrs)
        except (AttributeError, KeyError):
            return None
        return target if is_soft_deleted(target) else None


class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166 alpha-2 code (``CN``, ``FR``), as stored."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=country_choices(), **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)

    def to_representation(self, value: Any) -> str:
        return str(value or "")


def country_choices() -> list[tuple[str, str]]:
    """Every country once, China and France first (COUNTRIES_FIRST)."""
    return list(dict.fromkeys((country.code, str(country.name)) for country in countries))


@extend_schema_field(OpenApiTypes.STR)
class PersonNameField(serializers.Field):
    """A user's full name (or user name when the full name is empty), read-only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> str:
        return user.get_full_name() or user.get_username()
