"""The briefing dossier through the API (issue 14): ``GET .../<id>/dossier/``
on organizations, partnerships and meetings.

The JSON holds each section's data, as ``partnerships.dossier.build_dossier``
gathers it for the printable page (same scope, same access rules, same fixed
number of queries), with the labels in the language asked (``?lang=en|fr``,
by default the user's). ``?format=pdf`` answers the page's PDF, or a JSON 503
saying what the server lacks to make it, as the page does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships import permissions
from partnerships.api.fields import CountryCodeField, PersonNameField
from partnerships.dossier import Dossier, NotVisible, SubjectKind, build_dossier
from partnerships.dossier_pdf import PdfUnavailable
from partnerships.ids import parse_id
from partnerships.models import UserProfile
from partnerships.views.dossier import pdf_filename, pdf_of

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# What each section holds ------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = PersonNameField(source="*")


class NamedOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    local_name = serializers.CharField(read_only=True)


class RelationSerializer(serializers.Serializer):
    outgoing = serializers.BooleanField(
        read_only=True,
        help_text='True: "this organization <kind> other"; false: "other <kind> this one".',
    )
    kind = serializers.CharField(source="relation.kind", read_only=True)
    kind_label = serializers.CharField(source="relation.get_kind_display", read_only=True)
    other = NamedOrganizationSerializer(read_only=True)
    since = serializers.DateField(source="relation.since", read_only=True, allow_null=True)
    until = serializers.DateField(source="relation.until", read_only=True, allow_null=True)
    note = serializers.CharField(source="relation.note", read_only=True)


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.pk", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    local_name = serializers.CharField(source="organization.local_name", read_only=True)
    romanization = serializers.CharField(source="organization.romanization", read_only=True)
    aliases = serializers.ListField(
        source="organization.alias_list", child=serializers.CharField(), read_only=True
    )
    kind = serializers.CharField(source="organization.kind", read_only=True)
    kind_label = serializers.CharField(source="organization.get_kind_display", read_only=True)
    country = CountryCodeField(source="organization.country", read_only=True)
    locality = serializers.CharField(source="organization.locality", read_only=True)
    website = serializers.CharField(source="organization.website", read_only=True)
    sectors = serializers.SerializerMethodField()
    notes = serializers.CharField(source="organization.notes", read_only=True)
    ancestors = NamedOrganizationSerializer(
        many=True, read_only=True, help_text="Its parents, the nearest first."
    )
    hierarchy_cut = serializers.BooleanField(
        read_only=True, help_text="True when the chain of parents goes on beyond those listed."
    )
    children = NamedOrganizationSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, profile: Any) -> list[dict]:
        relations = [
            {"outgoing": outgoing, "other": other, "relation": relation}
            for outgoing, other, relation in profile.relations
        ]
        return RelationSerializer(relations, many=True).data

    def get_sectors(self, profile: Any) -> list[str]:
        return [sector.label for sector in profile.organization.sectors.all()]


class DossierPartySerializer(serializers.Serializer):
    organization = NamedOrganizationSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)


class PartnershipBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="partnership.pk", read_only=True)
    title = serializers.CharField(source="partnership.title", read_only=True)
    kind = serializers.CharField(source="partnership.kind", read_only=True)
    kind_label = serializers.CharField(source="partnership.get_kind_display", read_only=True)
    stage = serializers.CharField(source="partnership.stage", read_only=True)
    stage_label = serializers.CharField(source="partnership.get_stage_display", read_only=True)
    status = serializers.CharField(source="partnership.status", read_only=True)
    status_label = serializers.CharField(source="partnership.get_status_display", read_only=True)
    signed_on = serializers.DateField(source="partnership.signed_on", allow_null=True)
    start_date = serializers.DateField(source="partnership.start_date", allow_null=True)
    end_date = serializers.DateField(source="partnership.end_date", allow_null=True)
    renews_tacitly = serializers.BooleanField(source="partnership.renews_tacitly")
    expired = serializers.BooleanField(read_only=True)
    expiry_words = serializers.CharField(
        read_only=True, help_text='"expires in 3 months", in the language asked.'
    )
    value_amount = serializers.DecimalField(
        source="partnership.value_amount", max_digits=20, decimal_places=2, allow_null=True
    )
    value_currency = serializers.CharField(source="partnership.value_currency")
    value_note = serializers.CharField(source="partnership.value_note")
    owner = PersonSerializer(source="partnership.owner", read_only=True)
    parties = DossierPartySerializer(many=True, read_only=True)
    summary = serializers.CharField(source="partnership.summary", read_only=True)
    is_focus = serializers.BooleanField(
        read_only=True, help_text="True for the partnership whose dossier this is."
    )


class MeetingBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    locality = serializers.CharField(read_only=True)
    country = CountryCodeField(read_only=True)
    organizations = NamedOrganizationSerializer(many=True, read_only=True)
    summary = serializers.CharField(read_only=True)
    outcomes = serializers.CharField(read_only=True)


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="action.pk", read_only=True)
    title = serializers.CharField(source="action.title", read_only=True)
    side = serializers.CharField(source="action.side", read_only=True)
    status = serializers.CharField(source="action.status", read_only=True)
    priority = serializers.CharField(source="action.priority", read_only=True)
    owner = PersonSerializer(source="action.owner", read_only=True)
    due_date = serializers.DateField(source="action.due_date", allow_null=True)
    overdue = serializers.BooleanField(read_only=True)
    due_words = serializers.CharField(
        read_only=True, help_text='"3 days late", "in 2 weeks", in the language asked.'
    )
    partnership = serializers.IntegerField(source="action.partnership_id", allow_null=True)
    lead_organization = NamedOrganizationSerializer(
        source="action.lead_organization", read_only=True, allow_null=True
    )


class CommitmentsSerializer(serializers.Serializer):
    ours = CommitmentSerializer(many=True, read_only=True)
    theirs = CommitmentSerializer(
        many=True, read_only=True, help_text="The partner's commitments, which we chase."
    )
    overdue = serializers.IntegerField(read_only=True)


class AgendaSerializer(serializers.Serializer):
    meeting = MeetingBriefSerializer(read_only=True)
    planned = serializers.BooleanField(read_only=True)
    days_ahead = serializers.IntegerField(read_only=True)
    when_words = serializers.CharField(read_only=True)
    partnerships = serializers.SerializerMethodField()
    attendees = PersonSerializer(many=True, read_only=True)
    actions = CommitmentSerializer(many=True, read_only=True)

    def get_partnerships(self, data: dict) -> list[int]:
        return [partnership.pk for partnership in data["partnerships"]]


class KeyContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="contact.pk", read_only=True)
    name = serializers.CharField(source="contact.name", read_only=True)
    local_name = serializers.CharField(source="contact.local_name", read_only=True)
    title = serializers.CharField(source="contact.title", read_only=True)
    organization = NamedOrganizationSerializer(source="contact.organization", read_only=True)
    languages = serializers.CharField(source="contact.languages", read_only=True)
    email = serializers.CharField(source="contact.email", read_only=True)
    phone = serializers.CharField(source="contact.phone", read_only=True)
    messaging_app = serializers.CharField(source="contact.messaging_app", read_only=True)
    messaging_handle = serializers.CharField(source="contact.messaging_handle", read_only=True)
    met_at_this_meeting = serializers.BooleanField(read_only=True)


class SigningSerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="contact.pk", read_only=True)
    name = serializers.CharField(source="contact.name", read_only=True)
    title_at_signing = serializers.CharField(read_only=True)
    organization = serializers.CharField(source="contact.organization.name", read_only=True)


class DocumentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    partnership = serializers.IntegerField(source="partnership_id", read_only=True)
    signed_on = serializers.DateField(read_only=True, allow_null=True)
    signed_where = serializers.CharField(read_only=True)
    signatories = SigningSerializer(source="signings.all", many=True, read_only=True)


class ResultCellSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    value = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=True
    )


class TargetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    indicator = serializers.CharField(source="indicator.label", read_only=True)
    unit = serializers.CharField(source="indicator.unit_label", read_only=True)
    label = serializers.CharField(read_only=True)
    target = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=True
    )
    target_year = serializers.IntegerField(read_only=True, allow_null=True)
    results = ResultCellSerializer(source="results.all", many=True, read_only=True)
    achieved = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=True
    )
    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)


class TargetsSerializer(serializers.Serializer):
    partnership = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    lines = TargetLineSerializer(many=True, read_only=True)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField(
        read_only=True,
        help_text="agenda, profiles, partnerships, targets, meetings, commitments, "
        "contacts or documents: the field that holds its data.",
    )
    title = serializers.CharField(read_only=True, help_text="In the language asked.")


class DossierSerializer(serializers.Serializer):
    """A briefing dossier: its sections in print order, and each one's data
    (an empty list, or null, when the printable page leaves it out)."""

    kind = serializers.CharField(read_only=True)
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    today = serializers.DateField(read_only=True)
    page_url = serializers.CharField(read_only=True, help_text="The printable page.")
    pdf_url = serializers.CharField(read_only=True, help_text="This dossier as a PDF.")
    sections = SectionSerializer(many=True, read_only=True)
    agenda = AgendaSerializer(read_only=True, allow_null=True)
    profiles = ProfileSerializer(many=True, read_only=True)
    partnerships = PartnershipBriefSerializer(many=True, read_only=True)
    targets = TargetsSerializer(many=True, read_only=True)
    meetings = MeetingBriefSerializer(many=True, read_only=True)
    commitments = CommitmentsSerializer(read_only=True)
    contacts = KeyContactSerializer(many=True, read_only=True)
    documents = DocumentBriefSerializer(many=True, read_only=True)


def dossier_data(dossier: Dossier, *, page_url: str, pdf_url: str) -> dict[str, Any]:
    """What :class:`DossierSerializer` reads: the dossier's sections by key."""
    by_key = {section.key: section.data for section in dossier.sections}
    targets = [
        {
            "partnership": partnership.pk,
            "title": partnership.title,
            "lines": [row["line"] for row in table["rows"]],
        }
        for partnership, table in by_key.get("targets") or []
    ]
    return {
        "kind": dossier.kind,
        "id": dossier.subject.pk,
        "title": dossier.title,
        "language": dossier.language,
        "today": dossier.today,
        "page_url": page_url,
        "pdf_url": pdf_url,
        "sections": [{"key": s.key, "title": s.title} for s in dossier.sections],
        "agenda": by_key.get("agenda"),
        "profiles": by_key.get("profiles") or [],
        "partnerships": by_key.get("partnerships") or [],
        "targets": targets,
        "meetings": by_key.get("meetings") or [],
        "commitments": by_key.get("commitments") or {"ours": [], "theirs": [], "overdue": 0},
        "contacts": by_key.get("contacts") or [],
        "documents": by_key.get("documents") or [],
    }


