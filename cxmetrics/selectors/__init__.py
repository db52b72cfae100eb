"""Reads. Selectors aggregate in SQL and return plain data (dicts and dataclasses).

The public read API: `metric_summary`/`compare_groups` (summary.py) for scores by group, and
the counts they are built from (counts.py) for other selectors that group differently (the
dashboards' selectors, the rollup writers). Every other name of these modules is private.
"""

from .counts import (
    COUNT_FIELDS,
    GROUP_BY_CHOICES,
    SENTIMENT_UNITS,
    as_counts,
    group_counts,
    group_labels,
    metric_q,
    raw_sums,
    rollup_sums,
    sampled_score,
    score_from_counts,
)
from .summary import (
    METRIC_TESTS,
    SummaryFilters,
    compare_counts,
    compare_fields,
    compare_groups,
    comparison_fields,
    metric_summary,
    metric_summary_raw,
)

__all__ = [
    "COUNT_FIELDS",
    "GROUP_BY_CHOICES",
    "METRIC_TESTS",
    "SENTIMENT_UNITS",
    "SummaryFilters",
    "as_counts",
    "compare_counts",
    "compare_fields",
    "compare_groups",
    "comparison_fields",
    "group_counts",
    "group_labels",
    "metric_q",
    "metric_summary",
    "metric_summary_raw",
    "raw_sums",
    "rollup_sums",
    "sampled_score",
    "score_from_counts",
]
