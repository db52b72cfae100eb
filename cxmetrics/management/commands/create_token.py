"""`manage.py create_token USERNAME [--hours N]`: a personal API token for a person.

The token is shown once, alone on the last line of the output (only its digest is stored), so
scripts can take it with `| tail -n 1`. It expires after N hours (default CX_TOKEN_TTL_HOURS).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cxmetrics.services import issue_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown once, on the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The person the token reads as.")
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="Lifetime in hours (default: CX_TOKEN_TTL_HOURS, 30 days).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours is not None and hours <= 0:
            raise CommandError("--hours must be positive: every token expires.")
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        stored, token = issue_token(user=user, hours=hours)
        expiry = timezone.localtime(stored.expiry).isoformat(timespec="minutes")
        self.stderr.write(
            f"API token for {user.username!r}, valid until {expiry}. Store it now: it is shown "
            "once. Send it as 'Authorization: Token <token>'; revoke it with "
            "POST /api/v1/auth/logout."
        )
        self.stdout.write(token)
