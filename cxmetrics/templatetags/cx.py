from django import template
from django.utils.safestring import mark_safe

from cxmetrics.branding import ICON

register = template.Library()


@register.simple_tag
def icon_href() -> str:
    """The app's icon, inline (the login page and the dashboards share it)."""
    return mark_safe(ICON)  # a constant of ours, quotes and all


# Display precision per metric; computations stay unrounded.
_FORMATS = {"nps": "{:.1f}", "csat": "{:.1f}%", "ces": "{:.2f}", "sentiment": "{:+.3f}"}


@register.filter
def score(value: float | None, metric: str) -> str:
    """Format a score, margin or bound on its metric's own scale for display."""
    if value is None:
        return "–"
    return _FORMATS.get(str(metric), "{:.2f}").format(value)
