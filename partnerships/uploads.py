"""What files may be attached as documents: a short list of office, PDF, image
and text formats, each checked by what the file *is*, not only by its name or
first bytes, with size limits.

- PDF: must parse as a PDF (pypdf: cross-reference table, catalogue, pages),
  and carry no JavaScript, launch actions or embedded files.
- Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods): a valid zip
  with the parts that format requires, no macros, no encrypted entries, a
  bounded number of entries, and a bounded size once expanded: every entry is
  inflated (and its checksum verified) within ``DOCUMENT_MAX_EXPANDED_BYTES``,
  so a zip bomb is refused whatever sizes its headers declare.
- Legacy Office (doc, xls, ppt, msg): an OLE compound file with a sane header.
- Images (png, jpeg): must decode fully (Pillow), as the format their name
  says, within ``DOCUMENT_MAX_IMAGE_PIXELS``.
- Plain text: UTF-8 (or UTF-16 with a byte-order mark, or Windows-1252),
  without control characters and without markup.

HTML, SVG, XML and scripts are refused under any name, byte-order mark or
not. Files are always served back as downloads (see views/documents.py), never
rendered inline.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# pypdf and Pillow log what they repair in a damaged file; a refusal says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class NotWhatItClaims(Exception):
    """The content is not a valid file of the type its name says; ``str()``
    is the reason, for the user."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]  # accepted first bytes; empty: plain text
    check: Callable[[UploadedFile, str], None]  # raises NotWhatItClaims


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt, msg)
_ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"

# Markup a browser or viewer could render, looked for anywhere in a text file
# and at the start of every file (after any byte-order mark and blank space).
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|frame|object|embed|meta|"
    rb"link|style|img|form|input|a\s|math|xml|xsl|base|template|!\[cdata\[|!--)",
    re.IGNORECASE,
)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


# Checks by kind ----------------------------------------------------------------------


def _check_pdf(upload: UploadedFile, extension: str) -> None:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise NotWhatItClaims(_("Encrypted PDF files cannot be attached."))
        catalog = reader.trailer["/Root"].get_object()
        pages = len(reader.pages)
    except NotWhatItClaims:
        raise
    except Exception:  # pypdf raises many kinds of errors on a damaged file
        raise NotWhatItClaims(_("The file is not a readable PDF document.")) from None
    if pages < 1:
        raise NotWhatItClaims(_("The PDF document has no pages."))
    names = catalog.get("/Names")
    names = names.get_object() if names is not None else DictionaryObject()
    open_action = catalog.get("/OpenAction")
    open_action = open_action.get_object() if open_action is not None else None
    active = (
        "/JavaScript" in names
        or "/EmbeddedFiles" in names
        or "/AA" in catalog
        or (
            isinstance(open_action, DictionaryObject)
            and open_action.get("/S") in ("/JavaScript", "/Launch", "/URI", "/SubmitForm")
        )
    )
    if active:
        raise NotWhatItClaims(
            _("PDF documents with scripts, automatic actions or embedded files cannot be attached.")
        )


# The part each Office Open XML format cannot do without.
_OOXML_MAIN_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPE = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def _check_office_zip(upload: UploadedFile, extension: str) -> None:
    not_valid = NotWhatItClaims(
        _("The file is not a valid “%(ext)s” document.") % {"ext": extension}
    )
    too_big = NotWhatItClaims(
        _("The document expands to more than %(limit)s once unpacked: it cannot be attached.")
        % {"limit": filesizeformat(settings.DOCUMENT_MAX_EXPANDED_BYTES)}
    )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_valid from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.DOCUMENT_MAX_ZIP_ENTRIES:
            raise too_big
        names = {entry.filename for entry in entries}
        if extension in _ODF_MIMETYPE:
            if not entries or entries[0].filename != "mimetype":
                raise not_valid
        elif "[Content_Types].xml" not in names or _OOXML_MAIN_PART[extension] not in names:
            raise not_valid
        if any(PurePath(name).name.lower() == "vbaproject.bin" for name in names):
            raise NotWhatItClaims(_("Documents with macros cannot be attached."))
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise NotWhatItClaims(_("Encrypted documents cannot be attached."))
        if sum(entry.file_size for entry in entries) > settings.DOCUMENT_MAX_EXPANDED_BYTES:
            raise too_big
        # The declared sizes may lie: inflate everything, counting, within the
        # budget; zipfile checks each entry's CRC at its end.
        budget = settings.DOCUMENT_MAX_EXPANDED_BYTES
        try:
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(64 * 1024):
                        budget -= len(chunk)
                        if budget < 0:
                            raise too_big
            odf_mimetype = _ODF_MIMETYPE.get(extension)
            if odf_mimetype and archive.read("mimetype").strip() != odf_mimetype:
                raise not_valid
        except NotWhatItClaims:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise not_valid from None
        except Exception:  # zlib.error and the like, on a damaged stream
            raise not_valid from None


