"""Who may call the goals endpoints at all.

Executives, team leads and admins read everything; integrators (and API keys) nothing. Who may
write which goal or plan is decided by the services, on the object as stored and as it will be
after the write (cxmetrics.services.goals.access), so forms and the API answer alike.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from cxmetrics.roles import can_read_figures


class CanReadGoals(BasePermission):
    """Every request to these endpoints needs a reader role (writes are checked further)."""

    message = "Executives, team leads and admins only."

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_read_figures(request.user)
