"""Django admin, made for admins who edit records all day.

Stage moves, status changes, completions and deletes go through ``lifecycle.py``
(bulk actions with a confirmation form), never a raw field edit that would skip
the stage history. Changelists select what they show up front, so they run a
fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from partnerships import lifecycle, merging, permissions, text_search
from partnerships.admin_imports import SpreadsheetImportMixin
from partnerships.errors import DomainError, NearDuplicate
from partnerships.forms import (
    BasePartyFormSet,
    BulkActionCompleteForm,
    BulkRenewForm,
    BulkStageMoveForm,
    BulkStatusChangeForm,
    DocumentFileFormMixin,
    KeepsLinksToDeletedMixin,
    MergeForm,
    ReassignForm,
    VersionedModelFormMixin,
)
from partnerships.models import (
    AbandonReason,
    Action,
    ApiToken,
    Contact,
    ContactPosition,
    DatePrecision,
    Document,
    DocumentSignatory,
    DormancyAlert,
    ExchangeRate,
    Indicator,
    IndicatorResult,
    Meeting,
    Organization,
    OrganizationKind,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
    PartnershipParty,
    ReminderLog,
    Sector,
    StageChange,
    StatusChange,
    UserProfile,
)
from partnerships.models.actions import urgency
from partnerships.models.base import is_soft_deleted
from partnerships.paginator import CappedPaginator

admin.site.site_header = _("Partnership CRM administration")
admin.site.site_title = _("Partnership CRM")
admin.site.index_title = _("Records and reference data")

User = get_user_model()


# Shared pieces ---------------------------------------------------------------------


class NormalizedSearchMixin:
    """Admin search through the normalized ``search_text`` column: accent- and
    case-insensitive, and it finds local names (张家口) and romanizations."""

    search_fields = ["search_text"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return text_search.matching(queryset, search_term), False


class LargeTableAdminMixin:
    """Changelists of the tables that grow with the years: the count stops at
    1,000 rows past the page shown (:class:`CappedPaginator`; the pagination
    then says "more than"), with no second count of the whole table, and no
    date hierarchy (its year and month links are a DISTINCT over every row):
    dates are filtered in the sidebar."""

    show_full_result_count = False
    date_hierarchy = None
    # Django's admin spends about a millisecond on each row it lists.
    list_per_page = 50

    def action_checkbox(self, obj):
        """Django's own checkbox, written directly rather than through the
        form widget's template (a third of the time of each row)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            admin.helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("country"), ordering="country")
    def country_shown(self, obj) -> str:
        """The country's name (the admin's own column reads the 249 choices
        for each row)."""
        return obj.country.name if obj.country else ""

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            asked = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            asked = 1
        return CappedPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            asked=asked,
        )


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", _("Not deleted")), ("yes", _("Deleted")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or "no"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "no"
        if value == "no":
            return queryset.filter(deleted_at__isnull=True)
        if value == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class LiveLinksHistoryHelper(HistoricalRecordContextHelper):
    """The changes a record's history lists name the records it linked to as
    its pages do: a deleted partnership, meeting or action is not named."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return [_named_if_live(item) for item in value]
        return _named_if_live(value)


def _named_if_live(value):
    return gettext("a deleted record") if is_soft_deleted(value) else value


class LiveLinksHistoryMixin:
    """For the history pages of records that link to partnerships, meetings
    or actions (see :class:`LiveLinksHistoryHelper`)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LiveLinksHistoryHelper(self.model, historical_record)


class SoftDeleteAdminMixin:
    """Delete hides the row (and can be undone with "Restore"); the changelist
    shows live rows unless the "deleted" filter says otherwise."""

    def get_queryset(self, request):
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            return super().get_queryset(request)  # never offer a deleted row to link to
        return self.model.all_objects.get_queryset()

    def get_deleted_objects(self, objs, request):
        # A soft delete hides only the selected rows: nothing cascades, nothing
        # related needs a permission, and everything can be restored.
        summary = [str(obj) for obj in objs]
        return summary, {self.model._meta.verbose_name_plural: len(summary)}, set(), []

    def delete_model(self, request, obj):
        lifecycle.soft_delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                lifecycle.soft_delete(obj, by=request.user)

    @admin.action(description=_("Restore selected deleted records"))
    def restore_selected(self, request, queryset):
        restored = 0
        with transaction.atomic():
            for obj in queryset.filter(deleted_at__isnull=False):
                lifecycle.restore(obj, by=request.user)
                restored += 1
        self.message_user(request, gettext("%(count)d record(s) restored.") % {"count": restored})


