"""The briefing dossier as a PDF, rendered by WeasyPrint from the printable page.

WeasyPrint needs Pango (a system library) and, for Chinese script, a CJK font
(``settings.CRM_PDF_CJK_FONT``, Noto Sans CJK from Debian's fonts-noto-cjk).
:func:`missing_requirement` says which is missing, so that the PDF link can
explain it (HTTP 503) while the printable page keeps working: a PDF with boxes
instead of 张家口市 would be worse than none.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

STYLESHEET = "css/dossier.css"


@dataclass(frozen=True)
class Missing:
    """What the server lacks to make the PDF, and the package that provides it."""

    what: str
    package: str


class PdfUnavailable(RuntimeError):
    def __init__(self, missing: Missing) -> None:
        super().__init__(missing.what)
        self.missing = missing


def _weasyprint():
    """The module, or ``None`` when it or its system libraries are missing
    (importing it loads Pango and raises OSError without it)."""
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    return weasyprint


def cjk_font_installed(family: str) -> bool:
    """Does fontconfig (what Pango, hence WeasyPrint, asks) know ``family``?"""
    fc_list = shutil.which("fc-list")
    if not family or fc_list is None:
        return False
    try:
        listed = subprocess.run(  # noqa: S603 (a fixed program; the family is one argument, no shell)
            [fc_list, family, "family"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.stdout.strip())


def missing_requirement() -> Missing | None:
    """``None`` when a PDF can be made here, else what is missing."""
    if _weasyprint() is None:
        return Missing(
            what=_("WeasyPrint or the Pango library it needs is not installed."),
            package="libpango-1.0-0 libpangoft2-1.0-0 (pip install -r requirements.txt)",
        )
    if shutil.which("fc-list") is None:
        return Missing(what=_("Fontconfig is not installed."), package="fontconfig")
    if not cjk_font_installed(settings.CRM_PDF_CJK_FONT):
        return Missing(
            what=_("The font for Chinese script (%(font)s) is not installed.")
            % {"font": settings.CRM_PDF_CJK_FONT or "—"},
            package=settings.CRM_PDF_CJK_FONT_PACKAGE,
        )
    return None


def _refuse_fetch(url: str, *args, **kwargs):
    # The dossier holds text people typed (websites, notes): nothing in it may
    # make the server fetch a URL. The stylesheet is passed in directly.
    raise ValueError(f"The dossier PDF fetches nothing ({url}).")


def render_pdf(html: str) -> bytes:
    """The PDF of the printable page ``html``; raises :class:`PdfUnavailable`."""
    missing = missing_requirement()
    if missing is not None:
        raise PdfUnavailable(missing)
    weasyprint = _weasyprint()
    stylesheet = Path(finders.find(STYLESHEET) or settings.STATIC_ROOT / STYLESHEET)
    return weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(stylesheet), url_fetcher=_refuse_fetch)]
    )
