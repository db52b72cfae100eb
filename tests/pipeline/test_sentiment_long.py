"""Long comments are scored in bounded work; ordinary comments keep VADER's own score."""

from __future__ import annotations

import random

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cxmetrics.demo.responses import NEGATIVE, NEUTRAL, POSITIVE
from cxmetrics.sentiment import MAX_PIECES, WHOLE_TEXT_WORDS, VaderScorer

COMMENTS = POSITIVE + NEUTRAL + NEGATIVE
# Shapes VADER treats specially: contrast, negation, boosters, caps, emoji, emoticons, "!!!".
SPECIAL = [
    "The agent was nice but the refund never came.",
    "Not bad at all, but not great either!!!",
    "VERY slow. kind of helpful though :)",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "No help, no answer, nothing?? Really???",
    "At least it isn't a horrible service.",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def vader():
    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def scorer():
    return VaderScorer()


def realistic(scorer: VaderScorer, count: int, seed: int = 7) -> list[str]:
    """Comments of 1 to 40 sentences from the demo's pools and VADER's special shapes, up to
    the whole-text bound: what customers ordinarily write."""
    rng = random.Random(seed)
    pool = COMMENTS + SPECIAL
    texts = []
    while len(texts) < count:
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        if len(scorer.words(text)) <= WHOLE_TEXT_WORDS:
            texts.append(text)
    return texts


def test_ordinary_comments_get_exactly_vaders_score(vader, scorer):
    # given every demo comment, the special shapes, and 200 realistic mixes of them
    texts = COMMENTS + SPECIAL + realistic(scorer, 200)
    # the mixes reach the whole-text bound (about 1,700 characters)
    assert max(len(scorer.words(t)) for t in texts) > WHOLE_TEXT_WORDS - 10

    # when
    scores = scorer.score_many(texts)

    # then each is VADER's compound of the whole text, as stored before
    assert scores == [vader.polarity_scores(t)["compound"] for t in texts]


class Counting:
    """Wraps VADER's polarity_scores: counts the calls and the words each one reads."""

    def __init__(self, scorer: VaderScorer) -> None:
        self.words: list[int] = []
        self._inner = scorer._analyzer.polarity_scores
        scorer._analyzer.polarity_scores = self  # type: ignore[method-assign]

    def __call__(self, text: str) -> dict:
        # fail fast (instead of running for hours) when a call reads more than a piece
        words = len(text.split())
        self.words.append(words)
        assert words <= WHOLE_TEXT_WORDS, f"one VADER call over {words} words"
        return self._inner(text)


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        pytest.param(("Great service, thank you! " * 400)[:10_000], 6, id="10k-chars"),
        pytest.param(("Awful, nobody helped. " * 2000)[:40_000], MAX_PIECES, id="40k-chars"),
        pytest.param("Terrible wait. " * 70_000, MAX_PIECES, id="1M-chars"),
        pytest.param("😁" * 2000, MAX_PIECES, id="2000-emoji"),  # 2,000 chars, 12,000 words
        pytest.param("but bad " * 1250, 9, id="contrast"),  # 2,500 words, no sentence end,
    ],
)
def test_long_comments_are_scored_in_a_bounded_number_of_bounded_pieces(text, calls):
    # given a scorer whose VADER calls are counted
    scorer = VaderScorer()
    counting = Counting(scorer)

    # when a long comment is scored
    (score,) = scorer.score_many([text])

    # then VADER read at most MAX_PIECES pieces of at most WHOLE_TEXT_WORDS words each
    assert len(counting.words) == calls
    assert max(counting.words) <= WHOLE_TEXT_WORDS
    assert -1 <= score <= 1 and round(score, 4) == score


def test_a_long_comment_scores_the_word_weighted_mean_of_its_pieces(vader):
    # given 300 words of praise then 150 words of complaint (two pieces at a sentence end)
    praise = "Great service, thank you! " * 75  # 300 words, one piece
    complaint = "Awful wait. Nobody helped. " * 37 + "Awful wait."  # 150 words
    text = praise + complaint

    # when
    (score,) = VaderScorer().score_many([text])

    # then it is the mean of the two pieces' scores weighted by their words
    first = vader.polarity_scores(praise.strip())["compound"]
    second = vader.polarity_scores(complaint)["compound"]
    assert (first, second) == (0.9999, -0.9987)
    assert score == round((300 * first + 150 * second) / 450, 4) == 0.3337


def test_a_sentence_longer_than_a_piece_is_cut_at_a_word(vader):
    # given one sentence of 450 words
    text = " ".join(["good"] * 450)

    # when / then: two pieces, 300 and 150 words
    (score,) = VaderScorer().score_many([text])
    assert score == vader.polarity_scores(" ".join(["good"] * 300))["compound"] == 1.0


def test_a_long_text_with_no_word_in_what_is_read_scores_zero():
    # given more than the characters read, all of them blank, then words past the cut
    text = " " * 100_001 + "terrible awful"
    # then no word is read, and the score is VADER's for no words
    assert VaderScorer().score(text) == 0.0
