"""Shared layout pieces: graphs with loading states, rows of panels, tables with CSV export,
KPI cards, risk flags and the comment caption. Filters and the page frame: dashboards/frame.py."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards.figures import GRAPH_HEIGHT, fmt, fmt_diff, fmt_interval, fmt_p


def loading(child: Any) -> dcc.Loading:
    """A spinner over `child` while a filter change is answered (after 250 ms). None at
    first: the page's layout arrives with its content (dashboards/frame.py)."""
    return dcc.Loading(child, type="default", delay_show=250, show_initially=False)


def graph(graph_id: str, *, height: int | None = GRAPH_HEIGHT) -> dcc.Loading:
    """A graph with a loading state; the page's views fill its figure. `height=None` lets
    the figure set its own height (figures whose size follows their data)."""
    return loading(
        dcc.Graph(
            id=graph_id,
            config={"displaylogo": False, "responsive": height is not None},
            style={"height": f"{height}px"} if height else {},
        )
    )


def panel(*children: Any, width: dict[str, int] | None = None) -> dbc.Col:
    return dbc.Col(
        dbc.Card(dbc.CardBody(list(children)), className="h-100"),
        className="mb-3",
        **(width or {"xs": 12}),
    )


def graphs_row(*graphs: tuple[str, int], height: int | None = GRAPH_HEIGHT) -> dbc.Row:
    """Graphs side by side: (graph id, columns of 12 on a wide screen); stacked when narrow."""
    return dbc.Row(
        [
            panel(graph(graph_id, height=height), width={"xs": 12, "xl": xl})
            for graph_id, xl in graphs
        ],
        className="g-3",
    )


TABLE_PAGE_SIZE = 12


def table_panel(title: str, table_id: str, *, xl: int = 12) -> dbc.Col:
    """A titled table in a panel; the page's views fill it with `table_data`."""
    return panel(html.H2(title, className="h6"), table(table_id), width={"xs": 12, "xl": xl})


def table(table_id: str) -> html.Div:
    """A table the page's views fill (`<table_id>.data`, see `table_data`): a page of rows at
    a time with a pager, and an "Export CSV" button for every row. The browser draws the
    pages and writes the CSV from the rows it holds (assets/cx.js, `register_tables`): no
    round trip, and only a page of plain HTML cells to draw, however many rows there are."""
    return html.Div(
        [
            html.Div(
                [
                    html.Button(
                        "Export CSV",
                        id=f"{table_id}-export",
                        type="button",
                        className="btn btn-outline-primary btn-sm cx-export",
                    ),
                    html.Small(id=f"{table_id}-count", className="text-muted ms-2"),
                ],
                className="mb-2",
            ),
            dcc.Download(id=f"{table_id}-download"),
            dcc.Store(id=table_id),
            loading(html.Div(id=f"{table_id}-page", className="cx-table-scroll")),
            dbc.Pagination(
                id=f"{table_id}-pager",
                max_value=1,
                fully_expanded=False,
                previous_next=True,
                size="sm",
                class_name="d-none",
            ),
        ],
        className="cx-table",
    )


def table_data(
    columns: list[dict[str, Any]], rows: list[dict[str, Any]], *, page_size: int = TABLE_PAGE_SIZE
) -> dict[str, Any]:
    """What a `table` shows: its columns (numeric ones align right), its rows in the order
    given (dicts by column id, values as shown) and how many rows make a page."""
    return {
        "columns": [
            {"id": c["id"], "name": c["name"], "numeric": c.get("type") == "numeric"}
            for c in columns
        ],
        "rows": rows,
        "page_size": page_size,
    }


def register_tables(app: Any, layout: Any) -> None:
    """The browser-side callbacks of every `table` in `layout`: draw the chosen page (the
    first again when new rows arrive) and write the CSV."""
    from dash import ClientsideFunction, Input, Output, State

    ids = set(layout)  # a Dash component iterates over the ids in its tree
    for table_id in [i for i in ids if isinstance(i, str) and f"{i}-pager" in ids]:
        app.clientside_callback(
            ClientsideFunction(namespace="cx", function_name="tablePage"),
            Output(f"{table_id}-page", "children"),
            Output(f"{table_id}-pager", "max_value"),
            Output(f"{table_id}-pager", "active_page"),
            Output(f"{table_id}-pager", "class_name"),
            Output(f"{table_id}-count", "children"),
            Input(table_id, "data"),
            Input(f"{table_id}-pager", "active_page"),
        )
        app.clientside_callback(
            ClientsideFunction(namespace="cx", function_name="tableCsv"),
            Output(f"{table_id}-download", "data"),
            Input(f"{table_id}-export", "n_clicks"),
            State(table_id, "data"),
            prevent_initial_call=True,
        )


def _change_line(card: dict[str, Any]) -> html.Div:
    metric, change = card["metric"], card["change"]
    if card["previous_period"] is None:
        return html.Div("No previous period (open date range)", className="small text-muted")
    period = f"vs {card['previous_period'][0]} – {card['previous_period'][1]}"
    if change is None:
        return html.Div(f"No comparison {period}: no data", className="small text-muted")
    arrow = "▲" if change["difference"] > 0 else "▼" if change["difference"] < 0 else "■"
    verdict = {True: "significant", False: "not significant"}.get(
        change["significant"], "not testable"
    )
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
    """The comments table rows and a caption stating how many are shown of how many (and
    that the ranking covers the most recent ones when there are more)."""
    if not data["n"]:
        return [], "No comments match these filters."
    total = f"{data['total']:,}"
    if data["total_capped"]:
        total = f"the {data['recent']:,} most recent of more than {total}"
    shown = f"Showing the {data['n']:,} most negative of {total} comments in these filters"
    limited = f" (at most {data['limit']:,} are listed)." if data["n"] >= data["limit"] else "."
    return data["comments"], shown + limited
