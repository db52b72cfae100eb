from django import template

register = template.Library()

# Display precision per metric; computations stay unrounded.
_FORMATS = {"nps": "{:.1f}", "csat": "{:.1f}%", "ces": "{:.2f}", "sentiment": "{:+.3f}"}


@register.filter
def score(value: float | None, metric: str) -> str:
    """Format a score, margin or bound on its metric's own scale for display."""
    if value is None:
        return "–"
    return _FORMATS.get(str(metric), "{:.2f}").format(value)
