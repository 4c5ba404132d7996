"""The OpenAPI schema, made to say exactly what the API answers.

drf-spectacular documents the successful answers; this module adds the error
answers every operation can give (400 with field errors, 401, 403, 404, 409 for
stale versions, 415), the bearer-token security scheme, and marks ``version`` as
required on PATCH of versioned records (the server refuses a PATCH without it).
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django_countries import Countries
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

DETAIL_SCHEMA = {
    "type": "object",
    "description": "An error, explained in one sentence.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "What was wrong with the request: for each field, a list of messages "
        '(`{"end_date": ["The end date cannot be before the start date."]}`); '
        "`non_field_errors` for what concerns no single field; a nested object or "
        "list for nested fields (parties); `detail` for a body that could not be read."
    ),
    "additionalProperties": {},
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid request: an error list for each field.",
    "401": "Not signed in: no valid token or session.",
    "403": "Signed in, but not allowed (no role, or the permission rules refuse).",
    "404": "No such record (or page), or not visible to you.",
    "409": "The record changed since the version you sent: read it again, then retry.",
    "415": "Unsupported request body type.",
}


class CrmAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            schema = FIELD_ERRORS_SCHEMA if code == "400" else DETAIL_SCHEMA
            name = "FieldErrors" if code == "400" else "ErrorDetail"
            responses[code] = {
                "description": ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": self._component(name, schema)}},
            }
        return responses

    def _error_codes(self) -> list[str]:
        on_record = "{" in self.path
        writes = self.method in ("POST", "PUT", "PATCH")
        codes = ["401", "403"]
        if writes or not on_record:
            codes.append("400")  # field errors, or a list's invalid filter
        if on_record or self._is_list_view():
            codes.append("404")  # unknown id, or a page past the last one
        if writes and on_record and self._is_versioned():
            codes.append("409")
        if writes:
            codes.append("415")
        return sorted(codes)

    def _is_versioned(self) -> bool:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        return model is not None and any(f.name == "version" for f in model._meta.fields)

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref


class BlankableURLSchema(OpenApiSerializerFieldExtension):
    """A web address that may be left empty: a string with its format, or a
    blank one (surrounding spaces are trimmed), said as
    ``anyOf: [{type: string, format: uri, pattern}, {type: string, pattern: blank}]``.

    Generated clients read it as a plain string (openapi-python-client made a
    model class of the one-member ``allOf`` this used to be, then crashed on
    every answer); validators and fuzzers read "empty, or an http(s) or ftp(s)
    address without spaces", which every accepted value matches (a value that
    does not is always refused; Django's URLValidator checks the rest).
    drf-spectacular's own ``oneOf`` with ``maxLength: 0`` is not used: a value
    of spaces is accepted too."""

    target_class = "partnerships.api.fields.StrictURLField"
    match_subclasses = True
    format = "uri"
    pattern = r"^\s*([Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp][Ss]?)://\S+\s*$"
    description = "A web address (http, https, ftp, ftps), or empty."

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        if not self.target.allow_blank:
            return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        filled = {"type": "string", "format": self.format, "pattern": self.pattern}
        if self.target.max_length:
            filled["maxLength"] = self.target.max_length
        blank = {"type": "string", "pattern": r"^\s*$"}
        return {"anyOf": [filled, blank], "description": self.description}


class BlankableEmailSchema(BlankableURLSchema):
    """An e-mail address that may be left empty (see BlankableURLSchema)."""

    target_class = "partnerships.api.fields.StrictEmailField"
    format = "email"
    pattern = r"^.+@[^@\s]+\s*$"
    description = "An e-mail address, or empty."


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partnerships.api.authentication.ApiTokenAuthentication"
    name = "bearerAuth"
    priority = 1

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token (`crm_...`), created and revoked on your profile "
                "page: `Authorization: Bearer crm_...`."
            ),
        }


class FilterSetSchema(DjangoFilterExtension):
    """The pages' FilterSets, described exactly. drf-spectacular guesses a
    filter's type from the model field it names; filters that name a record
    (``?owner=<id>``, ``?sector=<slug>``) or work through a method
    (``?country=CN``) are typed here from the filter itself."""

    target_class = "partnerships.api.filtering.FilterSetBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        item = _filter_item(filter_field)
        if item is not None:
            filter_field = copy.copy(filter_field)
            filter_field._spectacular_annotation = {"field": item}
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )


def _filter_item(filter_field: django_filters.Filter) -> dict[str, Any] | None:
    """The schema of one value of a filter, when the filter itself says it."""
    description = {"description": str(filter_field.label or "")}
    if isinstance(
        filter_field, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
    ):
        if filter_field.extra.get("to_field_name"):
            return {"type": "string", **description}
        return {"type": "integer", **description}
    choices = filter_field.extra.get("choices")
    if filter_field.method and (
        isinstance(choices, Countries) or (choices is not None and not callable(choices))
    ):
        values = list(dict.fromkeys(str(value) for value, _label in choices))
        return {"type": "string", "enum": values, **description}
    return None


def deduplicate_enums(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Country lists name China and France twice (first, then in alphabetical
    order): an enum lists each value once."""
    _deduplicate(result)
    return result


def _deduplicate(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            node["enum"] = list(dict.fromkeys(node["enum"]))
        for value in node.values():
            _deduplicate(value)
    elif isinstance(node, list):
        for value in node:
            _deduplicate(value)


def require_version_on_patch(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """PATCH bodies of versioned records must carry ``version`` (the server
    refuses them otherwise); drf-spectacular makes every PATCH field optional."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.startswith("Patched") and "version" in schema.get("properties", {}):
            schema["required"] = sorted({*schema.get("required", []), "version"})
    return result


def describe_for_generated_clients(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """What generated clients (openapi-python-client) need to read every answer:

    - an inline one-member ``allOf`` is unwrapped into its member: a generator
      makes a model class of the wrapper, then fails to parse a plain value;
    - every field of an answer is always present (a serializer writes all its
      fields, null when empty), so every property of a response component is
      required; which ones may be null is said by ``nullable``.

    Request bodies keep their own required lists (what a client must send).
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        for prop in properties.values():
            _unwrap_inline_all_of(prop)
        if properties and not _is_request(name):
            schema["required"] = list(properties)
    return result


def _is_request(name: str) -> bool:
    return name.endswith("Request") or name.startswith("Patched")


def _unwrap_inline_all_of(prop: dict[str, Any]) -> None:
    members = prop.get("allOf")
    if not members or len(members) != 1 or "$ref" in members[0]:
        return
    inner = prop.pop("allOf")[0]
    for key, value in inner.items():
        prop.setdefault(key, value)
