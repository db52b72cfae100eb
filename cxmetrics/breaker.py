"""A circuit breaker for optional services on the request path (the Celery broker, the cache
of the rate limits).

Neither is needed to answer a request correctly: the database keeps what the broker would have
carried, and a rate limit may fail open. But a stopped or hung service costs every request its
connection timeouts. After one failure the breaker stays *open* for `cooloff` seconds: callers
skip the service (no connection attempt at all) and the outage is logged once, not once per
request. After the cool-off the next call tries again; one success closes the breaker.
No Django import: the clock is injectable for tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    """One per process and service. Thread-safe; state is per process (each gunicorn worker
    finds out about an outage on its own, at the cost of one failed attempt)."""

    def __init__(
        self,
        name: str,
        *,
        cooloff: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._cooloff = cooloff  # read at call time, so settings overrides apply
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None

    def allows(self) -> bool:
        """True when the service may be tried (closed, or the cool-off has passed)."""
        with self._lock:
            return self._open_until is None or self._clock() >= self._open_until

    def failed(self, error: BaseException, *, consequence: str) -> None:
        """Open the breaker for the cool-off and log a warning. Callers skip the service while
        it is open, so failures (and warnings) come about once a cool-off during an outage; the
        requests that are in flight when it opens, or that try together when it ends, may each
        log once."""
        cooloff = float(self._cooloff())
        with self._lock:
            self._open_until = self._clock() + cooloff
        # The error's type and text only: they name the host, never the request's data.
        logger.warning(
            "%s unreachable (%s: %s); %s; not retried for %g s",
            self.name,
            type(error).__name__,
            error,
            consequence,
            cooloff,
        )

    def succeeded(self) -> None:
        with self._lock:
            was_open = self._open_until is not None
            self._open_until = None
        if was_open:
            logger.info("%s reachable again", self.name)

    def reset(self) -> None:
        """Close without logging (tests)."""
        with self._lock:
            self._open_until = None