def _check_ole(upload: UploadedFile, extension: str) -> None:
    """An OLE compound file: its 512-byte header says little-endian, a sector
    size of 512 or 4,096 bytes, and a mini-sector size of 64 bytes."""
    upload.seek(0)
    header = upload.read(512)
    if len(header) < 512:
        raise NotWhatItClaims(_("The file is not a valid “%(ext)s” document.") % {"ext": extension})
    byte_order, sector_shift, mini_shift = struct.unpack_from("<HHH", header, 28)
    if byte_order != 0xFFFE or sector_shift not in (9, 12) or mini_shift != 6:
        raise NotWhatItClaims(_("The file is not a valid “%(ext)s” document.") % {"ext": extension})


_IMAGE_FORMAT = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def _check_image(upload: UploadedFile, extension: str) -> None:
    from PIL import Image

    not_valid = NotWhatItClaims(_("The file is not a valid “%(ext)s” image.") % {"ext": extension})
    too_large = NotWhatItClaims(
        _("The image is too large: more than %(limit)s megapixels.")
        % {"limit": f"{settings.DOCUMENT_MAX_IMAGE_PIXELS / 1_000_000:g}"}
    )
    try:
        upload.seek(0)
        with Image.open(upload, formats=[_IMAGE_FORMAT[extension]]) as image:
            width, height = image.size
            if width * height > settings.DOCUMENT_MAX_IMAGE_PIXELS:
                raise too_large
            image.load()  # decodes every pixel: a damaged image fails here
    except NotWhatItClaims:
        raise
    except Image.DecompressionBombError:  # far beyond any limit: Pillow refuses to open it
        raise too_large from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, bombs...
        raise not_valid from None


def _check_text(upload: UploadedFile, extension: str) -> None:
    upload.seek(0)
    raw = upload.read()
    text = _decode_text(raw)
    if text is None or _has_control_characters(text):
        raise NotWhatItClaims(_("The file is not plain text."))
    if _MARKUP.search(text.encode("utf-8")):
        raise NotWhatItClaims(
            _("The file contains markup (HTML, SVG or XML): it cannot be attached as text.")
        )


def _decode_text(raw: bytes) -> str | None:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


def _has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


ALLOWED_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",), _check_pdf),
    ".doc": FileType("application/msword", (_OLE,), _check_ole),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
        _check_office_zip,
    ),
    ".xls": FileType("application/vnd.ms-excel", (_OLE,), _check_ole),
    ".xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (_ZIP,),
        _check_office_zip,
    ),
    ".ppt": FileType("application/vnd.ms-powerpoint", (_OLE,), _check_ole),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (_ZIP,),
        _check_office_zip,
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", (_ZIP,), _check_office_zip),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,), _check_office_zip),
    ".png": FileType("image/png", (_PNG,), _check_image),
    ".jpg": FileType("image/jpeg", (_JPEG,), _check_image),
    ".jpeg": FileType("image/jpeg", (_JPEG,), _check_image),
    ".txt": FileType("text/plain", (), _check_text),
    ".msg": FileType("application/vnd.ms-outlook", (_OLE,), _check_ole),
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
    if _starts_with_markup(head) or not _signature_matches(file_type, head):
        raise ValidationError(
            _("The file’s content does not match its “%(ext)s” extension.") % {"ext": extension},
            code="file_content",
        )
    try:
        file_type.check(upload, extension)
    except NotWhatItClaims as refusal:
        raise ValidationError(str(refusal), code="file_content") from None
    finally:
        upload.seek(0)
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


def _starts_with_markup(head: bytes) -> bool:
    """HTML, SVG or XML at the start, behind any byte-order mark (in UTF-16
    too) and blank space: refused whatever the file is called."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            if bom != codecs.BOM_UTF8:
                head = head.decode(
                    "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be", "ignore"
                ).encode()
            break
    return _MARKUP.match(head.lstrip()) is not None


def _signature_matches(file_type: FileType, head: bytes) -> bool:
    if not file_type.signatures:
        return True  # plain text: checked in full by its own check
    return any(head.startswith(signature) for signature in file_type.signatures)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
