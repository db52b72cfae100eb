"""Sentiment of free text behind one small interface, so a better model can replace VADER.

VADER (Hutto & Gilbert, 2014) gives a compound score in [-1, 1]; labels follow its published
thresholds (`metrics.sentiment_label`): positive >= 0.05, negative <= -0.05, neutral between.

To plug in another model, write a class with `score_many(texts) -> list[float]` returning scores
in [-1, 1] and name it in the setting `CX_SENTIMENT_SCORER` (a dotted path; default VADER).
Scores are stored with 4 decimals (the rollups sum them in units of 1e-4).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from cxmetrics.metrics import sentiment_label

__all__ = ["SentimentScorer", "VaderScorer", "get_scorer", "label", "sentiment_label"]

DEFAULT_SCORER = "cxmetrics.sentiment.VaderScorer"


class SentimentScorer(Protocol):
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Scores in [-1, 1], one per text, in order."""
        ...


class VaderScorer:
    """vaderSentiment's compound score (already rounded to 4 decimals by the library)."""

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def score_many(self, texts: Sequence[str]) -> list[float]:
        polarity = self._analyzer.polarity_scores
        return [polarity(text)["compound"] for text in texts]


def label(score: float | None) -> str | None:
    """The three-way label of a score, or None when there is no score."""
    return None if score is None else sentiment_label(score)


@lru_cache(maxsize=1)
def get_scorer() -> SentimentScorer:
    """The process-wide scorer named by settings.CX_SENTIMENT_SCORER (built once: loading
    VADER's lexicon takes about 0.1 s)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return import_string(getattr(settings, "CX_SENTIMENT_SCORER", DEFAULT_SCORER))()


# --- Agreement with human ratings (management command evaluate_sentiment) --------------------


def pearson_r(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation of two equally long sequences (at least two values, not constant)."""
    n = len(xs)
    if n != len(ys) or n < 2:
        raise ValueError("need two sequences of the same length >= 2")
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        raise ValueError("a constant sequence has no correlation")
    return sxy / (sxx * syy) ** 0.5


def human_label(rating: float, *, neutral_band: float) -> str:
    """Label of a mean human rating on VADER's -4..+4 scale: neutral when |rating| < band."""
    if rating >= neutral_band:
        return "positive"
    if rating <= -neutral_band:
        return "negative"
    return "neutral"


def agreement(
    scores: Sequence[float], ratings: Sequence[float], *, neutral_band: float = 0.5
) -> dict:
    """How model scores agree with human ratings: Pearson r, three-label accuracy, confusion.

    `ratings` are mean human ratings on -4..+4; scores are labelled with the model's thresholds
    (positive >= 0.05, negative <= -0.05). Confusion keys are (human label, model label).
    """
    labels = ("positive", "neutral", "negative")
    confusion = {(h, m): 0 for h in labels for m in labels}
    for score, rating in zip(scores, ratings, strict=True):
        confusion[(human_label(rating, neutral_band=neutral_band), sentiment_label(score))] += 1
    hits = sum(confusion[(label_, label_)] for label_ in labels)
    return {
        "n": len(scores),
        "pearson_r": pearson_r(scores, ratings),
        "accuracy": hits / len(scores),
        "confusion": confusion,
    }
