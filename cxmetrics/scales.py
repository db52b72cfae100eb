"""The score scale of each metric: the one definition of which scores are valid.

Pure data (no Django), so ingest validation stays pure; `models.SCORE_RANGES` re-exports it and
the response table's check constraint, `Response.clean` and validation messages derive from it.
"""

from __future__ import annotations

__all__ = ["SCORE_RANGES"]

# Valid score range per metric, inclusive, and whether the score must be whole. Keyed by the
# `models.Metric` values, in their order.
SCORE_RANGES: dict[str, tuple[float, float, bool]] = {
    "nps": (0, 10, True),
    "csat": (1, 5, True),
    "ces": (1, 7, True),
    "sentiment": (-1, 1, False),
}
