"""The admin's spreadsheet pages: import (upload, preview, confirm), the
template to fill in, and the export of the filtered list in the same columns.

The uploaded file is kept between the preview and the confirmation in a
private folder (never served), under a random name known only to the
uploader's session; the confirmation imports it again from scratch, in one
transaction, and refuses it whole if anything changed in between and a row no
longer imports.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships import imports, permissions, spreadsheets

SESSION_KEY = "spreadsheet_imports"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file (comma or semicolon, UTF-8 or "
            "Windows-1252). The first row names the columns."
        ),
    )


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "import-previews"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class SpreadsheetImportMixin:
    """For a ModelAdmin of a model ``imports.IMPORTERS`` knows."""

    change_list_template = "admin/partnerships/change_list_spreadsheets.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{name}_import"),
            path("import/confirm/", wrap(self.confirm_import_view), name=f"{name}_import_confirm"),
            path("import/template/", wrap(self.template_view), name=f"{name}_import_template"),
            path("export/", wrap(self.export_view), name=f"{name}_export"),
            *super().get_urls(),
        ]

    @property
    def importer_class(self) -> type[imports.Importer]:
        return imports.IMPORTERS[self.model]

    def _require(self, request: HttpRequest) -> None:
        permissions.can_administer.require(request.user)

    def _context(self, request: HttpRequest, **extra) -> dict:
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import %(things)s") % {"things": opts.verbose_name_plural},
            "columns": self.importer_class(by=request.user).columns,
            "template_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_import_template"),
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(
                request, "admin/partnerships/import.html", self._context(request, form=form)
            )
        upload = form.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("import_file", _("The file is larger than 10 MB: split it."))
            return TemplateResponse(
                request, "admin/partnerships/import.html", self._context(request, form=form)
            )
        data = upload.read()
        result, sheet_error = self._run(request, data, commit=False)
        token = ""
        if result is not None and not result.has_errors:
            token = uuid.uuid4().hex
            (_folder() / token).write_bytes(data)
            stored = request.session.get(SESSION_KEY, {})
            stored[token] = {"model": self.model._meta.label_lower, "name": upload.name}
            request.session[SESSION_KEY] = stored
        return TemplateResponse(
            request,
            "admin/partnerships/import.html",
            self._context(
                request,
                form=ImportForm(),
                result=result,
                sheet_error=sheet_error,
                token=token,
                file_name=upload.name,
            ),
        )

    def confirm_import_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        opts = self.model._meta
        import_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        token = request.POST.get("token", "")
        stored = request.session.get(SESSION_KEY, {})
        entry = stored.get(token)
        if request.method != "POST" or entry is None or entry["model"] != opts.label_lower:
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect(import_url)
        file = _folder() / token
        data = file.read_bytes() if file.exists() else b""
        result, sheet_error = self._run(request, data, commit=True)
        if result is None or not result.committed:
            return TemplateResponse(
                request,
                "admin/partnerships/import.html",
                self._context(
                    request,
                    form=ImportForm(),
                    result=result,
                    sheet_error=sheet_error,
                    token="",
                    file_name=entry["name"],
                    refused=True,
                ),
            )
        file.unlink(missing_ok=True)
        stored.pop(token, None)
        request.session[SESSION_KEY] = stored
        messages.success(
            request,
            _("Imported %(name)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "name": entry["name"],
                "created": result.count("created"),
                "updated": result.count("updated"),
                "unchanged": result.count("unchanged"),
            },
        )
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def _run(self, request, data: bytes, *, commit: bool):
        try:
            sheet = spreadsheets.read_upload("", data)
        except spreadsheets.UnreadableFile as error:
            return None, error.message
        importer = self.importer_class(by=request.user)
        return imports.run_import(importer, sheet, commit=commit), ""

    def template_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        body = imports.template_workbook(self.importer_class)
        response = HttpResponse(body, content_type=XLSX)
        name = f"{self.model._meta.model_name}-import-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The changelist's rows, as filtered, in the import's columns."""
        self._require(request)
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        get = request.GET.copy()
        get.pop("format", None)
        request.GET = get
        queryset = self.get_changelist_instance(request).get_queryset(request)
        body = imports.export_file(self.importer_class, queryset, fmt=fmt)
        day = timezone.localdate().isoformat()
        response = HttpResponse(
            body, content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX
        )
        name = f"{self.model._meta.model_name}s-{day}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
