"""Shared fixtures: the demo organisation and plain `make_*` factories."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _tasks_run_inline_unless_testing_the_broker(request):
    """Tasks run in-process (eager) in every test except those marked `broker`.

    With CELERY_BROKER_URL set (the PostgreSQL pass of .ci/run) a queued task would wait for a
    worker that most tests do not start; tests about the transport itself are marked `broker`
    and go through a real worker process (tests/pipeline/conftest.py).
    """
    if "broker" in request.keywords:
        yield
        return
    from cxmetrics.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _outages_forgotten():
    """Each test starts with the broker and the rate-limit cache presumed reachable (a fault
    test opens their circuit breakers for a cool-off that would outlive it)."""
    from cxmetrics.api.permissions import RATE_CACHE
    from cxmetrics.enqueue import BROKER

    RATE_CACHE.reset()
    BROKER.reset()
    yield
    RATE_CACHE.reset()
    BROKER.reset()


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


# --- Tests that need a real service -------------------------------------------------------
# Mark them @pytest.mark.postgres, @pytest.mark.broker or @pytest.mark.browser. Where the
# service is missing they skip and say why; with CX_REQUIRE_SERVICES=1 (the PostgreSQL pass of
# .ci/run) a missing service fails the run instead, so CI never skips them overall.


def redis_test_url() -> str:
    """The Redis for tests marked `redis`: CACHE_URL's, else the broker's (keys of their own)."""
    from django.conf import settings

    for url in (settings.CACHE_URL, settings.CELERY_BROKER_URL):
        if url.startswith(("redis://", "rediss://")):
            return url
    return ""


def _missing(marker: str) -> str | None:
    import os
    import shutil

    from django.conf import settings

    if marker == "postgres" and not settings.DATABASE_URL.startswith("postgres"):
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (the second pass of .ci/run)"
    if marker == "broker" and not settings.CELERY_BROKER_URL:
        return "needs a Redis broker: set CELERY_BROKER_URL=redis://... (.ci/run)"
    if marker == "redis" and not redis_test_url():
        return "needs a Redis server: set CACHE_URL or CELERY_BROKER_URL=redis://... (.ci/run)"
    if marker == "browser":
        if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
            return "needs Debian's chromium (apt-get install chromium; .ci/run installs it)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs the playwright Python package (requirements.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    import os

    require = os.environ.get("CX_REQUIRE_SERVICES") == "1"
    for item in items:
        for marker in ("postgres", "broker", "browser", "redis"):
            if marker in item.keywords and (reason := _missing(marker)):
                if require:
                    item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
                    raise pytest.UsageError(f"CX_REQUIRE_SERVICES=1 but {item.nodeid} {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))
