"""Customer-experience metric math: counts and sums in, scores and 95% intervals out.

Pure Python, no Django (scipy only for the Student t distribution of Welch's test). Every
function takes aggregated counts or sums, so callers can compute them in the database and pass
them in. Empty input (``n == 0``) returns
``None`` rather than raising. Results are frozen dataclasses holding unrounded floats; round
only for display. Every 95% figure uses ``Z95 = NormalDist().inv_cdf(0.975)`` (1.959964...).

Published definitions used here:

* **NPS** (Net Promoter Score; Reichheld, "The One Number You Need to Grow", HBR 2003;
  Bain & Company). "How likely are you to recommend ...?" on 0-10. Promoters answer 9-10,
  passives 7-8, detractors 0-6. NPS = % promoters - % detractors, in points on [-100, 100].
  Its sampling variance comes from the trinomial distribution:
  Var = (p + d - (p - d)^2) / n on the proportion scale.
* **CSAT** (customer satisfaction, top-2-box): share of answers 4 or 5 on a 1-5 scale, in
  percent on [0, 100], with a Wilson score interval.
* **CES 2.0** (Customer Effort Score; Gartner / CEB, 2013): agreement with "The company made
  it easy for me to handle my issue" on a 1-7 scale (1 = strongly disagree, 7 = strongly
  agree). Reported as the mean (range [1, 7], higher = less effort) plus the share that
  agree (answers 5-7).
* **Sentiment**: VADER compound score on [-1, 1] (Hutto & Gilbert, "VADER: A Parsimonious
  Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM 2014). The authors'
  thresholds: positive if compound >= 0.05, negative if compound <= -0.05, else neutral.

The code lives in four modules, re-exported here so ``from cxmetrics import metrics`` and
``from cxmetrics.metrics import nps`` keep working: ``results`` (result types and constants),
``sums`` (shared arithmetic), ``scores`` (one group) and ``compare`` (two groups).
"""

from cxmetrics.metrics.compare import compare_csat, compare_means, compare_nps
from cxmetrics.metrics.results import (
    NEGATIVE_THRESHOLD,
    NO_VARIANCE,
    POSITIVE_THRESHOLD,
    TEST_NPS_Z,
    TEST_TWO_PROPORTION_Z,
    TEST_WELCH_T,
    Z95,
    CesResult,
    Comparison,
    CsatResult,
    NpsResult,
    ProportionResult,
    SentimentResult,
)
from cxmetrics.metrics.scores import (
    ces,
    csat,
    nps,
    nps_bucket,
    proportion,
    sentiment,
    sentiment_label,
)

__all__ = [
    "NEGATIVE_THRESHOLD",
    "NO_VARIANCE",
    "POSITIVE_THRESHOLD",
    "TEST_NPS_Z",
    "TEST_TWO_PROPORTION_Z",
    "TEST_WELCH_T",
    "Z95",
    "CesResult",
    "Comparison",
    "CsatResult",
    "NpsResult",
    "ProportionResult",
    "SentimentResult",
    "ces",
    "compare_csat",
    "compare_means",
    "compare_nps",
    "csat",
    "nps",
    "nps_bucket",
    "proportion",
    "sentiment",
    "sentiment_label",
]
