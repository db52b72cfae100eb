"""Workspace pages: people (see workspace/__init__.py)."""

urlpatterns: list = []
