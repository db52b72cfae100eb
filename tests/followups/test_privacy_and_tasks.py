"""Follow-ups under the privacy rules, and the task and beat entry that open them."""

from __future__ import annotations

import pytest
from django.conf import settings

from cxmetrics.models import FollowUp, FollowUpLink, RootCause
from cxmetrics.services.personal_data import customer_ref
from cxmetrics.services.privacy import apply_retention, erase_customer
from cxmetrics.tasks import open_followups
from tests.factories import make_responses
from tests.followups.conftest import DAY0, days, item, push

pytestmark = pytest.mark.django_db


def test_erasing_a_customer_deletes_their_follow_ups_and_audit(org, no_publish):
    # given a customer with a follow-up and a linked response, and someone else's
    ref = customer_ref("cust-42")
    push(item(score=3.0, customer_ref=ref), item(score=2.0, customer_ref=ref))
    (other,) = push(item(score=1.0, customer_ref=customer_ref("cust-7")))
    assert FollowUp.objects.count() == 2 and FollowUpLink.objects.count() == 1
    # when the customer is erased
    event = erase_customer(customer_id="cust-42", actor="manage.py")
    # then only their responses, follow-up, link and its audit rows are gone
    assert event.responses == 2
    assert list(FollowUp.objects.values_list("response_id", flat=True)) == [other]
    assert not FollowUpLink.objects.exists()
    assert list(FollowUp.history.values_list("response_id", flat=True)) == [other]


def test_retention_blanks_the_customer_ref_copied_onto_follow_ups(org, no_publish, settings):
    ref = customer_ref("cust-9")
    push(item(score=3.0, customer_ref=ref, occurred_at=DAY0 - days(400)))
    apply_retention(actor="beat", days=30)
    assert FollowUp.objects.get().customer_ref == ""


def test_the_task_opens_follow_ups_of_committed_responses(org):
    # given a detractor stored as a committed request stores it (eager tasks run inline)
    make_responses(scores=[3, 9])
    # then the task ran after commit and opened one; running it again opens nothing
    assert FollowUp.objects.count() == 1
    assert open_followups() == 0


def test_beat_runs_the_evaluation_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["open-followups"]
    assert entry["task"] == "cxmetrics.tasks.open_followups"
    assert entry["schedule"].total_seconds() == 60


def test_the_default_root_causes_exist(db):
    assert list(RootCause.objects.values_list("name", flat=True)) == [
        "AI could not help",
        "Agent knowledge",
        "Billing error",
        "Delivery",
        "Other",
        "Policy",
        "Product defect",
        "Slow response",
    ]
