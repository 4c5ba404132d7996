"""Partnership pages: list, detail with its timeline, create, edit, and the
lifecycle forms (move stage, change status, reassign, upload a document)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import history, lifecycle, permissions
from partnerships.errors import DomainError, StaleObjectError
from partnerships.filters import PartnershipFilter
from partnerships.forms import (
    DocumentForm,
    PartnershipForm,
    PartyFormSet,
    ReassignForm,
    RenewForm,
    StageMoveForm,
    StatusChangeForm,
)
from partnerships.models import (
    Action,
    Document,
    ExchangeRate,
    Partnership,
    PartnershipIndicator,
    PartnershipParty,
    Stage,
    Status,
)
from partnerships.models.indicators import results_table
from partnerships.timeline import build_timeline, stage_since_precision
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error
from partnerships.views.listing import filtered_page


def _partnership_or_404(request: HttpRequest, pk: int) -> Partnership:
    queryset = (
        Partnership.objects.visible_to(request.user)
        .select_related(
            "owner", "origin_meeting", "abandon_reason", "created_by", "framework", "predecessor"
        )
        .prefetch_related("team", "sectors")
    )
    return get_object_or_404(queryset, pk=pk)


@staff_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    listing = filtered_page(
        request, PartnershipFilter, Partnership.objects.visible_to(request.user).for_list()
    )
    return render(
        request,
        "partnerships/list.html",
        {"listing": listing, "rates": ExchangeRate.objects.rates_on()},
    )


@staff_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    parties = list(
        PartnershipParty.objects.filter(partnership=partnership)
        .select_related("organization", "organization__parent")
        .order_by("order", "pk")
    )
    actions = list(Action.objects.filter(partnership=partnership).pending().for_list().by_urgency())
    user = request.user
    lineage = partnership.lineage()
    successor = next((p for p in lineage if p.predecessor_id == partnership.pk), None)
    timeline = build_timeline(
        partnership, with_edits=permissions.can_view_history(user), lineage=lineage
    )
    indicator_lines = list(PartnershipIndicator.objects.filter(partnership=partnership).for_table())
    return render(
        request,
        "partnerships/detail.html",
        {
            "partnership": partnership,
            "parties": parties,
            "open_actions": actions,
            "next_action": actions[0] if actions else None,
            "documents": partnership.documents.with_signing(),
            "timeline": timeline,
            "stage_precision": stage_since_precision(partnership, timeline),
            "rates": ExchangeRate.objects.rates_on(),
            "can_edit": permissions.can_edit_partnership(user, partnership),
            "history": history.for_page(user, partnership),
            "can_move": permissions.can_move_partnership(user, partnership),
            "can_change_status": permissions.can_change_partnership_status(user, partnership),
            "status_moves": Status.moves_from(partnership.status),
            "can_upload": permissions.can_upload_document(user, partnership),
            "indicators": results_table(indicator_lines),
            "can_edit_indicators": permissions.can_edit_indicators(user, partnership),
            "can_reassign": permissions.can_reassign_partnership(user, partnership),
            "can_renew": permissions.can_renew_partnership(user, partnership)
            and successor is None
            and partnership.status != Status.ABANDONED,
            "lineage": lineage,
            "successor": successor,
            "implementing_contracts": partnership.implementing_contracts.visible_to(user)
            .select_related("owner")
            .order_by(F("start_date").asc(nulls_last=True), "pk"),
            "can_delete": permissions.can_delete(user, partnership),
            "move_form": StageMoveForm(
                initial={"stage": _next_stage(partnership.stage), "version": partnership.version}
            ),
            "status_form": StatusChangeForm(),
            "reassign_form": ReassignForm(initial={"owner": partnership.owner_id}),
            "stages": Stage.choices,
            "stage_rank": Stage.rank(partnership.stage),
        },
    )


def _next_stage(stage: str) -> str:
    values = Stage.values
    index = values.index(stage)
    return values[min(index + 1, len(values) - 1)]


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create.require(request.user)
    return _partnership_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_edit_partnership.require(request.user, partnership)
    return _partnership_form_page(request, partnership)


def _partnership_form_page(request: HttpRequest, partnership: Partnership | None) -> HttpResponse:
    """The partnership form with its party rows; creating, the owner is me
    unless I choose otherwise, and editing, only a manager changes it."""
    if partnership is None:
        form = PartnershipForm(request.POST or None, initial={"owner": request.user.pk})
    else:
        can_reassign = permissions.can_reassign_partnership(request.user, partnership)
        form = PartnershipForm(
            request.POST or None, instance=partnership, can_reassign=can_reassign
        )
    parties = PartyFormSet(request.POST or None, instance=partnership, prefix="parties")
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        try:
            saved = _save_partnership(request, form, parties)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Changes saved.") if partnership else _("Partnership created.")
            )
            return redirect(saved)
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "parties": parties,
            "partnership": partnership,
            "creating": partnership is None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _save_partnership(request: HttpRequest, form: PartnershipForm, parties) -> Partnership:
    relations = {
        "team": form.cleaned_data["team"],
        "sectors": form.cleaned_data["sectors"],
        "parties": parties.parties(),
    }
    if form.instance.pk is None:
        return lifecycle.create_partnership(
            form.save(commit=False),
            by=request.user,
            stage_since=form.cleaned_data["stage_since"],
            **relations,
        )
    return lifecycle.update_partnership(
        form.save(commit=False),
        by=request.user,
        expected_version=form.cleaned_data["version"],
        **relations,
    )


def _lifecycle_form_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form,
    apply: Callable[[dict], str],
    template: str,
) -> HttpResponse:
    """The shared shape of the move, status and reassign pages: validate the
    form, hand its data to the lifecycle (``apply`` returns the success
    message), show a refusal next to the field it concerns. A refusal because
    someone else changed the partnership in between is a 409 that keeps what
    the user entered and shows the partnership as it is now."""
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            success = apply(form.cleaned_data)
        except StaleObjectError:
            partnership.refresh_from_db()
            form.keep_input_after_conflict(
                version=partnership.version, message=changed_meanwhile(partnership)
            )
            status = 409
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_next_page(request, partnership))
    return render(
        request,
        template,
        {"partnership": partnership, "form": form, "next": _next_page(request, None)},
        status=status if request.method == "POST" else 200,
    )


def changed_meanwhile(partnership: Partnership) -> str:
    """What a page says when someone else changed the partnership between the
    moment the user opened the form and the moment they sent it."""
    return _(
        "Someone else changed this partnership in the meantime: it is now at the "
        "%(stage)s stage, %(status)s. Nothing was saved; what you entered is kept below. "
        "Send it again to apply it to the partnership as it is now."
    ) % {
        "stage": partnership.get_stage_display().lower(),
        "status": partnership.get_status_display().lower(),
    }


def _next_page(request: HttpRequest, partnership: Partnership | None) -> str | None:
    """Where to go after a change: the page the form came from when it says so
    (the board), otherwise the partnership."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return partnership.get_absolute_url() if partnership is not None else None


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_move(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_move_partnership.require(request.user, partnership)

    def apply(data: dict) -> str:
        change = lifecycle.move_stage(
            partnership,
            to=data["stage"],
            by=request.user,
            note=data["note"],
            effective_date=data["effective_date"],
            expected_version=data["version"],
        )
        return _("Moved to %(stage)s.") % {"stage": change.get_to_stage_display()}

    form = StageMoveForm(
        request.POST or None,
        initial={"stage": _next_stage(partnership.stage), "version": partnership.version},
    )
    return _lifecycle_form_page(
        request, partnership, form=form, apply=apply, template="partnerships/move.html"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_status(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_change_partnership_status.require(request.user, partnership)

    def apply(data: dict) -> str:
        change = lifecycle.change_status(
            partnership,
            to=data["status"],
            by=request.user,
            note=data["note"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return _("Status changed to %(status)s.") % {"status": change.get_to_status_display()}

    form = StatusChangeForm(
        request.POST or None,
        initial={"status": request.GET.get("to", Status.ON_HOLD), "version": partnership.version},
    )
    return _lifecycle_form_page(
        request, partnership, form=form, apply=apply, template="partnerships/status.html"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_reassign_partnership.require(request.user, partnership)

    def apply(data: dict) -> str:
        lifecycle.reassign_partnership(partnership, to=data["owner"], by=request.user)
        return _("Partnership reassigned.")

    form = ReassignForm(request.POST or None, initial={"owner": partnership.owner_id})
    return _lifecycle_form_page(
        request, partnership, form=form, apply=apply, template="partnerships/reassign.html"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Renew into a new agreement: the successor carries the parties, team,
    sectors and terms; this one is concluded and linked to it."""
    partnership = _partnership_or_404(request, pk)
    permissions.can_renew_partnership.require(request.user, partnership)
    created: list[Partnership] = []

    def apply(data: dict) -> str:
        created.append(
            lifecycle.renew_into_successor(
                partnership=partnership,
                by=request.user,
                start=data["start"],
                end=data["end"],
                title=data["title"],
                note=data["note"],
                expected_version=data["version"],
            )
        )
        return _("Renewed into a new agreement. Check its dates and value.")

    form = RenewForm(request.POST or None, initial=RenewForm.initial_for(partnership))
    response = _lifecycle_form_page(
        request, partnership, form=form, apply=apply, template="partnerships/renew.html"
    )
    if created:
        return redirect(created[0])
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_upload_document.require(request.user, partnership)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        instance=Document(partnership=partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.add_document(
                form.save(commit=False),
                by=request.user,
                checked_file=form.checked_file,
                signatories=form.cleaned_data["signatories"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Document added."))
            # Back where the new document is listed, not at the top of a long page.
            return redirect(f"{partnership.get_absolute_url()}#documents-title")
    return render(
        request,
        "partnerships/document_form.html",
        {"partnership": partnership, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def partnership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_or_404(request, pk)
    permissions.can_delete.require(request.user, partnership)
    lifecycle.soft_delete(partnership, by=request.user)
    messages.success(
        request, _("Partnership deleted. A manager can restore it from the deleted items.")
    )
    return redirect("partnerships:list")
