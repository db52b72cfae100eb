"""Callback requests the pages cannot have sent answer 400 with a JSON message, never a 500.

Dash runs whatever a POST to `_dash-update-component` names: a body of the wrong shape fails
inside Dash, and junk values (a number for a date, a dict for a list of slugs, year 0001) fail
inside our views or Dash's page router. `install` puts a check in front of Dash's dispatcher:
the body must name a registered server-side callback with exactly its inputs and states, and
every input value must be of the kind its control sends (`filter_value_errors` for the
filters, the rules below for the rest). The answer to anything else is
`{"detail": ..., "errors": {input: message}}` with status 400.
"""

from __future__ import annotations

import json
from typing import Any

import flask

from cxmetrics.selectors.dashboards.filters import filter_value_errors
from dashboards.pages import PAGES

# Filter controls (frame.filter_id / dates_id / as_of_id): which filter each property holds.
# Metric and grain controls cannot be cleared, except where a page's default is None (all).
REQUIRED = ("metric", "grain")
_OPEN = {
    (page.key, name)
    for page in PAGES
    for name, default in (page.defaults or {}).items()
    if default is None
}
_DATE_PROPERTIES = {"start_date": "start", "end_date": "end", "date": "as_of"}
MAX_ADDRESS = 8192


def _address_part(start: str, *, empty: bool) -> Any:
    def rule(value: Any) -> str | None:
        fits = isinstance(value, str) and len(value) <= MAX_ADDRESS
        if fits and (value.startswith(start) or (empty and value == "")):
            return None
        return f"must be text starting with {start!r}, at most {MAX_ADDRESS} characters."

    return rule


def _whole_number(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return None
    return "must be a whole number."


# Other server-side inputs by "id.property". Dash's page router reads the address.
_RULES = {
    "_pages_location.pathname": _address_part("/", empty=False),
    "_pages_location.search": _address_part("?", empty=True),
    "goals-history-goal.value": _whole_number,
}


def _is_ref(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def _key(item: dict[str, Any]) -> str:
    component = item["id"]
    if isinstance(component, dict):
        component = json.dumps(component, sort_keys=True, separators=(",", ":"))
    return f"{component}.{item['property']}"


def value_error(component: Any, prop: str, value: Any) -> str | None:
    """Why `value` cannot have come from input `component.prop`, or None."""
    if isinstance(component, dict) and component.get("type", "").startswith("filter"):
        name = _DATE_PROPERTIES.get(prop, component.get("name"))
        if name in REQUIRED and value in (None, "") and (component.get("page"), name) not in _OPEN:
            return "must be chosen."
        return filter_value_errors({name: value}).get(name)
    rule = _RULES.get(f"{component}.{prop}")
    return rule(value) if rule else None


def request_errors(body: Any, callback_map: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """('', {}) for a request a page could send, else (detail, {input: message})."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return "The body must be a JSON object naming a callback's output.", {}
    spec = callback_map.get(body["output"])
    if spec is None or "callback" not in spec:
        return "No server-side callback has that output.", {"output": "unknown"}
    output = body["output"]
    declared_outputs = output.strip(".").split("...") if output.startswith("..") else [output]
    sent_outputs = body.get("outputs")
    sent_outputs = [sent_outputs] if not output.startswith("..") else sent_outputs
    if (
        not isinstance(sent_outputs, list)
        or [_key(o) if _is_ref(o) else None for o in sent_outputs] != declared_outputs
    ):
        return "`outputs` must be the callback's own.", {"outputs": "shape"}
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "`changedPropIds` must be a list of 'id.property' strings.", {}
    errors: dict[str, str] = {}
    for part in ("inputs", "state"):
        declared = [f"{d['id']}.{d['property']}" for d in spec.get(part, [])]
        sent = body.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            return f"`{part}` must list the callback's {len(declared)} {part}.", {part: "shape"}
        for expected, item in zip(declared, sent, strict=True):
            if not _is_ref(item):
                return f"Each of `{part}` must be an object with id, property and value.", {}
            if _key(item) != expected:
                return f"`{part}` must be the callback's own, in order.", {expected: "missing"}
            message = value_error(item["id"], item["property"], item.get("value"))
            if message:
                errors[expected] = message
    if errors:
        return "Some values are not what the page's controls send.", errors
    return "", {}


def install(app: Any) -> None:
    """Check every callback request (`request_errors`) before Dash's dispatcher runs it."""
    endpoint = f"{app.config.routes_pathname_prefix}_dash-update-component"
    dispatch = app.server.view_functions[endpoint]

    def guarded() -> Any:
        body = flask.request.get_json(silent=True)
        detail, errors = request_errors(body, app.callback_map)
        if detail:
            return flask.jsonify({"detail": detail, "errors": errors}), 400
        return dispatch()

    app.server.view_functions[endpoint] = guarded
