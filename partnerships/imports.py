"""Spreadsheet imports (and the exports that import back) of organizations,
contacts, partnerships, meetings and actions, in the admin.

An agency's first day is its spreadsheets. A file (read by ``spreadsheets.py``)
goes through one path twice: a preview, which runs the whole import in a
transaction and rolls it back, then, if no row has an error, the import itself,
the same way, committed. So the preview reports what the import would really
do, workflow rules included, and nothing ever half-imports.

Every row is saved through the workflows of ``lifecycle.py`` (or the model's
``save()`` for contacts, one row each), so stage history, versions, stored
activity and the history are written as if people had entered the records.

Rules, for the admin importing ten years of spreadsheets:

- A column is named by its code (``name``) or its label in English or French
  (``Name``, ``Nom``); a file has only the columns it needs.
- Cells are read as people write them: choices as their code or English or
  French label; yes/no as yes, no, oui, non, true, false, vrai, faux, 1, 0, x;
  countries as ``CN``, ``China`` or ``Chine``; dates as 2026-03-31 or
  31/03/2026; people by user name, e-mail or full name; records by name (case,
  accents and spacing ignored), local name, romanization, alias or id; lists
  separated by ``;`` or line breaks.
- A row updates the record it names (same name in the same country, same
  contact at the same organization, same title...) rather than adding a
  duplicate. An update changes only the columns the file has, and an empty
  cell never blanks a field; the preview says field by field, old → new, what
  will change. A name that differs only by case or accents is left as stored.
- Every row's errors are listed, each with its row, its column and what to
  type instead. Importing an accepted file again changes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import TextChoices
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from partnerships import activity, lifecycle, spreadsheets, text_search
from partnerships.errors import DomainError
from partnerships.models import (
    AbandonReason,
    Action,
    ActionSide,
    ActionStatus,
    Contact,
    Currency,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MessagingApp,
    Organization,
    OrganizationKind,
    Partnership,
    PartnershipKind,
    PartyRole,
    Priority,
    Sector,
    Stage,
    Status,
    history_records,
)

User = get_user_model()
LANGUAGES = ("en", "fr")


class CellError(ValueError):
    """A cell cannot be read; the message says what to type instead."""


# Reading cells ----------------------------------------------------------------------


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _labels(label: Any) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(text_search.normalize(str(label)))
    return names


# Names by which people write messaging apps, beyond their English and French labels.
MESSAGING_APP_NAMES = {
    MessagingApp.WECHAT: ["微信", "weixin", "wei xin", "we chat"],
    MessagingApp.WHATSAPP: ["whats app"],
    MessagingApp.LINE: ["连我"],
    MessagingApp.TELEGRAM: ["电报"],
    MessagingApp.SIGNAL: [],
}


def read_choice(value: Any, choices: type[TextChoices], *, names=None) -> str:
    """A choice by its code, its English or French label, or another name it
    is known by (``names``), in any case and with or without accents."""
    text = text_search.normalize(_str(value))
    for code, label in choices.choices:
        known = {code.casefold(), *_labels(label)}
        known |= {text_search.normalize(name) for name in (names or {}).get(code, [])}
        if text in known:
            return code
    offered = "; ".join(f"{code} ({label})" for code, label in choices.choices)
    raise CellError(
        _("“%(value)s” is not one of the choices. Write one of: %(choices)s.")
        % {"value": _str(value), "choices": offered}
    )


TRUE_WORDS = {"yes", "y", "oui", "o", "true", "vrai", "1", "x", "✓", "✔"}
FALSE_WORDS = {"no", "n", "non", "false", "faux", "0"}


def read_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = text_search.normalize(_str(value))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(
        _("“%(value)s” is neither yes nor no. Write yes or no (oui, non, 1, 0 and x work too).")
        % {"value": _str(value)}
    )


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def read_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _str(value)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise CellError(
        _("“%(value)s” is not a date. Write it as 2026-03-31 or 31/03/2026.") % {"value": text}
    )


_TIME = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})?$")


def read_time(value: Any) -> datetime.time:
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    text = _str(value)
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    raise CellError(
        _("“%(value)s” is not a time of day. Write it as 14:30 (or 14h30).") % {"value": text}
    )


def read_amount(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = re.sub(r"[\s\u00a0\u202f€$¥]|EUR|CNY|USD|RMB", "", _str(value), flags=re.I)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")  # French decimal comma
    else:
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not an amount. Write digits, for example 200000000 or 1 500,50.")
            % {"value": _str(value)}
        ) from None
    if not amount.is_finite():
        raise CellError(_("“%(value)s” is not an amount.") % {"value": _str(value)})
    return amount.quantize(Decimal("0.01"))


def read_whole_number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _str(value)
        if not text.isdigit():
            raise CellError(
                _("“%(value)s” is not a whole number. Write digits only, for example 90.")
                % {"value": text}
            )
        number = int(text)
    if number > 32767:
        raise CellError(_("%(value)s is too large.") % {"value": number})
    return number


def read_country(value: Any) -> str:
    text = _str(value)
    if len(text) == 2 and text.upper() in countries:
        return text.upper()
    for language in LANGUAGES:
        code = countries.by_name(text, language=language)
        if code:
            return code
    raise CellError(
        _("“%(value)s” is not a country. Write its two-letter code (CN, FR) or its name.")
        % {"value": text}
    )


def read_email(value: Any) -> str:
    text = _str(value)
    try:
        EmailValidator()(text)
    except ValidationError:
        raise CellError(
            _("“%(value)s” is not an e-mail address. Write it as name@example.org.")
            % {"value": text}
        ) from None
    return text


def read_url(value: Any) -> str:
    text = _str(value)
    if "://" not in text:
        text = f"https://{text}"
    try:
        URLValidator()(text)
    except ValidationError:
        raise CellError(
            _("“%(value)s” is not a web address. Write it as https://example.org.")
            % {"value": _str(value)}
        ) from None
    return text


def split_list(value: Any, *, commas: bool = False) -> list[str]:
    pattern = r"[;\n,]" if commas else r"[;\n]"
    return [part.strip() for part in re.split(pattern, _str(value)) if part.strip()]


def _show(value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat() if isinstance(value, datetime.date) else value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(_show(item) for item in value) or "—"
    return str(value)


# Finding records --------------------------------------------------------------------


class Directory:
    """The records a file names, looked up in memory: loaded once per import
    (one query per kind), kept up to date as rows are created, so that 1,000
    rows cost no 1,000 look-ups."""

    def __init__(self) -> None:
        self._organizations: list[Organization] | None = None
        self._users: dict[str, list] | None = None
        self._sectors: dict[str, Sector] | None = None
        self._partnerships: dict[str, list[Partnership]] | None = None
        self._meetings: dict[str, list[Meeting]] | None = None
        self._contacts: dict[str, list[Contact]] | None = None
        self._reasons: dict[str, AbandonReason] | None = None

    # Organizations
    def _organization_index(self):
        if self._organizations is None:
            self._organizations = list(Organization.objects.all())
            self._org_by_id = {org.pk: org for org in self._organizations}
            self._org_by_key: dict[str, list[Organization]] = defaultdict(list)
            self._org_by_other: dict[str, list[Organization]] = defaultdict(list)
            for org in self._organizations:
                self._index_organization(org)
        return self._organizations

    def _index_organization(self, org: Organization) -> None:
        self._org_by_id[org.pk] = org
        self._org_by_key[text_search.name_key(org.name)].append(org)
        for other in {org.local_name, org.romanization, *org.alias_list()}:
            key = text_search.name_key(other)
            if key:
                self._org_by_other[key].append(org)

    def remember_organization(self, org: Organization, *, new: bool) -> None:
        if self._organizations is not None and new:
            self._organizations.append(org)
            self._index_organization(org)

    def organization_named(self, name: str, country: str) -> Organization | None:
        """The organization a row of the organizations file is about."""
        self._organization_index()
        key = text_search.name_key(name)
        return next((o for o in self._org_by_key.get(key, []) if o.country == country), None)

    def organization(self, value: Any, *, country: str = "") -> Organization:
        """An organization named in a cell: by id, by name (case, accents and
        spacing ignored), else by local name, romanization or alias; a country
        picks one of several."""
        self._organization_index()
        text = _str(value)
        if text.isdigit():
            found = self._org_by_id.get(int(text))
            if found is None:
                raise CellError(_("No organization has the id %(id)s.") % {"id": text})
            return found
        key = text_search.name_key(text)
        for index in (self._org_by_key, self._org_by_other):
            matches = list(dict.fromkeys(index.get(key, [])))
            if country and len(matches) > 1:
                matches = [org for org in matches if org.country == country] or matches
            if len(matches) == 1:
                return matches[0]
            if matches:
                places = ", ".join(
                    sorted(
                        {f"{org.name} ({org.country.code or '?'}, id {org.pk})" for org in matches}
                    )
                )
                raise CellError(
                    _(
                        "Several organizations match “%(name)s”: %(places)s. Write the id "
                        "of the one you mean, or its full name."
                    )
                    % {"name": text, "places": places}
                )
        raise CellError(
            _(
                "No organization is named “%(name)s”. Check the spelling, or import the "
                "organization first (Organizations, Import)."
            )
            % {"name": text}
        )

    # People
    def user(self, value: Any) -> Any:
        if self._users is None:
            self._users = defaultdict(list)
            for user in User.objects.filter(is_active=True):
                for key in {
                    user.get_username(),
                    user.email,
                    user.get_full_name(),
                }:
                    if key:
                        self._users[text_search.normalize(key)].append(user)
        text = _str(value)
        matches = list(dict.fromkeys(self._users.get(text_search.normalize(text), [])))
        return _only(
            matches,
            several=lambda: (
                _("Several people are called “%(name)s”: write their user name or e-mail.")
                % {"name": text}
            ),
            none=lambda: (
                _("No active user is “%(name)s”. Write a user name or an e-mail address of a user.")
                % {"name": text}
            ),
        )

    def users(self, value: Any) -> list:
        return self._many(value, self.user)

    def _many(self, value: Any, find: Callable[[str], Any]) -> list:
        found, problems = [], []
        for part in split_list(value):
            try:
                found.append(find(part))
            except CellError as error:
                problems.append(str(error))
        if problems:
            raise CellError(" ".join(problems))
        return list(dict.fromkeys(found))

    # Sectors
    def sectors(self, value: Any) -> list[Sector]:
        if self._sectors is None:
            self._sectors = {}
            for sector in Sector.objects.all():
                for key in (sector.slug, sector.name, sector.name_fr):
                    if key:
                        self._sectors[text_search.normalize(key)] = sector
        wanted = split_list(value, commas=True)
        unknown = [name for name in wanted if text_search.normalize(name) not in self._sectors]
        if unknown:
            known = "; ".join(sorted({s.name for s in self._sectors.values()}))
            raise CellError(
                _("Unknown sectors: %(names)s. The sectors are: %(known)s.")
                % {"names": "; ".join(unknown), "known": known}
            )
        return list(dict.fromkeys(self._sectors[text_search.normalize(n)] for n in wanted))

    def abandon_reason(self, value: Any) -> AbandonReason:
        if self._reasons is None:
            self._reasons = {}
            for reason in AbandonReason.objects.all():
                for key in (reason.name, reason.name_fr):
                    if key:
                        self._reasons[text_search.normalize(key)] = reason
        found = self._reasons.get(text_search.normalize(_str(value)))
        if found is None:
            raise CellError(
                _("“%(value)s” is not an abandon reason. Write one of: %(known)s.")
                % {
                    "value": _str(value),
                    "known": "; ".join(sorted({r.name for r in self._reasons.values()})),
                }
            )
        return found

    # Partnerships, meetings, contacts
    def _partnership_index(self) -> dict[str, list[Partnership]]:
        if self._partnerships is None:
            self._partnerships = defaultdict(list)
            for partnership in Partnership.objects.all():
                self._partnerships[text_search.name_key(partnership.title)].append(partnership)
        return self._partnerships

    def partnerships_titled(self, title: str) -> list[Partnership]:
        return list(self._partnership_index().get(text_search.name_key(title), []))

    def remember_partnership(self, partnership: Partnership) -> None:
        self._partnership_index()[text_search.name_key(partnership.title)].append(partnership)

    def partnership(self, value: Any) -> Partnership:
        text = _str(value)
        if text.isdigit():
            found = Partnership.objects.filter(pk=int(text)).first()
            if found is None:
                raise CellError(_("No partnership has the id %(id)s.") % {"id": text})
            return found
        matches = self.partnerships_titled(text)
        return _only(
            matches,
            several=lambda: (
                _("Several partnerships are titled “%(title)s”: write the id of the one you mean.")
                % {"title": text}
            ),
            none=lambda: (
                _("No partnership is titled “%(title)s”. Check the title, or import it first.")
                % {"title": text}
            ),
        )

    def partnerships(self, value: Any) -> list[Partnership]:
        return self._many(value, self.partnership)

    def _meeting_index(self) -> dict[str, list[Meeting]]:
        if self._meetings is None:
            self._meetings = defaultdict(list)
            for meeting in Meeting.objects.all():
                self._meetings[text_search.name_key(meeting.title)].append(meeting)
        return self._meetings

    def meetings_titled(self, title: str, start_date: datetime.date | None = None) -> list:
        matches = self._meeting_index().get(text_search.name_key(title), [])
        if start_date is not None:
            matches = [m for m in matches if m.start_date == start_date]
        return list(matches)

    def remember_meeting(self, meeting: Meeting) -> None:
        self._meeting_index()[text_search.name_key(meeting.title)].append(meeting)

    _TITLED_ON = re.compile(r"^(.*)\((\d{4}-\d{2}-\d{2})\)\s*$")

    def meeting(self, value: Any) -> Meeting:
        """A meeting by id, by title, or by "title (2026-03-31)" as exports write it."""
        text = _str(value)
        if text.isdigit():
            found = Meeting.objects.filter(pk=int(text)).first()
            if found is None:
                raise CellError(_("No meeting has the id %(id)s.") % {"id": text})
            return found
        match = self._TITLED_ON.match(text)
        matches = (
            self.meetings_titled(match.group(1), datetime.date.fromisoformat(match.group(2)))
            if match
            else []
        ) or self.meetings_titled(text)
        return _only(
            matches,
            several=lambda: (
                _(
                    "Several meetings are titled “%(title)s”: write it with its date, "
                    "“%(title)s (2026-03-31)”, or its id."
                )
                % {"title": text}
            ),
            none=lambda: (
                _("No meeting is titled “%(title)s”. Check the title, or import it first.")
                % {"title": text}
            ),
        )

    def contact(self, value: Any, *, at: Sequence[Organization] = ()) -> Contact:
        if self._contacts is None:
            self._contacts = defaultdict(list)
            for contact in Contact.objects.select_related("organization"):
                self._contacts[text_search.name_key(contact.name)].append(contact)
                if contact.local_name:
                    self._contacts[text_search.name_key(contact.local_name)].append(contact)
        text = _str(value)
        matches = list(dict.fromkeys(self._contacts.get(text_search.name_key(text), [])))
        if len(matches) > 1 and at:
            wanted = {org.pk for org in at}
            matches = [c for c in matches if c.organization_id in wanted] or matches
        return _only(
            matches,
            several=lambda: (
                _(
                    "Several contacts are named “%(name)s”: list their organization in the "
                    "organizations column."
                )
                % {"name": text}
            ),
            none=lambda: (
                _("No contact is named “%(name)s”. Check the name, or import the contacts first.")
                % {"name": text}
            ),
        )

    def contacts(self, value: Any, *, at: Sequence[Organization] = ()) -> list[Contact]:
        return self._many(value, lambda part: self.contact(part, at=at))


# Columns, rows, plans ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an import reads: its code (the header a file uses, in English),
    what it holds, and example cells written in English and in French."""

    name: str
    label: Promise
    help: Promise
    example_en: Any = ""
    example_fr: Any = ""
    required: bool = False

    def header_names(self) -> set[str]:
        return {text_search.normalize(self.name), *_labels(self.label)}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowResult:
    """What importing one row does (or would do)."""

    number: int
    outcome: str = "unchanged"  # "created", "updated", "unchanged", "error"
    label: str = ""
    changes: list[Change] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def outcome_label(self) -> str:
        return {
            "created": _("new"),
            "updated": _("update"),
            "unchanged": _("no change"),
            "error": _("error"),
        }[self.outcome]


