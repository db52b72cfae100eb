"""Helpers for the pure-math tests."""


def sums_of(values: list[float]) -> tuple[int, float, float]:
    """(n, sum, sum of squares) of `values`: what the rollups hold for a mean metric."""
    return len(values), sum(values), sum(v * v for v in values)
