"""Workspace pages: plans (see workspace/__init__.py)."""

urlpatterns: list = []
