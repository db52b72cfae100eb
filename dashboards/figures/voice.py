"""Voice of the customer figures: the themes of negative comments."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import OKABE_ITO, Figure, apply_layout, bar, empty_figure, new_figure


def themes_figure(themes: dict[str, Any]) -> Figure:
    """The most frequent themes of negative comments, by how many comments mention them."""
    title = "Themes in negative comments"
    if not themes["themes"]:
        message = (
            f"No theme recurs in the {themes['n']:,} negative comment(s) of these filters."
            if themes["n"]
            else "No negative comments in these filters."
        )
        return empty_figure(message, title=title)
    items = list(reversed(themes["themes"]))
    fig = new_figure(
        bar(
            x=[t["comments"] for t in items],
            y=[t["theme"] for t in items],
            orientation="h",
            marker={"color": OKABE_ITO["vermillion"]},
            text=[f"{t['comments']:,} ({t['share']:.0f}%)" for t in items],
            textposition="auto",
            hovertext=[f"<b>{t['theme']}</b><br>e.g. “{t['example']}”" for t in items],
            hoverinfo="text",
        )
    )
    scope = f"the {themes['n']:,} most recent" if themes["sampled"] else f"all {themes['n']:,}"
    apply_layout(
        fig,
        title=title,
        subtitle=f"Comments mentioning each theme, of {scope} negative comments",
        height=420,
    )
    fig.update_xaxes(title="comments")
    return fig
