"""A page's frame: header, filters initialised from the URL query string, and its content with
the first figures already drawn in.

A page is declared once (`Page`): its filters and its `View`s, each a callback that calls one
selector and one figure function. `render` is the page's Dash layout: it parses the query
string and calls every view as a plain function with the parsed filters, putting the results
into the layout, so the first paint needs no callback round trip. `register` wires the same
views as callbacks with `prevent_initial_call=True`: they answer filter changes only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from dashboards.components import register_tables

# Filters every page shares; they travel with the navigation links (assets/cx.js).
SHARED_KEYS = ("start", "end", "channel", "department", "handled_by")
LIST_KEYS = ("channel", "department", "handled_by")
API_DOCS_URL = "/api/docs/"
EMPTY_MESSAGE = "No responses yet: push some through the API"


def filter_id(page: str, name: str) -> dict[str, str]:
    return {"type": "filter", "page": page, "name": name}


def dates_id(page: str) -> dict[str, str]:
    return {"type": "filter-dates", "page": page, "name": "period"}


def as_of_id(page: str) -> dict[str, str]:
    return {"type": "filter-date", "page": page, "name": "as_of"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def page_header(title: str, text: str) -> html.Div:
    return html.Div(
        [html.H1(title, className="h3 mb-1"), html.P(text, className="text-muted mb-3")],
        className="page-header",
    )


def empty_state() -> dbc.Alert:
    """Shown instead of the figures while the database has no responses at all."""
    return dbc.Alert(
        [
            html.H2(EMPTY_MESSAGE, className="h5"),
            html.P(
                [
                    "Integrations push NPS, CSAT, CES and sentiment responses to ",
                    html.Code("POST /api/v1/responses"),
                    ". See the ",
                    html.A("API documentation", href=API_DOCS_URL),
                    ".",
                ],
                className="mb-0",
            ),
        ],
        color="info",
        className="empty-state",
        id="empty-state",
    )


def errors_alert(errors: Mapping[str, str]) -> dbc.Alert | None:
    """Field-level messages for a bad query string (the defaults were used instead)."""
    if not errors:
        return None
    return dbc.Alert(
        [
            html.Strong("Some filters in the address were not understood; defaults are used:"),
            html.Ul([html.Li(f"{field}: {message}") for field, message in errors.items()]),
        ],
        color="warning",
        className="filter-errors",
    )


def _dropdown(page: str, name: str, options: list, value: Any, placeholder: str, **kw: Any):
    return dcc.Dropdown(
        id=filter_id(page, name),
        options=options,
        value=value,
        placeholder=placeholder,
        className="filter-dropdown",
        **kw,
    )


def _labelled(label: str, control: Any, width: dict[str, Any]) -> dbc.Col:
    return dbc.Col(
        [html.Label(label, className="form-label small text-muted mb-1"), control], **width
    )


def filter_bar(
    page: str,
    *,
    values: Mapping[str, Any],
    options: Mapping[str, list],
    errors: Mapping[str, str] | None = None,
    extras: Sequence[str] = (),
    shared: Sequence[str] = SHARED_KEYS,
    optional_metric: bool = False,
) -> html.Div:
    """The filters of one page, initialised from the URL; `extras` adds metric, grain or
    sentiment controls. Every control has a pattern id {type: filter, page, name}."""
    cols = []
    if "start" in shared:
        cols.append(
            _labelled(
                "Period",
                dcc.DatePickerRange(
                    id=dates_id(page),
                    start_date=_iso(values.get("start")),
                    end_date=_iso(values.get("end")),
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    clearable=True,
                    minimum_nights=0,
                    className="filter-dates",
                ),
                {"xs": 12, "md": 6, "xl": 3},
            )
        )
    multi = {
        "channel": "All channels",
        "department": "All departments",
        "handled_by": "Anyone (AI or human)",
    }
    for name, placeholder in multi.items():
        if name in shared:
            control = _dropdown(
                page, name, options[name], values.get(name) or [], placeholder, multi=True
            )
            label = "Handled by" if name == "handled_by" else name.capitalize()
            cols.append(_labelled(label, control, {"xs": 12, "md": 6, "xl": 2}))
    if "metric" in extras:
        control = _dropdown(
            page,
            "metric",
            options["metric"],
            values.get("metric"),
            "All metrics" if optional_metric else "Metric",
            clearable=optional_metric,
        )
        cols.append(
            _labelled("Metric", control, {"xs": 6, "md": 3, "xl": 2 if optional_metric else 1})
        )
    if "grain" in extras:
        control = _dropdown(
            page, "grain", options["grain"], values.get("grain"), "Grain", clearable=False
        )
        cols.append(_labelled("Trend by", control, {"xs": 6, "md": 3, "xl": True}))
    if "as_of" in extras:
        control = dcc.DatePickerSingle(
            id=as_of_id(page),
            date=_iso(values.get("as_of")),
            display_format="YYYY-MM-DD",
            first_day_of_week=1,
            className="filter-as-of",
        )
        cols.append(_labelled("As of", control, {"xs": 6, "md": 3, "xl": 2}))
    if "sentiment" in extras:
        control = _dropdown(
            page, "sentiment", options["sentiment"], values.get("sentiment"), "Any sentiment"
        )
        cols.append(_labelled("Sentiment", control, {"xs": 6, "md": 3, "xl": 2}))
    return html.Div(
        [errors_alert(errors or {}), dbc.Card(dbc.CardBody(dbc.Row(cols, className="g-2")))],
        className="filter-bar mb-3",
    )


def filter_inputs(page: str, extras: Sequence[str] = (), shared: Sequence[str] = SHARED_KEYS):
    """Callback Inputs for a page's filters, in the order start, end, shared lists, extras."""
    inputs = []
    if "start" in shared:
        inputs += [Input(dates_id(page), "start_date"), Input(dates_id(page), "end_date")]
    inputs += [Input(filter_id(page, name), "value") for name in shared if name in LIST_KEYS]
    inputs += [
        Input(as_of_id(page), "date") if name == "as_of" else Input(filter_id(page, name), "value")
        for name in extras
    ]
    return inputs


