"""django-filter FilterSets: one per resource, shared by the pages and the API,
so both accept the same query parameters (``?stage=contract&status=active``,
``?owner=<id>``, ``?sector=<slug>``, ``?country=CN``, ``?overdue=true``,
``?search=text``, ``?ordering=...``)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partnerships.models import (
    Action,
    ActionSide,
    ActionStatus,
    Contact,
    ContactPosition,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organization,
    OrganizationKind,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    Priority,
    Sector,
    Stage,
    Status,
)
from partnerships.models.actions import is_pending
from partnerships.widgets import CountrySelectMultiple, SearchSelect

User = get_user_model()

BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]
# Short lists show as checkboxes; they parse repeated parameters exactly like a
# multiple select (?stage=contract&stage=renewal), so the API reads them the same.
CHECKBOXES = forms.CheckboxSelectMultiple
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderingFilter(filters.OrderingFilter):
    """django-filter formats "Title (descending)" once, at import, in English:
    here it is formatted when shown, in the language of the request."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Default order"))
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        descending = lazy(lambda label: str(self.descending_fmt) % label, str)
        result = []
        for param, label in choices:
            if param.startswith("-") and param not in labels:
                label = descending(result[-1][1])
            result.append((param, label))
        return result


def _users():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class UserChoiceFilter(filters.ModelChoiceFilter):
    """Filter by user id; the choices show full names."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", lambda request: User.objects.all())
        kwargs.setdefault("empty_label", _("Anyone"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        return field


class ChoicesFilter(filters.MultipleChoiceFilter):
    """Several values of one column of the row, or of a row it points to: that
    cannot repeat a row, so no DISTINCT (django-filter's default, which would
    sort every matching row: 100,000 of them on a large board)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class SearchFilter(filters.CharFilter):
    """Accent- and case-insensitive search through the model's ``search()``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return qs.search(value)


class YesNoField(forms.NullBooleanField):
    """Yes, no, or not set; anything else is an error (Django's yes/no field
    reads an unknown value as "not set", which would ignore the filter)."""

    widget = forms.Select(choices=[("", _("Any")), *BOOLEAN_CHOICES])
    default_error_messages = {"invalid": _("Choose yes or no.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        wanted = _truthy(value)
        if wanted is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return wanted

    def validate(self, value):
        pass


class YesNoFilter(filters.BooleanFilter):
    field_class = YesNoField


def _truthy(value) -> bool | None:
    if value in (True, "true", "True", "1", "yes", "on"):
        return True
    if value in (False, "false", "False", "0", "no", "off"):
        return False
    return None


class PartnershipFilter(filters.FilterSet):
    search = SearchFilter()
    stage = ChoicesFilter(label=_("Stage"), choices=Stage.choices, widget=CHECKBOXES)
    status = ChoicesFilter(label=_("Status"), choices=Status.choices, widget=CHECKBOXES)
    kind = ChoicesFilter(label=_("Kind"), choices=PartnershipKind.choices, widget=CHECKBOXES)
    sector = filters.ModelMultipleChoiceFilter(
        label=_("Sector"),
        field_name="sectors__slug",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        method="filter_sector",
        widget=CHECKBOXES,
    )
    country = ChoicesFilter(
        label=_("Partner country"),
        choices=countries,
        method="filter_country",
        widget=CountrySelectMultiple,
    )
    organization_kind = ChoicesFilter(
        label=_("Organization kind"),
        choices=OrganizationKind.choices,
        method="filter_org_kind",
        widget=CHECKBOXES,
    )
    organization = filters.ModelChoiceFilter(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        method="filter_organization",
        widget=SearchSelect("organizations"),
    )
    owner = UserChoiceFilter(label=_("Owner"))
    member = UserChoiceFilter(label=_("Owner or team member"), method="filter_member")
    overdue = filters.ChoiceFilter(
        label=_("With overdue actions"), choices=BOOLEAN_CHOICES, method="filter_overdue"
    )
    renewal_due_before = filters.DateFilter(
        label=_("Renewal decision due before"),
        field_name="renewal_due_on",
        lookup_expr="lte",
        widget=DATE_INPUT,
    )
    end_after = filters.DateFilter(
        label=_("Ends after"), field_name="end_date", lookup_expr="gte", widget=DATE_INPUT
    )
    end_before = filters.DateFilter(
        label=_("Ends before"), field_name="end_date", lookup_expr="lte", widget=DATE_INPUT
    )
    updated_after = filters.DateTimeFilter(
        label=_("Updated after"), field_name="updated_at", lookup_expr="gte"
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("title", "title"),
            ("stage", "stage"),
            ("status", "status"),
            ("value_amount", "value"),
            ("end_date", "end_date"),
            ("renewal_due_on", "renewal_due_on"),
            ("updated_at", "updated"),
            ("created_at", "created"),
        ],
        field_labels={
            "title": _("Title"),
            "stage": _("Stage"),
            "status": _("Status"),
            "value_amount": _("Value"),
            "end_date": _("End date"),
            "renewal_due_on": _("Renewal due"),
            "updated_at": _("Last updated"),
            "created_at": _("Created"),
        },
    )

    class Meta:
        model = Partnership
        fields = []

    def _with_party(self, qs: QuerySet, condition: Q) -> QuerySet:
        parties = PartnershipParty.objects.filter(condition, partnership=OuterRef("pk"))
        return qs.filter(Exists(parties))

    def filter_sector(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            Exists(
                Partnership.sectors.through.objects.filter(
                    partnership=OuterRef("pk"), sector__in=value
                )
            )
        )

    def filter_country(self, qs, name, value):
        return self._with_party(qs, Q(organization__country__in=value)) if value else qs

    def filter_org_kind(self, qs, name, value):
        return self._with_party(qs, Q(organization__kind__in=value)) if value else qs

    def filter_organization(self, qs, name, value):
        return self._with_party(qs, Q(organization=value)) if value else qs

    def filter_member(self, qs, name, value):
        if not value:
            return qs
        team = Partnership.team.through.objects.filter(partnership=OuterRef("pk"), user=value)
        return qs.filter(Q(owner=value) | Exists(team))

    def filter_overdue(self, qs, name, value):
        wanted = _truthy(value)
        if wanted is None:
            return qs
        late = Action.objects.overdue().filter(partnership=OuterRef("pk"))
        return qs.filter(Exists(late)) if wanted else qs.exclude(Exists(late))


class ActionFilter(filters.FilterSet):
    search = filters.CharFilter(label=_("Search"), method="filter_search")
    status = ChoicesFilter(label=_("Status"), choices=ActionStatus.choices, widget=CHECKBOXES)
    pending = filters.ChoiceFilter(
        label=_("Still to do"), choices=BOOLEAN_CHOICES, method="filter_pending"
    )
    owner = UserChoiceFilter(label=_("Owner"))
    side = filters.ChoiceFilter(label=_("Whose commitment"), choices=ActionSide.choices)
    priority = ChoicesFilter(label=_("Priority"), choices=Priority.choices, widget=CHECKBOXES)
    partnership = filters.ModelChoiceFilter(
        label=_("Partnership"),
        queryset=Partnership.objects.all(),
        widget=SearchSelect("partnerships"),
    )
    meeting = filters.ModelChoiceFilter(
        label=_("Meeting"), queryset=Meeting.objects.all(), widget=SearchSelect("meetings")
    )
    lead_organization = filters.ModelChoiceFilter(
        label=_("Lead organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )
    overdue = filters.ChoiceFilter(
        label=_("Overdue"), choices=BOOLEAN_CHOICES, method="filter_overdue"
    )
    due_after = filters.DateFilter(
        label=_("Due after"), field_name="due_date", lookup_expr="gte", widget=DATE_INPUT
    )
    due_before = filters.DateFilter(
        label=_("Due before"), field_name="due_date", lookup_expr="lte", widget=DATE_INPUT
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("due_date", "due_date"),
            ("priority", "priority"),
            ("title", "title"),
            ("status", "status"),
            ("updated_at", "updated"),
        ],
        field_labels={
            "due_date": _("Due date"),
            "priority": _("Priority"),
            "title": _("Title"),
            "status": _("Status"),
            "updated_at": _("Last updated"),
        },
    )

    class Meta:
        model = Action
        fields = []

    def filter_search(self, qs, name, value):
        return qs.search(value) if value else qs

    def filter_overdue(self, qs, name, value):
        wanted = _truthy(value)
        if wanted is None:
            return qs
        today = timezone.localdate()
        late = Q(is_pending(), due_date__lt=today)
        return qs.filter(late) if wanted else qs.exclude(late)

    def filter_pending(self, qs, name, value):
        wanted = _truthy(value)
        if wanted is None:
            return qs
        pending = Q(is_pending())
        return qs.filter(pending) if wanted else qs.exclude(pending)


class MeetingFilter(filters.FilterSet):
    search = SearchFilter()
    kind = ChoicesFilter(label=_("Kind"), choices=MeetingKind.choices, widget=CHECKBOXES)
    status = ChoicesFilter(label=_("Status"), choices=MeetingStatus.choices, widget=CHECKBOXES)
    country = ChoicesFilter(label=_("Country"), choices=countries, widget=CountrySelectMultiple)
    organization = filters.ModelChoiceFilter(
        label=_("Organization"),
        field_name="organizations",
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )
    partnership = filters.ModelChoiceFilter(
        label=_("Partnership"),
        field_name="partnerships",
        queryset=Partnership.objects.all(),
        widget=SearchSelect("partnerships"),
    )
    attendee = UserChoiceFilter(label=_("Attended by"), field_name="attendees")
    logged_by = UserChoiceFilter(label=_("Logged by"))
    parent = filters.ModelChoiceFilter(
        label=_("Part of"), queryset=Meeting.objects.all(), widget=SearchSelect("meetings")
    )
    start_after = filters.DateFilter(
        label=_("From"), field_name="start_date", lookup_expr="gte", widget=DATE_INPUT
    )
    start_before = filters.DateFilter(
        label=_("To"), field_name="start_date", lookup_expr="lte", widget=DATE_INPUT
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=[("start_date", "start_date"), ("title", "title"), ("created_at", "created")],
        field_labels={
            "start_date": _("Date"),
            "title": _("Title"),
            "created_at": _("Logged"),
        },
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_queryset(self, queryset):
        # Filtering through a many-to-many (organization, partnership,
        # attendee) can repeat a meeting; each row appears once.
        queryset = super().filter_queryset(queryset)
        many = ("organization", "partnership", "attendee")
        if any(self.form.cleaned_data.get(name) for name in many):
            queryset = queryset.distinct()
        return queryset


class OrganizationFilter(filters.FilterSet):
    search = SearchFilter()
    kind = ChoicesFilter(label=_("Kind"), choices=OrganizationKind.choices, widget=CHECKBOXES)
    country = ChoicesFilter(label=_("Country"), choices=countries, widget=CountrySelectMultiple)
    sector = filters.ModelMultipleChoiceFilter(
        label=_("Sector"),
        # Chosen by slug (?sector=health), so filtered on the slug too.
        field_name="sectors__slug",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        distinct=True,
        widget=CHECKBOXES,
    )
    parent = filters.ModelChoiceFilter(
        label=_("Inside"), queryset=Organization.objects.all(), widget=SearchSelect("organizations")
    )
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=[("name_key", "name"), ("country", "country"), ("created_at", "created")],
        field_labels={"name_key": _("Name"), "country": _("Country"), "created_at": _("Created")},
    )

    class Meta:
        model = Organization
        fields = []


class ContactFilter(filters.FilterSet):
    search = SearchFilter()
    organization = filters.ModelChoiceFilter(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        widget=SearchSelect("organizations"),
    )
    country = ChoicesFilter(
        label=_("Country"),
        field_name="organization__country",
        choices=countries,
        widget=CountrySelectMultiple,
    )
    organization_kind = ChoicesFilter(
        label=_("Organization kind"),
        field_name="organization__kind",
        choices=OrganizationKind.choices,
        widget=CHECKBOXES,
    )
    is_active = YesNoFilter(label=_("Active"))
    ordering = OrderingFilter(
        label=_("Sort by"),
        # Names as a French reader sorts them (accents and case ignored).
        fields=[("name_key", "name"), ("organization__name_key", "organization")],
        field_labels={"name_key": _("Name"), "organization__name_key": _("Organization")},
    )

    class Meta:
        model = Contact
        fields = []


class ContactPositionFilter(filters.FilterSet):
    """Who held which post: by person, by organization, current or past."""

    contact = filters.ModelChoiceFilter(label=_("Contact"), queryset=Contact.objects.all())
    organization = filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.all()
    )
    current = YesNoFilter(label=_("Current post"), field_name="end_date", lookup_expr="isnull")

    class Meta:
        model = ContactPosition
        fields = []
