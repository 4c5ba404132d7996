"""The REST API: one viewset per resource.

Each viewset reads through a queryset scoped by ``permissions.py`` and prepared
like the pages' lists (``for_list()``: a fixed number of queries whatever the
number of rows), filters with the pages' FilterSet, and names, for each write,
the rule of ``permissions.py`` that guards it (see ``api/permissions.py``).
Stage moves, status changes and action workflows are endpoints that call
``lifecycle.py``; a plain PUT or PATCH cannot do them. Deleting is soft, and
managers restore.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from partnerships import dormancy, filters, history, lifecycle, permissions
from partnerships.api import serializers
from partnerships.api.dossier import dossier_action
from partnerships.api.filtering import (
    DocumentFilter,
    DormancyAlertFilter,
    IndicatorLineFilter,
    OrganizationRelationFilter,
    StageChangeFilter,
    UserFilter,
)
from partnerships.models import (
    AbandonReason,
    Action,
    Contact,
    ContactPosition,
    Document,
    DocumentSignatory,
    DormancyAlert,
    Indicator,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
    Sector,
    StageChange,
)
from partnerships.permissions import Rule

User = get_user_model()


@csrf_exempt  # it changes nothing; a refused CSRF check would answer in HTML
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/ (``/api/partnerships/1.5/`` included): a
    JSON 404, like the API's own, not the HTML "page not found". Without its
    trailing slash, an address says which one was meant (rather than a redirect
    that would lose the body of a POST)."""
    detail = gettext("Not found.")
    if not request.path_info.endswith("/"):
        with_slash = f"{request.path_info}/"
        try:
            meant = resolve(with_slash).func is not api_not_found
        except Resolver404:
            meant = False
        if meant:
            detail = gettext("Not found. Did you mean %(path)s (with a trailing slash)?") % {
                "path": with_slash
            }
    return JsonResponse({"detail": detail}, status=404)


class CrmViewSet(viewsets.GenericViewSet):
    """What every resource shares: id look-ups, the rules that guard writes,
    and answers that show a record as a GET of it would."""

    create_rule: Rule | None = permissions.can_create
    object_rules: dict[str, Rule] = {}
    create_serializer_class: type[BaseSerializer] | None = None

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create" and self.create_serializer_class is not None:
            return self.create_serializer_class
        return self.serializer_class

    def represent(self, instance: Model) -> dict[str, Any]:
        """The record as a GET shows it, read again through the scoped queryset."""
        fresh = self.get_queryset().get(pk=instance.pk)
        return self.serializer_class(fresh, context=self.get_serializer_context()).data

    def validated(self, serializer_class: type[BaseSerializer]) -> dict[str, Any]:
        """The request body, checked by ``serializer_class`` (a 400 otherwise)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def rows(self, model: type[Model]) -> QuerySet:
        """Live rows; deleted ones too, for restoring."""
        manager = model.all_objects if self.action == "restore" else model.objects
        return manager.all()


class HistoryMixin:
    """``GET .../<id>/history/``: the record's changes, newest first, field by
    field (old → new), for whoever permissions.can_view_history lets see them."""

    @extend_schema(
        request=None,
        responses={200: serializers.HistoryEntrySerializer(many=True)},
        description="Read-only: each change of this record, newest first (at most 200), "
        "with each field's old and new value as the pages show them. For managers and admins.",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        entries = history.history_of(record)
        return Response(serializers.HistoryEntrySerializer(entries, many=True).data)


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CrmViewSet):
    create_rule = None


class EditableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    CrmViewSet,
):
    """List, read, create and update (PUT/PATCH)."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.perform_create(serializer)
        return Response(self.represent(instance), status=http.HTTP_201_CREATED)

    def perform_create(self, serializer: BaseSerializer) -> Model:
        return serializer.save()

    def perform_update(self, serializer: BaseSerializer) -> None:
        with transaction.atomic():
            serializer.save()


class SoftDeleteViewSet(mixins.DestroyModelMixin, EditableViewSet):
    """Adds permissions.can_delete (soft: the record is hidden, a manager can restore it) and
    ``POST .../restore/``."""

    def perform_destroy(self, instance: Model) -> None:
        lifecycle.soft_delete(instance, by=self.request.user)

    def run_restore(self) -> Response:
        instance = self.get_object()
        lifecycle.restore(instance, by=self.request.user)
        return Response(self.represent(instance))


def _visible(request: Request, queryset: QuerySet) -> QuerySet:
    return permissions.visible(request.user, queryset)