def scoped(function: Callable[..., Any]) -> Callable[..., Any]:
    """A view of a page with the shared filters (SHARED_KEYS) written once: the callback takes
    start, end, channel, department, handled_by and the rest, `function` takes the
    SummaryFilters they make (`summary_filters`) and the rest."""
    from cxmetrics.selectors.dashboards import summary_filters

    @functools.wraps(function)
    def view(start, end, channel, department, handled_by, *rest: Any) -> Any:
        filters = summary_filters(
            start=start, end=end, channels=channel, departments=department, handled_by=handled_by
        )
        return function(filters, *rest)

    return view


@dataclass(frozen=True)
class View:
    """One callback of a page. `function` takes the page's shared filters (start, end, then
    the lists), then the page filters named in `extras`, then the `inputs` ("id.property",
    None on first paint), and returns the values of `outputs` ("id.property"; a tuple when
    there are several)."""

    function: Callable[..., Any]
    outputs: tuple[str, ...]
    extras: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A dashboard page: its address, what it says, its filters, its body and its views."""

    key: str
    path: str
    title: str
    description: str
    body: Callable[[], Any]
    views: tuple[View, ...]
    extras: tuple[str, ...] = ()
    shared: tuple[str, ...] = SHARED_KEYS
    defaults: Mapping[str, Any] | None = None
    needs_responses: bool = True  # else the empty state replaces the body
    # The navigation links' label (the title when empty): the header holds every page's
    # link and the workspace's on one row at 1366 px (tests/workspace/test_header_browser.py).
    short_title: str = ""

    @property
    def nav_title(self) -> str:
        return self.short_title or self.title

    def layout(self, /, **query: Any) -> html.Div:
        """The Dash layout for a URL query string (see `render`)."""
        return render(self, query)

    def register_callbacks(self, app: Any) -> None:
        register(self, app)


# The goals and incentives pages: a department and the date goals are measured on; they read
# goals and plans, so they show with no responses yet.
GOAL_FILTERS: dict[str, Any] = {
    "extras": ("as_of",),
    "shared": ("department",),
    "needs_responses": False,
}


def _split(target: str) -> tuple[str, str]:
    component, prop = target.rsplit(".", 1)
    return component, prop


def _arguments(page: Page, view: View, values: Mapping[str, Any]) -> list[Any]:
    """The view's arguments from parsed filter values, in the order of `filter_inputs`."""
    args = [values["start"], values["end"]] if "start" in page.shared else []
    args += [values[name] for name in page.shared if name in LIST_KEYS]
    args += [values[name] for name in view.extras]
    return args + [None] * len(view.inputs)


def _fill(body: Any, results: Mapping[str, Any]) -> None:
    """Set each "id.property" of `results` on the body's component with that id (the first
    in the tree: Dash's public `component[id]` lookup)."""
    missing = []
    for target, value in results.items():
        component_id, prop = _split(target)
        try:
            component = body if getattr(body, "id", None) == component_id else body[component_id]
        except KeyError:
            missing.append(target)
            continue
        setattr(component, prop, value)
    if missing:
        raise LookupError(f"not in the page's layout: {', '.join(missing)}")


def _first_paint(page: Page, values: Mapping[str, Any]) -> Any:
    """The page body with every view's outputs computed for `values`."""
    body = page.body()
    results: dict[str, Any] = {}
    for view in page.views:
        answer = view.function(*_arguments(page, view, values))
        answers = answer if len(view.outputs) > 1 else (answer,)
        results.update(zip(view.outputs, answers, strict=True))
    _fill(body, results)
    return body


def render(page: Page, query: Mapping[str, Any]) -> html.Div:
    """The page's layout for a URL query string: header, filters, and the body with its
    first figures (or the empty state when there are no responses at all)."""
    from cxmetrics.selectors.dashboards import filter_options, has_responses, parse_dashboard_query

    parsed = parse_dashboard_query(params=query, defaults=page.defaults)
    if page.needs_responses and not has_responses():
        content = empty_state()
    else:
        content = _first_paint(page, parsed.values)
    defaults = page.defaults or {}
    return html.Div(
        [
            page_header(page.title, page.description),
            filter_bar(
                page.key,
                values=parsed.values,
                options=filter_options(),
                errors=parsed.errors,
                extras=page.extras,
                shared=page.shared,
                optional_metric="metric" in defaults and defaults["metric"] is None,
            ),
            content,
        ],
        className=f"cx-page cx-page-{page.key}",
    )


def register(page: Page, app: Any) -> None:
    """Every view as a callback that answers filter changes (the first paint has its values),
    and the browser-side callbacks of the page's tables."""
    register_tables(app, page.body())
    for view in page.views:
        app.callback(
            *[Output(*_split(target)) for target in view.outputs],
            *filter_inputs(page.key, view.extras, shared=page.shared),
            *[Input(*_split(target)) for target in view.inputs],
            prevent_initial_call=True,
        )(view.function)
