from django.core.management.base import BaseCommand

from cxmetrics.services.sentiment import score_comments


class Command(BaseCommand):
    help = (
        "Score every comment whose sentiment is still empty (batches of one transaction each) "
        "and mark their rollup buckets dirty. Twin of cxmetrics.tasks.score_pending_sentiment; "
        "run refresh_rollups afterwards when no worker runs."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        scored = score_comments()
        self.stdout.write(self.style.SUCCESS(f"Scored {scored} comments."))
