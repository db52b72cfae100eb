"""Workspace pages: scorecards (see workspace/__init__.py)."""

urlpatterns: list = []
