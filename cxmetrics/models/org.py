"""Who sends data and where it belongs: departments, channels, sources and their API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import SourceKind


class Department(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_departments",
        help_text="Team leads of this department: they set its goals and incentive plans.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """One integration that sends responses (a survey tool, a help desk, a script)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.API)
    channels = models.ManyToManyField(
        Channel, related_name="sources", help_text="Channels this source may write."
    )
    default_channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    default_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Adapter settings, e.g. Typeform field refs mapped to metrics and comment.",
    )
    webhook_secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shared secret a vendor signs its webhooks with (Typeform); empty: unsigned.",
    )
    is_demo = models.BooleanField(default=False, help_text="Generated demo data, not real.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def hash_api_key(key: str) -> str:
    """SHA-256 hex of a key. Keys are 256-bit random, so a fast hash is safe (no dictionary)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """An integrator's key: writes for one source only. Only its hash is stored."""

    PREFIX_LENGTH = 8

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.prefix}… ({self.source.slug}, {state})"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (key, prefix, hash). The key is shown once and never stored."""
        key = "cx_" + secrets.token_urlsafe(32)
        return key, key[3 : 3 + ApiKey.PREFIX_LENGTH], hash_api_key(key)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
