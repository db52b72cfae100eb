from django.core.management.base import BaseCommand

from cxmetrics.demo.goals import seed_demo_goals


class Command(BaseCommand):
    help = (
        "Create the demo shared goals and incentive plans (some on track, some at risk) with "
        "their snapshot history, and a closed previous-period plan. Idempotent."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = seed_demo_goals()
        if not result["plans"] and not result["snapshots"]:
            self.stdout.write("Demo goals already there.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo goals and {result['plans']} plan(s) created; "
                f"{result['snapshots']} snapshot(s) written."
            )
        )
