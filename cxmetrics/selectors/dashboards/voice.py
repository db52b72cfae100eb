"""Voice of the customer: their own words, most negative first, and what negative comments
are about. These read Response rows (the rollups hold no text), always with a row limit."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F, Q

from cxmetrics import metrics
from cxmetrics.models import REMOVED_COMMENT, HandledBy, Metric, Response
from cxmetrics.selectors.responses import REDACT_MARGIN, comment_start, masked_clip
from cxmetrics.selectors.summary import SummaryFilters

COMMENT_LIMIT = 200
# A page shows at most this many characters of a comment (the last an ellipsis when cut): 50
# stored comments of 300 KB made every load of the page 15 MB. Read in SQL with a margin of
# the longest e-mail address, so redacting the start never leaves part of one unmasked.
SHOWN_CHARS = 500
_REDACT_MARGIN = REDACT_MARGIN
# Themes read the first this many characters of each comment (ordinary ones whole).
THEME_TEXT_CHARS = 2_000
# The comments ranked are the most recent this many in the filters (as many as the themes
# read of negative ones): walking the day index back from the end of the period reads a
# bounded slice of the table (about 60 ms at 10M responses), where ranking every comment of a
# 90-day period sorts ~750k rows (over 1 s).
RECENT_COMMENTS = 5_000
THEME_SAMPLE = 5000
THEME_COUNT = 12

_SENTIMENT_Q = {
    "negative": Q(sentiment__lte=metrics.NEGATIVE_THRESHOLD),
    "positive": Q(sentiment__gte=metrics.POSITIVE_THRESHOLD),
    "neutral": Q(
        sentiment__gt=metrics.NEGATIVE_THRESHOLD, sentiment__lt=metrics.POSITIVE_THRESHOLD
    ),
}
# Function words carry no theme. Negations ("not", "never", "no") stay: "not solved" is one.
_STOP = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each even ever every few
    for from further get got had has have having he her here hers him his how i i'm i've if in
    into is it it's its itself just me more most my myself now of off on once only or other our
    ours out over own same she should so some still such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself really much many one two
    three again ok email phone card""".split()  # noqa: SIM905 - a readable word list
)


def _scope(*, filters: SummaryFilters, metric: str | None, sentiment: str | None) -> Q:
    # A comment removed by the retention period is no one's words any more.
    q = filters.q() & ~Q(comment="") & ~Q(comment=REMOVED_COMMENT)
    if metric:
        q &= Q(metric=metric)
    if sentiment:
        q &= _SENTIMENT_Q[sentiment]
    return q


def recent_comments(
    *,
    filters: SummaryFilters,
    metric: str | None = None,
    sentiment: str | None = None,
    limit: int = COMMENT_LIMIT,
    recent: int = RECENT_COMMENTS,
) -> dict[str, Any]:
    """Up to `limit` of the `recent` most recent comments in the filters (by day, then
    newest stored), most negative first (unscored last), then newest.

    Each row: day, metric, score, channel, department, handled_by (label), agent, sentiment,
    comment (redacted again on the way out: e-mails, phone and card numbers; at most
    SHOWN_CHARS characters, the last an ellipsis when it is cut). `total` counts
    the comments in the filters up to `recent` (`total_capped` when there are more, and the
    ranking then covers the `recent` most recent). Two bounded queries.
    """
    handled_labels = dict(HandledBy.choices)
    metric_labels = dict(Metric.choices)
    scope = Response.objects.filter(_scope(filters=filters, metric=metric, sentiment=sentiment))
    latest = scope.order_by("-day", "-id").values("id")[:recent]
    rows = (
        Response.objects.filter(pk__in=latest)
        .order_by(F("sentiment").asc(nulls_last=True), "-occurred_at")
        .values(
            "day",
            "metric",
            "score",
            "sentiment",
            "handled_by",
            "agent_ref",
            comment_start=comment_start(SHOWN_CHARS + _REDACT_MARGIN),
            channel_name=F("channel__name"),
            department_name=F("department__name"),
        )[:limit]
    )
    comments = [
        {
            "day": row["day"].isoformat(),
            "metric": metric_labels.get(row["metric"], row["metric"]),
            "score": row["score"],
            "channel": row["channel_name"],
            "department": row["department_name"],
            "handled_by": handled_labels.get(row["handled_by"], row["handled_by"]),
            "agent": row["agent_ref"],
            "sentiment": row["sentiment"],
            "comment": shown(row["comment_start"]),
        }
        for row in rows
    ]
    total = scope.order_by()[: recent + 1].count()
    return {
        "n": len(comments),
        "total": min(total, recent),
        "total_capped": total > recent,
        "limit": limit,
        "recent": recent,
        "comments": comments,
    }