class PartnershipRowsInlineMixin:
    """Inlines of a partnership's own rows (parties, documents, stage
    history) on its change page show them all, the page being open on a
    deleted partnership too (admins restore from there); their default
    manager hides them everywhere else while it is deleted."""

    def get_queryset(self, request):
        queryset = self.model.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


def run_with_form(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    apply,
    form_kwargs: dict | None = None,
) -> HttpResponse | None:
    """An admin bulk action that first asks for details (a stage, a note, a new
    owner) on a confirmation page, then applies ``apply(obj, form)`` to each
    selected row. A row the lifecycle refuses is reported and left unchanged."""
    form_kwargs = form_kwargs or {}
    if "apply" in request.POST:
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            done, refused = 0, []
            for obj in queryset:
                try:
                    apply(obj, form)
                    done += 1
                except DomainError as error:
                    refused.append(f"{obj}: {error}")
            if done:
                modeladmin.message_user(
                    request, gettext("%(count)d record(s) updated.") % {"count": done}
                )
            for line in refused:
                modeladmin.message_user(request, line, level=messages.ERROR)
            return None
    else:
        form = form_class(**form_kwargs)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action_name": request.POST.get("action"),
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/partnerships/action_form.html", context)


def merge_two(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, merge):
    """The admin's "Merge the two selected" action: exactly two rows, then the
    comparison page with a choice per field (``forms.MergeForm``, as on the
    pages) and what moves, then ``merge`` (a workflow of lifecycle.py)."""
    if not permissions.can_merge_records(request.user):
        modeladmin.message_user(
            request, str(permissions.can_merge_records.refusal), level=messages.ERROR
        )
        return None
    rows = list(queryset.order_by("pk")[:3])
    if len(rows) != 2:
        modeladmin.message_user(
            request,
            gettext("Select exactly two records to merge (%(count)d selected).")
            % {"count": queryset.count()},
            level=messages.WARNING,
        )
        return None
    wanted = request.POST.get("survivor")
    if "swap" in request.POST:
        wanted = str(rows[0].pk) if wanted == str(rows[1].pk) else str(rows[1].pk)
    survivor, loser = rows if wanted != str(rows[1].pk) else rows[::-1]
    fields = (
        lifecycle.ORGANIZATION_MERGE_FIELDS
        if modeladmin.model is Organization
        else lifecycle.CONTACT_MERGE_FIELDS
    )
    applying = "apply" in request.POST
    form = MergeForm(
        request.POST if applying else None, survivor=survivor, loser=loser, fields=fields
    )
    if applying and form.is_valid():
        try:
            merged = merge(survivor=survivor, loser=loser, keep=form.keep(), by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            modeladmin.message_user(
                request,
                gettext("%(loser)s was merged into %(survivor)s.")
                % {"loser": loser, "survivor": merged},
            )
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Merge duplicates"),
        "form": form,
        "rows": form.bound_rows(),
        "survivor": survivor,
        "loser": loser,
        "references": merging.count_references(modeladmin.model, loser),
        "opts": modeladmin.model._meta,
        "action_name": request.POST.get("action"),
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/partnerships/merge_form.html", context)


# Reference data ---------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AbandonReason)
class AbandonReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_fr"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """What partnerships are measured by (targets and yearly results)."""

    list_display = ["name", "name_fr", "unit", "unit_fr", "kind", "code", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active", "kind"]
    search_fields = ["name", "name_fr", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate_to_eur", "valid_from"]
    list_filter = ["currency"]
    date_hierarchy = "valid_from"

    # Through the workflows: the partnerships' stored values in euros follow.

    def save_model(self, request, obj, form, change):
        lifecycle.save_exchange_rate(obj, by=request.user)

    def delete_model(self, request, obj):
        lifecycle.delete_exchange_rates([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        lifecycle.delete_exchange_rates(queryset, by=request.user)


# Organizations and contacts ---------------------------------------------------------


class ContactInline(admin.TabularInline):
    """The organization's contacts; they are added and edited on the contact's
    own page, whose workflow keeps their posts."""

    model = Contact
    fields = ["name", "local_name", "title", "email", "phone", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PositionInline(admin.TabularInline):
    """A contact's career, read only: posts change through the workflow (the
    contact's organization and title here, the "record a new post" page, the
    API or an import), which keeps the current post and the contact in step."""

    model = ContactPosition
    fields = ["organization", "title", "start_date", "date_precision", "end_date", "notes"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("career")

    def has_add_permission(self, request, obj=None):
        return False


class RelationInline(admin.TabularInline):
    model = OrganizationRelation
    fk_name = "source"
    fields = ["kind", "target", "since", "until", "note"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name = _("relation to another organization")
    verbose_name_plural = _("relations to other organizations")


class UsedCountryFilter(admin.SimpleListFilter):
    """Filter by country, offering the countries organizations are in rather
    than all 249."""

    title = _("country")
    parameter_name = "country"
    field_path = "country"
    across_many = False  # the path crosses a to-many relation: DISTINCT needed

    def organizations(self) -> QuerySet:
        return Organization.objects.all()

    def lookups(self, request, model_admin):
        codes = self.organizations().countries_in_use()
        return sorted(((code, country_names.name(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        matching = queryset.filter(**{self.field_path: self.value()})
        return matching.distinct() if self.across_many else matching


class ContactCountryFilter(UsedCountryFilter):
    title = _("organization country")
    parameter_name = "organization__country"
    field_path = "organization__country"


class ChildrenInline(admin.TabularInline):
    model = Organization
    fk_name = "parent"
    fields = ["name", "local_name", "kind", "country"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("organization inside it")
    verbose_name_plural = _("organizations inside it")

    def has_add_permission(self, request, obj=None):
        return False


class OrganizationAdminForm(forms.ModelForm):
    confirm_distinct = forms.BooleanField(
        label=_("This is a different organization: save it anyway"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        candidate.name = cleaned.get("name") or ""
        candidate.country = cleaned.get("country") or ""
        try:
            lifecycle.refuse_near_duplicate(
                candidate, confirm_distinct=cleaned.get("confirm_distinct", False)
            )
        except NearDuplicate as error:
            raise forms.ValidationError(error.message, code="similar") from None
        return cleaned


class DossierLinkAdminMixin:
    """A "Briefing dossier" object tool on the change form of organizations,
    partnerships and meetings: the printable page and the PDF, in each
    language (not on a deleted record, which has no dossier)."""

    change_form_template = "admin/partnerships/change_form_with_dossier.html"
    dossier_kind = ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = obj is not None and getattr(obj, "deleted_at", None) is None
        if change and live and permissions.can_view_dossier(request.user, obj):
            context["dossier_links"] = dossier_links(self.dossier_kind, obj.pk)
        return super().render_change_form(request, context, add, change, form_url, obj)


def dossier_links(kind: str, pk: int) -> list[dict]:
    """The four ways to open a dossier: page or PDF, English or French."""
    names = {"en": "English", "fr": "Français"}
    return [
        {
            "url": f"{reverse(f'{kind}s:{name}', args=[pk])}?lang={language}",
            "pdf": name == "dossier_pdf",
            "language": language,
            "language_name": names.get(language, language),
        }
        for name in ("dossier", "dossier_pdf")
        for language, _label in settings.LANGUAGES
    ]


@admin.register(Organization)
class OrganizationAdmin(
    DossierLinkAdminMixin,
    LargeTableAdminMixin,
    SpreadsheetImportMixin,
    NormalizedSearchMixin,
    SimpleHistoryAdmin,
):
    dossier_kind = "organization"
    form = OrganizationAdminForm
    list_display = [
        "name",
        "local_name",
        "romanization",
        "kind",
        "country_shown",
        "locality",
        "parent",
        "is_illustrative",
    ]
    list_filter = ["kind", UsedCountryFilter, "sectors", "is_illustrative"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "sectors"]
    inlines = [ContactInline, RelationInline, ChildrenInline]
    fieldsets = [
        (None, {"fields": ["name", "local_name", "romanization", "aliases", "kind"]}),
        (_("Where"), {"fields": ["country", "locality", "parent"]}),
        (_("More"), {"fields": ["website", "sectors", "notes"]}),
        (_("Source"), {"fields": ["source_reference", "is_illustrative"]}),
        (None, {"fields": ["confirm_distinct"]}),
    ]

    actions = ["merge_selected"]

    def save_model(self, request, obj, form, change):
        # The sectors are saved with the other relations, in save_related.
        workflow = lifecycle.update_organization if change else lifecycle.create_organization
        workflow(obj, by=request.user, confirm_distinct=form.cleaned_data["confirm_distinct"])

    @admin.action(description=_("Merge the two selected organizations…"))
    def merge_selected(self, request, queryset):
        return merge_two(self, request, queryset, merge=lifecycle.merge_organizations)


@admin.register(OrganizationRelation)
class OrganizationRelationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "kind", "target", "since", "until", "is_illustrative"]
    list_filter = ["kind", "is_illustrative"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]
    search_fields = ["source__search_text", "target__search_text"]


@admin.register(Contact)
class ContactAdmin(
    LargeTableAdminMixin, SpreadsheetImportMixin, NormalizedSearchMixin, SimpleHistoryAdmin
):
    list_display = [
        "name",
        "local_name",
        "organization",
        "title",
        "email",
        "is_active",
        "is_illustrative",
    ]
    list_filter = [
        "is_active",
        "organization__kind",
        ContactCountryFilter,
        "messaging_app",
        "is_illustrative",
    ]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    actions = ["merge_selected"]
    inlines = [PositionInline]

    @admin.action(description=_("Merge the two selected contacts…"))
    def merge_selected(self, request, queryset):
        return merge_two(self, request, queryset, merge=lifecycle.merge_contacts)

    def save_model(self, request, obj, form, change):
        if change:
            lifecycle.update_contact(obj, by=request.user)
        else:
            lifecycle.create_contact(obj, by=request.user)


# Partnerships ----------------------------------------------------------------------


class PartyInline(PartnershipRowsInlineMixin, admin.TabularInline):
    model = PartnershipParty
    formset = BasePartyFormSet
    fields = ["organization", "role", "order"]
    autocomplete_fields = ["organization"]
    extra = 0


class IndicatorLineInline(PartnershipRowsInlineMixin, admin.TabularInline):
    """A partnership's targets; each line's yearly results are on its own
    change page (the link)."""

    model = PartnershipIndicator
    fields = ["indicator", "label", "target", "target_year", "notes", "source_reference"]
    extra = 0
    show_change_link = True
    ordering = ["indicator__order", "label", "pk"]


def save_indicator_lines(request: HttpRequest, formset) -> None:
    """An inline of indicator lines, saved by the workflow pages and the API use."""
    formset.save(commit=False)
    for line in formset.new_objects + [line for line, _fields in formset.changed_objects]:
        lifecycle.save_indicator_line(line, by=request.user)
    for line in formset.deleted_objects:
        lifecycle.delete_indicator_line(line, by=request.user)


class DocumentInline(PartnershipRowsInlineMixin, admin.TabularInline):
    model = Document
    fk_name = "partnership"
    fields = ["title", "kind", "signed_on", "original_name", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the document form, which checks files


class StageChangeInline(PartnershipRowsInlineMixin, admin.TabularInline):
    model = StageChange
    fields = ["effective_date", "from_stage", "to_stage", "changed_by", "note", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("stage history")

    def has_add_permission(self, request, obj=None):
        return False


class PartnershipCountryFilter(UsedCountryFilter):
    title = _("party country")
    field_path = "parties__organization__country"
    across_many = True

    def organizations(self) -> QuerySet:
        # Organizations that are a party, of any partnership the admin lists
        # (deleted ones too, under "deleted: all"): one probe of the parties'
        # index for each organization, rather than a DISTINCT over every party
        # joined to every partnership.
        parties = PartnershipParty.all_objects.filter(organization=OuterRef("pk"))
        return Organization.objects.filter(Exists(parties))


class PartnershipOrgKindFilter(admin.SimpleListFilter):
    title = _("party kind")
    parameter_name = "organization_kind"

    def lookups(self, request, model_admin):
        return OrganizationKind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parties__organization__kind=self.value()).distinct()
        return queryset


class DayPrecisionByDefaultMixin:
    """A form that leaves the date precision out means the day is known (the
    model's default), as it did before the field existed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "date_precision" in self.fields:
            self.fields["date_precision"].required = False

    def clean_date_precision(self) -> str:
        return self.cleaned_data.get("date_precision") or DatePrecision.DAY


class PartnershipAdminForm(
    DayPrecisionByDefaultMixin, KeepsLinksToDeletedMixin, VersionedModelFormMixin, forms.ModelForm
):
    """The admin builds the fields; this adds the stale-edit check."""


@admin.register(Partnership)
class PartnershipAdmin(
    DossierLinkAdminMixin,
    LargeTableAdminMixin,
    SpreadsheetImportMixin,
    LiveLinksHistoryMixin,
    SoftDeleteAdminMixin,
    NormalizedSearchMixin,
    SimpleHistoryAdmin,
):
    dossier_kind = "partnership"
    form = PartnershipAdminForm
    list_display = [
        "title",
        "stage",
        "status",
        "owner",
        "value_display",
        "end_date",
        "updated_at",
        "is_illustrative",
    ]
    list_filter = [
        DeletedFilter,
        "stage",
        "status",
        "kind",
        "sectors",
        "owner",
        PartnershipCountryFilter,
        PartnershipOrgKindFilter,
        "renews_tacitly",
        "is_illustrative",
    ]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "team", "sectors", "origin_meeting", "framework"]
    inlines = [PartyInline, IndicatorLineInline, DocumentInline, StageChangeInline]
    actions = [
        "move_stage",
        "change_status",
        "reassign_owner",
        "renew_selected",
        "restore_selected",
    ]
    fieldsets = [
        (None, {"fields": ["title", "summary", "kind", "sectors"]}),
        (
            _("Lifecycle"),
            {
                "fields": [
                    "stage",
                    "stage_changed_on",
                    "status",
                    "abandon_reason",
                    "status_note",
                    "version",
                ]
            },
        ),
        (_("People"), {"fields": ["owner", "team"]}),
        (_("Value"), {"fields": ["value_amount", "value_currency", "value_note"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "signed_on",
                    "date_precision",
                    "start_date",
                    "end_date",
                    "renewal_notice_days",
                    "renews_tacitly",
                ]
            },
        ),
        (
            _("Origin"),
            {"fields": ["origin_meeting", "source_url", "source_reference", "is_illustrative"]},
        ),
        (_("Lineage"), {"fields": ["framework", "predecessor"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        lifecycle_fields = [
            "stage_changed_on",
            "status",
            "abandon_reason",
            "status_note",
            "predecessor",
        ]
        if obj is None:
            return lifecycle_fields
        # After creation, the stage moves only through the "Move stage" action.
        return ["stage", *lifecycle_fields]

    @admin.display(description=_("value"), ordering="value_amount")
    def value_display(self, obj: Partnership) -> str:
        if obj.value_amount is None:
            return "—"
        number = formats.number_format(
            obj.value_amount, decimal_pos=0, use_l10n=True, force_grouping=True
        )
        return f"{number} {obj.value_currency}"

    def save_model(self, request, obj, form, change):
        """Saved in ``save_related``, with its team, sectors and parties, by the
        workflow that pages and the API use."""

    def save_related(self, request, form, formsets, change):
        party_rows = next(f for f in formsets if f.model is PartnershipParty)
        relations = {
            "team": form.cleaned_data["team"],
            "sectors": form.cleaned_data["sectors"],
            "parties": party_rows.parties(),
        }
        if change:
            lifecycle.update_partnership(
                form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **relations,
            )
        else:
            lifecycle.create_partnership(form.instance, by=request.user, **relations)
        # The admin's change message reads what a formset saved; the workflow saved these.
        party_rows.new_objects, party_rows.changed_objects, party_rows.deleted_objects = [], [], []
        for formset in formsets:
            if formset.model is PartnershipIndicator:
                save_indicator_lines(request, formset)
            elif formset is not party_rows:
                self.save_formset(request, form, formset, change)

    @admin.action(description=_("Move selected partnerships to a stage…"))
    def move_stage(self, request, queryset):
        def apply(partnership, form):
            lifecycle.move_stage(
                partnership,
                to=form.cleaned_data["stage"],
                by=request.user,
                note=form.cleaned_data["note"],
                effective_date=form.cleaned_data["effective_date"],
                expected_version=partnership.version,
            )

        return run_with_form(
            self,
            request,
            queryset,
            form_class=BulkStageMoveForm,
            title=gettext("Move partnerships to another stage"),
            apply=apply,
        )

    @admin.action(description=_("Change the status of selected partnerships…"))
    def change_status(self, request, queryset):
        def apply(partnership, form):
            lifecycle.change_status(
                partnership,
                to=form.cleaned_data["status"],
                by=request.user,
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
                expected_version=partnership.version,
            )

        return run_with_form(
            self,
            request,
            queryset,
            form_class=BulkStatusChangeForm,
            title=gettext("Change the status of partnerships"),
            apply=apply,
        )

    @admin.action(description=_("Renew selected partnerships into new agreements…"))
    def renew_selected(self, request, queryset):
        def apply(partnership, form):
            start, end = form.dates_for(partnership)
            if start is None:
                raise lifecycle.InvalidTransition(
                    gettext("It has no end date: give the day the new agreement starts.")
                )
            lifecycle.renew_into_successor(
                partnership=partnership,
                by=request.user,
                start=start,
                end=end,
                expected_version=partnership.version,
            )

        return run_with_form(
            self,
            request,
            queryset,
            form_class=BulkRenewForm,
            title=gettext("Renew partnerships into new agreements"),
            apply=apply,
        )

    @admin.action(description=_("Reassign selected partnerships to another owner…"))
    def reassign_owner(self, request, queryset):
        def apply(partnership, form):
            lifecycle.reassign_partnership(
                partnership, to=form.cleaned_data["owner"], by=request.user
            )

        return run_with_form(
            self,
            request,
            queryset,
            form_class=ReassignForm,
            title=gettext("Reassign partnerships"),
            apply=apply,
        )


class ResultInline(admin.TabularInline):
    model = IndicatorResult
    fields = ["year", "value", "note", "source"]
    extra = 1
    ordering = ["year"]

    def get_queryset(self, request):
        return IndicatorResult.all_objects.order_by("year")


@admin.register(PartnershipIndicator)
class PartnershipIndicatorAdmin(SimpleHistoryAdmin):
    """An indicator line with its yearly results, saved together by the workflow."""

    list_display = ["partnership", "indicator", "label", "target", "target_year"]
    list_filter = ["indicator"]
    list_select_related = ["partnership", "indicator"]
    search_fields = ["partnership__title", "label", "indicator__name", "indicator__name_fr"]
    autocomplete_fields = ["partnership"]
    fields = [
        "partnership",
        "indicator",
        "label",
        "target",
        "target_year",
        "notes",
        "source_reference",
    ]
    inlines = [ResultInline]

    def get_queryset(self, request):
        return PartnershipIndicator.objects.select_related("partnership", "indicator")

    def save_model(self, request, obj, form, change):
        """Saved in ``save_related``, with its results."""

    def save_related(self, request, form, formsets, change):
        rows = next(f for f in formsets if f.model is IndicatorResult)
        results = [
            lifecycle.YearResult(
                year=row.cleaned_data["year"],
                value=row.cleaned_data["value"],
                note=row.cleaned_data.get("note", ""),
                source=row.cleaned_data.get("source", ""),
            )
            for row in rows.forms
            if row.cleaned_data and not rows._should_delete_form(row)
        ]
        lifecycle.save_indicator_line(form.instance, results=results, by=request.user)
        rows.new_objects, rows.changed_objects, rows.deleted_objects = [], [], []


@admin.register(DormancyAlert)
class DormancyAlertAdmin(admin.ModelAdmin):
    """Signed partnerships reported as dormant, once per quiet spell (send_reminders)."""

    list_display = ["partnership", "owner", "quiet_since", "alerted_on"]
    list_filter = ["alerted_on"]
    list_select_related = ["partnership", "owner"]
    search_fields = ["partnership__title"]
    readonly_fields = ["partnership", "owner", "quiet_since", "alerted_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """The stage history is written by stage moves only: read-only here."""

    list_display = ["partnership", "from_stage", "to_stage", "effective_date", "changed_by"]
    list_filter = ["to_stage", "from_stage"]
    list_select_related = ["partnership", "changed_by"]
    date_hierarchy = "effective_date"
    search_fields = ["partnership__search_text", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(StageChangeAdmin):
    list_display = [
        "partnership",
        "from_status",
        "to_status",
        "reason",
        "effective_date",
        "changed_by",
    ]
    list_filter = ["to_status", "reason"]
    list_select_related = ["partnership", "changed_by", "reason"]


# Meetings ------------------------------------------------------------------------


class ActionInlineForm(KeepsLinksToDeletedMixin, forms.ModelForm):
    """An action's link to a deleted partnership shows empty and is kept."""


class ActionInline(admin.TabularInline):
    model = Action
    form = ActionInlineForm
    fk_name = "meeting"
    fields = ["title", "owner", "side", "due_date", "priority", "status", "partnership"]
    readonly_fields = ["status"]
    autocomplete_fields = ["owner", "partnership"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "partnership")


class MeetingAdminForm(
    DayPrecisionByDefaultMixin, KeepsLinksToDeletedMixin, VersionedModelFormMixin, forms.ModelForm
):
    """The admin builds the fields; this adds the stale-edit check."""


@admin.register(Meeting)
class MeetingAdmin(
    DossierLinkAdminMixin,
    LargeTableAdminMixin,
    SpreadsheetImportMixin,
    LiveLinksHistoryMixin,
    SoftDeleteAdminMixin,
    NormalizedSearchMixin,
    SimpleHistoryAdmin,
):
    dossier_kind = "meeting"
    form = MeetingAdminForm
    list_display = [
        "title",
        "kind",
        "status",
        "start_date",
        "end_date",
        "locality",
        "country_shown",
        "logged_by",
        "is_illustrative",
    ]
    # Countries offered are those organizations are in (a small table), not
    # all 249, and not read from every meeting.
    list_filter = [
        DeletedFilter,
        "kind",
        "status",
        UsedCountryFilter,
        "start_date",
        "is_illustrative",
    ]
    list_select_related = ["logged_by"]
    autocomplete_fields = [
        "parent",
        "organizations",
        "contacts",
        "attendees",
        "partnerships",
        "logged_by",
    ]
    inlines = [ActionInline]
    actions = ["restore_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Who logged a meeting is chosen when it is recorded, never rewritten.
        return ["logged_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Saved in ``save_related``, with its links and new follow-up actions,
        by the workflow that the meeting form and the API use."""

    def save_related(self, request, form, formsets, change):
        action_rows = next(f for f in formsets if f.model is Action)
        rows = action_rows.save(commit=False)
        new_actions = [action for action in rows if action.pk is None]
        links = {name: form.cleaned_data[name] for name in lifecycle.MEETING_LINKS}
        if change:
            lifecycle.update_meeting(
                form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                new_actions=new_actions,
                **links,
            )
        else:
            lifecycle.log_meeting(form.instance, by=request.user, actions=new_actions, **links)
        for action in rows:
            if action not in new_actions:  # an existing action edited in its row
                lifecycle.update_action(action, by=request.user, expected_version=action.version)
        for action in action_rows.deleted_objects:
            lifecycle.soft_delete(action, by=request.user)


# Actions ------------------------------------------------------------------------


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due in the next 7 days")),
            ("month", _("Due in the next 30 days")),
            ("none", _("No due date")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "week":
            return queryset.due_between(today, today + datetime.timedelta(days=7))
        if self.value() == "month":
            return queryset.due_between(today, today + datetime.timedelta(days=30))
        if self.value() == "none":
            return queryset.filter(due_date__isnull=True)
        return queryset


class ActionAdminForm(KeepsLinksToDeletedMixin, VersionedModelFormMixin, forms.ModelForm):
    """The admin builds the fields; this adds the stale-edit check."""


@admin.register(Action)
class ActionAdmin(
    LargeTableAdminMixin,
    SpreadsheetImportMixin,
    LiveLinksHistoryMixin,
    SoftDeleteAdminMixin,
    SimpleHistoryAdmin,
):
    form = ActionAdminForm
    list_display = [
        "title",
        "owner",
        "partnership_shown",
        "due_date",
        "status",
        "priority",
        "side",
        "is_illustrative",
    ]
    list_filter = [
        DeletedFilter,
        DueFilter,
        "status",
        "priority",
        "side",
        "owner",
        "is_illustrative",
    ]
    # By due date, undated last, then priority: the lists' order, read from
    # an index (action_live_urgency).
    ordering = list(urgency())
    list_select_related = ["owner", "partnership"]
    autocomplete_fields = ["owner", "partnership", "meeting", "lead_organization"]
    search_fields = ["title", "details", "partnership__search_text"]
    readonly_fields = ["status", "completed_on", "completed_by", "outcome"]
    actions = [
        "complete_selected",
        "cancel_selected",
        "reopen_selected",
        "reassign_owner",
        "restore_selected",
    ]

    def save_model(self, request, obj, form, change):
        if change:
            lifecycle.update_action(
                obj, by=request.user, expected_version=form.cleaned_data["version"]
            )
        else:
            lifecycle.create_action(obj, by=request.user)

    @admin.display(description=_("partnership"), ordering="partnership__title")
    def partnership_shown(self, obj: Action) -> Partnership | None:
        return obj.live_partnership

    @admin.action(description=_("Complete selected actions…"))
    def complete_selected(self, request, queryset):
        def apply(action, form):
            lifecycle.complete_action(
                action,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                completed_on=form.cleaned_data["completed_on"],
                expected_version=action.version,
            )

        return run_with_form(
            self,
            request,
            queryset,
            form_class=BulkActionCompleteForm,
            title=gettext("Complete actions"),
            apply=apply,
        )

    @admin.action(description=_("Cancel selected actions"))
    def cancel_selected(self, request, queryset):
        self._apply_each(
            request,
            queryset,
            lambda a: lifecycle.cancel_action(a, by=request.user, expected_version=a.version),
        )

    @admin.action(description=_("Reopen selected actions"))
    def reopen_selected(self, request, queryset):
        self._apply_each(
            request,
            queryset,
            lambda a: lifecycle.reopen_action(a, by=request.user, expected_version=a.version),
        )

    @admin.action(description=_("Reassign selected actions to another owner…"))
    def reassign_owner(self, request, queryset):
        def apply(action, form):
            lifecycle.reassign_action(action, to=form.cleaned_data["owner"], by=request.user)

        return run_with_form(
            self,
            request,
            queryset,
            form_class=ReassignForm,
            title=gettext("Reassign actions"),
            apply=apply,
        )

    def _apply_each(self, request, queryset, apply) -> None:
        done = 0
        for action in queryset:
            try:
                apply(action)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{action}: {error}", level=messages.ERROR)
        if done:
            self.message_user(request, gettext("%(count)d record(s) updated.") % {"count": done})


# Documents ------------------------------------------------------------------------


class SignatoryInline(admin.TabularInline):
    model = DocumentSignatory
    fields = ["contact", "title_at_signing"]
    autocomplete_fields = ["contact"]
    extra = 0


class DocumentAdminForm(KeepsLinksToDeletedMixin, DocumentFileFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "partnership",
            "meeting",
            "kind",
            "title",
            "file",
            "summary",
            "signed_on",
            "signed_place",
        ]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = [
        "title",
        "kind",
        "partnership",
        "signed_on",
        "original_name",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["kind", "uploaded_at"]
    list_select_related = ["partnership", "uploaded_by"]
    autocomplete_fields = ["partnership", "meeting"]
    search_fields = ["title", "original_name", "partnership__search_text"]
    inlines = [SignatoryInline]
    date_hierarchy = "uploaded_at"

    def save_model(self, request, obj, form, change):
        if not change:
            # Signatories typed in the inline keep the titles the admin gave them.
            lifecycle.add_document(obj, by=request.user, checked_file=form.checked_file)
            return
        if form.checked_file is not None:  # a replacement file
            obj.describe_file(form.checked_file)
        obj.save()


# Users -------------------------------------------------------------------------


admin.site.unregister(User)


class UserProfileInline(admin.StackedInline):
    """The language a person reads in. The calendar feed secret stays hidden:
    its owner resets it from their profile page."""

    model = UserProfile
    fields = ["language"]
    can_delete = False
    extra = 0
    max_num = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["is_active", "is_superuser", "groups"]
    inlines = [UserProfileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("role"))
    def role(self, obj) -> str:
        return permissions.role_label(obj) or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            self._revoke(request, obj, reason="account deactivated")

    def user_change_password(self, request, id, form_url=""):
        """Django's "set password" page. Saving the password revokes what the
        old one gave out (``partnerships.passwords``); the admin is told how
        many tokens that was."""
        user = self.get_object(request, id)
        held = ApiToken.objects.filter(user=user).active().count() if user else 0
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            self._tell_revoked(request, user, held)
        return response

    def _revoke(self, request, user, *, reason: str) -> None:
        revoked = lifecycle.revoke_credentials(user=user, by=request.user, reason=reason)
        self._tell_revoked(request, user, revoked)

    def _tell_revoked(self, request, user, revoked: int) -> None:
        message = ngettext(
            "%(count)d API token of %(user)s revoked and their calendar feed address changed.",
            "%(count)d API tokens of %(user)s revoked and their calendar feed address changed.",
            revoked,
        )
        self.message_user(request, message % {"count": revoked, "user": user})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds which API token, and when it was last used: an admin revokes
    a token (a departed colleague's, a leaked one); only its owner creates one,
    from their profile page, since the token is shown once, to them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_on",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_on", "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "created_at"
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_on", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.active().update(revoked_at=timezone.now())
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
        self.message_user(request, message % {"count": count})


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """The reminder e-mails sent, one per person and day (send_reminders)."""

    list_display = ["day", "user", "sent_at", "summary"]
    list_filter = ["day"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    date_hierarchy = "day"
    readonly_fields = ["user", "day", "sent_at", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
