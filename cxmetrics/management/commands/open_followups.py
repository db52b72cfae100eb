from django.core.management.base import BaseCommand

from cxmetrics.services.followups import creation


class Command(BaseCommand):
    help = (
        "Open follow-ups for the responses noted by ingest, updates and scoring (twin of "
        "cxmetrics.tasks.open_followups). --backfill first notes every stored response, for "
        "responses stored before the rules existed; responses that already belong to a "
        "follow-up are skipped, so running it again opens nothing new."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--backfill", action="store_true", help="Evaluate every stored response."
        )

    def handle(self, *args, backfill: bool, **options):  # type: ignore[no-untyped-def]
        if backfill:
            noted = creation.note_all_responses()
            self.stdout.write(f"Noted {noted} stored responses.")
        opened = creation.open_followups()
        self.stdout.write(self.style.SUCCESS(f"Opened {opened} follow-ups."))
