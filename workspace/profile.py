"""Workspace pages: profile (see workspace/__init__.py)."""

urlpatterns: list = []
