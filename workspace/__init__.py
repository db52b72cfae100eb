"""The team leads' and admins' workspace: server-rendered pages for goals, plans, department
scorecards, people and personal API tokens, in the dashboards' look and navigation.

A layer beside `dashboards`: it reads through `cxmetrics.selectors` and writes through
`cxmetrics.services` (the same services and permission rules as the API); it may import
`dashboards.pages` for the navigation, never the other way round.

- :mod:`.access`: who may open which page (decorators), NotAllowed -> 403 page;
- :mod:`.navigation`: the header every workspace page shares;
- :mod:`.goals`, :mod:`.goal_form`, :mod:`.plans`, :mod:`.scorecards`, :mod:`.people`,
  :mod:`.profile`: the pages, each module with its ``urlpatterns``.
"""