def shown(start: str) -> str:
    """What a page shows of a comment, from its first SHOWN_CHARS + margin characters:
    redacted, then cut to SHOWN_CHARS."""
    return masked_clip(start, SHOWN_CHARS)


# Words, and runs of punctuation that end a clause.
_TOKEN = re.compile(r"[a-z][a-z']+|[.!?;:,()\n]+")


def _terms(text: str) -> set[str]:
    """The distinct words and two-word phrases of one comment, without function words.

    Phrases never cross punctuation ("Average experience. Nothing special" has no
    "experience nothing"). One pass over the comment's tokens.
    """
    terms: set[str] = set()
    previous = None  # the last word, when it was kept and no punctuation came after it
    for token in _TOKEN.findall(text.lower()):
        if token[0] < "a" or len(token) <= 2 or token in _STOP:
            previous = None  # punctuation ends a clause; a function word breaks a phrase
            continue
        terms.add(token)
        if previous is not None:
            terms.add(f"{previous} {token}")
        previous = token
    return terms


def _choose_themes(docs: dict[str, set[int]], *, top: int) -> list[str]:
    """The `top` terms by number of comments, one per group of comments.

    Phrases rank first at similar counts. A word gives way to its most frequent phrase when
    the phrase covers at least half of the word's comments ("kept looping" rather than
    "looping"), and a term whose comments are mostly (80%) those of a theme already chosen is
    the same theme and is skipped.
    """
    phrases: dict[str, list[str]] = {}
    for term in docs:
        if " " in term:
            for word in term.split():
                phrases.setdefault(word, []).append(term)
    chosen: list[str] = []
    # Phrases say more than words: a phrase ranks as if it had half as many comments again.
    ranked = sorted(docs, key=lambda t: (-len(docs[t]) * (1.5 if " " in t else 1.0), t))
    for term in ranked:
        if len(docs[term]) < 2 or len(chosen) >= top:
            break
        if " " not in term:
            wider = max(phrases.get(term, []), key=lambda p: (len(docs[p]), p), default=None)
            if wider and len(docs[wider]) * 2 >= len(docs[term]):
                term = wider
        covered = any(len(docs[term] & docs[theme]) * 5 >= len(docs[term]) * 4 for theme in chosen)
        if term not in chosen and not covered:
            chosen.append(term)
    return chosen


def negative_themes(
    *,
    filters: SummaryFilters,
    metric: str | None = None,
    sample: int = THEME_SAMPLE,
    top: int = THEME_COUNT,
) -> dict[str, Any]:
    """The most frequent themes (words and two-word phrases) in negative comments.

    Reads the first THEME_TEXT_CHARS characters of the `sample` most recent negative comments
    (sentiment <= -0.05) in the filters and counts in how many comments each term appears.
    A word is dropped when a chosen phrase containing it covers most of its comments.
    Returns {n (comments read), sampled (more exist), themes: [{theme, comments, share
    (percent of n), example (as `shown`)}]}. One bounded query.
    """
    texts = list(
        Response.objects.filter(_scope(filters=filters, metric=metric, sentiment="negative"))
        .order_by("-day", "-id")
        .values_list(comment_start(THEME_TEXT_CHARS), flat=True)[: sample + 1]
    )
    sampled = len(texts) > sample
    texts = texts[:sample]
    docs: dict[str, set[int]] = {}
    for index, text in enumerate(texts):
        for term in _terms(text):
            docs.setdefault(term, set()).add(index)
    chosen = sorted(_choose_themes(docs, top=top), key=lambda t: (-len(docs[t]), t))
    n = len(texts)
    return {
        "n": n,
        "sampled": sampled,
        "sample": sample,
        "themes": [
            {
                "theme": term,
                "comments": len(docs[term]),
                "share": 100.0 * len(docs[term]) / n,
                "example": shown(texts[min(docs[term])][: SHOWN_CHARS + _REDACT_MARGIN]),
            }
            for term in chosen
        ],
    }
