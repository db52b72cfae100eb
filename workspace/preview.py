"""Workspace pages: preview (see workspace/__init__.py)."""

urlpatterns: list = []
