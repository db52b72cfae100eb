from django import template
from django.utils.safestring import mark_safe

from cxmetrics.branding import ICON
from cxmetrics.scales import counted as counted_words
from cxmetrics.scales import format_score

register = template.Library()


@register.simple_tag
def icon_href() -> str:
    """The app's icon, inline (the login page and the dashboards share it)."""
    return mark_safe(ICON)  # a constant of ours, quotes and all


@register.filter
def score(value: float | None, metric: str) -> str:
    """Format a score, margin or bound on its metric's own scale for display."""
    return format_score(value, metric)


@register.filter
def counted(metric: str) -> str:
    """What a metric's n counts, in words ("responses", "follow-ups")."""
    return counted_words(metric)
