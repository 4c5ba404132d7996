"""Managers' pages: pipeline board, reports, exports (see issue 4)."""

urlpatterns: list = []
