"""The Response table refuses what the product never accepts, in validation and in SQL."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cxmetrics.models import Channel, Department, Response, Source
from cxmetrics.services import record_responses
from tests.factories import make_item


def _response(**overrides) -> Response:
    values = {
        "source": Source.objects.get(slug="integrations"),
        "external_id": "r-1",
        "metric": "nps",
        "score": 9,
        "channel": Channel.objects.get(slug="web"),
        "department": Department.objects.get(slug="support"),
        "occurred_at": timezone.now(),
        "day": timezone.now().date(),
    }
    values.update(overrides)
    return Response(**values)


@pytest.mark.parametrize(
    ("metric", "score"),
    [
        ("nps", 11),
        ("nps", -1),
        ("nps", 8.5),
        ("csat", 0),
        ("csat", 6),
        ("ces", 0),
        ("ces", 8),
        ("sentiment", 1.5),
        ("sentiment", -1.01),
    ],
)
def test_out_of_range_scores_are_refused_by_validation_and_by_the_database(org, metric, score):
    # given a response whose score does not fit its metric
    response = _response(metric=metric, score=score)

    # then model validation names the score field
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert "score" in error.value.message_dict

    # and the database's check constraint refuses it even when validation is bypassed
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


@pytest.mark.parametrize(
    ("metric", "score"),
    [
        ("nps", 0),
        ("nps", 10),
        ("csat", 1),
        ("csat", 5),
        ("ces", 1),
        ("ces", 7),
        ("sentiment", -1),
        ("sentiment", 0.4567),
        ("sentiment", 1),
    ],
)
def test_scores_at_the_edges_of_each_range_are_stored(org, metric, score):
    response = _response(metric=metric, score=score, external_id=f"{metric}-{score}")
    response.full_clean()
    response.save()
    assert Response.objects.get(pk=response.pk).score == score


def test_naive_timestamps_are_refused(org):
    # given a timestamp without an offset
    naive = datetime(2026, 5, 1, 12, 0)

    # then validation refuses the row and the ingest service refuses the item
    with pytest.raises(ValidationError) as error:
        _response(occurred_at=naive).full_clean()
    assert "occurred_at" in error.value.message_dict
    with pytest.raises(ValueError, match="offset"):
        record_responses(
            source=Source.objects.get(slug="integrations"), items=[make_item(occurred_at=naive)]
        )
    assert Response.objects.count() == 0


def test_the_same_external_id_cannot_be_stored_twice_for_a_source(org):
    _response().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _response().save()
    # another source may use the same external id
    _response(source=Source.objects.get(slug="zendesk")).save()
    assert Response.objects.count() == 2