@dataclass
class ImportResult:
    rows: list[RowResult]
    columns: list[str]
    ignored_columns: list[str]
    notes: list[str]
    committed: bool = False
    file_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {
            outcome: self.count(outcome) for outcome in ("created", "updated", "unchanged", "error")
        }

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]


class Row:
    """One row's cells by column code, with its errors collected as it is read."""

    def __init__(self, number: int, cells: dict[str, Any], importer: Importer) -> None:
        self.number = number
        self.cells = cells
        self.importer = importer
        self.errors: list[tuple[str, str]] = []

    def has(self, column: str) -> bool:
        """Is there something in this column? (An empty cell leaves a field as it is.)"""
        return self.cells.get(column) not in (None, "")

    def read(self, column: str, reader: Callable[[Any], Any], default: Any = None) -> Any:
        if not self.has(column):
            return default
        try:
            return reader(self.cells[column])
        except CellError as error:
            self.error(column, str(error))
            return default

    def text(self, column: str, default: str = "") -> str:
        value = self.read(column, _str, default)
        limit = self.importer.max_length(column)
        if limit and len(value) > limit:
            self.error(
                column,
                _("This cell has %(count)s characters; at most %(max)s fit.")
                % {"count": len(value), "max": limit},
            )
            return default
        return value

    def require(self, column: str) -> None:
        if not self.has(column):
            self.error(column, _("This cell is empty: it is needed for a new record."))

    def error(self, column: str, message: str) -> None:
        self.errors.append((self.importer.column_label(column), str(message)))


