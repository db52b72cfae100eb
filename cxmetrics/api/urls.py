"""Integrator and reader endpoints under /api/v1/ (no trailing slashes)."""

urlpatterns: list = []
