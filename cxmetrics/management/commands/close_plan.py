import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from cxmetrics.models import IncentivePlan
from cxmetrics.selectors.goals import plan_attainment, plans_queryset
from cxmetrics.services.goals import StateConflict, close_period


class Command(BaseCommand):
    help = "Close an incentive plan's period: write its payout statement (never changes after)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--by", required=True, help="username recorded as closing it")

    def handle(self, *args, plan_id: int, by: str, **options):  # type: ignore[no-untyped-def]
        try:
            plan = IncentivePlan.objects.get(pk=plan_id)
            actor = get_user_model().objects.get(username=by)
        except (IncentivePlan.DoesNotExist, get_user_model().DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        try:
            # An operator with a shell may close any plan; --by is who the audit records.
            close_period(plan=plan, actor=actor, trusted=True)
        except StateConflict as exc:
            raise CommandError(str(exc)) from exc
        plan = plans_queryset().get(pk=plan_id)
        result = plan_attainment(plan=plan, as_of=plan.period_end)
        self.stdout.write(json.dumps(result, cls=DjangoJSONEncoder, indent=2))
