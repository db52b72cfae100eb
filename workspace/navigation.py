"""The header every workspace page shares: the dashboards' pages, then the workspace's, then
the person's own links. A context processor (settings.TEMPLATES) so every template has it."""

from __future__ import annotations

from typing import Any

from cxmetrics.navigation import workspace_links
from cxmetrics.roles import can_read_figures


def _dashboard_links() -> list[tuple[str, str]]:
    from dashboards.pages import PAGES  # the dashboards' own list of pages, in their order

    return [(page.nav_title, f"/dashboards/{page.path.lstrip('/')}") for page in PAGES]


def header(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    readers = can_read_figures(user)
    workspace = workspace_links(user)
    path = request.path
    return {
        "nav": {
            "dashboards": _dashboard_links() if readers else [],
            "workspace": [
                {"title": link.title, "href": link.href, "active": path.startswith(link.href)}
                for link in workspace
            ],
        }
    }
