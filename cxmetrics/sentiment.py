"""Sentiment of free text behind one small interface, so a better model can replace VADER.

VADER (Hutto & Gilbert, 2014) gives a compound score in [-1, 1]; labels follow its published
thresholds (`metrics.sentiment_label`): positive >= 0.05, negative <= -0.05, neutral between.

To plug in another model, write a class with `score_many(texts) -> list[float]` returning scores
in [-1, 1] and name it in the setting `CX_SENTIMENT_SCORER` (a dotted path; default VADER).
Scores are stored with 4 decimals (the rollups sum them in units of 1e-4).

Long texts. vaderSentiment 3.3.2 is quadratic in the number of words: for every lexicon word it
lower-cases the whole text's word list again (`_negation_check` three times,
`_special_idioms_check` once), and `_but_check` looks each valence up with `list.index`. Emoji
are first replaced by their names (one emoji is up to seven words), so 2,000 emoji characters
are 12,000 words (30 s). `VaderScorer` therefore scores a text of at most `WHOLE_TEXT_WORDS`
words whole, exactly as VADER does, and a longer one in pieces of at most that many words, at
most `MAX_PIECES` of them (docs/pipeline.md, "Sentiment").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Protocol

from cxmetrics.metrics import sentiment_label

__all__ = [
    "MAX_PIECES",
    "MAX_SCORED_CHARS",
    "WHOLE_TEXT_WORDS",
    "SentimentScorer",
    "VaderScorer",
    "get_scorer",
    "label",
    "sentiment_label",
]

DEFAULT_SCORER = "cxmetrics.sentiment.VaderScorer"

# A text of at most this many words (emoji counted as the words of their names) is scored
# whole: VADER's own figure, as every score stored before. About 1,700 characters of English;
# one VADER call on this many words takes 10-20 ms, 70 ms at worst ("but bad but bad ...").
WHOLE_TEXT_WORDS = 300
# A longer text is scored in at most this many pieces; the words after them are not read.
MAX_PIECES = 10
# Only this many characters of a text are read at all (stored comments may predate the
# comment limit, CX_COMMENT_MAX_CHARS); bounds the linear pass that cuts the pieces.
MAX_SCORED_CHARS = 100_000
_SENTENCE_END = frozenset(".!?")


class SentimentScorer(Protocol):
    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Scores in [-1, 1], one per text, in order."""
        ...


class VaderScorer:
    """vaderSentiment's compound score (already rounded to 4 decimals by the library), in
    bounded work per text.

    A text of at most WHOLE_TEXT_WORDS words (after VADER's emoji-to-words step) and at most
    MAX_SCORED_CHARS characters gets VADER's compound of the whole text. A longer one is cut
    into pieces of at most WHOLE_TEXT_WORDS words, whole sentences where they fit (a sentence
    ends with a word ending in . ! or ?; a longer sentence is cut between words); the first
    MAX_PIECES pieces of its first MAX_SCORED_CHARS characters are scored by VADER each, and
    the text's score is their mean weighted by their words, rounded to 4 decimals. Cost:
    O(characters read) plus at most MAX_PIECES VADER calls of WHOLE_TEXT_WORDS words.
    """

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()
        self._emojis = self._analyzer.emojis

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self.score(text) for text in texts]

    def score(self, text: str) -> float:
        polarity = self._analyzer.polarity_scores
        read = text[:MAX_SCORED_CHARS]
        words = self.words(read)
        if len(words) <= WHOLE_TEXT_WORDS and len(read) == len(text):
            return polarity(text)["compound"]
        total = weighted = 0.0
        for piece in _pieces(words):
            total += len(piece)
            weighted += len(piece) * polarity(" ".join(piece))["compound"]
        # No word in what is read (a long blank start): VADER's score of no words, 0.
        return round(weighted / total, 4) if total else 0.0

    def words(self, text: str) -> list[str]:
        """The words VADER reads in `text`: emoji replaced by their names as
        SentimentIntensityAnalyzer.polarity_scores does (names are emoji-free, so VADER reading
        a piece of this again changes nothing), split on whitespace. O(len(text))."""
        emojis = self._emojis
        if not any(char in emojis for char in text):
            return text.split()
        parts: list[str] = []
        prev_space = True
        for char in text:
            name = emojis.get(char)
            if name is not None:
                if not prev_space:
                    parts.append(" ")
                parts.append(name)
                prev_space = False
            else:
                parts.append(char)
                prev_space = char == " "
        return "".join(parts).split()


def _pieces(words: list[str]) -> Iterator[list[str]]:
    """Up to MAX_PIECES runs of at most WHOLE_TEXT_WORDS words: whole sentences while they fit,
    a sentence longer than a piece cut between words."""
    piece: list[str] = []
    sentence: list[str] = []
    made = 0
    for word in words:
        sentence.append(word)
        if word[-1] not in _SENTENCE_END and len(sentence) < WHOLE_TEXT_WORDS:
            continue
        if len(piece) + len(sentence) > WHOLE_TEXT_WORDS:
            yield piece
            made += 1
            if made == MAX_PIECES:
                return
            piece = []
        piece.extend(sentence)
        sentence = []
    piece.extend(sentence)
    while piece and made < MAX_PIECES:
        yield piece[:WHOLE_TEXT_WORDS]
        piece = piece[WHOLE_TEXT_WORDS:]
        made += 1


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
