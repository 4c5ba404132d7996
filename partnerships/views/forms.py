"""Showing domain errors on forms, next to the field they concern."""

from __future__ import annotations

from django import forms

from partnerships.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Attach a lifecycle refusal to ``form``: on its field when the form has
    that field, otherwise at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
