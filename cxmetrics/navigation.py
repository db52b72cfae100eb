"""The workspace's pages as navigation links: one list, used by the workspace's header and by
the dashboards' navbar (so both lead everywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxmetrics.roles import can_read_figures, is_admin


@dataclass(frozen=True)
class Link:
    title: str
    href: str
    admin_only: bool = False


WORKSPACE_LINKS = (
    Link("Goals", "/goals/"),
    Link("Plans", "/plans/"),
    Link("Scorecards", "/scorecards/"),
    Link("Follow-ups", "/followups/"),
    Link("People", "/people/", admin_only=True),
)
PROFILE_LINK = Link("Profile", "/profile/")


def workspace_links(user: Any) -> list[Link]:
    """The WORKSPACE_LINKS `user` is shown: every link for those who read figures, admin-only
    ones (People) for admins only; none for anyone else."""
    if user is None or not can_read_figures(user):
        return []
    return [link for link in WORKSPACE_LINKS if not link.admin_only or is_admin(user)]
