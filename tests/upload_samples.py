"""Real files of every accepted kind, made in memory, and the hostile ones
that the upload checks must refuse (tests/test_uploads.py)."""

from __future__ import annotations

import codecs
import io
import struct
import zipfile
import zlib

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _pdf_with_catalog_entry(key: str, value) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject(key)] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf() -> bytes:
    """A one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_running_javascript_when_opened() -> bytes:
    return _pdf_with_catalog_entry(
        "/OpenAction",
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        ),
    )


def pdf_with_document_javascript() -> bytes:
    return _pdf_with_catalog_entry(
        "/Names", DictionaryObject({NameObject("/JavaScript"): DictionaryObject()})
    )


def pdf_with_open_action_launch() -> bytes:
    return _pdf_with_catalog_entry(
        "/OpenAction",
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        ),
    )


PDF = pdf()

_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument"),
}


def office(kind: str = "docx", *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML or OpenDocument container."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind in ("odt", "ods"):
            mimetype = {
                "odt": "application/vnd.oasis.opendocument.text",
                "ods": "application/vnd.oasis.opendocument.spreadsheet",
            }[kind]
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
            archive.writestr("content.xml", "<office:document-content/>")
            archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        else:
            main_part, _ = _OOXML[kind]
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("_rels/.rels", "<Relationships/>")
            archive.writestr(main_part, "<document>Accord de coopération</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(expanded_bytes: int) -> bytes:
    """A .docx whose one extra part inflates to ``expanded_bytes`` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/padding.bin", "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip_bomb(expanded_bytes: int) -> bytes:
    """A zip bomb whose headers claim its big part is 1 KiB: only inflating
    it tells its real size (and its checksum then fails)."""
    data = bytearray(zip_bomb(expanded_bytes))
    name = b"word/media/padding.bin"
    # (signature, offset of the name's length, offset of the name, offset of
    # the uncompressed size) in a local header and a central directory entry.
    for signature, length_at, name_at, size_at in (
        (b"PK\x03\x04", 26, 30, 22),
        (b"PK\x01\x02", 28, 46, 24),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + length_at)[0]
            if data[start + name_at : start + name_at + length] == name:
                struct.pack_into("<I", data, start + size_at, 1024)
            start += 4
    return bytes(data)


def many_entries_zip(count: int) -> bytes:
    return office("docx", extra={f"word/part{i}.xml": b"" for i in range(count)})


def encrypted_entry_docx() -> bytes:
    data = bytearray(office("docx"))
    # Set the "encrypted" flag on every entry, as an encrypting zip tool does.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            flags = struct.unpack_from("<H", data, start + flag_offset)[0]
            struct.pack_into("<H", data, start + flag_offset, flags | 0x1)
            start += 4
    return bytes(data)


def png(width: int = 4, height: int = 3) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A PNG whose header announces a huge image (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def ole_document() -> bytes:
    """The header of an OLE compound file (what .doc, .xls, .ppt and .msg are)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    return bytes(header) + bytes(1024)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


# The limits the hostile table is built for (tests/test_uploads.py sets them):
# small, so that the bombs are quick to build.
TEST_MAX_EXPANDED_BYTES = 8 * 1024 * 1024
TEST_MAX_ZIP_ENTRIES = 50
TEST_MAX_IMAGE_PIXELS = 1_000_000

# name, content (or a function making it), what the refusal says (a fragment)
HOSTILE = [
    ("agreement.pdf", b"%PDF-1.7\n" + HTML, "not a readable PDF"),
    ("agreement.pdf", HTML, "does not match"),
    ("agreement.pdf", b"%PDF-1.4\n%fake\n", "not a readable PDF"),
    ("agreement.pdf", PDF[: len(PDF) // 2], "not a readable PDF"),
    ("agreement.pdf", pdf_running_javascript_when_opened(), "scripts"),
    ("agreement.pdf", pdf_with_document_javascript(), "scripts"),
    ("agreement.pdf", pdf_with_open_action_launch(), "scripts"),
    ("agreement.pdf", b"MZ\x90\x00" + bytes(200), "does not match"),
    ("notes.txt", codecs.BOM_UTF8 + SVG, "does not match"),
    ("notes.txt", SVG, "does not match"),
    ("notes.txt", HTML, "does not match"),
    ("notes.txt", codecs.BOM_UTF16_LE + HTML.decode().encode("utf-16-le"), "does not match"),
    ("notes.txt", b"Minutes of the meeting\n\n" + HTML, "markup"),
    ("notes.txt", b"Notes\n<?xml version='1.0'?><svg/>", "markup"),
    ("notes.txt", b"Minutes\x00\x01\x02 of the meeting", "not plain text"),
    ("notes.txt", b"\x7fELF\x02\x01\x01" + bytes(64), "not plain text"),
    ("agreement.docx", lambda: zip_bomb(2 * TEST_MAX_EXPANDED_BYTES), "expands to more than"),
    ("agreement.docx", lambda: lying_zip_bomb(2 * TEST_MAX_EXPANDED_BYTES), "not a valid"),
    ("agreement.docx", lambda: many_entries_zip(TEST_MAX_ZIP_ENTRIES + 1), "expands to more"),
    ("agreement.docx", office("docx", extra={"word/vbaProject.bin": b"macro"}), "macros"),
    ("agreement.docx", encrypted_entry_docx(), "Encrypted"),
    ("agreement.docx", office("xlsx"), "not a valid"),
    ("agreement.docx", b"PK\x03\x04" + bytes(100), "not a valid"),
    ("agreement.docx", office("docx")[:-40], "not a valid"),
    ("agreement.odt", office("ods"), "not a valid"),
    ("agreement.odt", office("docx"), "not a valid"),
    ("photo.png", SVG, "does not match"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + HTML, "not a valid"),
    ("photo.png", lambda: png_claiming_size(100_000, 100_000), "too large"),
    ("photo.png", lambda: png(1001, 1000), "too large"),
    ("photo.png", jpeg(), "does not match"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(40), "not a valid"),
    ("photo.jpg", b"\xff\xd8\xff" + HTML, "not a valid"),
    ("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + HTML, "not a valid"),
    ("minutes.doc", b"MZ\x90\x00" + bytes(600), "does not match"),
    ("drawing.svg", SVG, "cannot be attached"),
    ("page.html", HTML, "cannot be attached"),
    ("agreement.pdf.html", HTML, "cannot be attached"),
    ("page.htm", HTML, "cannot be attached"),
    ("script.js", b"alert(1)", "cannot be attached"),
    ("agreement", PDF, "cannot be attached"),
    ("empty.pdf", b"", "empty"),
]

VALID = [
    ("agreement.pdf", PDF),
    ("agreement.docx", office("docx")),
    ("budget.xlsx", office("xlsx")),
    ("slides.pptx", office("pptx")),
    ("minutes.odt", office("odt")),
    ("budget.ods", office("ods")),
    ("photo.png", png()),
    ("photo.jpg", jpeg()),
    ("photo.jpeg", jpeg()),
    ("minutes.doc", ole_document()),
    ("notes.txt", "Compte rendu : délégation de Zhangjiakou 张家口, 2 < 3.\n".encode()),
    ("notes.txt", codecs.BOM_UTF8 + "Notes de réunion\r\n".encode()),
    ("notes.txt", "Notes de réunion, café".encode("cp1252")),
]
