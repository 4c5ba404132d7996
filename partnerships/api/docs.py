"""The interactive API documentation (Swagger UI), served by the app itself.

Its assets come from drf-spectacular-sidecar through the static files (no CDN:
it works offline), and its start-up script is a separate file rather than an
inline script, so the page runs under the same strict Content-Security-Policy
as every other page. It is a page for people: signing in is required, like
everywhere else.
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView

from partnerships.views.access import staff_required


@method_decorator(staff_required, name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = _("Partnership CRM API")
