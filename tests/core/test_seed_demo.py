"""The demo generator: deterministic, clearly marked, and telling the product's story."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from cxmetrics.demo.responses import generate
from cxmetrics.demo.users import ensure_demo_users
from cxmetrics.models import Response
from cxmetrics.selectors import SummaryFilters, compare_groups


def test_the_same_seed_generates_the_same_responses():
    now = timezone.now()
    first = list(generate(count=200, days=30, seed=7, now=now))
    again = list(generate(count=200, days=30, seed=7, now=now))
    other = list(generate(count=200, days=30, seed=8, now=now))
    assert first == again
    assert first != other


def test_seed_demo_stores_marked_demo_data_once(org):
    # when the command runs twice with the same seed
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", count=500, days=30, seed=1, no_progress=True)
        call_command("seed_demo", count=500, days=30, seed=1, no_progress=True)

    # then 500 responses exist, all from the demo source, all channels used
    assert Response.objects.count() == 500
    assert set(Response.objects.values_list("source__is_demo", flat=True)) == {True}
    assert Response.objects.values("channel").distinct().count() == 7


def test_ai_handled_chat_is_significantly_less_satisfied_than_human_chat(org):
    # given a year-sized demo sample
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", count=6000, days=90, seed=3, no_progress=True)

    # when CSAT on chat is compared by who handled it
    result = compare_groups(
        metric="csat",
        by="handled_by",
        a="ai",
        b="human",
        filters=SummaryFilters(channels=("chat",)),
    )

    # then AI-handled chat scores lower and the difference is significant
    assert result["difference"] < -5
    assert result["significant"] is True


def test_demo_users_get_random_passwords_and_their_roles(org):
    logins = ensure_demo_users()
    again = ensure_demo_users()
    assert [x.username for x in logins] == [
        "executive",
        "lead",
        "product_lead",
        "billing_lead",
        "admin",
    ]
    product_lead = User.objects.get(username="product_lead")
    assert [d.slug for d in product_lead.led_departments.all()] == ["product"]
    assert all(len(x.password) >= 12 for x in logins)
    assert logins[0].password != again[0].password  # generated, never fixed
