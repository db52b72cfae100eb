"""Bulk ingest over HTTP into PostgreSQL, served by gunicorn (`python -m bench api`).

1. (Re)creates the bench database (CX_BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cx_bench), migrates it, loads the demo organisation and
   creates an API key with `manage.py create_api_key`.
2. Starts gunicorn on a free port (3 workers, `--workers=N`: one request more in flight than
   the 2 cores, so PostgreSQL stores a batch while Python parses the next; 2 workers measured
   about a third slower), with Celery tasks published to a Redis broker (db 13) as in
   production; no worker consumes them during the run.
3. Pushes N canonical responses in 10,000-item JSON batches from 3 client threads
   (`--threads=N`; bodies are generated before timing; connections are kept alive) and
   reports responses/s.
4. COPYs the same rows with psycopg into a scratch table shaped like the responses table (same
   indexes and checks), and into a bare one, and prints both rates and the ratios.
5. Re-sends every batch: verifies 0 rows added and every item counted as a duplicate.
6. Restarts gunicorn (1 fresh worker) and uploads an N-row CSV, streamed; reports the
   worker's peak RSS (VmHWM).

`--scale=small` runs 50,000 rows (for validation); the default is 1,000,000. Note:
`python -m bench api --scale small` would read `small` as an area name; use `--scale=small`.
"""

from bench.api.run import main
from bench.api.servers import Settings, prepare_database, start_gunicorn, stop, worker_pids

__all__ = ["Settings", "main", "prepare_database", "start_gunicorn", "stop", "worker_pids"]
