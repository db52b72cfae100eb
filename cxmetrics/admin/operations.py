"""Operations in the admin: the privacy audit trail (and erasing a customer), parked tasks
and skipped comments."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from cxmetrics import models as m
from cxmetrics.roles import is_admin
from cxmetrics.services import workers as worker_services
from cxmetrics.services.privacy import erase_customer


class EraseCustomerForm(forms.Form):
    customer_id = forms.CharField(
        label="Customer id",
        max_length=255,
        help_text="As the sources send it (e-mail, CRM id...). It is hashed, never stored.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit trail, with e-mails, phones and the id masked.",
    )
    confirm = forms.BooleanField(
        label="I understand that every response of this customer is deleted for good.",
    )


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

    change_list_template = "admin/cxmetrics/privacyevent/change_list.html"

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def get_urls(self):  # type: ignore[no-untyped-def]
        erase = path(
            "erase/",
            self.admin_site.admin_view(self.erase_view),
            name="cxmetrics_privacyevent_erase",
        )
        return [erase, *super().get_urls()]

    def erase_view(self, request):  # type: ignore[no-untyped-def]
        """Erase a customer from the admin: the same service as the API call and the command
        (`services.privacy.erase_customer`), for the admin role only."""
        if not is_admin(request.user):
            raise PermissionDenied("Erasing a customer needs the admin role.")
        form = EraseCustomerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            event = erase_customer(
                customer_id=form.cleaned_data["customer_id"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(
                request,
                f"Erased {event.responses} response(s) of that customer; recorded as event "
                f"{event.pk}. Rollups are corrected by the next refresh (within a minute).",
                messages.SUCCESS,
            )
            return redirect("admin:cxmetrics_privacyevent_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase a customer",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cxmetrics/privacyevent/erase.html", context)


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
