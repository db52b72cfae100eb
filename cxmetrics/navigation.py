"""The workspace's pages as navigation links: one list, used by the workspace's header and by
the dashboards' navbar (so both lead everywhere)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    title: str
    href: str
    admin_only: bool = False


WORKSPACE_LINKS = (
    Link("Goal setting", "/goals/"),
    Link("Plans", "/plans/"),
    Link("Scorecards", "/scorecards/"),
    Link("People", "/people/", admin_only=True),
)
PROFILE_LINK = Link("Profile", "/profile/")