def refuse_unallowed_reassignment(request: Request, serializer: BaseSerializer, rule: Rule) -> None:
    """An update that changes the owner is a reassignment, which has its own rule."""
    permissions.require_owner_change(
        rule, request.user, serializer.instance, serializer.validated_data.get("owner")
    )


# Reference data and people ------------------------------------------------------------


class UserViewSet(ReadOnlyViewSet):
    """People, to choose owners, team members and attendees by id."""

    queryset = User.objects.all()
    serializer_class = serializers.UserSerializer
    filterset_class = UserFilter

    def get_queryset(self) -> QuerySet:
        users = User.objects.order_by("first_name", "last_name", "username")
        return _visible(self.request, users)


class SectorViewSet(ReadOnlyViewSet):
    """Sectors (admins manage them in the Django admin)."""

    queryset = Sector.objects.all()
    serializer_class = serializers.SectorSerializer

    def get_queryset(self) -> QuerySet:
        return _visible(self.request, Sector.objects.all())


class AbandonReasonViewSet(ReadOnlyViewSet):
    """Why partnerships are abandoned: the ``reason`` of a status change."""

    queryset = AbandonReason.objects.all()
    serializer_class = serializers.AbandonReasonSerializer

    def get_queryset(self) -> QuerySet:
        return _visible(self.request, AbandonReason.objects.all())


# Organizations and contacts -------------------------------------------------------------


