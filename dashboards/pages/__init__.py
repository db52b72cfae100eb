"""One module per dashboard page, each declaring its `PAGE` (dashboards.frame.Page), in
navigation order. See dashboards/app.py."""

from dashboards.pages import automation, channels, followups, goals, incentives, overview, voice

PAGES = [
    module.PAGE for module in (overview, channels, automation, goals, incentives, voice, followups)
]
