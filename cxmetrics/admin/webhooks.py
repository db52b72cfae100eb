"""Outbound webhooks in the admin (admin role only): endpoints, whose signing secret is shown
once, on a page of its own, when created or rotated; the delivery log and the digest e-mail
log, read only."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from cxmetrics import models as m
from cxmetrics.models.webhooks import new_secret_salt, validate_event_names
from cxmetrics.services import webhooks as webhook_services

from .goals import AdminRoleOnly

SECRET_TEMPLATE = "admin/cxmetrics/webhookendpoint/secret.html"


class EventsField(forms.CharField):
    """Event names separated by commas, spaces or lines (stored as a JSON list)."""

    def prepare_value(self, value):  # type: ignore[no-untyped-def]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):  # type: ignore[no-untyped-def]
        text = super().to_python(value)
        return [name for name in text.replace(",", " ").split() if name]

    def validate(self, value):  # type: ignore[no-untyped-def]
        if not value:
            raise ValidationError(self.error_messages["required"], code="required")
        validate_event_names(value)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text=m.WebhookEndpoint._meta.get_field("url").help_text,
    )
    events = EventsField(
        label="Events",
        help_text="Event names, separated by commas, e.g. webhook.ping; "
        "* for every event. docs/webhooks.md lists them (follow-up events go to the endpoint "
        "a follow-up rule names).",
    )

    class Meta:
        model = m.WebhookEndpoint
        fields = ["name", "url", "events", "active"]


@admin.register(m.WebhookEndpoint)
class WebhookEndpointAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "event_list", "active", "created_at", "created_by"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["created_at", "created_by"]
    actions = ["rotate_secret", "send_ping"]

    @admin.display(description="events")
    def event_list(self, obj: m.WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):  # type: ignore[no-untyped-def]
        # The secret is rendered into this one response only: never a message (messages
        # travel in a cookie), a log line or a later page.
        return self._secret_page(request, obj, created=True)

    def _secret_page(self, request, obj, *, created: bool):  # type: ignore[no-untyped-def]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Signing secret of {obj.name}",
            "opts": self.model._meta,
            "endpoint": obj,
            "secret": obj.secret,
            "created": created,
        }
        response = TemplateResponse(request, SECRET_TEMPLATE, context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Rotate the signing secret (one endpoint; shown once)")
    def rotate_secret(self, request, queryset):  # type: ignore[no-untyped-def]
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one endpoint.", messages.WARNING)
            return None
        endpoint = queryset.get()
        endpoint.secret_salt = new_secret_salt()
        endpoint.save(update_fields=["secret_salt"])
        return self._secret_page(request, endpoint, created=False)

    @admin.action(description="Send a test event (webhook.ping)")
    def send_ping(self, request, queryset):  # type: ignore[no-untyped-def]
        endpoints = list(queryset.filter(active=True))
        deliveries = webhook_services.queue_event(
            event="webhook.ping",
            payload={"message": "A test event from the cxmetrics admin."},
            endpoints=endpoints,
        )
        self.message_user(
            request,
            f"Queued {len(deliveries)} test event(s); see Webhook deliveries for the outcome.",
            messages.SUCCESS,
        )


@admin.register(m.WebhookDelivery)
class WebhookDeliveryAdmin(AdminRoleOnly, admin.ModelAdmin):
    """The delivery log: every event queued for an endpoint and each attempt's outcome."""

    list_display = [
        "created_at",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["=delivery_id", "event"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint"]
    readonly_fields = [
        "delivery_id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
        "attempts_table",
    ]
    exclude = ["attempt_log"]
    actions = ["send_again"]

    @admin.display(description="attempt log")
    def attempts_table(self, obj: m.WebhookDelivery) -> str:
        if not obj.attempt_log:
            return "No attempt yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (a["at"], a["status_code"] or "no answer", a["ms"], a["error"] or "")
                for a in obj.attempt_log
            ),
        )
        return format_html(
            "<table><thead><tr><th>At</th><th>HTTP status</th><th>ms</th><th>Error</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # written by cxmetrics.services.webhooks.queue_event

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # the log is evidence

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="Send again (failed, gave up or delivered: a new round)")
    def send_again(self, request, queryset):  # type: ignore[no-untyped-def]
        count = webhook_services.redeliver(deliveries=queryset)
        self.message_user(request, f"{count} delivery(ies) queued again.", messages.SUCCESS)


@admin.register(m.NotificationLog)
class NotificationLogAdmin(AdminRoleOnly, admin.ModelAdmin):
    """Digest e-mails sent (cxmetrics.services.notify), read only."""

    list_display = ["sent_at", "kind", "user", "item_count"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    date_hierarchy = "sent_at"
    list_select_related = ["user"]
    readonly_fields = ["sent_at", "kind", "user", "item_count"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
