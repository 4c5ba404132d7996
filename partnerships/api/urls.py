"""The REST API under /api/ (see docs/api.md), its OpenAPI schema and docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from partnerships.api import (
    schema,  # noqa: F401  (registers the token security scheme)
    views,
)
from partnerships.api.docs import ApiDocsView

app_name = "api"

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register(
    "organization-relations", views.OrganizationRelationViewSet, basename="organization-relation"
)
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("contact-positions", views.ContactPositionViewSet, basename="contact-position")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("stage-changes", views.StageChangeViewSet, basename="stage-change")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("actions", views.ActionViewSet, basename="action")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("abandon-reasons", views.AbandonReasonViewSet, basename="abandon-reason")
router.register("users", views.UserViewSet, basename="user")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register(
    "partnership-indicators",
    views.PartnershipIndicatorViewSet,
    basename="partnership-indicator",
)
router.register("dormancy-alerts", views.DormancyAlertViewSet, basename="dormancy-alert")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    *router.urls,
    re_path(r"^", views.api_not_found),
]
