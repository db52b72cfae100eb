"""The score scale of each metric: the one definition of which scores are valid.

Pure data (no Django), so ingest validation stays pure; `models.SCORE_RANGES` re-exports it and
the response table's check constraint, `Response.clean` and validation messages derive from it.
"""

from __future__ import annotations

__all__ = ["COUNTED", "SCORE_FORMATS", "SCORE_RANGES", "counted", "format_score"]

# Valid score range per metric, inclusive, and whether the score must be whole. Keyed by the
# `models.Metric` values, in their order.
SCORE_RANGES: dict[str, tuple[float, float, bool]] = {
    "nps": (0, 10, True),
    "csat": (1, 5, True),
    "ces": (1, 7, True),
    "sentiment": (-1, 1, False),
}

# Display precision of a metric's score (NPS and CSAT points, CES and sentiment on their scales),
# and of the goal metric followup_on_time (a percent, as CSAT); computations stay unrounded.
# Pages and plain-language explanations share it.
SCORE_FORMATS: dict[str, str] = {
    "nps": "{:.1f}",
    "csat": "{:.1f}%",
    "ces": "{:.2f}",
    "sentiment": "{:+.3f}",
    "followup_on_time": "{:.1f}%",
}


def format_score(value: float | None, metric: str) -> str:
    """A score, bound or curve point on its metric's own scale, for display (a dash if None)."""
    if value is None:
        return "–"
    return SCORE_FORMATS.get(str(metric), "{:.2f}").format(value)


# What a metric's n counts, in words, where it is not responses: the goal metric
# followup_on_time counts follow-ups (those closed or past due).
COUNTED: dict[str, str] = {"followup_on_time": "follow-ups"}


def counted(metric: str) -> str:
    """What `metric`'s n counts, in words: "responses", or "follow-ups" for the on-time rate."""
    return COUNTED.get(str(metric), "responses")
