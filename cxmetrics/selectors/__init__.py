"""Reads. Selectors aggregate in SQL and return plain data (dicts and dataclasses)."""

from .summary import (
    GROUP_BY_CHOICES,
    SummaryFilters,
    compare_groups,
    figure_from_counts,
    metric_summary,
    metric_summary_raw,
)

__all__ = [
    "GROUP_BY_CHOICES",
    "SummaryFilters",
    "compare_groups",
    "figure_from_counts",
    "metric_summary",
    "metric_summary_raw",
]
