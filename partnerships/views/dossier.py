"""The briefing dossier of an organization, a partnership or a meeting: a
printable page and its PDF, in the language the reader picks (``?lang=fr``)
whatever the language of the pages (``partnerships.dossier`` builds it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnerships.dossier import Dossier, NotVisible, SubjectKind, build_dossier
from partnerships.dossier_pdf import PdfUnavailable, render_pdf
from partnerships.views.access import staff_required

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def page_context(dossier: Dossier) -> dict[str, Any]:
    """What ``dossier/dossier.html`` needs besides the dossier."""
    kind, pk = dossier.kind, dossier.subject.pk
    return {
        "dossier": dossier,
        "page_url": reverse(f"{kind}s:dossier", args=[pk]),
        "pdf_url": reverse(f"{kind}s:dossier_pdf", args=[pk]),
        "languages": settings.LANGUAGES,
        "subject_url": dossier.subject.get_absolute_url(),
    }


def pdf_of(request: HttpRequest, dossier: Dossier) -> bytes:
    """The dossier's PDF (the page, printed); raises PdfUnavailable without
    WeasyPrint's libraries or the CJK fonts. Call it in the dossier's language."""
    html = render_to_string(
        "dossier/dossier.html", {**page_context(dossier), "for_pdf": True}, request=request
    )
    return render_pdf(html)


def pdf_filename(dossier: Dossier) -> str:
    name = slugify(dossier.title) or f"{dossier.kind}-{dossier.subject.pk}"
    return f"dossier-{name}-{dossier.language}.pdf"


def _dossier(request: HttpRequest, kind: SubjectKind, pk: int, *, pdf: bool) -> HttpResponse:
    language = request.GET.get("lang") or translation.get_language() or "en"
    if language not in LANGUAGE_CODES:
        return render(
            request,
            "dossier/bad_language.html",
            {"language": language, "choices": settings.LANGUAGES},
            status=400,
        )
    with translation.override(language):
        try:
            dossier = build_dossier(user=request.user, kind=kind, pk=pk)
        except NotVisible as missing:
            raise Http404(_("No such record.")) from missing
        context = page_context(dossier)
        if not pdf:
            response = render(request, "dossier/dossier.html", context)
        else:
            try:
                content = pdf_of(request, dossier)
            except PdfUnavailable as unavailable:
                response = render(
                    request,
                    "dossier/pdf_unavailable.html",
                    {**context, "missing": unavailable.missing},
                    status=503,
                )
            else:
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="{pdf_filename(dossier)}"'
    response["Content-Language"] = language
    return response


@staff_required
@require_GET
def organization_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "organization", pk, pdf=False)


@staff_required
@require_GET
def organization_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "organization", pk, pdf=True)


@staff_required
@require_GET
def partnership_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "partnership", pk, pdf=False)


@staff_required
@require_GET
def partnership_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "partnership", pk, pdf=True)


@staff_required
@require_GET
def meeting_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "meeting", pk, pdf=False)


@staff_required
@require_GET
def meeting_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier(request, "meeting", pk, pdf=True)
