"""One module per dashboard page, in navigation order. See dashboards/app.py."""

from dashboards.pages import automation, channels, goals, incentives, overview, voice

PAGES = [overview, channels, automation, goals, incentives, voice]
