"""What files may be attached as documents: a short list of office and image
formats, checked by extension *and* by content, with a size limit.

HTML, SVG, scripts and executables are refused outright; files are always served
back as downloads (see views/documents.py), never rendered inline.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]  # accepted first bytes; empty: plain text


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt, msg)
_ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument

ALLOWED_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",)),
    ".doc": FileType("application/msword", (_OLE,)),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)
    ),
    ".xls": FileType("application/vnd.ms-excel", (_OLE,)),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".ppt": FileType("application/vnd.ms-powerpoint", (_OLE,)),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,)
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", (_ZIP,)),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": FileType("text/plain", ()),
    ".msg": FileType("application/vnd.ms-outlook", (_OLE,)),
}


def allowed_extensions() -> list[str]:
    return sorted(ALLOWED_TYPES)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    original_name: str


def check_document_file(upload: UploadedFile) -> CheckedFile:
    """Validate an uploaded document; raise ValidationError with a clear message."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be attached. Allowed types: %(allowed)s.")
            % {"ext": extension or _("no extension"), "allowed": ", ".join(allowed_extensions())},
            code="file_type",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            },
            code="file_size",
        )
    head = _read_head(upload)
    if not _content_matches(file_type, head, upload):
        raise ValidationError(
            _("The file’s content does not match its “%(ext)s” extension.") % {"ext": extension},
            code="file_content",
        )
    return CheckedFile(
        content_type=file_type.content_type,
        size=upload.size,
        sha256=_sha256(upload),
        original_name=name[:255],
    )


def _read_head(upload: UploadedFile, size: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _content_matches(file_type: FileType, head: bytes, upload: UploadedFile) -> bool:
    if not file_type.signatures:
        return _is_plain_text(head)
    if not any(head.startswith(signature) for signature in file_type.signatures):
        return False
    if file_type.signatures == (_ZIP,):
        return _is_office_zip(upload)
    return True


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lower().lstrip()
    # A .txt that is really markup could be rendered by a careless viewer.
    return not lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script"))


def _is_office_zip(upload: UploadedFile) -> bool:
    """An Office Open XML or OpenDocument file is a zip with a known entry."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names or "mimetype" in names


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
