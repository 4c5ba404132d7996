"""Deleted partnerships, meetings and actions, for managers to restore."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships import lifecycle, permissions
from partnerships.models import Action, Meeting, Partnership
from partnerships.views.access import staff_required

KINDS = {"partnership": Partnership, "meeting": Meeting, "action": Action}
SHOWN = 50


@staff_required
def trash(request: HttpRequest) -> HttpResponse:
    permissions.can_restore.require(request.user)

    def deleted(model):
        return (
            model.all_objects.filter(deleted_at__isnull=False)
            .select_related("deleted_by")
            .order_by("-deleted_at")[:SHOWN]
        )

    sections = [
        ("partnership", _("Partnerships"), deleted(Partnership)),
        ("meeting", _("Meetings"), deleted(Meeting)),
        ("action", _("Actions"), deleted(Action)),
    ]
    return render(request, "trash.html", {"sections": sections})


@staff_required
@require_POST
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    permissions.can_restore.require(request.user)
    model = KINDS.get(kind)
    if model is None:
        return redirect("trash")
    obj = get_object_or_404(model.all_objects, pk=pk)
    if obj.is_deleted:
        lifecycle.restore(obj, by=request.user)
        messages.success(request, _("“%(name)s” restored.") % {"name": obj})
    else:
        messages.info(request, _("“%(name)s” was not deleted.") % {"name": obj})
    return redirect(obj)
