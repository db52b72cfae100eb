"""erase_customer: every response of one customer deleted through the HMAC, rollups exact,
one audit record per call (never the raw id), idempotent; and `manage.py erase_customer`."""

from __future__ import annotations

import hashlib
import hmac
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from cxmetrics.models import DailyRollup, PrivacyEvent, Response, Source
from cxmetrics.selectors.summary import metric_summary
from cxmetrics.services.personal_data import customer_ref
from cxmetrics.services.privacy import erase_customer
from cxmetrics.services.sentiment import score_comments
from tests.privacy.helpers import assert_rollups_equal_raw

URL = "/api/v1/responses"


def _item(external_id: str, score: int, customer: object, **extra: object) -> dict:
    return {
        "external_id": external_id,
        "metric": "nps",
        "score": score,
        "channel": "chat",
        "occurred_at": "2025-05-01T10:00:00Z",
        "customer_id": customer,
        **extra,
    }


@pytest.fixture
def stored(api, django_capture_on_commit_callbacks):
    """Customer cust-42: three NPS answers (two days, two channels), one as the integer 42's
    twin; customer cust-7: two answers in the same buckets."""
    items = [
        _item("a1", 10, "cust-42", comment="Great, thanks"),
        _item("a2", 2, "cust-42", channel="web"),
        _item("a3", 3, "cust-42", occurred_at="2025-05-02T10:00:00Z"),
        _item("b1", 9, "cust-7"),
        _item("b2", 6, "cust-7", occurred_at="2025-05-02T10:00:00Z"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(URL, items, format="json").status_code == 201
    assert_rollups_equal_raw()
    return items


def _nps() -> tuple[int, float]:
    (figure,) = metric_summary(metric="nps")
    return figure["n"], round(figure["score"], 6)


def test_the_hmac_is_the_one_ingest_stores():
    # given the key
    key = settings.CUSTOMER_HASH_KEY.encode()
    # then the one function is HMAC-SHA256 of the id's text, integers as their digits
    expected = hmac.new(key, b"cust-42", hashlib.sha256).hexdigest()
    assert customer_ref("cust-42") == expected
    forty_two = hmac.new(key, b"42", hashlib.sha256).hexdigest()
    assert customer_ref(42) == customer_ref("42") == forty_two
    assert customer_ref("") == ""


def test_erase_deletes_every_response_of_the_customer_and_rollups_follow(stored, executive):
    # given 5 responses of two customers
    assert Response.objects.filter(customer_ref=customer_ref("cust-42")).count() == 3
    assert _nps() == (5, -20.0)  # promoters 10, 9; detractors 2, 3, 6
    # when
    event = erase_customer(customer_id="cust-42", actor=executive, reason="GDPR art. 17")
    # then only cust-7's rows are left, and the rollups equal a rebuild from raw rows
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["b1", "b2"]
    assert_rollups_equal_raw()
    assert _nps() == (2, 0.0)  # 9 and 6: one promoter, one detractor
    assert event.responses == 3


def test_erase_writes_an_audit_record_without_the_raw_id(stored, executive):
    # when
    erase_customer(
        customer_id="cust-42", actor=executive, reason="Request cust-42 by ann@example.com"
    )
    # then
    event = PrivacyEvent.objects.get()
    assert (event.kind, event.actor, event.actor_label, event.responses) == (
        "erase",
        executive,
        "exec",
        3,
    )
    assert event.customer_ref == customer_ref("cust-42")
    assert event.reason == "Request [customer] by [email]"
    assert event.before_day is None
    values = PrivacyEvent.objects.values_list("reason", "customer_ref", "actor_label")
    assert "cust-42" not in repr(list(values))


def test_a_second_erase_deletes_nothing_and_is_recorded_too(stored):
    # given
    first = erase_customer(customer_id="cust-42", actor="test", reason="")
    # when
    second = erase_customer(customer_id="cust-42", actor="test", reason="")
    # then
    assert (first.responses, second.responses) == (3, 0)
    assert PrivacyEvent.objects.count() == 2
    assert Response.objects.count() == 2
    assert_rollups_equal_raw()


def test_an_integer_customer_id_is_erased_by_its_text(api, django_capture_on_commit_callbacks):
    # given a response sent with the integer customer id 42
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, [_item("i1", 9, 42)], format="json")
    # when it is erased by the id as text
    event = erase_customer(customer_id="42", actor="test", reason="")
    # then
    assert event.responses == 1 and not Response.objects.exists()
    assert assert_rollups_equal_raw() == []


def test_erase_before_any_refresh_or_scoring_keeps_rollups_exact(org, api):
    # given rows whose batch note is pending, with a comment scored but its delta pending
    items = [_item("p1", 10, "cust-1", comment="Awful, never again"), _item("p2", 8, "cust-2")]
    assert api.post(URL, items, format="json").status_code == 201
    assert score_comments() == 1
    # when cust-1 is erased before any refresh ran
    erase_customer(customer_id="cust-1", actor="test", reason="")
    # then only p2 is counted
    assert_rollups_equal_raw()
    assert _nps() == (1, 0.0)
    assert DailyRollup.objects.get().sentiment_n == 0  # the erased comment's score is gone


def test_an_empty_customer_id_is_refused(org):
    with pytest.raises(ValueError, match="customer_id is required"):
        erase_customer(customer_id=" ", actor="test", reason="")
    assert not PrivacyEvent.objects.exists()


def test_the_command_erases_and_says_how_many(stored):
    # when
    out = StringIO()
    call_command("erase_customer", "cust-42", "--reason", "ticket 81", stdout=out)
    # then
    assert out.getvalue().strip() == (
        f"Erased 3 responses of customer {customer_ref('cust-42')[:12]}… (audit record "
        f"{PrivacyEvent.objects.get().pk})."
    )
    event = PrivacyEvent.objects.get()
    assert (event.actor_label, event.reason, event.responses) == ("manage.py", "ticket 81", 3)
    assert_rollups_equal_raw()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rollups_equal_raw_after_erase_on_postgresql(org):
    # given committed rows of two customers in shared buckets, refreshed
    from tests.api.conftest import key_client

    client = key_client("integrations")
    items = [_item(f"q{i}", i % 11, f"c{i % 3}", comment="ok" if i % 4 else "") for i in range(60)]
    assert client.post(URL, items, format="json").status_code == 201
    score_comments()
    assert_rollups_equal_raw()
    # when one customer is erased (its own transaction, as the API does)
    event = erase_customer(customer_id="c1", actor="test", reason="")
    # then
    assert event.responses == 20
    assert Response.objects.count() == 40
    assert_rollups_equal_raw()
    assert _nps()[0] == 40
    assert Source.objects.filter(slug="integrations").exists()


def test_a_customer_with_a_skipped_comment_is_erased_too(stored, executive):
    # given one of cust-42's comments the scorer gave up on
    from cxmetrics.models import SkippedComment

    row = Response.objects.filter(customer_ref=customer_ref("cust-42")).first()
    SkippedComment.objects.create(response=row, reason="soft time limit")
    # when
    event = erase_customer(customer_id="cust-42", actor=executive, reason="GDPR art. 17")
    # then the responses and their skip notes are gone, and the rollups follow
    assert event.responses == 3
    assert not SkippedComment.objects.exists()
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["b1", "b2"]
    assert_rollups_equal_raw()
