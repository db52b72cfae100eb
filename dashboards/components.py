"""Shared layout pieces: filter bar, KPI cards, graphs with loading states, tables with CSV
export, empty and error states, and the query-string helpers that keep filters in the URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from dashboards.figures import GRAPH_HEIGHT, fmt, fmt_diff, fmt_interval, fmt_p

FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Filters every page shares; they travel with the navigation links (assets/cx.js).
SHARED_KEYS = ("start", "end", "channel", "department", "handled_by")
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
        cols.append(_labelled("Sentiment", control, {"xs": 6, "md": 3, "xl": True}))
    return html.Div(
        [errors_alert(errors or {}), dbc.Card(dbc.CardBody(dbc.Row(cols, className="g-2")))],
        className="filter-bar mb-3",
    )


def graph(graph_id: str, *, height: int | None = GRAPH_HEIGHT) -> dcc.Loading:
    """A graph with a loading state; the figure comes from a callback. `height=None` lets
    the figure set its own height (figures whose size follows their data)."""
    return dcc.Loading(
        dcc.Graph(
            id=graph_id,
            config={"displaylogo": False, "responsive": height is not None},
            style={"height": f"{height}px"} if height else {},
        ),
        type="default",
        delay_show=250,
    )


def panel(*children: Any, width: dict[str, int] | None = None) -> dbc.Col:
    return dbc.Col(
        dbc.Card(dbc.CardBody(list(children)), className="h-100"),
        className="mb-3",
        **(width or {"xs": 12}),
    )


def table(
    table_id: str,
    columns: list[dict[str, Any]],
    *,
    page_size: int = 12,
    filename_hint: str = "",
) -> html.Div:
    """A sortable table whose rows come from a callback, with an "Export CSV" button."""
    return html.Div(
        [
            dcc.Loading(
                dash_table.DataTable(
                    id=table_id,
                    columns=columns,
                    data=[],
                    page_size=page_size,
                    sort_action="native",
                    export_format="csv",
                    export_headers="display",
                    style_table={"overflowX": "auto"},
                    style_cell={
                        "fontFamily": FONT_STACK,
                        "fontSize": "13px",
                        "padding": "4px 8px",
                        "textAlign": "left",
                        "whiteSpace": "normal",
                        "height": "auto",
                        "maxWidth": "520px",
                    },
                    style_header={"fontWeight": "600", "backgroundColor": "#eef1f4"},
                    css=[
                        {
                            "selector": ".export",
                            "rule": "margin: 0 0 6px 0; padding: 2px 12px; border-radius: 6px;"
                            " border: 1px solid #0072B2; background: #fff; color: #0072B2;"
                            f" font-family: {FONT_STACK}; font-size: 13px;",
                        }
                    ],
                ),
                type="default",
                delay_show=250,
            ),
            html.Small(filename_hint, className="text-muted") if filename_hint else None,
        ],
        className="cx-table",
    )


def _change_line(card: dict[str, Any]) -> html.Div:
    metric, change = card["metric"], card["change"]
    if card["previous_period"] is None:
        return html.Div("No previous period (open date range)", className="small text-muted")
    period = f"vs {card['previous_period'][0]} – {card['previous_period'][1]}"
    if change is None:
        return html.Div(f"No comparison {period}: no data", className="small text-muted")
    arrow = "▲" if change["difference"] > 0 else "▼" if change["difference"] < 0 else "■"
    verdict = "significant" if change["significant"] else "not significant"
    return html.Div(
        [
            html.Span(
                f"{arrow} {fmt_diff(metric, change['difference'])} ",
                className="fw-semibold",
            ),
            html.Span(period),
            html.Br(),
            dbc.Badge(
                verdict,
                color="primary" if change["significant"] else "light",
                text_color=None if change["significant"] else "dark",
                className="me-1 change-verdict",
            ),
            html.Span(fmt_p(change["p"]), className="text-muted"),
        ],
        className="small change-line",
    )


def kpi_cards(cards: list[dict[str, Any]]) -> list[dbc.Col]:
    """One card per metric: value, n, 95% interval, change vs the previous period."""
    columns = []
    for card in cards:
        metric, current = card["metric"], card["current"]
        if current is None:
            body = [
                html.H2(card["label"], className="h6 text-muted mb-1"),
                html.Div("–", className="kpi-value"),
                html.Div("No responses in this period", className="small text-muted"),
            ]
        else:
            body = [
                html.H2(card["label"], className="h6 text-muted mb-1"),
                html.Div(
                    fmt(metric, current["score"]),
                    className="kpi-value",
                    id=f"kpi-{metric}",
                    **{"data-score": repr(current["score"]), "data-n": str(current["n"])},
                ),
                html.Div(
                    f"n = {current['n']:,} · 95% CI {fmt_interval(metric, current['ci95'])}",
                    className="small",
                ),
                html.Div(
                    "Small sample: not a finding", className="small text-warning-emphasis fw-bold"
                )
                if current["low_sample"]
                else None,
                _change_line(card),
            ]
        columns.append(
            dbc.Col(
                dbc.Card(dbc.CardBody(body), className=f"kpi-card h-100 kpi-{metric}"),
                xs=12,
                sm=6,
                xl=3,
                className="mb-3",
            )
        )
    return columns


def filter_inputs(page: str, extras: Sequence[str] = (), shared: Sequence[str] = SHARED_KEYS):
    """Callback Inputs for a page's filters, in the order start, end, shared lists, extras."""
    from dash import Input

    inputs = []
    if "start" in shared:
        inputs += [Input(dates_id(page), "start_date"), Input(dates_id(page), "end_date")]
    inputs += [Input(filter_id(page, name), "value") for name in shared if name in LIST_KEYS]
    inputs += [
        Input(as_of_id(page), "date") if name == "as_of" else Input(filter_id(page, name), "value")
        for name in extras
    ]
    return inputs