# The endpoint -------------------------------------------------------------------------------


class PdfRenderer(BaseRenderer):
    """``?format=pdf``: the dossier's PDF. An error (403, 404, 503) is still
    JSON, with a JSON content type: a client asking for a PDF gets a body it
    can read rather than a file that will not open."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


def _language(request: Request) -> str:
    """``?lang=``, else the language the user chose last, else the request's."""
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked not in LANGUAGE_CODES:
            raise ValidationError(
                {
                    "lang": [
                        _("The dossier is not offered in %(language)s: choose %(choices)s.")
                        % {"language": asked, "choices": ", ".join(LANGUAGE_CODES)}
                    ]
                }
            )
        return asked
    chosen = UserProfile.objects.filter(user=request.user).values_list("language", flat=True)
    return next(iter(chosen), "") or translation.get_language() or settings.LANGUAGE_CODE


DOSSIER_PARAMETERS = [
    OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        enum=LANGUAGE_CODES,
        description="The dossier's language, whatever the request's (default: the language "
        "the user chose last on the pages, else the request's).",
    ),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "pdf"],
        description="pdf: the printable page as a PDF (503 with a JSON error saying what "
        "to install when the server lacks WeasyPrint, Pango or the Chinese font).",
    ),
]


def dossier_action(kind: SubjectKind):
    """The ``dossier`` action of the viewset of ``kind``."""

    @extend_schema(
        request=None,
        parameters=DOSSIER_PARAMETERS,
        responses={
            200: OpenApiResponse(
                DossierSerializer,
                description="The dossier (or, with ?format=pdf, the PDF: application/pdf).",
            ),
            400: OpenApiResponse(description="A language not offered."),
            503: OpenApiResponse(
                description="?format=pdf only: the PDF cannot be made on this server "
                "(``detail`` and ``missing`` say why and ``install`` what)."
            ),
        },
        description=f"The briefing dossier of this {kind}, as the printable page shows it: "
        "what to read before a visit, section by section, in the language asked.",
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def dossier(self, request: Request, pk: str | None = None) -> Response | HttpResponse:
        permissions.can_view_dossier.require(request.user)
        subject_pk = parse_id(pk)
        if subject_pk is None:
            raise NotFound()
        language = _language(request)
        page_url = f"{reverse(f'{kind}s:dossier', args=[subject_pk])}?lang={language}"
        pdf_url = f"{reverse(f'api:{kind}-dossier', args=[subject_pk])}?lang={language}&format=pdf"
        with translation.override(language):
            try:
                built = build_dossier(user=request.user, kind=kind, pk=subject_pk)
            except NotVisible as missing:
                raise NotFound() from missing
            if request.accepted_renderer.format != "pdf":
                data = dossier_data(built, page_url=page_url, pdf_url=pdf_url)
                response = Response(DossierSerializer(data).data)
            else:
                response = _pdf_response(request, built, page_url=page_url, language=language)
        response["Content-Language"] = language
        return response

    return dossier


def _pdf_response(request: Request, built: Dossier, *, page_url: str, language: str) -> Response:
    try:
        content = pdf_of(request._request, built)
    except PdfUnavailable as unavailable:
        return Response(
            {
                "detail": _("The PDF cannot be made on this server: %(what)s")
                % {"what": unavailable.missing.what},
                "missing": unavailable.missing.what,
                "install": unavailable.missing.package,
                "page_url": page_url,
            },
            status=503,
        )
    response = Response(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(built)}"'
    return response
