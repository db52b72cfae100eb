"""Faults on the production path, end to end (`python -m bench faults`).

Runs the real thing: gunicorn (2 workers) on a fresh PostgreSQL database, a Celery worker
(prefork, 2 processes) on a broker Redis of its own, and the rate limiter's cache on another
Redis of its own (the shared Redis on 6379 is never touched; ports 6401 and 6402, or
`--broker-port=` / `--cache-port=`). Then, one after the other:

1. **web worker killed**: kill -9 of every gunicorn worker while a 10,000-item batch is being
   stored, then the client re-sends the batch (as any client does after a reset connection);
2. **broker stopped** mid-ingest: batches pushed while the broker Redis is down (time per
   request printed), then the broker comes back;
3. **cache stopped** mid-ingest: batches pushed while the rate limiter's Redis is down;
4. **Celery worker killed**: kill -9 of the worker's processes while they score comments,
   then a new worker;
5. **poison comment**: a 1 MB comment beside ordinary ones; the pipeline must stay live.

Between scenarios the beat's catch-up entries are sent by hand (as beat would, every minute).
At the end it asserts: every item answered as accepted or duplicate is stored exactly once,
nothing else is stored, every comment is scored (or parked, and then listed), no rollup work is
pending, rollups equal raw counts for every metric and grouping, and no answer was a 5xx other
than a JSON 503. Each figure is printed; the exit status is 1 when an assertion fails.

Database: CX_FAULTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cx_faults),
dropped and created anew.
"""

from __future__ import annotations

from bench.faults.run import main

__all__ = ["main"]
