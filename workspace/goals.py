"""Workspace pages: goals (see workspace/__init__.py)."""

urlpatterns: list = []
