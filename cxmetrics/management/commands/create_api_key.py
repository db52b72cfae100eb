"""`manage.py create_api_key SOURCE_SLUG [--name NAME]`: a new key for one source.

The key is shown once, alone on the last line of the output (only its hash is stored), so
scripts can take it with `| tail -n 1`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxmetrics.models import ApiKey, Source


class Command(BaseCommand):
    help = "Create an API key for a source and print it (shown once, on the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Slug of the source the key writes for.")
        parser.add_argument("--name", default="", help="A label for the key (who uses it).")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Source.objects.filter(slug=options["source"]).first()
        if source is None:
            slugs = ", ".join(Source.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"Unknown source {options['source']!r}; sources: {slugs or 'none'}")
        key, prefix, hashed = ApiKey.generate()
        ApiKey.objects.create(source=source, name=options["name"], prefix=prefix, hashed_key=hashed)
        channels = ", ".join(source.channels.order_by("slug").values_list("slug", flat=True))
        self.stderr.write(
            f"API key for source {source.slug!r} (channels: {channels or 'none'}). "
            "Store it now: it is shown once. Send it as 'Authorization: Api-Key <key>'."
        )
        self.stdout.write(key)