class OrganizationViewSet(HistoryMixin, EditableViewSet):
    """Organizations. There is no permissions.can_delete: partnerships, contacts and actions
    point to them (admins merge or remove them in the Django admin)."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    object_rules = {
        "history": permissions.can_view_history,
        "update": permissions.can_edit_organization,
        "partial_update": permissions.can_edit_organization,
        "merge": permissions.can_merge_records,
    }

    dossier = dossier_action("organization")

    def get_queryset(self) -> QuerySet:
        organizations = Organization.objects.for_list().prefetch_related("sectors")
        return _visible(self.request, organizations)

    @extend_schema(
        request=serializers.OrganizationMergeSerializer,
        responses={200: serializers.OrganizationSerializer},
        description=(
            "Merge the duplicate into this organization (managers and admins): every "
            "reference (parties, meetings, actions, relations, children, contacts, sectors, "
            "history) moves to it, the duplicate's names become its aliases, the duplicate "
            "is deleted and the history records the merge. Cannot be undone."
        ),
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        survivor = self.get_object()
        data = self.validated(serializers.OrganizationMergeSerializer)
        merged = lifecycle.merge_organizations(
            survivor=survivor, loser=data["duplicate"], keep=data["keep"], by=request.user
        )
        return Response(self.represent(merged))


@extend_schema_view(
    destroy=extend_schema(description="Removes the link; both organizations stay."),
)
class OrganizationRelationViewSet(mixins.DestroyModelMixin, EditableViewSet):
    """Typed, dated links between organizations ("source <kind> target"), with
    the rules of organizations: whoever may edit organizations adds and
    changes them; removing one is permissions.can_delete's (it is not soft:
    the link goes, both organizations stay, and the history keeps it)."""

    queryset = OrganizationRelation.objects.all()
    serializer_class = serializers.OrganizationRelationSerializer
    filterset_class = OrganizationRelationFilter
    create_rule = permissions.can_edit_organization
    object_rules = {
        "update": permissions.can_edit_organization,
        "partial_update": permissions.can_edit_organization,
        "destroy": permissions.can_delete,
    }

    def get_queryset(self) -> QuerySet:
        relations = OrganizationRelation.objects.select_related("source", "target").order_by(
            "source__name", "kind", "target__name", "pk"
        )
        return _visible(self.request, relations)


class ContactViewSet(HistoryMixin, EditableViewSet):
    """Contacts. There is no permissions.can_delete: untick ``is_active`` when someone leaves."""

    queryset = Contact.objects.all()
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    object_rules = {
        "history": permissions.can_view_history,
        "update": permissions.can_edit_contact,
        "partial_update": permissions.can_edit_contact,
        "merge": permissions.can_merge_records,
        "new_post": permissions.can_edit_contact,
    }

    def get_queryset(self) -> QuerySet:
        return _visible(self.request, Contact.objects.for_list().with_positions())

    @extend_schema(
        request=serializers.PositionChangeSerializer,
        responses={200: serializers.ContactSerializer},
        description=(
            "The person takes a new post: the current one ends the day before ``since`` "
            "and stays in ``positions``; the contact's organization and title become the "
            "new post's."
        ),
    )
    @action(detail=True, methods=["post"], url_path="new-post")
    def new_post(self, request: Request, pk: str | None = None) -> Response:
        contact = self.get_object()
        data = self.validated(serializers.PositionChangeSerializer)
        lifecycle.change_position(contact=contact, by=request.user, **data)
        return Response(self.represent(self.get_object()))

    @extend_schema(
        request=serializers.ContactMergeSerializer,
        responses={200: serializers.ContactSerializer},
        description=(
            "Merge the duplicate into this contact (managers and admins): meetings "
            "attended, signatures and history move to it, the duplicate is deleted and "
            "the history records the merge. Cannot be undone."
        ),
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        survivor = self.get_object()
        data = self.validated(serializers.ContactMergeSerializer)
        merged = lifecycle.merge_contacts(
            survivor=survivor, loser=data["duplicate"], keep=data["keep"], by=request.user
        )
        return Response(self.represent(merged))


class ContactPositionViewSet(ReadOnlyViewSet):
    """The posts contacts held and hold (``?contact=``, ``?organization=``,
    ``?current=true``): who held which post, and when."""

    queryset = ContactPosition.objects.all()
    serializer_class = serializers.ContactPositionSerializer
    filterset_class = filters.ContactPositionFilter

    def get_queryset(self) -> QuerySet:
        return _visible(
            self.request, ContactPosition.objects.select_related("organization").order_by("pk")
        )


# Partnerships ---------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=serializers.PartnershipCreateSerializer,
        responses={201: serializers.PartnershipSerializer},
    ),
    destroy=extend_schema(
        description="Soft delete: hidden from every list; a manager can restore it."
    ),
)
class PartnershipViewSet(HistoryMixin, SoftDeleteViewSet):
    """Partnerships. The stage changes only through ``move``, the status only
    through ``status``; both are recorded in the history."""

    queryset = Partnership.objects.all()
    serializer_class = serializers.PartnershipSerializer
    create_serializer_class = serializers.PartnershipCreateSerializer
    filterset_class = filters.PartnershipFilter
    object_rules = {
        "history": permissions.can_view_history,
        "update": permissions.can_edit_partnership,
        "partial_update": permissions.can_edit_partnership,
        "move": permissions.can_move_partnership,
        "change_status": permissions.can_change_partnership_status,
        "renew": permissions.can_renew_partnership,
        "destroy": permissions.can_delete,
        "restore": permissions.can_restore,
    }

    dossier = dossier_action("partnership")

    def get_queryset(self) -> QuerySet:
        return (
            self.rows(Partnership)
            .visible_to(self.request.user)
            .for_list()
            # origin_meeting: read to show it only while that meeting is live.
            .select_related(
                "created_by",
                "abandon_reason",
                "origin_meeting",
                "successor",
                "framework",
                "predecessor",
            )
            .prefetch_related("team")
        )

    def perform_create(self, serializer: BaseSerializer) -> Model:
        return serializer.save(created_by=self.request.user)

    def perform_update(self, serializer: BaseSerializer) -> None:
        refuse_unallowed_reassignment(
            self.request, serializer, permissions.can_reassign_partnership
        )
        super().perform_update(serializer)

    @extend_schema(
        request=serializers.StageMoveSerializer,
        responses={200: serializers.PartnershipSerializer},
        description=(
            "Move to another stage. Forward moves may skip stages; moving back needs a "
            "note; a concluded or abandoned partnership does not move. Recorded as a "
            "stage change."
        ),
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        partnership = self.get_object()
        data = self.validated(serializers.StageMoveSerializer)
        lifecycle.move_stage(
            partnership,
            to=data["stage"],
            by=request.user,
            note=data["note"],
            effective_date=data["effective_date"],
            document=data["document"],
            expected_version=data["version"],
        )
        return Response(self.represent(partnership))

    @extend_schema(
        request=serializers.StatusChangeSerializer,
        responses={200: serializers.PartnershipSerializer},
        description=(
            "Put on hold, resume, conclude, abandon (with a reason and a note) or reopen."
        ),
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str | None = None) -> Response:
        partnership = self.get_object()
        data = self.validated(serializers.StatusChangeSerializer)
        lifecycle.change_status(
            partnership,
            to=data["status"],
            by=request.user,
            note=data["note"],
            reason=data["reason"],
            effective_date=data["effective_date"],
            expected_version=data["version"],
        )
        return Response(self.represent(partnership))

    @extend_schema(
        request=serializers.RenewSerializer,
        responses={201: serializers.PartnershipSerializer},
        description=(
            "Renew into a new agreement: a successor at the renewal stage with the same "
            "parties, sectors, team, owner and terms. This partnership keeps its dates, is "
            "concluded and linked to it (its ``successor``). Returns the successor."
        ),
    )
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        partnership = self.get_object()
        data = self.validated(serializers.RenewSerializer)
        successor = lifecycle.renew_into_successor(
            partnership=partnership,
            by=request.user,
            start=data["start"],
            end=data["end"],
            title=data["title"],
            note=data["note"],
            expected_version=data["version"],
        )
        return Response(self.represent(successor), status=http.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: serializers.PartnershipSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Bring back a deleted partnership (managers and admins)."""
        return self.run_restore()


