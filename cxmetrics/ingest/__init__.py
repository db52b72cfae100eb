"""Ingest formats: one pure parser module per vendor, and the registry the API serves.

`ADAPTERS[name]` describes `POST /api/v1/ingest/<name>`: the parser
`parse(body, *, settings) -> Parsed`, the body's media type, and an optional signature check
`verify(body, header, secret) -> bool` with the header it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import delighted, qualtrics, typeform, zendesk
from .types import Parsed


@dataclass(frozen=True)
class Adapter:
    name: str
    parse: Callable[..., Parsed]
    media_type: str = "application/json"
    verify: Callable[[bytes, str | None, str], bool] | None = None
    signature_header: str = ""
    description: str = ""


ADAPTERS: dict[str, Adapter] = {
    "delighted": Adapter(
        "delighted",
        delighted.parse,
        description="Delighted survey_response.created / .updated webhook",
    ),
    "zendesk": Adapter(
        "zendesk",
        zendesk.parse,
        description="Zendesk satisfaction_rating object or satisfaction_ratings list",
    ),
    "typeform": Adapter(
        "typeform",
        typeform.parse,
        verify=typeform.verify_signature,
        signature_header=typeform.SIGNATURE_HEADER,
        description="Typeform form_response webhook",
    ),
    "qualtrics": Adapter(
        "qualtrics",
        qualtrics.parse,
        media_type="text/csv",
        description="Qualtrics CSV response export (three header rows)",
    ),
}

__all__ = ["ADAPTERS", "Adapter", "Parsed"]


def adapter_names() -> list[str]:
    return list(ADAPTERS)
