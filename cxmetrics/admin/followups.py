"""Follow-ups in the admin: the root-cause list and the rules (edited here by admins, audited),
and the follow-ups themselves read only (they change through update_followup, the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cxmetrics import models as m


@admin.register(m.RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    """The editable list follow-ups are closed with; deactivate a cause rather than delete it
    (one in use cannot be deleted)."""

    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(m.FollowUpRule)
class FollowUpRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "metric",
        "score_min",
        "score_max",
        "owner_department",
        "sla_hours",
        "priority",
        "dedupe_days",
        "webhook",
        "active",
    ]
    list_filter = ["active", "metric", "priority"]
    search_fields = ["name"]
    filter_horizontal = ["channels", "departments"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(m.FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    """Read only: statuses, outcomes and assignees change through update_followup (the API and
    the queue), which checks the transitions and who may act."""

    list_display = ["pk", "department", "status", "outcome", "priority", "due_at", "rule"]
    list_filter = ["status", "outcome", "priority", "department", "rule"]
    list_select_related = ["department", "rule"]
    date_hierarchy = "opened_at"
    raw_id_fields = ["response"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