class Importer:
    """The import of one kind of record. Subclasses declare their columns, the
    columns a file must have, and ``import_row``, which reads a row, finds the
    record it is about, compares, and saves through the workflows."""

    model: type[models.Model]
    columns: tuple[Column, ...] = ()
    required_columns: tuple[str, ...] = ()

    def __init__(self, *, by) -> None:
        self.by = by
        self.today = timezone.localdate()
        self.directory = Directory()
        self._by_name = {column.name: column for column in self.columns}

    # Columns
    def column_label(self, name: str) -> str:
        column = self._by_name.get(name)
        return f"{column.name} ({column.label})" if column else name

    def max_length(self, name: str) -> int | None:
        try:
            model_field = self.model._meta.get_field(name)
        except Exception:
            return None
        return (
            getattr(model_field, "max_length", None)
            if isinstance(model_field, models.CharField)
            else None
        )

    def match_headers(self, headers: Sequence[str]) -> tuple[list[str | None], list[str], list]:
        """Each header's column code (None for columns this import does not
        read), the ignored headers, and errors for the file as a whole."""
        names = {}
        for column in self.columns:
            for name in column.header_names():
                names[name] = column.name
        codes, ignored, errors = [], [], []
        for header in headers:
            code = names.get(text_search.normalize(header))
            if code is None:
                if header:
                    ignored.append(header)
            elif code in codes:
                errors.append(
                    _("The column “%(name)s” appears twice: keep one.") % {"name": header}
                )
            codes.append(code)
        missing = [name for name in self.required_columns if name not in codes]
        if missing:
            errors.append(
                _("The file has no column %(names)s: add it (the first row names the columns).")
                % {"names": ", ".join(f"“{self.column_label(n)}”" for n in missing)}
            )
        return codes, ignored, errors

    # Rows
    def order_rows(self, rows: list[Row]) -> list[Row]:
        return rows

    def import_row(self, row: Row, result: RowResult) -> None:  # pragma: no cover
        raise NotImplementedError

    # Comparing and setting fields
    def set_fields(
        self, obj: models.Model, row: Row, result: RowResult, values: dict[str, Any]
    ) -> None:
        """Set the fields read from the row on ``obj``, noting old → new for a
        stored record; ``values`` holds only the cells that were filled."""
        for name, new in values.items():
            old = getattr(obj, name)
            if hasattr(old, "code"):  # a country
                old = old.code or ""
            if old != new:
                if obj.pk is not None:
                    shown = self._choice_labels(name)
                    result.changes.append(
                        Change(
                            self.field_label(name),
                            _show(shown.get(old, old)),
                            _show(shown.get(new, new)),
                        )
                    )
                setattr(obj, name, new)

    def _choice_labels(self, name: str) -> dict:
        try:
            model_field = self.model._meta.get_field(name)
        except Exception:
            return {}
        return {code: str(label) for code, label in (model_field.flatchoices or [])}

    def compare_many(
        self, result: RowResult, label: str, old: Iterable[Any], new: list[Any] | None
    ) -> bool:
        """Does a list (sectors, team, links...) change? Notes it if so."""
        if new is None:
            return False
        old = list(old)
        if {getattr(o, "pk", o) for o in old} == {getattr(n, "pk", n) for n in new}:
            return False
        result.changes.append(Change(label, _show(old), _show(new)))
        return True

    def field_label(self, name: str) -> str:
        column = self._by_name.get(name)
        if column is not None:
            return str(column.label)
        return str(self.model._meta.get_field(name).verbose_name)

    # Checked by the database on save (a refusal is the row's error); asking
    # each of them first costs a query per constraint and row.
    validate_constraints = True

    def validate(self, obj: models.Model, row: Row, *, exclude: Sequence[str] = ()) -> None:
        """The model's own checks (lengths, choices, constraints), each error
        put on its column."""
        try:
            obj.full_clean(
                exclude=list(exclude),
                validate_unique=False,
                validate_constraints=self.validate_constraints,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.error(name if name in self._by_name else "", message)

    # Export and template
    def export_values(self, obj: models.Model) -> list[Any]:  # pragma: no cover
        raise NotImplementedError

    def export_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset


def run_import(importer: Importer, sheet: spreadsheets.Sheet, *, commit: bool) -> ImportResult:
    """Import ``sheet`` in one transaction; roll it back unless ``commit`` and
    no row had an error. The preview is this with ``commit=False``."""
    codes, ignored, file_errors = importer.match_headers(sheet.headers)
    result = ImportResult(
        rows=[],
        columns=[c for c in codes if c],
        ignored_columns=ignored,
        notes=list(sheet.notes),
        file_errors=file_errors,
    )
    if file_errors:
        return result
    rows = []
    for number, line in sheet.rows:
        cells = {code: value for code, value in zip(codes, line, strict=False) if code}
        rows.append(Row(number, cells, importer))
    # One transaction; the stored activity of the partnerships the file
    # touches is recomputed once at its end rather than after every workflow,
    # and each record the file writes gets one history row, holding what the
    # file made of it, rather than one per save.
    with transaction.atomic():
        with history_records.one_row_per_record(), activity.deferred():
            _import_rows(importer, rows, result)
        result.rows.sort(key=lambda r: r.number)
        result.committed = commit and not result.has_errors
        if not result.committed:
            transaction.set_rollback(True)
    return result


def _import_rows(importer: Importer, rows: list[Row], result: ImportResult) -> None:
    """Each row in its own savepoint: a refused row leaves nothing, and the
    import goes on to list the other rows' errors."""
    for row in importer.order_rows(rows):
        outcome = RowResult(number=row.number)
        try:
            with transaction.atomic():
                importer.import_row(row, outcome)
                if row.errors:
                    raise _RowRefused
        except _RowRefused:
            pass
        except DomainError as error:
            row.error(getattr(error, "field", None) or "", error.message)
        except ValidationError as error:
            for message in error.messages:
                row.error("", message)
        except IntegrityError:
            row.error(
                "",
                _(
                    "The database refused this row (two values contradict each other, "
                    "or a record named twice): check its dates, amounts and names."
                ),
            )
        if row.errors:
            outcome.outcome = "error"
            outcome.errors = row.errors
        result.rows.append(outcome)


def _only(matches: list, *, several, none):
    """The one match of a cell, or a CellError: ``several()`` when the cell
    names more than one record, ``none()`` when it names none (each gives the
    message)."""
    if len(matches) == 1:
        return matches[0]
    raise CellError(several() if matches else none())


class _RowRefused(Exception):
    """A row had errors: its savepoint is rolled back, the import goes on to
    list the other rows' errors."""


def _label(row: Row, *columns: str) -> str:
    return " · ".join(_str(row.cells.get(c)) for c in columns if row.has(c))


# Organizations -----------------------------------------------------------------------


class OrganizationImporter(Importer):
    model = Organization
    required_columns = ("name", "country")
    columns = (
        Column(
            "name",
            gettext_lazy("Name"),
            gettext_lazy("The name in Latin letters. Required."),
            "Zhangjiakou",
            "Ville de Chambéry",
            required=True,
        ),
        Column(
            "local_name",
            gettext_lazy("Local name"),
            gettext_lazy("The name in its own script."),
            "张家口市",
            "",
        ),
        Column(
            "romanization",
            gettext_lazy("Romanization"),
            gettext_lazy("The local name in Latin letters."),
            "Zhangjiakou",
            "",
        ),
        Column(
            "aliases",
            gettext_lazy("Aliases"),
            gettext_lazy("Other names, separated by ; (added to those already known)."),
            "Zhangjiakou City",
            "City of Chambéry; Chambéry",
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            gettext_lazy("Region or province, City, Company, … (code or label)."),
            "City",
            "Ville",
        ),
        Column(
            "country",
            gettext_lazy("Country"),
            gettext_lazy("Two-letter code or name. Required."),
            "CN",
            "France",
            required=True,
        ),
        Column("locality", gettext_lazy("Locality"), gettext_lazy("Town or city."), "", "Chambéry"),
        Column(
            "parent",
            gettext_lazy("Parent organization"),
            gettext_lazy("The organization it is part of, by name or id (it may be in the file)."),
            "Hebei Province",
            "",
        ),
        Column(
            "website",
            gettext_lazy("Website"),
            gettext_lazy("A web address."),
            "https://www.zjk.gov.cn",
            "https://www.chambery.fr",
        ),
        Column(
            "sectors",
            gettext_lazy("Sectors"),
            gettext_lazy("Sector names in English or French, separated by ;."),
            "Mountain and winter sports",
            "Tourisme et hôtellerie",
        ),
        Column("notes", gettext_lazy("Notes"), gettext_lazy("Free text."), "", ""),
    )

    def order_rows(self, rows: list[Row]) -> list[Row]:
        """Parents before the organizations inside them, wherever the file
        lists them, so a parent can be in the same file."""
        by_key = {text_search.name_key(_str(row.cells.get("name"))): row for row in rows}
        ordered, seen = [], set()

        def visit(row: Row, depth: int = 0) -> None:
            if id(row) in seen:
                return
            seen.add(id(row))
            parent = by_key.get(text_search.name_key(_str(row.cells.get("parent"))))
            if parent is not None and parent is not row and depth < 50:
                visit(parent, depth + 1)
            ordered.append(row)

        for row in rows:
            visit(row)
        return ordered

    def import_row(self, row: Row, result: RowResult) -> None:
        row.require("name")
        row.require("country")
        name = row.text("name")
        country = row.read("country", read_country, "")
        result.label = name
        values: dict[str, Any] = {}
        for column in ("local_name", "romanization", "locality", "notes"):
            if row.has(column):
                values[column] = row.text(column)
        if row.has("kind"):
            values["kind"] = row.read("kind", lambda v: read_choice(v, OrganizationKind))
        if row.has("website"):
            values["website"] = row.read("website", read_url)
        sectors = row.read("sectors", self.directory.sectors)
        parent = (
            row.read("parent", lambda v: self.directory.organization(v, country=country))
            if row.has("parent")
            else None
        )
        if row.errors:
            return
        organization = self.directory.organization_named(name, country)
        new = organization is None
        if new:
            organization = Organization(name=name, country=country)
        else:
            result.label = organization.name  # the row's spelling of the name is not kept
        aliases = split_list(row.cells.get("aliases")) if row.has("aliases") else []
        if aliases:
            known = organization.alias_list()
            added = [
                a
                for a in aliases
                if text_search.normalize(a) not in map(text_search.normalize, known)
            ]
            if added:
                values["aliases"] = "\n".join([*known, *added])
        if parent is not None:
            values["parent"] = parent
        self.set_fields(organization, row, result, values)
        if organization.parent_id and organization.pk and organization._parent_creates_loop():
            row.error(
                "parent", _("An organization cannot be inside itself or one of its own children.")
            )
        sectors_change = (new and bool(sectors)) or (
            not new
            and self.compare_many(result, str(_("Sectors")), organization.sectors.all(), sectors)
        )
        self.validate(organization, row, exclude=["name_key", "search_text", "sectors"])
        if row.errors:
            return
        if new:
            lifecycle.create_organization(organization, by=self.by, sectors=sectors or ())
            result.outcome = "created"
            self.directory.remember_organization(organization, new=True)
        elif result.changes:
            lifecycle.update_organization(
                organization, by=self.by, sectors=sectors if sectors_change else None
            )
            result.outcome = "updated"

    def export_queryset(self, queryset):
        return queryset.select_related("parent").prefetch_related("sectors")

    def export_values(self, org: Organization) -> list[Any]:
        return [
            org.name,
            org.local_name,
            org.romanization,
            "; ".join(org.alias_list()),
            org.kind,
            org.country.code or "",
            org.locality,
            org.parent.name if org.parent else "",
            org.website,
            "; ".join(s.name for s in org.sectors.all()),
            org.notes,
        ]


# Contacts ----------------------------------------------------------------------------


class ContactImporter(Importer):
    model = Contact
    required_columns = ("organization", "name")
    columns = (
        Column(
            "organization",
            gettext_lazy("Organization"),
            gettext_lazy("Where the person works, by name or id. Required."),
            "Zhangjiakou",
            "Ville de Chambéry",
            required=True,
        ),
        Column(
            "organization_country",
            gettext_lazy("Organization country"),
            gettext_lazy("Only to tell apart organizations with the same name."),
            "CN",
            "France",
        ),
        Column(
            "name",
            gettext_lazy("Name"),
            gettext_lazy("The person's name. Required."),
            "Li Wei",
            "Marie Dupont",
            required=True,
        ),
        Column(
            "local_name", gettext_lazy("Local name"), gettext_lazy("In its own script."), "李伟", ""
        ),
        Column(
            "title", gettext_lazy("Title"), gettext_lazy("Job title."), "Deputy mayor", "Directrice"
        ),
        Column(
            "post_since",
            gettext_lazy("In this post since"),
            gettext_lazy(
                "When the person took this organization and title. For someone already "
                "recorded elsewhere or under another title, a new post: the previous one "
                "ends the day before and stays in their career. Empty: the title is "
                "corrected in place."
            ),
            "2024-03-01",
            "01/09/2023",
        ),
        Column(
            "email",
            gettext_lazy("E-mail"),
            gettext_lazy("An e-mail address."),
            "li.wei@example.cn",
            "marie.dupont@example.fr",
        ),
        Column(
            "phone",
            gettext_lazy("Phone"),
            gettext_lazy("As dialled."),
            "+86 313 000 0000",
            "+33 4 79 00 00 00",
        ),
        Column(
            "messaging_app",
            gettext_lazy("Messaging app"),
            gettext_lazy("WeChat (微信), WhatsApp, LINE, Telegram, Signal or Other."),
            "WeChat",
            "微信",
        ),
        Column(
            "messaging_handle",
            gettext_lazy("Messaging handle"),
            gettext_lazy("The account name."),
            "liwei_zjk",
            "",
        ),
        Column(
            "languages",
            gettext_lazy("Languages"),
            gettext_lazy("For example: Chinese, English."),
            "Chinese, English",
            "français, anglais",
        ),
        Column("notes", gettext_lazy("Notes"), gettext_lazy("Free text."), "", ""),
        Column(
            "is_active",
            gettext_lazy("Active"),
            gettext_lazy("yes or no (oui, non, 1, 0, x); new contacts are active."),
            "yes",
            "oui",
        ),
    )

    def _contacts_at(self, organization: Organization) -> dict[str, Contact]:
        cache = self.__dict__.setdefault("_contact_cache", {})
        if organization.pk not in cache:
            cache[organization.pk] = {
                text_search.name_key(c.name): c
                for c in Contact.objects.filter(organization=organization)
            }
        return cache[organization.pk]

    def import_row(self, row: Row, result: RowResult) -> None:
        row.require("organization")
        row.require("name")
        country = row.read("organization_country", read_country, "")
        organization = row.read(
            "organization", lambda v: self.directory.organization(v, country=country)
        )
        name = row.text("name")
        result.label = _label(row, "name", "organization")
        values: dict[str, Any] = {}
        for column in ("local_name", "title", "phone", "messaging_handle", "languages", "notes"):
            if row.has(column):
                values[column] = row.text(column)
        if row.has("email"):
            values["email"] = row.read("email", read_email)
        if row.has("messaging_app"):
            values["messaging_app"] = row.read(
                "messaging_app", lambda v: read_choice(v, MessagingApp, names=MESSAGING_APP_NAMES)
            )
        if row.has("is_active"):
            values["is_active"] = row.read("is_active", read_boolean)
        since = row.read("post_since", read_date) if row.has("post_since") else None
        if since is not None and since > timezone.localdate():
            row.error("post_since", _("A post cannot start in the future."))
        if row.errors or organization is None:
            return
        existing = self._contacts_at(organization)
        contact = existing.get(text_search.name_key(name))
        if contact is None and since is not None:
            # Someone recorded at another organization who has moved here.
            contact = self._moved_contact(name, organization)
        new = contact is None
        if new:
            contact = Contact(organization=organization, name=name)
        elif contact.organization_id != organization.pk:
            values["organization"] = organization
        self.set_fields(contact, row, result, values)
        self.validate(contact, row, exclude=["search_text"])
        if row.errors:
            return
        if new or result.changes:
            try:
                if new:
                    lifecycle.create_contact(contact, by=self.by, since=since)
                else:
                    lifecycle.update_contact(contact, by=self.by, new_post_since=since)
            except DomainError as error:
                row.error("post_since", error.message)
                return
            existing[text_search.name_key(name)] = contact
            result.outcome = "created" if new else "updated"

    def _moved_contact(self, name: str, organization: Organization) -> Contact | None:
        """The one contact of this name at another organization, if exactly one."""
        key = text_search.name_key(name)
        others = [
            c
            for c in Contact.objects.filter(name__iexact=name).exclude(organization=organization)
            if text_search.name_key(c.name) == key
        ]
        return others[0] if len(others) == 1 else None

    def export_queryset(self, queryset):
        return queryset.select_related("organization").with_positions()

    def export_values(self, contact: Contact) -> list[Any]:
        current = next((p for p in contact.positions.all() if p.is_current), None)
        return [
            contact.organization.name,
            contact.organization.country.code or "",
            contact.name,
            contact.local_name,
            contact.title,
            current.start_date if current is not None and current.start_date else "",
            contact.email,
            contact.phone,
            contact.messaging_app,
            contact.messaging_handle,
            contact.languages,
            contact.notes,
            "yes" if contact.is_active else "no",
        ]


# Partnerships ------------------------------------------------------------------------

STAGE_DATE_COLUMNS = {stage: f"{stage}_on" for stage in Stage.values}

_PARTY = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


STAGE_DATE_LABELS = {
    Stage.PROSPECT: gettext_lazy("Prospect since"),
    Stage.LETTER_OF_INTENT: gettext_lazy("Letter of intent on"),
    Stage.AGREEMENT: gettext_lazy("Agreement on"),
    Stage.CONTRACT: gettext_lazy("Contract on"),
    Stage.RENEWAL: gettext_lazy("Renewal on"),
}
STAGE_DATE_EXAMPLES = {
    Stage.PROSPECT: ("2016-09-01", ""),
    Stage.LETTER_OF_INTENT: ("2017-02-16", "01/03/2016"),
    Stage.AGREEMENT: ("2018-11-29", "02/07/2016"),
}


def _stage_date_column(stage: str) -> Column:
    english, french = STAGE_DATE_EXAMPLES.get(stage, ("", ""))
    return Column(
        STAGE_DATE_COLUMNS[stage],
        STAGE_DATE_LABELS[stage],
        gettext_lazy(
            "The day the partnership reached this stage: its stage history is written "
            "with these dates."
        ),
        english,
        french,
    )


class PartnershipImporter(Importer):
    model = Partnership
    required_columns = ("title",)
    validate_constraints = False  # the rules they hold are checked below

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return PARTNERSHIP_COLUMNS

    def __init__(self, *, by) -> None:
        super().__init__(by=by)

    def _parties(self, value: Any) -> list[lifecycle.Party]:
        parties, problems = [], []
        for part in split_list(value):
            match = _PARTY.match(part)
            name, role = (match.group(1), match.group(2)) if match else (part, "")
            try:
                role_code = read_choice(role, PartyRole) if role else PartyRole.PARTNER
            except CellError:
                # "Chambéry (FR)" is a name with its country, not a role.
                name, role_code = part, PartyRole.PARTNER
            try:
                parties.append(lifecycle.Party(self.directory.organization(name), role_code))
            except CellError as error:
                problems.append(str(error))
        if problems:
            raise CellError(" ".join(problems))
        return list(dict.fromkeys(parties))

    def _find(self, row: Row) -> Partnership | None:
        if row.has("id"):
            pk = row.read("id", read_whole_number)
            found = Partnership.objects.filter(pk=pk).first() if pk else None
            if pk and found is None:
                row.error("id", _("No partnership has the id %(id)s.") % {"id": pk})
            return found
        matches = self.directory.partnerships_titled(_str(row.cells.get("title")))
        if len(matches) > 1:
            row.error(
                "title",
                _("Several partnerships are titled “%(title)s”: add an id column to say which.")
                % {"title": _str(row.cells.get("title"))},
            )
            return None
        return matches[0] if matches else None

    def import_row(self, row: Row, result: RowResult) -> None:
        result.label = _str(row.cells.get("title")) or _str(row.cells.get("id"))
        partnership = self._find(row)
        new = partnership is None
        if new:
            row.require("title")
        values: dict[str, Any] = {}
        for column in ("title", "summary", "value_note", "source_reference"):
            if row.has(column):
                values[column] = row.text(column)
        if (
            not new
            and "title" in values
            and text_search.name_key(values["title"]) == text_search.name_key(partnership.title)
        ):
            del values["title"]  # matched on it; case and accents stay as stored
        if row.has("kind"):
            values["kind"] = row.read("kind", lambda v: read_choice(v, PartnershipKind))
        if row.has("owner"):
            values["owner"] = row.read("owner", self.directory.user)
        if row.has("value_amount"):
            values["value_amount"] = row.read("value_amount", read_amount)
        if row.has("value_currency"):
            values["value_currency"] = row.read(
                "value_currency", lambda v: read_choice(v, Currency)
            )
        for column in ("signed_on", "start_date", "end_date"):
            if row.has(column):
                values[column] = row.read(column, read_date)
        if row.has("renewal_notice_days"):
            values["renewal_notice_days"] = row.read("renewal_notice_days", read_whole_number)
        if row.has("renews_tacitly"):
            values["renews_tacitly"] = row.read("renews_tacitly", read_boolean)
        if row.has("source_url"):
            values["source_url"] = row.read("source_url", read_url)
        team = row.read("team", self.directory.users)
        sectors = row.read("sectors", self.directory.sectors)
        parties = row.read("parties", self._parties)
        stage = row.read("stage", lambda v: read_choice(v, Stage))
        reached = {
            s: row.read(column, read_date)
            for s, column in STAGE_DATE_COLUMNS.items()
            if row.has(column)
        }
        status = row.read("status", lambda v: read_choice(v, Status))
        reason = row.read("abandon_reason", self.directory.abandon_reason)
        status_note = row.text("status_note")
        if row.errors:
            return
        if new:
            partnership = Partnership(owner=values.pop("owner", None) or self.by)
        else:
            partnership = Partnership.objects.get(pk=partnership.pk)
        target = stage or (max(reached, key=Stage.rank) if reached else None)
        self._check_stage_dates(row, reached, target)
        self.set_fields(partnership, row, result, values)
        if partnership.value_amount is not None and partnership.value_amount <= 0:
            row.error("value_amount", _("The value must be greater than zero."))
        if (
            partnership.start_date
            and partnership.end_date
            and partnership.end_date < partnership.start_date
        ):
            row.error("end_date", _("The end date cannot be before the start date."))
        if (partnership.renewal_notice_days or 0) > 3650:
            row.error(
                "renewal_notice_days", _("The renewal notice cannot be longer than ten years.")
            )
        # The owner and team come from the active users: no look-up again.
        self.validate(
            partnership,
            row,
            exclude=[
                "stage",
                "status",
                "stage_changed_on",
                "last_activity_on",
                "last_engaged_on",
                "search_text",
                "owner",
                "abandon_reason",
                "origin_meeting",
            ],
        )
        if row.errors:
            return
        if new:
            self._create(
                row, result, partnership, target or Stage.PROSPECT, reached, team, sectors, parties
            )
        else:
            self._update(row, result, partnership, target, reached, team, sectors, parties)
        if row.errors:
            return
        if status and status != partnership.status:
            if not new:
                result.changes.append(
                    Change(
                        str(_("Status")),
                        partnership.get_status_display(),
                        str(Status(status).label),
                    )
                )
            lifecycle.change_status(
                partnership,
                to=status,
                by=self.by,
                reason=reason if status == Status.ABANDONED else None,
                note=status_note,
                expected_version=partnership.version,
            )
            if not new:
                result.outcome = "updated"

    def _check_stage_dates(self, row: Row, reached: dict, target: str | None) -> None:
        previous = None
        for stage in Stage.values:
            if stage not in reached:
                continue
            if target and Stage.rank(stage) > Stage.rank(target):
                row.error(
                    STAGE_DATE_COLUMNS[stage],
                    _(
                        "This stage comes after the partnership's stage (%(stage)s): "
                        "leave it empty or change the stage."
                    )
                    % {"stage": Stage(target).label},
                )
            if reached[stage] > self.today:
                row.error(STAGE_DATE_COLUMNS[stage], _("This date is in the future."))
            if previous and reached[stage] < previous[1]:
                row.error(
                    STAGE_DATE_COLUMNS[stage],
                    _("This date is before the date of an earlier stage (%(column)s).")
                    % {"column": STAGE_DATE_COLUMNS[previous[0]]},
                )
            previous = (stage, reached[stage])

    def _create(self, row, result, partnership, target, reached, team, sectors, parties) -> None:
        dated = [s for s in Stage.values if s in reached]
        first = dated[0] if dated else target
        partnership.stage = first
        lifecycle.create_partnership(
            partnership,
            by=self.by,
            stage_since=reached.get(first) or self.today,
            team=team or (),
            sectors=sectors or (),
            parties=parties or (),
        )
        for stage in [*dated[1:], *([target] if target not in reached and target != first else [])]:
            lifecycle.move_stage(
                partnership,
                to=stage,
                by=self.by,
                effective_date=reached.get(stage) or self.today,
                expected_version=partnership.version,
            )
        self.directory.remember_partnership(partnership)
        result.outcome = "created"

    def _update(self, row, result, partnership, target, reached, team, sectors, parties) -> None:
        changes_team = self.compare_many(result, str(_("Team")), partnership.team.all(), team)
        changes_sectors = self.compare_many(
            result, str(_("Sectors")), partnership.sectors.all(), sectors
        )
        changes_parties = False
        if parties is not None:
            old = [(p.organization_id, p.role) for p in partnership.parties.all()]
            if old != [(p.organization.pk, p.role) for p in parties]:
                changes_parties = True
                result.changes.append(
                    Change(
                        str(_("Parties")),
                        _show([str(p) for p in partnership.parties.select_related("organization")]),
                        _show([f"{p.organization} ({PartyRole(p.role).label})" for p in parties]),
                    )
                )
        if result.changes:
            lifecycle.update_partnership(
                partnership,
                by=self.by,
                expected_version=partnership.version,
                team=team if changes_team else None,
                sectors=sectors if changes_sectors else None,
                parties=parties if changes_parties else None,
            )
            result.outcome = "updated"
        if target is None or target == partnership.stage:
            return
        if Stage.rank(target) < Stage.rank(partnership.stage):
            row.error(
                "stage",
                _(
                    "The partnership is already at the %(stage)s stage; moving back is done on "
                    "its page, with a note saying why."
                )
                % {"stage": partnership.get_stage_display().lower()},
            )
            return
        result.changes.append(
            Change(str(_("Stage")), partnership.get_stage_display(), str(Stage(target).label))
        )
        later = [
            s
            for s in Stage.values
            if Stage.rank(partnership.stage) < Stage.rank(s) <= Stage.rank(target)
            and (s in reached or s == target)
        ]
        for stage in later:
            lifecycle.move_stage(
                partnership,
                to=stage,
                by=self.by,
                effective_date=reached.get(stage) or self.today,
                expected_version=partnership.version,
            )
        result.outcome = "updated"

    def export_queryset(self, queryset):
        return queryset.select_related("owner", "abandon_reason").prefetch_related(
            "team", "sectors", "parties__organization", "stage_changes"
        )

    def export_values(self, p: Partnership) -> list[Any]:
        reached = {}
        for change in p.stage_changes.all():
            reached[change.to_stage] = change.effective_date
        values = {
            "id": p.pk,
            "title": p.title,
            "kind": p.kind,
            "summary": p.summary,
            "parties": "; ".join(
                f"{party.organization.name} ({party.role})" for party in p.parties.all()
            ),
            "sectors": "; ".join(s.name for s in p.sectors.all()),
            "owner": p.owner.get_username(),
            "team": "; ".join(u.get_username() for u in p.team.all()),
            "value_amount": p.value_amount,
            "value_currency": p.value_currency,
            "value_note": p.value_note,
            "signed_on": p.signed_on,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "renewal_notice_days": p.renewal_notice_days,
            "renews_tacitly": "yes" if p.renews_tacitly else "no",
            "source_url": p.source_url,
            "source_reference": p.source_reference,
            "stage": p.stage,
            **{
                column: reached.get(stage)
                for stage, column in STAGE_DATE_COLUMNS.items()
                if Stage.rank(stage) <= Stage.rank(p.stage)
            },
            "status": p.status,
            "abandon_reason": p.abandon_reason.name if p.abandon_reason else "",
            "status_note": p.status_note,
        }
        return [values.get(column.name) for column in self.columns]


PARTNERSHIP_COLUMNS = (
    Column(
        "id",
        gettext_lazy("Id"),
        gettext_lazy("Only to update a partnership whose title is not unique."),
        "",
        "",
    ),
    Column(
        "title",
        gettext_lazy("Title"),
        gettext_lazy(
            "Required for a new partnership; a row updates the partnership with this title."
        ),
        "Chambéry – Zhangjiakou cooperation agreement",
        "Accord Sophia Antipolis – Chengdu",
        required=True,
    ),
    Column(
        "kind",
        gettext_lazy("Kind"),
        gettext_lazy("Institutional cooperation or twinning, Investment, …"),
        "Institutional cooperation or twinning",
        "Coopération institutionnelle ou jumelage",
    ),
    Column("summary", gettext_lazy("Summary"), gettext_lazy("Free text."), "", ""),
    Column(
        "parties",
        gettext_lazy("Parties"),
        gettext_lazy(
            "Organizations with their role in brackets, separated by ;: "
            "“Ville de Chambéry (signatory); Zhangjiakou (partner)”."
        ),
        "Ville de Chambéry (signatory); Zhangjiakou (signatory)",
        "Sophia Antipolis (signataire); Chengdu Hi-tech Zone (partenaire)",
    ),
    Column(
        "sectors",
        gettext_lazy("Sectors"),
        gettext_lazy("Sector names in English or French, separated by ;."),
        "Mountain and winter sports",
        "Tourisme et hôtellerie",
    ),
    Column(
        "owner",
        gettext_lazy("Owner"),
        gettext_lazy("User name or e-mail; you, when empty."),
        "julien",
        "mei",
    ),
    Column(
        "team",
        gettext_lazy("Team members"),
        gettext_lazy("User names or e-mails, separated by ;."),
        "",
        "",
    ),
    Column(
        "value_amount",
        gettext_lazy("Value"),
        gettext_lazy("An amount, for example 110000000 or 1 500,50."),
        "110000000",
        "200 000 000",
    ),
    Column(
        "value_currency", gettext_lazy("Currency"), gettext_lazy("EUR, CNY or USD."), "EUR", "EUR"
    ),
    Column(
        "value_note",
        gettext_lazy("Value note"),
        gettext_lazy("For example “over 5 to 10 years”."),
        "",
        "sur 5 à 10 ans",
    ),
    Column(
        "signed_on",
        gettext_lazy("Signed on"),
        gettext_lazy("A date: 2018-11-29 or 29/11/2018."),
        "2018-11-29",
        "02/07/2016",
    ),
    Column("start_date", gettext_lazy("Starts on"), gettext_lazy("A date."), "", ""),
    Column(
        "end_date", gettext_lazy("Ends or expires on"), gettext_lazy("A date."), "2028-11-28", ""
    ),
    Column(
        "renewal_notice_days",
        gettext_lazy("Renewal notice (days)"),
        gettext_lazy("A whole number of days."),
        "90",
        "",
    ),
    Column(
        "renews_tacitly", gettext_lazy("Renews tacitly"), gettext_lazy("yes or no."), "no", "non"
    ),
    Column("source_url", gettext_lazy("Source link"), gettext_lazy("A web address."), "", ""),
    Column(
        "source_reference",
        gettext_lazy("Source reference"),
        gettext_lazy("Press release or document."),
        "",
        "",
    ),
    Column(
        "stage",
        gettext_lazy("Stage"),
        gettext_lazy(
            "Prospect, Letter of intent, Agreement, Contract or Renewal: where it stands now."
        ),
        "Agreement",
        "Accord",
    ),
    *(_stage_date_column(stage) for stage in Stage.values),
    Column(
        "status",
        gettext_lazy("Status"),
        gettext_lazy("Active, On hold, Concluded or Abandoned."),
        "Active",
        "Actif",
    ),
    Column(
        "abandon_reason",
        gettext_lazy("Abandon reason"),
        gettext_lazy("For an abandoned partnership: a reason of the list."),
        "",
        "",
    ),
    Column(
        "status_note",
        gettext_lazy("Status note"),
        gettext_lazy("For an abandoned partnership: why."),
        "",
        "",
    ),
)


# Meetings -----------------------------------------------------------------------------


class MeetingImporter(Importer):
    model = Meeting
    required_columns = ("title", "start_date")

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return MEETING_COLUMNS

    def import_row(self, row: Row, result: RowResult) -> None:
        row.require("title")
        row.require("start_date")
        title = row.text("title")
        start_date = row.read("start_date", read_date)
        result.label = _label(row, "title", "start_date")
        values: dict[str, Any] = {}
        for column in ("locality", "summary", "outcomes"):
            if row.has(column):
                values[column] = row.text(column)
        if row.has("kind"):
            values["kind"] = row.read("kind", lambda v: read_choice(v, MeetingKind))
        if row.has("status"):
            values["status"] = row.read("status", lambda v: read_choice(v, MeetingStatus))
        if row.has("end_date"):
            values["end_date"] = row.read("end_date", read_date)
        for column in ("start_time", "end_time"):
            if row.has(column):
                values[column] = row.read(column, read_time)
        if row.has("country"):
            values["country"] = row.read("country", read_country)
        if row.has("logged_by"):
            values["logged_by"] = row.read("logged_by", self.directory.user)
        organizations = row.read(
            "organizations", lambda v: self.directory._many(v, self.directory.organization)
        )
        contacts = row.read(
            "contacts", lambda v: self.directory.contacts(v, at=organizations or ())
        )
        attendees = row.read("attendees", self.directory.users)
        partnerships = row.read("partnerships", self.directory.partnerships)
        if row.errors:
            return
        matches = self.directory.meetings_titled(title, start_date)
        if len(matches) > 1:
            row.error(
                "title",
                _("Several meetings have this title on this day; change it on their pages."),
            )
            return
        new = not matches
        meeting = (
            Meeting(title=title, start_date=start_date)
            if new
            else Meeting.objects.get(pk=matches[0].pk)
        )
        if new:
            meeting.logged_by = values.pop("logged_by", None) or self.by
        else:
            values.pop("logged_by", None)
        self.set_fields(meeting, row, result, values)
        if Meeting.times_out_of_order(
            meeting.start_date, meeting.end_date, meeting.start_time, meeting.end_time
        ):
            row.error("end_time", _("The end time cannot be before the start time."))
        self.validate(meeting, row, exclude=["search_text", "logged_by"])
        if row.errors:
            return
        links = {
            "organizations": organizations,
            "contacts": contacts,
            "attendees": attendees,
            "partnerships": partnerships,
        }
        if new:
            lifecycle.log_meeting(meeting, by=self.by, **{k: v or () for k, v in links.items()})
            self.directory.remember_meeting(meeting)
            result.outcome = "created"
            return
        changed = {
            name: values
            for name, values in links.items()
            if self.compare_many(
                result, self.field_label(name), getattr(meeting, name).all(), values
            )
        }
        if result.changes:
            lifecycle.update_meeting(
                meeting, by=self.by, expected_version=meeting.version, **changed
            )
            result.outcome = "updated"

    def export_queryset(self, queryset):
        return queryset.select_related("logged_by").prefetch_related(
            "organizations", "contacts", "attendees", "partnerships"
        )

    def export_values(self, m: Meeting) -> list[Any]:
        values = {
            "title": m.title,
            "kind": m.kind,
            "status": m.status,
            "start_date": m.start_date,
            "start_time": getattr(m, "start_time", None),
            "end_date": m.end_date,
            "end_time": getattr(m, "end_time", None),
            "locality": m.locality,
            "country": m.country.code or "",
            "organizations": "; ".join(o.name for o in m.organizations.all()),
            "contacts": "; ".join(c.name for c in m.contacts.all()),
            "attendees": "; ".join(u.get_username() for u in m.attendees.all()),
            "partnerships": "; ".join(p.title for p in m.partnerships.all()),
            "summary": m.summary,
            "outcomes": m.outcomes,
            "logged_by": m.logged_by.get_username(),
        }
        return [_time_text(values.get(column.name)) for column in self.columns]


def _time_text(value: Any) -> Any:
    return value.strftime("%H:%M") if isinstance(value, datetime.time) else value


MEETING_COLUMNS = (
    Column(
        "title",
        gettext_lazy("Title"),
        gettext_lazy("Required; a row updates the meeting with this title on this day."),
        "Delegation from Zhengzhou",
        "Mission à Shanghai et Pékin",
        required=True,
    ),
    Column(
        "kind",
        gettext_lazy("Kind"),
        gettext_lazy("Meeting, Call, Inbound delegation, Outbound mission, Forum or conference, …"),
        "Inbound delegation",
        "Mission à l’étranger",
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        gettext_lazy("Planned, Held or Cancelled; held when empty."),
        "Held",
        "Prévue",
    ),
    Column(
        "start_date",
        gettext_lazy("Start date"),
        gettext_lazy("A date. Required."),
        "2019-08-25",
        "02/07/2016",
        required=True,
    ),
    Column(
        "start_time",
        gettext_lazy("Start time"),
        gettext_lazy("Optional time of day, 14:30."),
        "09:30",
        "14h00",
    ),
    Column("end_date", gettext_lazy("End date"), gettext_lazy("A date."), "2019-08-27", ""),
    Column(
        "end_time",
        gettext_lazy("End time"),
        gettext_lazy("Optional time of day."),
        "17:00",
        "16h30",
    ),
    Column(
        "locality",
        gettext_lazy("Place"),
        gettext_lazy("Town or city."),
        "Amiens",
        "Sophia Antipolis",
    ),
    Column(
        "country", gettext_lazy("Country"), gettext_lazy("Two-letter code or name."), "FR", "France"
    ),
    Column(
        "organizations",
        gettext_lazy("Organizations"),
        gettext_lazy("Names or ids, separated by ;."),
        "Amiens Métropole; City of Zhengzhou",
        "",
    ),
    Column("contacts", gettext_lazy("Contacts"), gettext_lazy("Names, separated by ;."), "", ""),
    Column(
        "attendees",
        gettext_lazy("Internal attendees"),
        gettext_lazy("User names or e-mails, separated by ;."),
        "mei",
        "julien",
    ),
    Column(
        "partnerships",
        gettext_lazy("Partnerships discussed"),
        gettext_lazy("Titles or ids, separated by ;."),
        "",
        "",
    ),
    Column("summary", gettext_lazy("Summary"), gettext_lazy("Free text."), "", ""),
    Column("outcomes", gettext_lazy("Outcomes"), gettext_lazy("Free text."), "", ""),
    Column(
        "logged_by",
        gettext_lazy("Logged by"),
        gettext_lazy("User name or e-mail; you, when empty."),
        "",
        "",
    ),
)


# Actions -------------------------------------------------------------------------------


class ActionImporter(Importer):
    model = Action
    required_columns = ("title",)

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return ACTION_COLUMNS

    def import_row(self, row: Row, result: RowResult) -> None:
        result.label = _label(row, "title", "partnership")
        values: dict[str, Any] = {}
        for column in ("title", "details"):
            if row.has(column):
                values[column] = row.text(column)
        if row.has("owner"):
            values["owner"] = row.read("owner", self.directory.user)
        if row.has("side"):
            values["side"] = row.read("side", lambda v: read_choice(v, ActionSide))
        if row.has("priority"):
            values["priority"] = row.read("priority", lambda v: read_choice(v, Priority))
        if row.has("due_date"):
            values["due_date"] = row.read("due_date", read_date)
        partnership = row.read("partnership", self.directory.partnership)
        meeting = row.read("meeting", self.directory.meeting)
        if row.has("lead_organization"):
            values["lead_organization"] = row.read("lead_organization", self.directory.organization)
        status = row.read("status", lambda v: read_choice(v, ActionStatus))
        completed_on = row.read("completed_on", read_date)
        outcome = row.text("outcome")
        row.require("title")
        if row.errors:
            return
        action = self._find(row, values.get("title", ""), partnership)
        if row.errors:
            return
        new = action is None
        if new:
            action = Action(owner=values.pop("owner", None) or self.by)
            if status == ActionStatus.IN_PROGRESS:
                action.status = status
        if partnership is not None:
            values["partnership"] = partnership
        if meeting is not None:
            values["meeting"] = meeting
        if (
            not new
            and "title" in values
            and text_search.name_key(values["title"]) == text_search.name_key(action.title)
        ):
            del values["title"]
        self.set_fields(action, row, result, values)
        self.validate(action, row, exclude=["search_text", "status", "completed_on"])
        if row.errors:
            return
        if new:
            lifecycle.create_action(action, by=self.by)
            result.outcome = "created"
        elif result.changes:
            lifecycle.update_action(action, by=self.by, expected_version=action.version)
            result.outcome = "updated"
        if status and status != action.status:
            self._change_status(row, result, action, status, completed_on, outcome, new)

    def _find(self, row: Row, title: str, partnership: Partnership | None) -> Action | None:
        if row.has("id"):
            pk = row.read("id", read_whole_number)
            found = Action.objects.filter(pk=pk).first() if pk else None
            if pk and found is None:
                row.error("id", _("No action has the id %(id)s.") % {"id": pk})
            return found
        key = text_search.name_key(title)
        index = self.__dict__.setdefault("_actions", None)
        if index is None:
            index = defaultdict(list)
            for action in Action.objects.all():
                index[(text_search.name_key(action.title), action.partnership_id)].append(action)
            self._actions = index
        matches = index.get((key, partnership.pk if partnership else None), [])
        if len(matches) > 1:
            row.error(
                "title",
                _("Several actions have this title for this partnership: add an id column."),
            )
            return None
        if matches:
            return Action.objects.get(pk=matches[0].pk)
        return None

    def _change_status(self, row, result, action, status, completed_on, outcome, new) -> None:
        if not new:
            result.changes.append(
                Change(
                    str(_("Status")), action.get_status_display(), str(ActionStatus(status).label)
                )
            )
            result.outcome = "updated"
        if status == ActionStatus.DONE:
            if action.status == ActionStatus.CANCELLED:
                lifecycle.reopen_action(action, by=self.by, expected_version=action.version)
            lifecycle.complete_action(
                action,
                by=self.by,
                outcome=outcome,
                completed_on=completed_on,
                expected_version=action.version,
            )
        elif status == ActionStatus.CANCELLED:
            if action.status == ActionStatus.DONE:
                lifecycle.reopen_action(action, by=self.by, expected_version=action.version)
            lifecycle.cancel_action(
                action, by=self.by, note=outcome, expected_version=action.version
            )
        elif action.is_pending:
            row.error(
                "status",
                _("Between open and in progress, change the status on the action's page."),
            )
        else:
            lifecycle.reopen_action(action, by=self.by, expected_version=action.version)

    def export_queryset(self, queryset):
        return queryset.select_related("owner", "partnership", "meeting", "lead_organization")

    def export_values(self, a: Action) -> list[Any]:
        values = {
            "id": a.pk,
            "title": a.title,
            "details": a.details,
            "owner": a.owner.get_username(),
            "side": a.side,
            "due_date": a.due_date,
            "priority": a.priority,
            "status": a.status,
            "partnership": a.live_partnership.title if a.live_partnership else "",
            "meeting": str(a.live_meeting) if a.live_meeting else "",
            "lead_organization": a.lead_organization.name if a.lead_organization else "",
            "completed_on": a.completed_on,
            "outcome": a.outcome,
        }
        return [values.get(column.name) for column in self.columns]


ACTION_COLUMNS = (
    Column(
        "id",
        gettext_lazy("Id"),
        gettext_lazy("Only to update an action whose title is not unique."),
        "",
        "",
    ),
    Column(
        "title",
        gettext_lazy("Title"),
        gettext_lazy("Required; a row updates the action with this title for this partnership."),
        "Study a direct Lyon–China air route",
        "Envoyer le projet d’accord",
        required=True,
    ),
    Column("details", gettext_lazy("Details"), gettext_lazy("Free text."), "", ""),
    Column(
        "owner",
        gettext_lazy("Owner"),
        gettext_lazy("User name or e-mail; you, when empty."),
        "julien",
        "mei",
    ),
    Column(
        "side",
        gettext_lazy("Whose commitment"),
        gettext_lazy("Our commitment, or Partner's commitment (we chase)."),
        "Our commitment",
        "Engagement du partenaire (à relancer)",
    ),
    Column(
        "due_date", gettext_lazy("Due date"), gettext_lazy("A date."), "2026-09-30", "30/09/2026"
    ),
    Column(
        "priority",
        gettext_lazy("Priority"),
        gettext_lazy("Low, Normal or High."),
        "High",
        "Normale",
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        gettext_lazy("Open, In progress, Done or Cancelled."),
        "Open",
        "Terminée",
    ),
    Column("partnership", gettext_lazy("Partnership"), gettext_lazy("Its title or id."), "", ""),
    Column(
        "meeting",
        gettext_lazy("From meeting"),
        gettext_lazy("Its title, “title (2026-03-31)”, or id."),
        "",
        "",
    ),
    Column(
        "lead_organization", gettext_lazy("Lead organization"), gettext_lazy("Name or id."), "", ""
    ),
    Column(
        "completed_on",
        gettext_lazy("Completed on"),
        gettext_lazy("For a done action: a date (today when empty)."),
        "",
        "15/05/2026",
    ),
    Column("outcome", gettext_lazy("Outcome"), gettext_lazy("What came of it."), "", ""),
)


IMPORTERS: dict[type[models.Model], type[Importer]] = {
    Organization: OrganizationImporter,
    Contact: ContactImporter,
    Partnership: PartnershipImporter,
    Meeting: MeetingImporter,
    Action: ActionImporter,
}


# Templates and exports ---------------------------------------------------------------


def template_workbook(importer_class: type[Importer]) -> bytes:
    """A workbook to fill in: the columns, an example row written in English
    and one in French, and a second sheet saying what each column holds."""
    importer = importer_class(by=None)
    columns = importer.columns
    examples = [
        [column.example_en for column in columns],
        [column.example_fr for column in columns],
    ]
    guide = [
        [
            column.name,
            str(column.label),
            str(column.help),
            _("required") if column.required else "",
        ]
        for column in columns
    ]
    return spreadsheets.write_workbook(
        [
            spreadsheets.Tab(
                str(importer.model._meta.verbose_name_plural).capitalize(),
                [column.name for column in columns],
                examples,
                widths=[22] * len(columns),
            ),
            spreadsheets.Tab(
                _("Columns"),
                [_("Column"), _("Name"), _("What to write"), _("Required")],
                guide,
                widths=[22, 28, 80, 12],
            ),
        ]
    )


def export_rows(importer_class: type[Importer], queryset: models.QuerySet) -> tuple[list, list]:
    """The header and the rows of ``queryset`` in the columns its import reads,
    so that an exported file, edited, imports back."""
    importer = importer_class(by=None)
    header = [column.name for column in importer.columns]
    rows = [
        importer.export_values(obj)
        for obj in importer.export_queryset(queryset).iterator(chunk_size=500)
    ]
    return header, rows


def export_file(importer_class: type[Importer], queryset: models.QuerySet, *, fmt: str) -> bytes:
    header, rows = export_rows(importer_class, queryset)
    if fmt == "csv":
        return spreadsheets.write_csv(header, rows)
    return spreadsheets.write_workbook(
        [
            spreadsheets.Tab(
                str(importer_class.model._meta.verbose_name_plural).capitalize(),
                header,
                rows,
                widths=[22] * len(header),
            )
        ]
    )
