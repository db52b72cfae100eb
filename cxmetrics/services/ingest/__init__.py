"""Store validated responses idempotently, and keep their rollups correct.

`ingest_items` is the whole write path of the API: validate a batch item by item
(cxmetrics.ingest.validate), then `record_responses` (or `update_responses` for vendor update
events) in one transaction. `edit_response` and `delete_responses` are the same rules for the
admin. One module per job:

* `batch`: what validation needs per batch, and validate-then-store (`ingest_items`).
* `rows`: the response row as ingest writes it, derived from the `Response` model.
* `record`: new rows (`record_responses`), through `postgresql` (COPY) or `portable` (INSERT).
* `changes`: stored rows changed in place (vendor updates, admin edits and deletes).
* `marks`: the rollup bookkeeping of non-additive changes (dirty marks, the refresh queued).
"""

from .batch import ingest_context, ingest_items
from .changes import delete_responses, edit_response, update_responses
from .marks import bucket_of, mark_dirty, queue_rollup_refresh
from .record import record_responses

__all__ = [
    "bucket_of",
    "delete_responses",
    "edit_response",
    "ingest_context",
    "ingest_items",
    "mark_dirty",
    "queue_rollup_refresh",
    "record_responses",
    "update_responses",
]
