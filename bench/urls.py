"""The app's URLs plus the floor of every measurement: a bare view that makes
one query, through the same middleware, so each page's time can be read as a
multiple of what any request costs in this stack."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from crm.urls import urlpatterns as app_urlpatterns
from partnerships.models import Partnership

FLOOR_PATH = "/bench/floor/"


@login_not_required
@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """One indexed query (the first partnership's id), no template."""
    first = Partnership.objects.order_by("pk").values_list("pk", flat=True).first()
    return HttpResponse(str(first), content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *app_urlpatterns]
