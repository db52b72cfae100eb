"""Every table in the admin, with list filters and search."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Substr
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from cxmetrics import models as m
from cxmetrics.incentives import PayoutCurve, validate_weights
from cxmetrics.ingest.validate import comment_too_long
from cxmetrics.localtime import local_day
from cxmetrics.roles import is_admin
from cxmetrics.services import goals as goal_services
from cxmetrics.services import workers as worker_services
from cxmetrics.services.ingest import mark_dirty


@admin.register(m.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["leads"]


@admin.register(m.Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ApiKeyInline(admin.TabularInline):
    model = m.ApiKey
    extra = 0
    fields = ["prefix", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # keys are created on the API key page, where the key is shown once


@admin.register(m.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "default_channel", "default_department", "is_demo"]
    list_filter = ["kind", "is_demo", "channels"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["channels"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApiKeyInline]


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "source", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["source", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "source__slug"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at"]
    fields = ["source", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            key, obj.prefix, obj.hashed_key = m.ApiKey.generate()
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                f"New API key for {obj.source.slug} (shown once, store it now): {key}",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset):  # type: ignore[no-untyped-def]
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).")


class ResponseAdminForm(forms.ModelForm):
    """The comment limit of ingest (CX_COMMENT_MAX_CHARS), checked when the comment is what
    changed: a comment stored before the limit was lowered does not block other corrections."""

    class Meta:
        model = m.Response
        fields = "__all__"  # noqa: DJ007 - the admin shows every column

    def clean_comment(self) -> str:
        comment = self.cleaned_data.get("comment") or ""
        limit = settings.CX_COMMENT_MAX_CHARS
        if "comment" in self.changed_data and len(comment) > limit:
            raise ValidationError(comment_too_long(len(comment), limit))
        return comment


SHORT_COMMENT = 80


@admin.register(m.Response)
class ResponseAdmin(admin.ModelAdmin):
    form = ResponseAdminForm
    list_display = [
        "occurred_at",
        "metric",
        "score",
        "channel",
        "department",
        "handled_by",
        "source",
        "sentiment",
        "short_comment",
    ]
    list_filter = ["metric", "channel", "department", "handled_by", "source", "day"]
    search_fields = ["external_id", "comment", "agent_ref"]
    date_hierarchy = "day"
    list_select_related = ["channel", "department", "source"]
    readonly_fields = ["customer_ref", "received_at", "day"]
    show_full_result_count = False  # COUNT(*) over millions of rows is slow

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The list reads the start of each comment in SQL, not whole comments (one may be
        # megabytes, stored before the limit); the change form loads the one it shows.
        return (
            super()
            .get_queryset(request)
            .annotate(comment_start=Substr("comment", 1, SHORT_COMMENT + 1))
            .defer("comment")
        )

    @admin.display(description="comment")
    def short_comment(self, obj: m.Response) -> str:
        start = obj.comment_start  # type: ignore[attr-defined]
        return start[:SHORT_COMMENT] + ("…" if len(start) > SHORT_COMMENT else "")

    # Edits and deletes are not additive: they mark the touched rollup buckets (old and new)
    # dirty in the same transaction, and the next refresh recomputes them from raw rows.
    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            keys = set(m.Response.objects.filter(pk=obj.pk).values_list(*_BUCKET))
            obj.day = local_day(obj.occurred_at)  # the day follows a corrected occurred_at
            super().save_model(request, obj, form, change)
            keys.add(tuple(getattr(obj, field) for field in _BUCKET))
            mark_dirty(keys)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            mark_dirty({tuple(getattr(obj, field) for field in _BUCKET)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            mark_dirty(set(queryset.values_list(*_BUCKET)))
            super().delete_queryset(request, queryset)


_BUCKET = ("day", "metric", "channel_id", "department_id", "handled_by", "source_id")


@admin.register(m.DailyRollup)
class DailyRollupAdmin(admin.ModelAdmin):
    list_display = ["day", "metric", "channel", "department", "handled_by", "source", "n"]
    list_filter = ["metric", "channel", "department", "handled_by", "source"]
    date_hierarchy = "day"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(m.DirtyBucket)
class DirtyBucketAdmin(DailyRollupAdmin):
    list_display = ["day", "metric", "channel", "department", "handled_by", "source", "marked_at"]


class AdminRoleOnly:
    """Goals, plans and their statements in the admin are for the admin role only.

    The admin writes without the role rules of cxmetrics.services.goals_access, so a staff
    user with model permissions but another role (a team lead) must not reach these pages:
    they would edit any department's goals there.
    """

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return is_admin(request.user) and super().has_delete_permission(request, obj)


class PlanComponentFormSet(BaseInlineFormSet):
    """Weights are whole percentages summing to 100; each curve increases."""

    def clean(self) -> None:
        super().clean()
        weights = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            weights.append(data.get("weight"))
            values = [data.get(f) for f in ("threshold", "target", "stretch")]
            if None not in values:
                curve = PayoutCurve(
                    *values,
                    threshold_payout=data.get("threshold_payout", 50.0),
                    stretch_payout=data.get("stretch_payout", 150.0),
                )
                try:
                    curve.validate()
                except ValueError as exc:
                    raise ValidationError(f"Component {len(weights)}: {exc}.") from exc
        try:
            validate_weights([w for w in weights if w is not None])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class PlanComponentInline(AdminRoleOnly, admin.TabularInline):
    model = m.PlanComponent
    formset = PlanComponentFormSet
    extra = 1
    autocomplete_fields = ["goal"]


class GoalAdminForm(forms.ModelForm):
    class Meta:
        model = m.Goal
        fields = [*goal_services.GOAL_FIELDS, *goal_services.GOAL_M2M]

    def clean(self) -> dict:
        data = super().clean()
        values = {field: data.get(field) for field in goal_services.GOAL_FIELDS}
        values |= {field: list(data.get(field) or []) for field in goal_services.GOAL_M2M}
        values["scope_handled_by"] = data.get("scope_handled_by") or []
        values["min_n"] = data.get("min_n")
        for field, problems in goal_services.goal_errors(values=values).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, problems)
        return data


@admin.register(m.Goal)
class GoalAdmin(AdminRoleOnly, SimpleHistoryAdmin):
    form = GoalAdminForm
    list_display = ["name", "metric", "baseline", "target", "start", "end", "owner"]
    list_filter = ["metric", "departments", "end"]
    search_fields = ["name", "description"]
    filter_horizontal = ["departments", "scope_channels", "scope_departments"]
    readonly_fields = ["last_alerted_status"]


@admin.register(m.GoalSnapshot)
class GoalSnapshotAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["goal", "as_of", "value", "n", "expected", "status"]
    list_filter = ["status", "goal"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # written by the nightly snapshot

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(m.IncentivePlan)
class IncentivePlanAdmin(AdminRoleOnly, SimpleHistoryAdmin):
    list_display = [
        "name",
        "department",
        "period_start",
        "period_end",
        "confidence_gate",
        "closed_at",
    ]
    list_filter = ["department", "confidence_gate", "period_end"]
    search_fields = ["name"]
    readonly_fields = ["closed_at"]
    inlines = [PlanComponentInline]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_closed:
            return False  # a closed period never changes
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_closed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(m.PayoutStatement)
class PayoutStatementAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["plan", "closed_at", "closed_by", "total_pct", "formula_version"]
    list_filter = ["formula_version"]
    search_fields = ["plan__name"]
    readonly_fields = ["plan", "closed_at", "closed_by", "formula_version", "total_pct", "data"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # written by closing a plan's period

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # closed statements never change

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


# --- Privacy (issue #11, item 8): the audit trail, read only ---
@admin.register(m.PrivacyEvent)
class PrivacyEventAdmin(admin.ModelAdmin):
    """Erasures and retention runs, as recorded by cxmetrics.services.privacy. Nobody adds,
    changes or deletes a record here: it is the evidence that an operation ran."""

    list_display = ["at", "kind", "actor_label", "responses", "customer_ref", "before_day"]
    list_filter = ["kind"]
    search_fields = ["customer_ref", "actor_label", "reason"]
    date_hierarchy = "at"
    readonly_fields = [
        "kind",
        "at",
        "actor",
        "actor_label",
        "reason",
        "customer_ref",
        "before_day",
        "responses",
    ]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


# --- Workers: parked tasks and skipped comments (cxmetrics.celery.GuardedTask) -------------
@admin.register(m.TaskAttempt)
class TaskAttemptAdmin(admin.ModelAdmin):
    """Parked tasks (and deliveries still running): retry queues a parked task again."""

    list_display = ["task_name", "parked_at", "attempts", "short_error", "first_seen", "last_seen"]
    list_filter = [("parked_at", admin.EmptyFieldListFilter), "task_name"]
    search_fields = ["task_id", "task_name"]
    readonly_fields = [f.name for f in m.TaskAttempt._meta.fields]
    actions = ["retry"]

    @admin.display(description="last error")
    def short_error(self, obj: m.TaskAttempt) -> str:
        lines = obj.last_error.strip().splitlines()
        return lines[-1][:120] if lines else ""

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="Retry the selected parked tasks (queue them again)")
    def retry(self, request, queryset):  # type: ignore[no-untyped-def]
        parked = list(queryset.filter(parked_at__isnull=False))
        queued = worker_services.retry_parked(attempts=parked)
        level = messages.SUCCESS if queued == len(parked) else messages.WARNING
        self.message_user(request, f"{queued} of {len(parked)} task(s) queued again.", level)


@admin.register(m.SkippedComment)
class SkippedCommentAdmin(admin.ModelAdmin):
    """Comments the scorer gave up on; "score again" deletes the skip for the next run."""

    list_display = ["response", "reason", "skipped_at"]
    readonly_fields = ["response", "reason", "skipped_at"]
    actions = ["score_again"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="Score again (the next scoring run picks them up)")
    def score_again(self, request, queryset):  # type: ignore[no-untyped-def]
        count, _ = queryset.delete()
        self.message_user(request, f"{count} comment(s) will be scored again.", messages.SUCCESS)
