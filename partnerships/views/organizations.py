"""Organization and contact pages, the live near-duplicate check, and the quick
creation of an organization or contact from inside another form."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerships import history, lifecycle, permissions
from partnerships.errors import DomainError
from partnerships.filters import ContactFilter, OrganizationFilter
from partnerships.forms import (
    ContactForm,
    NameCheckForm,
    OrganizationForm,
    PositionChangeForm,
    QuickContactForm,
    QuickOrganizationForm,
)
from partnerships.models import (
    Action,
    Contact,
    ContactPosition,
    Meeting,
    Organization,
    Partnership,
)
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error
from partnerships.views.json_response import SafeJsonResponse
from partnerships.views.listing import filtered_page

# Organizations ----------------------------------------------------------------------


@staff_required
def organization_list(request: HttpRequest) -> HttpResponse:
    queryset = permissions.visible(request.user, Organization.objects.for_list())
    listing = filtered_page(request, OrganizationFilter, queryset)
    return render(request, "organizations/list.html", {"listing": listing})


@staff_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(
        permissions.visible(request.user, Organization.objects.select_related("parent")), pk=pk
    )
    partnerships = (
        Partnership.objects.visible_to(request.user)
        .filter(parties__organization=organization)
        .distinct()
        .for_list()
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "history": history.for_page(request.user, organization),
            "ancestors": organization.ancestors(),
            "partnerships": partnerships,
            "meetings": Meeting.objects.filter(organizations=organization).for_list()[:20],
            "contacts": organization.contacts.order_by("-is_active", "name_key", "name"),
            "past_holders": ContactPosition.objects.past()
            .filter(organization=organization)
            .select_related("contact")
            .order_by("-end_date", "-pk"),
            "children": organization.children.annotate(
                partnership_count=Count("party_roles", distinct=True)
            ),
            "relations_from": organization.relations_from.select_related("target"),
            "relations_to": organization.relations_to.select_related("source"),
            "led_actions": Action.objects.pending()
            .filter(lead_organization=organization)
            .for_list(),
            "sectors": organization.sectors.all(),
        },
    )


def _organization_form_page(
    request: HttpRequest, organization: Organization | None
) -> HttpResponse:
    form = OrganizationForm(request.POST or None, instance=organization)
    similar: list[Organization] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_organization(request, form)
        except lifecycle.NearDuplicate as error:
            similar = error.similar
            add_domain_error(form, error)
        else:
            messages.success(request, _("Organization saved."))
            return redirect(saved)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "organization": organization, "similar": similar},
        status=400 if request.method == "POST" else 200,
    )


def _save_organization(request: HttpRequest, form: OrganizationForm) -> Organization:
    arguments = {
        "by": request.user,
        "sectors": form.cleaned_data["sectors"],
        "confirm_distinct": form.cleaned_data["confirm_distinct"],
    }
    if form.instance.pk is None:
        return lifecycle.create_organization(form.save(commit=False), **arguments)
    return lifecycle.update_organization(form.save(commit=False), **arguments)


@staff_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create.require(request.user)
    return _organization_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    permissions.can_edit_organization.require(request.user, organization)
    return _organization_form_page(request, organization)


@staff_required
@require_GET
def organization_similar(request: HttpRequest) -> HttpResponse:
    """htmx: warn, while typing, that a very similar organization exists."""
    form = NameCheckForm(request.GET)
    similar = form.similar()
    exclude = request.GET.get("exclude")
    if exclude and exclude.isdigit():
        similar = [org for org in similar if org.pk != int(exclude)]
    return render(request, "organizations/_similar.html", {"similar": similar})


# Contacts ---------------------------------------------------------------------------


@staff_required
def contact_list(request: HttpRequest) -> HttpResponse:
    queryset = permissions.visible(request.user, Contact.objects.for_list())
    listing = filtered_page(request, ContactFilter, queryset)
    return render(request, "contacts/list.html", {"listing": listing})


@staff_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        permissions.visible(request.user, Contact.objects.select_related("organization")), pk=pk
    )
    positions = list(contact.positions.select_related("organization"))
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "history": history.for_page(request.user, contact),
            "current_position": next((p for p in positions if p.is_current), None),
            "past_positions": [p for p in positions if not p.is_current],
            "can_edit": permissions.can_edit_contact(request.user, contact),
            "meetings": contact.meetings.for_list()[:20],
            "signings": contact.signings.filter(
                document__partnership__deleted_at__isnull=True
            ).select_related("document", "document__partnership"),
        },
    )


def _contact_form_page(request: HttpRequest, contact: Contact | None) -> HttpResponse:
    initial = {}
    if contact is None and request.GET.get("organization"):
        initial["organization"] = request.GET["organization"]
    form = ContactForm(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_contact(request, form)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(saved)
    return render(
        request,
        "contacts/form.html",
        {"form": form, "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


def _save_contact(request: HttpRequest, form: ContactForm) -> Contact:
    since = form.cleaned_data["post_since"]
    if form.instance.pk is None:
        return lifecycle.create_contact(form.save(commit=False), by=request.user, since=since)
    return lifecycle.update_contact(form.save(commit=False), by=request.user, new_post_since=since)


@staff_required
@require_http_methods(["GET", "POST"])
def contact_change_position(request: HttpRequest, pk: int) -> HttpResponse:
    """The person takes a new post: the current one goes to their career."""
    contact = get_object_or_404(Contact.objects.select_related("organization"), pk=pk)
    permissions.can_edit_contact.require(request.user, contact)
    form = PositionChangeForm(
        request.POST or None, initial={"organization": contact.organization_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.change_position(
                contact=contact,
                organization=data["organization"],
                title=data["title"],
                since=data["since"],
                date_precision=data["date_precision"],
                notes=data["notes"],
                by=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("New post recorded."))
            return redirect(contact)
    return render(
        request,
        "contacts/change_position.html",
        {"form": form, "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create.require(request.user)
    return _contact_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    permissions.can_edit_contact.require(request.user, contact)
    return _contact_form_page(request, contact)


# Quick creation from inside another form ---------------------------------------------------


def _form_errors(form) -> dict[str, list[str]]:
    return {field or "__all__": [str(e) for e in errors] for field, errors in form.errors.items()}


@staff_required
@require_POST
def quick_create_organization(request: HttpRequest) -> SafeJsonResponse:
    """JSON for picker.js: the new organization, or the errors and any very
    similar existing ones (which the person can pick instead)."""
    permissions.can_create.require(request.user)
    form = QuickOrganizationForm(request.POST)
    if not form.is_valid():
        return SafeJsonResponse({"errors": _form_errors(form)}, status=400)
    try:
        organization = lifecycle.create_organization(
            form.save(commit=False),
            by=request.user,
            confirm_distinct=request.POST.get("confirm_distinct") == "1",
        )
    except lifecycle.NearDuplicate as error:
        return SafeJsonResponse(
            {
                "similar": [{"id": o.pk, "label": o.display_name} for o in error.similar],
                "errors": {"__all__": [error.message]},
            },
            status=409,
        )
    except IntegrityError:
        return SafeJsonResponse(
            {
                "errors": {
                    "name": [_("An organization with this name already exists in this country.")]
                }
            },
            status=400,
        )
    return SafeJsonResponse({"id": organization.pk, "label": organization.display_name}, status=201)


@staff_required
@require_POST
def quick_create_contact(request: HttpRequest) -> SafeJsonResponse:
    permissions.can_create.require(request.user)
    form = QuickContactForm(request.POST)
    if not form.is_valid():
        return SafeJsonResponse({"errors": _form_errors(form)}, status=400)
    contact = lifecycle.create_contact(form.save(commit=False), by=request.user)
    label = f"{contact.display_name} — {contact.organization.name}"
    return SafeJsonResponse({"id": contact.pk, "label": label}, status=201)
