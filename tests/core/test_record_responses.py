"""record_responses: idempotent storage, local days, hashed customers, redacted comments."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import override_settings

from cxmetrics.models import DailyRollup, Response, Source
from cxmetrics.services import customer_ref, record_responses
from tests.factories import make_item


def test_resending_a_batch_stores_nothing_and_counts_duplicates(org):
    # given a batch with one external id repeated inside it
    source = Source.objects.get(slug="integrations")
    items = [make_item(external_id="a"), make_item(external_id="b"), make_item(external_id="a")]

    # when it is sent twice
    first = record_responses(source=source, items=items)
    second = record_responses(source=source, items=items)

    # then the first stores two and counts one duplicate; the second stores none
    assert (first.accepted, first.duplicates) == (2, 1)
    assert (second.accepted, second.duplicates) == (0, 3)
    assert Response.objects.count() == 2


@override_settings(TIME_ZONE="America/New_York")
def test_day_is_the_date_in_the_organisation_time_zone(org):
    # given a response at 02:30 UTC, which is the previous evening in New York
    moment = datetime(2026, 3, 10, 2, 30, tzinfo=ZoneInfo("UTC"))

    # when it is stored
    record_responses(
        source=Source.objects.get(slug="integrations"), items=[make_item(occurred_at=moment)]
    )

    # then its day is the New York date
    assert str(Response.objects.get().day) == "2026-03-09"


def test_customer_ids_are_stored_only_as_a_keyed_hash(org):
    record_responses(
        source=Source.objects.get(slug="integrations"),
        items=[make_item(customer_ref=customer_ref("customer-42"))],
    )
    stored = Response.objects.get().customer_ref
    assert stored != "customer-42" and len(stored) == 64
    assert stored == customer_ref("customer-42")  # stable, so one customer can be followed


def test_comments_are_redacted_before_storage(org):
    record_responses(
        source=Source.objects.get(slug="integrations"),
        items=[make_item(comment="Mail me at jane.doe@example.com or call +44 20 7946 0958")],
    )
    comment = Response.objects.get().comment
    assert "jane.doe" not in comment and "7946" not in comment
    assert "[email]" in comment and "[phone]" in comment


def test_stored_responses_reach_the_rollups_in_eager_mode(org, django_capture_on_commit_callbacks):
    # given three NPS answers on chat, committed
    with django_capture_on_commit_callbacks(execute=True):
        record_responses(
            source=Source.objects.get(slug="integrations"),
            items=[make_item(score=s, channel="chat") for s in (10.0, 9.0, 3.0)],
        )

    # then the rollups hold their counts (refreshed on commit in eager mode)
    rollup = DailyRollup.objects.get(metric="nps")
    assert (rollup.n, rollup.promoters, rollup.detractors) == (3, 2, 1)
