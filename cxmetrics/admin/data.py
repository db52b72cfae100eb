"""Sources, keys, responses and rollups in the admin. A response edited, added or deleted here
goes through the ingest services (`edit_response`, `delete_responses`): the comment limit,
redaction, sentiment re-scoring and dirty rollup buckets, as for a vendor update."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Substr
from django.utils import timezone

from cxmetrics import models as m
from cxmetrics.ingest.validate import comment_too_long
from cxmetrics.services.ingest import delete_responses, edit_response


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

    # The admin's writes are the ingest services' (see the module docstring), never a bare save.
    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        edit_response(response=obj)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        delete_responses(responses=m.Response.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        delete_responses(responses=queryset)


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