class StageChangeViewSet(ReadOnlyViewSet):
    """Every stage move of the partnerships you can see, the first one (with an
    empty ``from_stage``) being the stage a partnership started in."""

    queryset = StageChange.objects.all()
    serializer_class = serializers.StageChangeSerializer
    filterset_class = StageChangeFilter

    def get_queryset(self) -> QuerySet:
        partnerships = Partnership.objects.visible_to(self.request.user)
        return StageChange.objects.filter(partnership__in=partnerships).select_related(
            "partnership", "changed_by"
        )


# Meetings ------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=serializers.MeetingCreateSerializer,
        responses={201: serializers.MeetingSerializer},
    ),
    destroy=extend_schema(
        description="Soft delete: hidden from every list; a manager can restore it."
    ),
)
class MeetingViewSet(HistoryMixin, SoftDeleteViewSet):
    """Meetings, calls, delegations, missions, forums: any logged interaction."""

    queryset = Meeting.objects.all()
    serializer_class = serializers.MeetingSerializer
    create_serializer_class = serializers.MeetingCreateSerializer
    filterset_class = filters.MeetingFilter
    object_rules = {
        "history": permissions.can_view_history,
        "update": permissions.can_edit_meeting,
        "partial_update": permissions.can_edit_meeting,
        "destroy": permissions.can_delete,
        "restore": permissions.can_restore,
    }

    dossier = dossier_action("meeting")

    def get_queryset(self) -> QuerySet:
        meetings = (
            self.rows(Meeting).for_list().prefetch_related("contacts", "attendees", "partnerships")
        )
        return _visible(self.request, meetings)

    def perform_create(self, serializer: BaseSerializer) -> Model:
        return serializer.save(logged_by=self.request.user)

    @extend_schema(request=None, responses={200: serializers.MeetingSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Bring back a deleted meeting (managers and admins)."""
        return self.run_restore()


# Actions -------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=serializers.ActionCreateSerializer,
        responses={201: serializers.ActionSerializer},
    ),
    destroy=extend_schema(
        description="Soft delete: hidden from every list; a manager can restore it."
    ),
)
class ActionViewSet(HistoryMixin, SoftDeleteViewSet):
    """Follow-up actions. Their status changes only through ``complete``,
    ``cancel`` and ``reopen``."""

    queryset = Action.objects.all()
    serializer_class = serializers.ActionSerializer
    create_serializer_class = serializers.ActionCreateSerializer
    filterset_class = filters.ActionFilter
    object_rules = {
        "history": permissions.can_view_history,
        "update": permissions.can_edit_action,
        "partial_update": permissions.can_edit_action,
        "complete": permissions.can_complete_action,
        "cancel": permissions.can_edit_action,
        "reopen": permissions.can_edit_action,
        "destroy": permissions.can_delete,
        "restore": permissions.can_restore,
    }

    def get_queryset(self) -> QuerySet:
        actions = self.rows(Action).for_list().select_related("completed_by").by_urgency()
        return _visible(self.request, actions)

    def perform_create(self, serializer: BaseSerializer) -> Model:
        return serializer.save(created_by=self.request.user)

    def perform_update(self, serializer: BaseSerializer) -> None:
        refuse_unallowed_reassignment(self.request, serializer, permissions.can_reassign_action)
        super().perform_update(serializer)

    @extend_schema(
        request=serializers.ActionCompleteSerializer,
        responses={200: serializers.ActionSerializer},
        description="Mark an open or in-progress action done, with the outcome.",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        action_ = self.get_object()
        data = self.validated(serializers.ActionCompleteSerializer)
        lifecycle.complete_action(
            action_,
            by=request.user,
            outcome=data["outcome"],
            completed_on=data["completed_on"],
            expected_version=data["version"],
        )
        return Response(self.represent(action_))

    @extend_schema(
        request=serializers.ActionCancelSerializer,
        responses={200: serializers.ActionSerializer},
        description="Cancel an open or in-progress action.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        action_ = self.get_object()
        data = self.validated(serializers.ActionCancelSerializer)
        lifecycle.cancel_action(
            action_, by=request.user, note=data["note"], expected_version=data["version"]
        )
        return Response(self.represent(action_))

    @extend_schema(
        request=serializers.VersionOnlySerializer,
        responses={200: serializers.ActionSerializer},
        description="Reopen a done or cancelled action.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        action_ = self.get_object()
        data = self.validated(serializers.VersionOnlySerializer)
        lifecycle.reopen_action(action_, by=request.user, expected_version=data["version"])
        return Response(self.represent(action_))

    @extend_schema(request=None, responses={200: serializers.ActionSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Bring back a deleted action (managers and admins)."""
        return self.run_restore()


# Documents -----------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": serializers.DocumentUploadSerializer},
        responses={201: serializers.DocumentSerializer},
        description=(
            "Upload a document (multipart/form-data). The file is checked by extension "
            "and content, and limited in size, like on the pages."
        ),
    )
)
class DocumentViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Documents of the partnerships you can see: their description, and the
    address that downloads the file (permission-checked, always as a download)."""

    queryset = Document.objects.all()
    serializer_class = serializers.DocumentSerializer
    create_serializer_class = serializers.DocumentUploadSerializer
    create_rule = permissions.can_create
    filterset_class = DocumentFilter
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet:
        partnerships = Partnership.objects.visible_to(self.request.user)
        return (
            Document.objects.for_list()
            .filter(partnership__in=partnerships)
            .prefetch_related(
                Prefetch(
                    "signings",
                    queryset=DocumentSignatory.objects.select_related("contact").order_by("pk"),
                )
            )
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = serializer.validated_data["partnership"]
        permissions.can_upload_document.require(request.user, partnership)
        with transaction.atomic():
            document = serializer.save(uploaded_by=request.user)
        return Response(self.represent(document), status=http.HTTP_201_CREATED)


# Targets and yearly results ---------------------------------------------------------------


class IndicatorViewSet(ReadOnlyViewSet):
    """What partnerships are measured by (admins manage the list in the Django admin)."""

    queryset = Indicator.objects.all()
    serializer_class = serializers.IndicatorSerializer

    def get_queryset(self) -> QuerySet:
        return _visible(self.request, Indicator.objects.all())


@extend_schema_view(
    destroy=extend_schema(description="Removes the line and its yearly results."),
)
class PartnershipIndicatorViewSet(mixins.DestroyModelMixin, EditableViewSet):
    """Indicator lines of the partnerships you can see, each with its target and
    its yearly results (nested). Whoever may edit a partnership
    (permissions.can_edit_indicators) adds, changes and removes its lines."""

    queryset = PartnershipIndicator.objects.all()
    serializer_class = serializers.PartnershipIndicatorSerializer
    filterset_class = IndicatorLineFilter
    create_rule = permissions.can_create
    object_rules = {
        "update": permissions.can_edit_indicator_line,
        "partial_update": permissions.can_edit_indicator_line,
        "destroy": permissions.can_edit_indicator_line,
    }

    def get_queryset(self) -> QuerySet:
        partnerships = Partnership.objects.visible_to(self.request.user)
        return (
            PartnershipIndicator.objects.filter(partnership__in=partnerships)
            .for_table()
            .prefetch_related("partnership__team")
            .order_by("partnership", "indicator__order", "label", "pk")
        )

    def perform_create(self, serializer: BaseSerializer) -> Model:
        permissions.can_edit_indicators.require(
            self.request.user, serializer.validated_data["partnership"]
        )
        return serializer.save()

    def perform_destroy(self, instance: Model) -> None:
        lifecycle.delete_indicator_line(instance, by=self.request.user)


# Dormancy alerts ----------------------------------------------------------------------------


class DormancyAlertViewSet(ReadOnlyViewSet):
    """The alerts the daily digest sent on signed partnerships gone quiet, once
    per quiet spell (``?open=true``: those whose spell goes on). Managers and
    admins read them all, as the managers' report lists them; staff those they
    were sent and those of the partnerships they own."""

    queryset = DormancyAlert.objects.all()
    serializer_class = serializers.DormancyAlertSerializer
    filterset_class = DormancyAlertFilter

    def get_queryset(self) -> QuerySet:
        return permissions.visible_dormancy_alerts(self.request.user, dormancy.alerts_for_list())
