"""Medians and durations in SQL on both databases: `Median(expression)` and `Hours(end, start)`.

PostgreSQL computes the median in the database, `percentile_cont(0.5) WITHIN GROUP (ORDER
BY ...)`, so a summary over a million follow-ups never leaves the server. SQLite has no
percentile: `register_sqlite_median` (connected to every new SQLite connection in
`CxmetricsConfig.ready`) adds the aggregate `CX_MEDIAN`, which collects the group's values
in Python and answers `metrics.followups.median`, the same value as `percentile_cont(0.5)`.
The trade-off: the same query, the same query count and the same answer on both, but on
SQLite each group's values are held in memory while the query runs (8 bytes a value in a
list: fine for the embedded default; a large organisation runs PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, FloatField, Func

from cxmetrics.metrics.followups import median

__all__ = ["SQLITE_MEDIAN", "Hours", "Median", "register_sqlite_median"]

SQLITE_MEDIAN = "CX_MEDIAN"


class Median(Aggregate):
    """The median of a numeric expression over the group (NULLs ignored; NULL when none)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function=SQLITE_MEDIAN, template="%(function)s(%(expressions)s)"
        )


class Hours(Func):
    """Hours from `start` to `end` (two datetime expressions), as a float; NULL if either is."""

    output_field = FloatField()
    arity = 2
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    arg_joiner = " - "

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores datetimes as UTC text; julianday reads it in days.
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
        )


class _SqliteMedian:
    """The CX_MEDIAN aggregate's state: the group's values."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return median(self.values)


def register_sqlite_median(sender: Any = None, connection: Any = None, **_: Any) -> None:
    """Add CX_MEDIAN to a new SQLite connection (a `connection_created` receiver)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SqliteMedian)
