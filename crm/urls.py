"""Top-level URLs: pages, the API, the admin, health."""

from django.contrib import admin
from django.urls import path

from partnerships.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
