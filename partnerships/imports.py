"""Spreadsheet imports (and exports) of organizations and contacts in the admin,
with django-import-export.

Admins load the address books agencies keep in spreadsheets. A file is read in
two steps: a preview that shows, row by row, what would be created, updated or
left alone and every error next to its cell; then, if there is no error, the
import itself, in one transaction. Rows save through the models' ``save()``, so
search columns and history are kept as for a form.

Cells are read the way people write them: a country as ``CN``, ``China`` or
``Chine``; a kind or messaging app as its code or its English or French label;
sectors by name or slug, separated by ``;`` or ``,``; an organization by its
name (case, accents and spacing ignored) or its id. A row updates the
organization with the same name in the same country, or the contact with the
same name at the same organization, rather than adding a duplicate.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q, TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from partnerships.exports import FORMULA_PREFIXES, neutralise
from partnerships.models import (
    Contact,
    MessagingApp,
    Organization,
    OrganizationKind,
    Sector,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class ChoiceWidget(widgets.Widget):
    """A choice written as its code (``city``) or its label, in English or
    French (``City``, ``Ville``), in any case."""

    def __init__(self, choices: type[TextChoices], *, default: str = "", **kwargs) -> None:
        self.choices = choices
        self.default = default
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value).casefold()
        if not text:
            return self.default
        for code, label in self.choices.choices:
            if text == code.casefold() or text in _labels(label):
                return code
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": _text(value), "choices": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


def _labels(label) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(str(label).casefold())
    return names


class CountryWidget(widgets.Widget):
    """A country as its ISO code (``CN``) or its name in English or French."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value)
        if not text:
            return ""
        if len(text) == 2 and text.upper() in countries:
            return text.upper()
        for language in LANGUAGES:
            code = countries.by_name(text, language=language)
            if code:
                return code
        raise ValueError(_("“%(value)s” is not a country name or code.") % {"value": text})

    def render(self, value, obj=None, **kwargs) -> str:
        return getattr(value, "code", value) or ""


class OrganizationWidget(widgets.ForeignKeyWidget):
    """An organization by its id, its name (case, accents and spacing
    ignored), else its local name or romanization ("河北省", "hebei"). When
    several organizations match, the row's country column
    (``country_column``) picks one."""

    def __init__(self, *, country_column: str, **kwargs) -> None:
        self.country_column = country_column
        super().__init__(Organization, **kwargs)

    def clean(self, value, row=None, **kwargs) -> Organization | None:
        text = _text(value)
        if not text:
            return None
        if text.isdigit():
            found = Organization.objects.filter(pk=int(text)).first()
            if found is None:
                raise ValueError(_("No organization has the id %(id)s.") % {"id": text})
            return found
        matches = list(Organization.objects.near_duplicates_of(text)[:10]) or list(
            Organization.objects.filter(Q(local_name=text) | Q(romanization__iexact=text))[:10]
        )
        if len(matches) > 1 and row:
            country = CountryWidget().clean(row.get(self.country_column))
            matches = [match for match in matches if match.country == country] or matches
        if not matches:
            raise ValueError(_("No organization is named “%(name)s”.") % {"name": text})
        if len(matches) > 1:
            raise ValueError(
                _("Several organizations are named “%(name)s”: write its id instead.")
                % {"name": text}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value else ""


class SectorsWidget(widgets.ManyToManyWidget):
    """Sectors by name (English or French) or slug, separated by ``;`` or ``,``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(Sector, **kwargs)

    def clean(self, value, row=None, **kwargs) -> list[Sector]:
        wanted = [part.strip() for part in re.split(r"[;,\n]", _text(value)) if part.strip()]
        if not wanted:
            return []
        known = {}
        for sector in Sector.objects.all():
            for key in (sector.slug, sector.name, sector.name_fr):
                if key:
                    known[key.casefold()] = sector
        unknown = [name for name in wanted if name.casefold() not in known]
        if unknown:
            raise ValueError(_("Unknown sectors: %(names)s.") % {"names": "; ".join(unknown)})
        return list(dict.fromkeys(known[name.casefold()] for name in wanted))

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return "; ".join(sector.name for sector in value.all())


class SpreadsheetResource(resources.ModelResource):
    """Exports neutralise cells a spreadsheet would run as formulas, as the
    managers' exports do (``'=1+1``); imports take that quote off again, so a
    file exported, edited and imported comes back as it was."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs) -> None:
        for column, value in row.items():
            if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
                row[column] = value[1:]


class OrganizationResource(SpreadsheetResource):
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(OrganizationKind, default=OrganizationKind.OTHER),
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=OrganizationWidget(country_column="country"),
    )
    sectors = fields.Field(attribute="sectors", column_name="sectors", widget=SectorsWidget())

    class Meta:
        model = Organization
        fields = [
            "name",
            "local_name",
            "romanization",
            "aliases",
            "kind",
            "country",
            "locality",
            "parent",
            "website",
            "sectors",
            "notes",
        ]
        import_id_fields = ["name", "country"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        """The organization with this name in this country, however its name
        is capitalised, accented or spaced: the row updates it."""
        try:
            country = CountryWidget().clean(row.get("country"))
        except ValueError:
            return None  # the country column reports the error
        return Organization.objects.near_duplicates_of(
            _text(row.get("name")), country=country
        ).first()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent").prefetch_related("sectors")


class ContactResource(SpreadsheetResource):
    organization = fields.Field(
        attribute="organization",
        column_name="organization",
        widget=OrganizationWidget(country_column="organization_country"),
    )
    messaging_app = fields.Field(
        attribute="messaging_app",
        column_name="messaging_app",
        widget=ChoiceWidget(MessagingApp),
    )
    is_active = fields.Field(
        attribute="is_active",
        column_name="is_active",
        widget=widgets.BooleanWidget(),
        default=True,
    )

    class Meta:
        model = Contact
        fields = [
            "organization",
            "name",
            "local_name",
            "title",
            "email",
            "phone",
            "messaging_app",
            "messaging_handle",
            "languages",
            "notes",
            "is_active",
        ]
        import_id_fields = ["organization", "name"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        """The contact with this name at this organization: the row updates it."""
        try:
            organization = self.fields["organization"].clean(row)
        except ValueError:
            return None  # the organization column reports the error
        name = _text(row.get("name"))
        if organization is None or not name:
            return None
        return Contact.objects.filter(organization=organization, name__iexact=name).first()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization")
