"""Managers' pages: pipeline board, reports, exports (see issue 4), and each
person's calendar feed."""

from django.urls import path

from partnerships.views import calendar, exports, pipeline, reports

urlpatterns = [
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("pipeline/stage/<slug:stage>/", pipeline.pipeline_column, name="pipeline_column"),
    path("pipeline/<id:pk>/move/", pipeline.pipeline_move, name="pipeline_move"),
    path("reports/", reports.reports_page, name="reports"),
    path("exports/partnerships/", exports.export_partnerships, name="export_partnerships"),
    path("exports/actions/", exports.export_actions, name="export_actions"),
    path("exports/indicators/", exports.export_indicators, name="export_indicators"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("accounts/calendar/reset/", calendar.calendar_reset, name="calendar_reset"),
]
