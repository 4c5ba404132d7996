"""Search-as-you-type selectors for organizations, contacts, partnerships,
meetings and people.

The widget renders a real ``<select>`` holding only the chosen options (never the
100,000 rows a table may have), which ``static/js/picker.js`` turns into an
accessible combobox fed by ``/lookup/<kind>/``. The form posts the select as
usual, so validation and redisplay after an error work like any other field.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse


class SearchSelectMixin:
    template_name = "widgets/picker.html"

    def __init__(
        self,
        kind: str,
        *,
        attrs=None,
        create: str | None = None,
        suggest_from: str | None = None,
    ) -> None:
        """``create``: the kind of record the picker may create on the spot;
        ``suggest_from``: the name of another picker of the same form whose
        chosen options are offered first (an action's partnership, from the
        partnerships its meeting discusses)."""
        super().__init__(attrs)
        self.kind = kind
        self.create = create
        self.suggest_from = suggest_from

    def optgroups(self, name, value, attrs=None):
        """Only the chosen options, looked up in one query."""
        chosen = [v for v in value if v not in ("", None)]
        queryset = getattr(self.choices, "queryset", None)
        options = []
        if chosen and queryset is not None:
            try:
                rows = list(queryset.filter(pk__in=chosen))
            except (ValueError, TypeError):
                rows = []
            label = self.choices.field.label_from_instance
            for index, row in enumerate(rows):
                options.append(
                    self.create_option(name, row.pk, label(row), True, index, attrs=attrs)
                )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "lookup_url": reverse("lookup", args=[self.kind]),
                "kind": self.kind,
                "create": self.create,
                "suggest_from": self.suggest_from,
            }
        )
        return context


class SearchSelect(SearchSelectMixin, forms.Select):
    """One choice (a foreign key)."""


class SearchSelectMultiple(SearchSelectMixin, forms.SelectMultiple):
    """Several choices (a many-to-many)."""


class CountrySelectMultiple(forms.SelectMultiple):
    """Offers the countries organizations are in (and any already chosen), not
    all 249: parsing is the same as a plain multiple select."""

    def optgroups(self, name, value, attrs=None):
        from partnerships.models import Organization

        used = Organization.objects.countries_in_use() | set(value)
        self.choices = [(code, label) for code, label in self.choices if code in used]
        return super().optgroups(name, value, attrs)
