"""Action pages: lists (mine, everyone's, overdue, by partnership), create,
edit, and the one-click workflow buttons (complete, cancel, reopen, reassign),
which answer htmx requests with the updated row."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import history, lifecycle, permissions
from partnerships.errors import DomainError, StaleObjectError
from partnerships.filters import ActionFilter
from partnerships.forms import ActionCompleteForm, ActionForm, ReassignForm, VersionForm
from partnerships.models import Action
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error
from partnerships.views.listing import filtered_page


def _action_or_404(request: HttpRequest, pk: int) -> Action:
    queryset = permissions.visible(request.user, Action.objects.for_list())
    return get_object_or_404(queryset.select_related("completed_by", "created_by"), pk=pk)


@staff_required
def action_list(request: HttpRequest) -> HttpResponse:
    if not request.GET:
        # Staff start on their own work to do, managers on everyone's; the
        # URL says which, to share it.
        start = {"pending": "true"}
        if not permissions.can_oversee_team(request.user):
            start = {"owner": request.user.pk, **start}
        return redirect(f"{request.path}?{urlencode(start)}")
    listing = filtered_page(
        request,
        ActionFilter,
        permissions.visible(request.user, Action.objects.for_list()).by_urgency(),
    )
    return render(request, "actions/list.html", {"listing": listing, "tabs": _tabs(request)})


def _tabs(request: HttpRequest) -> list[dict[str, object]]:
    """The ready-made views of the list, the one being shown marked current."""
    me = str(request.user.pk)
    g = request.GET
    tabs = [
        (
            _("Mine to do"),
            {"owner": me, "pending": "true"},
            g.get("owner") == me and g.get("pending") == "true" and not g.get("overdue"),
        ),
        (
            _("Mine overdue"),
            {"owner": me, "overdue": "true"},
            g.get("owner") == me and g.get("overdue") == "true",
        ),
        (
            _("Everyone’s to do"),
            {"pending": "true"},
            not g.get("owner")
            and g.get("pending") == "true"
            and not g.get("overdue")
            and not g.get("partnership"),
        ),
        (
            _("All overdue"),
            {"overdue": "true"},
            not g.get("owner") and g.get("overdue") == "true",
        ),
        (
            _("Recently done"),
            {"status": "done", "ordering": "-updated"},
            g.get("status") == "done",
        ),
    ]
    return [
        {"label": label, "query": urlencode(query), "current": current}
        for label, query, current in tabs
    ]


@staff_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "can_edit": permissions.can_edit_action(request.user, action),
            "can_delete": permissions.can_delete(request.user, action),
            "complete_form": ActionCompleteForm(initial={"version": action.version}),
            "reassign_form": ReassignForm(initial={"owner": action.owner_id}),
            "history": history.for_page(request.user, action),
        },
    )


def _action_form_page(request: HttpRequest, action: Action | None) -> HttpResponse:
    initial = {}
    if action is None:
        # A new action is mine unless I say otherwise; an existing one keeps
        # its owner (initial values would override the instance's).
        initial["owner"] = request.user.pk
        for name in ("partnership", "meeting", "lead_organization"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
    form = ActionForm(request.POST or None, instance=action, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if form.instance.pk is None:
                saved = lifecycle.create_action(form.save(commit=False), by=request.user)
            else:
                saved = lifecycle.update_action(
                    form.save(commit=False),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect(saved)
    return render(
        request,
        "actions/form.html",
        {"form": form, "action": action},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create.require(request.user)
    return _action_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    permissions.can_edit_action.require(request.user, action)
    return _action_form_page(request, action)


def _after_workflow(
    request: HttpRequest, action: Action, error: DomainError | None
) -> HttpResponse:
    """htmx: the updated row (or the row with the refusal, keeping the outcome
    typed into it). Otherwise back to where the button was."""
    if request.headers.get("HX-Request"):
        return render(
            request,
            "actions/_row.html",
            {
                "action": action,
                "row_error": error.message if error else "",
                "kept_outcome": request.POST.get("outcome", "") if error else "",
                "show_partnership": True,
                # Rows on "My work" are compact; the updated row keeps their shape.
                "compact": request.POST.get("compact") == "1",
            },
        )
    if error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = action.get_absolute_url()
    return redirect(target)


class _ChangedMeanwhile(DomainError):
    """An action button pressed on a copy of the action older than the row."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this action in the meantime: nothing was saved. "
                "It is shown here as it is now; do it again if you still want to."
            )
        )


def _workflow(
    request: HttpRequest,
    pk: int,
    form: VersionForm,
    apply,
    *,
    rule: permissions.Rule = permissions.can_edit_action,
) -> HttpResponse:
    """Run a one-click workflow (``apply(action, cleaned_data)``) from the
    version of the action the button was drawn with."""
    action = _action_or_404(request, pk)
    rule.require(request.user, action)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        apply(action, form.cleaned_data)
    except StaleObjectError:
        return _after_workflow(request, _action_or_404(request, pk), _ChangedMeanwhile())
    except DomainError as error:
        return _after_workflow(request, action, error)
    action = _action_or_404(request, pk)
    return _after_workflow(request, action, None)


@staff_required
@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(action: Action, data: dict) -> None:
        lifecycle.complete_action(
            action,
            by=request.user,
            outcome=data["outcome"],
            completed_on=data["completed_on"],
            expected_version=data["version"],
        )

    return _workflow(
        request, pk, ActionCompleteForm(request.POST), apply, rule=permissions.can_complete_action
    )


@staff_required
@require_POST
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(action: Action, data: dict) -> None:
        lifecycle.cancel_action(
            action,
            by=request.user,
            note=request.POST.get("note", ""),
            expected_version=data["version"],
        )

    return _workflow(request, pk, VersionForm(request.POST), apply)


@staff_required
@require_POST
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(action: Action, data: dict) -> None:
        lifecycle.reopen_action(action, by=request.user, expected_version=data["version"])

    return _workflow(request, pk, VersionForm(request.POST), apply)


@staff_required
@require_POST
def action_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    permissions.can_reassign_action.require(request.user, action)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active user as the new owner."))
        return redirect(action)
    try:
        lifecycle.reassign_action(action, to=form.cleaned_data["owner"], by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Action reassigned."))
    return redirect(action)


@staff_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    permissions.can_delete.require(request.user, action)
    lifecycle.soft_delete(action, by=request.user)
    messages.success(request, _("Action deleted. A manager can restore it from the deleted items."))
    return redirect("actions:list")