LIST_KEYS = ("channel", "department", "handled_by")


def page_frame(
    page: str,
    *,
    title: str,
    description: str,
    query: Mapping[str, Any],
    body: Any,
    extras: Sequence[str] = (),
    shared: Sequence[str] = SHARED_KEYS,
    defaults: Mapping[str, Any] | None = None,
    needs_responses: bool = True,
) -> html.Div:
    """A page: header, filters initialised from the URL query, then `body` (or the empty
    state when there are no responses at all). `body` may be a callable taking the parsed
    values, for pages whose content depends on them."""
    from cxmetrics.selectors.dashboards import (
        filter_options,
        has_responses,
        parse_dashboard_query,
    )

    parsed = parse_dashboard_query(params=query, defaults=defaults)
    content = body(parsed.values) if callable(body) else body
    if needs_responses and not has_responses():
        content = empty_state()
    return html.Div(
        [
            page_header(title, description),
            filter_bar(
                page,
                values=parsed.values,
                options=filter_options(),
                errors=parsed.errors,
                extras=extras,
                shared=shared,
                optional_metric=bool(defaults) and defaults.get("metric", "") is None,
            ),
            content,
        ],
        className=f"cx-page cx-page-{page}",
    )


def risk_flags(comparison: dict[str, Any]) -> Any:
    """One warning per channel where AI-handled outcomes are significantly worse."""
    metric = comparison["metric"]
    flagged = [e for e in comparison["channels"] if e["over_automation_risk"]]
    if not comparison["channels"]:
        return None
    if not flagged:
        return dbc.Alert(
            "No channel shows AI-handled outcomes significantly worse than human-handled ones.",
            color="success",
            className="py-2",
        )
    items = []
    for entry in flagged:
        ai, human, test = entry["groups"]["ai"], entry["groups"]["human"], entry["ai_vs_human"]
        items.append(
            html.Li(
                [
                    html.Strong(entry["label"]),
                    f": AI {fmt(metric, ai['score'])} (n={ai['n']:,}) vs human "
                    f"{fmt(metric, human['score'])} (n={human['n']:,}), "
                    f"{fmt_diff(metric, test['difference'])}, Holm-adjusted "
                    f"{fmt_p(test['p_adjusted'])}",
                ]
            )
        )
    return dbc.Alert(
        [html.Strong("⚠ Over-automation risk"), html.Ul(items, className="mb-0")],
        color="danger",
        className="py-2 risk-flags",
    )


def automation_panel(comparison: dict[str, Any]) -> tuple[Any, Any, list[dict]]:
    """The automation page's outputs from one selector result: figure, flags, table rows."""
    from dashboards.figures import automation_figure, automation_rows

    return automation_figure(comparison), risk_flags(comparison), automation_rows(comparison)


def comments_panel(data: dict[str, Any]) -> tuple[list[dict], str]:
    """The comments table rows and a caption stating how many are shown of how many."""
    total = f"more than {data['total']:,}" if data["total_capped"] else f"{data['total']:,}"
    if not data["n"]:
        return [], "No comments match these filters."
    shown = f"Showing the {data['n']:,} most negative of {total} comments in these filters"
    limited = f" (at most {data['limit']:,} are listed)." if data["n"] >= data["limit"] else "."
    return data["comments"], shown + limited
