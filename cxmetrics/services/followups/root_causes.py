"""Writes of the root-cause list follow-ups are closed with: add, rename, (de)activate.

Admins only (`NotAllowed` otherwise). A root cause is never deleted here: closed follow-ups
keep theirs; an inactive one is kept and no longer offered when closing (the lifecycle's rule).
Names are trimmed, required, at most 100 characters and unique (`InvalidInput` on `name`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cxmetrics.models import RootCause
from cxmetrics.roles import is_admin
from cxmetrics.services.goals import InvalidInput, NotAllowed

__all__ = ["create_root_cause", "update_root_cause"]

ADMINS_ONLY = "Only admins add, rename or deactivate root causes."
MAX_NAME = RootCause._meta.get_field("name").max_length or 100


def _name(name: Any, *, pk: int | None) -> str:
    text = str(name or "").strip()
    if not text:
        raise InvalidInput({"name": ["A name is required."]})
    if len(text) > MAX_NAME:
        raise InvalidInput({"name": [f"At most {MAX_NAME} characters."]})
    if RootCause.objects.filter(name__iexact=text).exclude(pk=pk).exists():
        raise InvalidInput({"name": ["Another root cause has this name."]})
    return text


def create_root_cause(*, actor: Any, name: str) -> RootCause:
    """A new, active root cause named `name`."""
    if not is_admin(actor):
        raise NotAllowed(ADMINS_ONLY)
    with transaction.atomic():
        return RootCause.objects.create(name=_name(name, pk=None), active=True)


def update_root_cause(
    *, actor: Any, root_cause: RootCause, name: str | None = None, active: bool | None = None
) -> RootCause:
    """Rename `root_cause` (when `name` is given) and/or (de)activate it (`active`)."""
    if not is_admin(actor):
        raise NotAllowed(ADMINS_ONLY)
    with transaction.atomic():
        if name is not None:
            root_cause.name = _name(name, pk=root_cause.pk)
        if active is not None:
            root_cause.active = active
        root_cause.save()
    return root_cause
