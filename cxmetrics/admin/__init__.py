"""Every table in the admin, with list filters and search: one module per area, each
registering its own ModelAdmins (Django imports this package)."""

from . import data, followups, goals, operations, webhooks

__all__ = ["data", "followups", "goals", "operations", "webhooks"]
