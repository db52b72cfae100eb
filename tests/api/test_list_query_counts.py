"""Query counts of the read API's list endpoints, pinned with one row and with many, so a
listing stays O(1) in queries however many responses, groups or sources there are."""

from __future__ import annotations

import pytest

from cxmetrics.models import Channel, Source
from tests.factories import make_responses

MANY = 7
ROLE = 1  # the reader's groups (the role); force_authenticate costs no session query
CHANNELS = ("chat", "web", "email", "phone", "app", "social", "store")


def store(count: int) -> None:
    """`count` NPS and CSAT responses on up to seven channels, AI and human."""
    for number in range(count):
        common = {"channel": CHANNELS[number % 7], "handled_by": ("ai", "human")[number % 2]}
        make_responses(scores=[9, 3], metric="nps", **common)
        make_responses(scores=[5], metric="csat", **common)


def add_sources(count: int) -> None:
    chat = Channel.objects.get(slug="chat")
    for number in range(count):
        source = Source.objects.create(slug=f"extra-{number}", name=f"Extra {number}", kind="api")
        source.channels.add(chat)


@pytest.mark.parametrize("count", [1, MANY])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/responses?page_size=5", ROLE + 1),
        ("/api/v1/responses?metric=nps&channel=chat,web&source=integrations", ROLE + 3),
        ("/api/v1/responses?format=csv", ROLE + 1),
        ("/api/v1/metrics/summary?metric=nps", ROLE + 1),
        ("/api/v1/metrics/summary?metric=nps&group_by=channel", ROLE + 2),
        ("/api/v1/metrics/summary?metric=csat&group_by=day&channel=chat", ROLE + 2),
        ("/api/v1/metrics/compare?metric=nps&by=handled_by&a=ai&b=human", ROLE + 1),
        ("/api/v1/metrics/compare?metric=csat&by=channel&a=chat&b=web", ROLE + 3),
        ("/api/v1/departments", ROLE + 1),
        ("/api/v1/channels", ROLE + 1),
        ("/api/v1/sources", ROLE + 2),
    ],
)
def test_read_endpoints_cost_the_same_for_one_or_many(
    org, reader, django_assert_num_queries, count, url, queries
):
    # given `count` rounds of responses over several channels, and `count` more sources
    store(count)
    add_sources(count)

    # when the endpoint is read, then the queries do not grow with the rows
    with django_assert_num_queries(queries):
        answer = reader.get(url)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert answer.status_code == 200 and body
