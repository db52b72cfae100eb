"""Shared fixtures: the demo organisation and plain `make_*` factories."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import make_user


@pytest.fixture
def org(db):
    """The demo organisation from fixtures/demo_org.json (departments, channels, sources)."""
    call_command("loaddata", "fixtures/demo_org.json", verbosity=0)


@pytest.fixture
def executive(org):
    return make_user("exec", role="executive")


@pytest.fixture
def lead(org):
    return make_user("lead", role="team_lead", leads=["support"])


@pytest.fixture
def integrator(org):
    return make_user("integrator", role="integrator")
