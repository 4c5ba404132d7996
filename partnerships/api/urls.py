"""The REST API under /api/ (see issue 5)."""

urlpatterns: list = []
