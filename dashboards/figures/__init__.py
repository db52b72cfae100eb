"""Pure figure builders: plain data from the selectors in, a plotly Figure out.

No database, no arithmetic on the scores (every number, interval and margin comes from the
selectors); only layout and formatting. Every figure names its n in the title and marks
groups below the small-sample threshold (hollow markers or a note), so noise is never shown as
a finding. Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies.

`base` holds the figure type, palette, formats and shared traces; one module per page family.
Every public name is re-exported here: `from dashboards.figures import trend_figure`.
"""

from dashboards.figures.automation import (
    automation_figure,
    automation_rows,
    escalation_figure,
)
from dashboards.figures.base import (
    COLORWAY,
    DIVERGING,
    GRAPH_HEIGHT,
    HANDLER_COLOURS,
    HANDLER_LABELS,
    METRIC_LABELS,
    METRIC_UNITS,
    NO_MATCH,
    OKABE_ITO,
    SEQUENTIAL,
    TEMPLATE,
    Figure,
    apply_layout,
    bar,
    empty_figure,
    fmt,
    fmt_diff,
    fmt_interval,
    fmt_p,
    heatmap,
    new_figure,
    sample_note,
    sample_symbols,
    scatter,
    score_hover,
    shorten,
)
from dashboards.figures.goals import (
    GOAL_ROW_HEIGHT,
    NO_GOALS,
    STATUS_COLOURS,
    STATUS_LABELS,
    goal_history_figure,
    goal_options,
    goal_rows,
    goals_figure,
    goals_panel,
)
from dashboards.figures.incentives import (
    alignment_figure,
    alignment_share_figure,
    attainment_figure,
    component_rows,
    incentives_panel,
    plan_rows,
)
from dashboards.figures.outcomes import (
    breakdown_figure,
    consistency_figure,
    consistency_panel,
    matrix_figure,
    pair_rows,
    pairwise_figure,
    trend_figure,
)
from dashboards.figures.voice import themes_figure

__all__ = [
    "COLORWAY",
    "DIVERGING",
    "GOAL_ROW_HEIGHT",
    "GRAPH_HEIGHT",
    "HANDLER_COLOURS",
    "HANDLER_LABELS",
    "METRIC_LABELS",
    "METRIC_UNITS",
    "NO_GOALS",
    "NO_MATCH",
    "OKABE_ITO",
    "SEQUENTIAL",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TEMPLATE",
    "Figure",
    "alignment_figure",
    "alignment_share_figure",
    "apply_layout",
    "attainment_figure",
    "automation_figure",
    "automation_rows",
    "bar",
    "breakdown_figure",
    "component_rows",
    "consistency_figure",
    "consistency_panel",
    "empty_figure",
    "escalation_figure",
    "fmt",
    "fmt_diff",
    "fmt_interval",
    "fmt_p",
    "goal_history_figure",
    "goal_options",
    "goal_rows",
    "goals_figure",
    "goals_panel",
    "heatmap",
    "incentives_panel",
    "matrix_figure",
    "new_figure",
    "pair_rows",
    "pairwise_figure",
    "plan_rows",
    "sample_note",
    "sample_symbols",
    "scatter",
    "score_hover",
    "shorten",
    "themes_figure",
    "trend_figure",
]
