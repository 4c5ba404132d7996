"""Merging duplicates, for managers and admins: choosing the duplicate of a
record, the side-by-side comparison with a choice per field and a preview of
what moves, and the "Possible duplicates" page.

The record whose page the merge starts from is the one that stays (the
"survivor"); the comparison page can swap the two. The merge itself is
``lifecycle.merge_organizations`` / ``merge_contacts``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnerships import duplicates, lifecycle, merging, permissions
from partnerships.forms import MergeForm
from partnerships.models import Contact, Organization
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error

# How many records the "Merge with…" page offers at most.
PICK_LIMIT = 20


@dataclass(frozen=True)
class Kind:
    """What differs between merging organizations and merging contacts."""

    model: type[models.Model]
    namespace: str
    fields: tuple[str, ...]

    def queryset(self):
        return self.model.objects.for_merge()

    def merge(self, **arguments):
        if self.model is Organization:
            return lifecycle.merge_organizations(**arguments)
        return lifecycle.merge_contacts(**arguments)

    def likely(self, record) -> list:
        """Records the duplicates rules pair with ``record``, first on the page."""
        if self.model is Organization:
            return list(
                Organization.objects.near_duplicates_of(
                    record.name,
                    country=record.country.code or None,
                    local_name=record.local_name,
                    romanization=record.romanization,
                )
                .exclude(pk=record.pk)
                .select_related("parent")[:PICK_LIMIT]
            )
        same = models.Q(match_key=record.match_key) if record.match_key else models.Q(pk=None)
        if record.email:
            same |= models.Q(email__iexact=record.email)
        return list(Contact.objects.filter(same).exclude(pk=record.pk).for_merge()[:PICK_LIMIT])


ORGANIZATIONS = Kind(Organization, "organizations", lifecycle.ORGANIZATION_MERGE_FIELDS)
CONTACTS = Kind(Contact, "contacts", lifecycle.CONTACT_MERGE_FIELDS)


def _pick_page(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    permissions.can_merge_records.require(request.user)
    record = get_object_or_404(permissions.visible(request.user, kind.queryset()), pk=pk)
    query = (request.GET.get("q") or "").strip()[:200]
    found = []
    if query:
        found = list(
            permissions.visible(request.user, kind.queryset())
            .search(query)
            .exclude(pk=record.pk)[:PICK_LIMIT]
        )
    return render(
        request,
        "merges/pick.html",
        {
            "record": record,
            "namespace": kind.namespace,
            "likely": kind.likely(record),
            "query": query,
            "found": found,
            "is_organization": kind.model is Organization,
        },
    )


def _compare_page(request: HttpRequest, kind: Kind, pk: int, other: int) -> HttpResponse:
    permissions.can_merge_records.require(request.user)
    visible = permissions.visible(request.user, kind.queryset())
    survivor = get_object_or_404(visible, pk=pk)
    loser = get_object_or_404(visible, pk=other)
    if survivor.pk == loser.pk:
        messages.error(request, _("A record cannot be merged into itself."))
        return redirect(reverse(f"{kind.namespace}:merge_pick", args=[pk]))
    form = MergeForm(request.POST or None, survivor=survivor, loser=loser, fields=kind.fields)
    if request.method == "POST" and form.is_valid():
        try:
            merged = kind.merge(survivor=survivor, loser=loser, keep=form.keep(), by=request.user)
        except lifecycle.DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(loser)s was merged into %(survivor)s.") % {"loser": loser, "survivor": merged},
            )
            return redirect(merged)
    return render(
        request,
        "merges/compare.html",
        {
            "form": form,
            "rows": form.bound_rows(),
            "survivor": survivor,
            "loser": loser,
            "namespace": kind.namespace,
            "references": merging.count_references(kind.model, loser),
            "is_organization": kind.model is Organization,
            "new_aliases": _new_aliases(survivor, loser) if kind.model is Organization else [],
            "sectors": _sectors(survivor, loser) if kind.model is Organization else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _new_aliases(survivor: Organization, loser: Organization) -> list[str]:
    """The loser's names the survivor does not already go by."""
    known = {name.casefold() for name in survivor.names()}
    return [name for name in loser.names() if name.casefold() not in known]


def _sectors(survivor: Organization, loser: Organization) -> list:
    return list(dict.fromkeys([*survivor.sectors.all(), *loser.sectors.all()]))


@staff_required
@require_GET
def organization_merge_pick(request: HttpRequest, pk: int) -> HttpResponse:
    return _pick_page(request, ORGANIZATIONS, pk)


@staff_required
@require_http_methods(["GET", "POST"])
def organization_merge(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    return _compare_page(request, ORGANIZATIONS, pk, other)


@staff_required
@require_GET
def contact_merge_pick(request: HttpRequest, pk: int) -> HttpResponse:
    return _pick_page(request, CONTACTS, pk)


@staff_required
@require_http_methods(["GET", "POST"])
def contact_merge(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    return _compare_page(request, CONTACTS, pk, other)


@staff_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Candidate pairs of organizations and of contacts, with the reason and a
    Merge button: a fixed number of queries (see duplicates.py)."""
    permissions.can_merge_records.require(request.user)
    organizations = duplicates.organization_candidates(
        permissions.visible(request.user, Organization.objects.all())
    )
    contacts = duplicates.contact_candidates(
        permissions.visible(request.user, Contact.objects.all())
    )
    sections = [
        (_("Organizations"), organizations, "organizations", True),
        (_("Contacts"), contacts, "contacts", False),
    ]
    return render(request, "merges/duplicates.html", {"sections": sections})
