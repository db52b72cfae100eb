"""Sentiment of free text behind one small interface, so a better model can replace VADER.

VADER (Hutto & Gilbert, 2014) gives a compound score in [-1, 1]; labels follow its published
thresholds: positive >= 0.05, negative <= -0.05, neutral between.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol


class SentimentScorer(Protocol):
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Compound scores in [-1, 1], one per text, in order."""


class VaderScorer:
    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self._analyzer.polarity_scores(text)["compound"] for text in texts]


@lru_cache(maxsize=1)
def get_scorer() -> SentimentScorer:
    """The process-wide scorer (loading the lexicon takes ~0.1 s, so it is built once)."""
    return VaderScorer()
