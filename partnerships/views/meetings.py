"""Meeting pages: log a meeting with its follow-up actions in one form, list,
view and edit meetings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import history, lifecycle, permissions
from partnerships.errors import DomainError
from partnerships.filters import MeetingFilter
from partnerships.forms import MeetingActionFormSet, MeetingForm
from partnerships.models import Action, Meeting, MeetingStatus
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error
from partnerships.views.listing import filtered_page


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    queryset = permissions.visible(request.user, Meeting.objects.all()).select_related(
        "logged_by", "parent"
    )
    return get_object_or_404(queryset.prefetch_related("attendees"), pk=pk)


@staff_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    listing = filtered_page(
        request, MeetingFilter, permissions.visible(request.user, Meeting.objects.for_list())
    )
    return render(request, "meetings/list.html", {"listing": listing})


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    # Each person with the post they held on the day of the meeting.
    contacts = list(meeting.contacts.select_related("organization").with_positions())
    for contact in contacts:
        contact.post_then = contact.position_on(meeting.start_date)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "organizations": meeting.organizations.select_related("parent"),
            "contacts": contacts,
            "partnerships": meeting.partnerships.select_related("owner"),
            "actions": Action.objects.filter(meeting=meeting).for_list().by_urgency(),
            "side_meetings": meeting.side_meetings.all(),
            "documents": meeting.documents.filter(
                partnership__deleted_at__isnull=True
            ).select_related("partnership"),
            "can_edit": permissions.can_edit_meeting(request.user, meeting),
            "history": history.for_page(request.user, meeting),
            "can_delete": permissions.can_delete(request.user, meeting),
        },
    )


def _save_meeting(request: HttpRequest, form: MeetingForm, actions) -> Meeting:
    """The meeting, its links and its new follow-up actions, through the
    workflow: an error anywhere saves nothing."""
    links = {name: form.cleaned_data[name] for name in lifecycle.MEETING_LINKS}
    if form.instance.pk is None:
        return lifecycle.log_meeting(
            form.save(commit=False), by=request.user, actions=actions.new_actions(), **links
        )
    return lifecycle.update_meeting(
        form.save(commit=False),
        by=request.user,
        expected_version=form.cleaned_data["version"],
        new_actions=actions.new_actions(),
        **links,
    )


def _meeting_form_page(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    initial = {}
    if meeting is None:
        initial = {
            "status": request.GET.get("status", MeetingStatus.HELD),
            # Most meetings are logged on the day they happen.
            "start_date": timezone.localdate(),
            "attendees": [request.user.pk],
        }
        for name in ("parent", "partnerships", "organizations"):
            if request.GET.get(name):
                initial[name] = request.GET.getlist(name)
        discussed = initial.get("partnerships", [])
    else:
        discussed = [p.pk for p in meeting.partnerships.all()]
    form = MeetingForm(request.POST or None, instance=meeting, initial=initial)
    # The form adds new follow-up actions; existing ones are edited on their
    # own pages, by their owners (and listed read-only here). Opened from a
    # partnership, or editing a meeting about one, new rows start with it.
    actions = MeetingActionFormSet(
        request.POST or None,
        instance=meeting or Meeting(),
        prefix="actions",
        default_owner=request.user.pk,
        default_partnership=discussed[0] if len(discussed) == 1 else None,
        queryset=Action.objects.none(),
    )
    if request.method == "POST":
        if form.is_valid() and actions.is_valid():
            try:
                saved = _save_meeting(request, form, actions)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Meeting saved.") if meeting else _("Meeting logged."))
                return redirect(saved)
        messages.error(request, _("Nothing was saved: please correct the errors below."))
    existing = Action.objects.filter(meeting=meeting).for_list() if meeting else []
    return render(
        request,
        "meetings/form.html",
        {"form": form, "actions": actions, "meeting": meeting, "existing_actions": existing},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    permissions.can_create.require(request.user)
    return _meeting_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    permissions.can_edit_meeting.require(request.user, meeting)
    return _meeting_form_page(request, meeting)


@staff_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    permissions.can_delete.require(request.user, meeting)
    lifecycle.soft_delete(meeting, by=request.user)
    messages.success(
        request, _("Meeting deleted. A manager can restore it from the deleted items.")
    )
    return redirect("meetings:list")
