"""Fixtures of the goal editor's page tests: an admin, a client logged in as anyone, and a
stored goal of Support. The people (product_lead, billing_lead) come from
tests/workspace/conftest.py."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.services import goals as goal_services
from tests.factories import make_user
from tests.workspace.goal_form.kit import departments


@pytest.fixture
def admin_user(org):
    return make_user("boss", role="admin")


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def support_goal(lead):
    """Support's goal owned by `lead`, Product invited (pending)."""
    return goal_services.create_goal(
        actor=lead,
        name="CSAT to 85",
        metric="csat",
        baseline=80.0,
        target=85.0,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        departments=departments("support", "product"),
    )
