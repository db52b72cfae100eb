"""Agreement of the sentiment scorer with human ratings on a public data set.

The data: the human-rated sentences of Hutto & Gilbert (ICWSM 2014), shipped by the authors
inside vaderSentiment's source distribution on PyPI (additional_resources/hutto_ICWSM_2014.tar.gz,
MIT licence). Each sentence has the mean rating of 20 independent raters on -4..+4. The default
set is the 3,708 Amazon product-review snippets (customer texts). Nothing is fetched at run time
except that source distribution, unless --data names a local copy: once, from its PyPI file
address with urllib, checked against a pinned SHA-256 and kept under .run/sentiment-data.
(The installed wheel does not ship the ratings, so importlib.resources cannot read them.)
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cxmetrics.sentiment import agreement, get_scorer

SETS = {
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "tweets": "tweets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
}
INNER = "additional_resources/hutto_ICWSM_2014.tar.gz"
# The data set is the paper's and does not change with the library: one pinned sdist (the hash
# PyPI publishes for it), whatever vaderSentiment version is installed.
SDIST = "vaderSentiment-3.3.2.tar.gz"
SDIST_URL = (
    "https://files.pythonhosted.org/packages/77/8c/"
    f"4a48c10a50f750ae565e341e697d74a38075a3e43ff0df6f1ab72e186902/{SDIST}"
)
SDIST_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"


def _fetch_sdist(folder: Path) -> Path:
    """The pinned sdist kept in `folder`, downloaded there first if missing. Its hash is checked
    before it is used or kept, so a truncated or altered copy is refused."""
    path = folder / SDIST
    if path.exists():
        body = path.read_bytes()
    else:
        # The file's address as PyPI's simple index gives it (content-addressed, never moves).
        with urllib.request.urlopen(SDIST_URL, timeout=60) as answer:
            body = answer.read()
    digest = hashlib.sha256(body).hexdigest()
    if digest != SDIST_SHA256:
        raise CommandError(f"{SDIST} has SHA-256 {digest}, expected {SDIST_SHA256}.")
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return path


def _read_set(archive: Path, filename: str) -> str:
    """The ground-truth file from the sdist, from the inner tarball, or a plain text file."""
    if not tarfile.is_tarfile(archive):
        return archive.read_bytes().decode("utf-8", errors="replace")
    with tarfile.open(archive) as outer:
        names = outer.getnames()
        inner_name = next((n for n in names if n.endswith(INNER)), None)
        if inner_name:
            inner_bytes = outer.extractfile(inner_name).read()  # type: ignore[union-attr]
            return _read_set_from(tarfile.open(fileobj=io.BytesIO(inner_bytes)), filename)
        return _read_set_from(outer, filename)


def _read_set_from(archive: tarfile.TarFile, filename: str) -> str:
    member = next((m for m in archive.getmembers() if m.name.endswith("/" + filename)), None)
    if member is None:
        raise CommandError(f"{filename} is not in the archive")
    return archive.extractfile(member).read().decode("utf-8", errors="replace")  # type: ignore[union-attr]


def parse_ground_truth(text: str) -> list[tuple[float, str]]:
    """Lines `id<TAB>mean rating<TAB>sentence` -> (rating, sentence)."""
    rows = []
    for line in text.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[2].strip():
            rows.append((float(parts[1]), parts[2].strip()))
    return rows


class Command(BaseCommand):
    help = (
        "Report how the sentiment scorer agrees with human ratings (Pearson r, accuracy of "
        "the three labels) on Hutto & Gilbert's human-rated sentences (default: Amazon reviews)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--set", choices=sorted(SETS), default="amazon")
        parser.add_argument(
            "--data",
            type=Path,
            help="local vaderSentiment sdist, hutto_ICWSM_2014.tar.gz or ground-truth file",
        )
        parser.add_argument(
            "--neutral-band",
            type=float,
            default=0.5,
            help="a human mean rating with |rating| below this is neutral (default 0.5)",
        )

    def handle(self, *args, set: str, data: Path | None, neutral_band: float, **options):  # type: ignore[no-untyped-def]
        archive = data or _fetch_sdist(Path(settings.BASE_DIR) / ".run" / "sentiment-data")
        rows = parse_ground_truth(_read_set(archive, SETS[set]))
        if len(rows) < 2:
            raise CommandError("no rated sentences found")
        ratings = [rating for rating, _ in rows]
        scores = get_scorer().score_many([text for _, text in rows])
        result = agreement(scores, ratings, neutral_band=neutral_band)
        self.stdout.write(
            f"Data: Hutto & Gilbert (ICWSM 2014) {SETS[set]}, {result['n']} sentences, mean of "
            f"20 human ratings on -4..+4; human label neutral when |rating| < {neutral_band}."
        )
        self.stdout.write(f"Scorer: {type(get_scorer()).__name__}")
        self.stdout.write(f"Pearson r (score vs mean human rating): {result['pearson_r']:.3f}")
        self.stdout.write(f"Accuracy of the three labels: {100 * result['accuracy']:.1f}%")
        labels = ("positive", "neutral", "negative")
        self.stdout.write("Confusion (rows: human, columns: model):")
        self.stdout.write(f"{'':>10} " + " ".join(f"{m:>9}" for m in labels))
        for human in labels:
            counts = " ".join(f"{result['confusion'][(human, m)]:>9}" for m in labels)
            self.stdout.write(f"{human:>10} {counts}")
