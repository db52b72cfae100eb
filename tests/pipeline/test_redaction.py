"""Redaction of comments: personal data masked, everything a reader needs kept."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from cxmetrics.models import Response, Source
from cxmetrics.redaction import luhn_valid, redact
from cxmetrics.services import record_responses
from tests.factories import make_item


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at john.doe@mail.example.org please", "mail me at [email] please"),
        ("JANE_O'NEIL+cx@sub.example.co.uk wrote", "[email] wrote"),
        ("contact: a@b.io.", "contact: [email]."),
        ("two: x1@example.com, y2@example.net", "two: [email], [email]"),
    ],
)
def test_email_addresses_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("4111111111111111", "[card]"),
        ("amex 3782 822463 10005 ok", "amex [card] ok"),
        ("mastercard 5555555555554444.", "mastercard [card]."),
        ("diners 30569309025904", "diners [card]"),
    ],
)
def test_card_numbers_passing_luhn_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on +44 20 7946 0958 tomorrow", "call me on [phone] tomorrow"),
        ("+1 (555) 123-4567", "[phone]"),
        ("my number is 555-123-4567.", "my number is [phone]."),
        ("ring 020 7946 0958", "ring [phone]"),
        ("mobile 07700900123", "mobile [phone]"),
        ("0049 30 901820", "[phone]"),
        ("(555) 123 4567", "[phone]"),
        ("555.123.4567", "[phone]"),
        ("call 5551234 anytime", "call [phone] anytime"),
        ("5551234567 is mine", "[phone] is mine"),
        ("+33 1 42 68 53 00", "[phone]"),
        ("tel +49 (0)30 1234567", "tel [phone]"),
        ("1-800-555-0199", "[phone]"),
        ("phone: 555 1234.", "phone: [phone]."),
    ],
)
def test_phone_numbers_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Delivered on 2024-05-01, two days late.",
        "Delivered on 01.05.2024 at 10:30.",
        "It arrived 2024-05-01 10:30 instead of 09:00",
        "Between 12/03/2024 and 15/03/2024 nobody answered",
        "I paid $1,299.99 and €1 234,56 for it",
        "It cost 1 200 000.00 USD in total",
        "Refund of 45.50 is still missing",
        "order 12345678 never arrived",
        "Order number: 98765432101 was wrong",
        "ticket #5551234 closed without answer",
        "invoice no. 2024-000123 is wrong",
        "I waited 45 minutes, 3 times, for 2 days",
        "Rated 10/10, 5 stars",
        "Version 2.14.3 of the app crashes",
        "Tracking 1Z999AA10123456784",
        "card ending 1111 was charged",
        "16 digits but not a card: 1234 5678 9012 3456",
        "In 2023 and 2024 I called 3 times",
        "Customer since 1999-2001 and again 2019 - 2024",
        "ref: 00123456789 is my case",
        "I was on hold 20 - 30 min, from 9-5",
    ],
)
def test_dates_prices_ids_and_counts_are_kept(text):
    assert redact(text) == text


def test_luhn_check():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")


def test_empty_and_plain_text_are_unchanged():
    assert redact("") == ""
    assert redact("Great service, thank you!") == "Great service, thank you!"


@pytest.mark.django_db
def test_ingest_stores_only_the_redacted_comment_and_logs_no_raw_value(org, no_publish, caplog):
    # given
    raw = "Call +44 20 7946 0958 or mail john.doe@mail.example.org, card 4111 1111 1111 1111"
    item = make_item(comment=raw)
    caplog.set_level(logging.DEBUG)

    # when
    record_responses(source=Source.objects.get(slug="integrations"), items=[item])

    # then
    stored = Response.objects.get(external_id=item.external_id).comment
    assert stored == "Call [phone] or mail [email], card [card]"
    for secret in ("7946", "john.doe", "4111"):
        assert secret not in caplog.text
        assert secret not in stored


@pytest.mark.django_db
@override_settings(CX_REDACT_COMMENTS=False)
def test_redaction_can_be_switched_off(org, no_publish):
    # given
    item = make_item(comment="mail me: a@example.com")

    # when
    record_responses(source=Source.objects.get(slug="integrations"), items=[item])

    # then
    assert Response.objects.get(external_id=item.external_id).comment == "mail me: a@example.com"
