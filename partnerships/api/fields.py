"""Serializer fields the API needs beyond DRF's own."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_DIGITS = re.compile(r"[0-9]{1,19}")


class IdField(serializers.PrimaryKeyRelatedField):
    """A related record by id, strictly: a whole number (or its digits, in a
    form), never a float rounded to some other record or a boolean."""

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and _DIGITS.fullmatch(data))
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(int(data))


class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166 alpha-2 code (``CN``, ``FR``), as stored."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=country_choices(), **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(value or "")


def country_choices() -> list[tuple[str, str]]:
    """Every country once (COUNTRIES_FIRST lists China and France twice)."""
    return list(dict.fromkeys((country.code, str(country.name)) for country in countries))


@extend_schema_field(OpenApiTypes.STR)
class PersonNameField(serializers.Field):
    """A user's full name (or user name when the full name is empty), read-only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> str:
        return user.get_full_name() or user.get_username()
