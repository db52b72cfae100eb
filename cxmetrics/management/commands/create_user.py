"""`manage.py create_user NAME --role ROLE [--leads SLUG ...] [--password P] [--email E]`.

Creates a person (cxmetrics.services.people.create_person, the same service as /people/).
Without --password a strong one is generated and printed alone on the LAST line of the output
(shown once, only its hash is stored), so scripts can take it with `| tail -n 1`. An existing
username is refused, never changed: roles of existing people are changed in /people/<id>.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxmetrics.selectors.people import describe
from cxmetrics.services.goals import InvalidInput
from cxmetrics.services.people import ROLES, create_person

OPTION = {"username": "NAME", "leads": "--leads", "password": "--password", "email": "--email"}


def generated_password() -> str:
    """24 URL-safe characters from the operating system's CSPRNG (144 bits)."""
    return secrets.token_urlsafe(18)


class Command(BaseCommand):
    help = (
        "Create a person with a role (and, for team leads, the departments they lead). "
        "Refuses a username that exists (change existing people in /people/). Without "
        "--password, a generated one is printed alone on the last line (shown once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Their login name.")
        parser.add_argument("--role", required=True, choices=ROLES, help="Their role.")
        parser.add_argument(
            "--leads",
            nargs="+",
            default=[],
            metavar="SLUG",
            help="Slugs of the departments they lead (team leads only).",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Their password, checked by the password rules (default: a generated one).",
        )
        parser.add_argument("--email", default="", help="Their e-mail address.")

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["password"]
        password = given if given is not None else generated_password()
        try:
            person = create_person(
                actor=None,
                trusted=True,  # an operator on the server
                username=options["username"],
                role=options["role"],
                email=options["email"],
                leads=options["leads"],
                password=password,
            )
        except InvalidInput as exc:
            raise CommandError(
                " ".join(
                    f"{OPTION.get(field, '--' + field)}: {' '.join(messages)}"
                    for field, messages in exc.errors.items()
                )
            ) from exc
        departments = person.led_departments.order_by("name").values_list("name", flat=True)
        self.stdout.write(f"Created {person.username!r}: {describe(options['role'], departments)}.")
        if given is None:
            self.stdout.write("Password (shown once, store it now):")
            self.stdout.write(password)
