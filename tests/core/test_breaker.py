"""The circuit breaker of optional services: one failure opens it for a cool-off, logged once."""

from __future__ import annotations

import logging

from cxmetrics.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_failure_skips_the_service_for_the_cooloff_then_tries_again(caplog):
    # given a closed breaker with a 30 s cool-off
    clock = Clock()
    breaker = CircuitBreaker("Thing", cooloff=lambda: 30, clock=clock)
    assert breaker.allows()

    # when the service fails once
    with caplog.at_level(logging.INFO):
        breaker.failed(ConnectionError("refused"), consequence="nothing queued")
        clock.now = 129.9
        during = breaker.allows()
        clock.now = 130.0
        after = breaker.allows()
        breaker.succeeded()
        breaker.succeeded()

    # then it is skipped for exactly 30 s, and opening and closing are each logged once
    assert (during, after) == (False, True)
    assert caplog.messages == [
        "Thing unreachable (ConnectionError: refused); nothing queued; not retried for 30 s",
        "Thing reachable again",
    ]


def test_a_retry_that_fails_again_opens_it_for_another_cooloff():
    clock = Clock()
    breaker = CircuitBreaker("Thing", cooloff=lambda: 10, clock=clock)
    breaker.failed(OSError("down"), consequence="x")
    clock.now = 110.0
    breaker.failed(OSError("down"), consequence="x")
    clock.now = 119.0
    assert not breaker.allows()
    clock.now = 120.0
    assert breaker.allows()
