"""The demo organisation's generated data, kept apart from the services it writes through.

- :mod:`cxmetrics.demo.responses`: the deterministic demo-response generator and its seeding;
- :mod:`cxmetrics.demo.users`: the demo users, one per role;
- :mod:`cxmetrics.demo.goals`: demo shared goals, incentive plans and their snapshot history.

Used by the ``seed_demo``, ``seed_demo_goals`` and ``demo_setup`` commands and by ``bench``.
"""
