"""The reference lists readers filter by: departments, channels and sources, ordered by name."""

from __future__ import annotations

from typing import Any

from cxmetrics.models import Channel, Department, Source


def departments_list() -> list[dict[str, Any]]:
    """Every department's slug and name. One query."""
    return [dict(row) for row in Department.objects.order_by("name").values("slug", "name")]


def channels_list() -> list[dict[str, Any]]:
    """Every channel's slug and name. One query."""
    return [dict(row) for row in Channel.objects.order_by("name").values("slug", "name")]


def sources_list() -> list[dict[str, Any]]:
    """Every source: slug, name, kind, its channels (sorted slugs), default channel and
    department (slugs or None), is_demo. Two queries (the channels prefetched)."""
    sources = (
        Source.objects.order_by("name")
        .select_related("default_channel", "default_department")
        .prefetch_related("channels")
    )
    return [
        {
            "slug": source.slug,
            "name": source.name,
            "kind": source.kind,
            "channels": sorted(channel.slug for channel in source.channels.all()),
            "default_channel": getattr(source.default_channel, "slug", None),
            "default_department": getattr(source.default_department, "slug", None),
            "is_demo": source.is_demo,
        }
        for source in sources
    ]
