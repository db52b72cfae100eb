"""Examples of the follow-up endpoints' documentation (values as the API answers them)."""

FOLLOWUP_ROW = {
    "id": 812,
    "source": "zendesk",
    "external_id": "zd-48213",
    "department": "support",
    "status": "open",
    "outcome": "",
    "root_cause": None,
    "assignee": None,
    "opened_at": "2026-03-02T09:00:41Z",
    "due_at": "2026-03-04T09:00:41Z",
    "first_contact_at": None,
    "closed_at": None,
    "overdue": False,
    "priority": "normal",
    "rule": "NPS detractors (0-6)",
    "note": "",
}
FOLLOWUP_PAGE = {
    "next": "https://cx.example.com/api/v1/followups?status=open&cursor=812",
    "previous": None,
    "results": [FOLLOWUP_ROW],
}
FOLLOWUP_CLOSE = {"status": "closed", "outcome": "resolved", "root_cause": "Billing error"}
RULE = {
    "name": "Support CSAT 1",
    "metric": "csat",
    "score_min": 1,
    "score_max": 1,
    "owner_department": "support",
    "sla_hours": 24,
    "priority": "high",
}
_SUPPORT = {
    "key": "support",
    "label": "Support",
    "opened": 412,
    "closed": 371,
    "closed_on_time": 318,
    "resolved": 264,
    "open": 41,
    "overdue": 9,
    "on_time_rate": 77.18446601941747,
    "ci95": [72.88, 80.97],
    "median_hours_to_first_contact": 6.5,
    "median_hours_to_close": 27.25,
    "resolved_share": 71.15902964959568,
    "resolved_ci95": [66.36, 75.52],
    "recovery": {
        "n": 88,
        "recovered": 52,
        "rate": 59.09090909090909,
        "ci95": [48.65, 68.75],
        "low_sample": False,
    },
    "low_sample": False,
}
FOLLOWUP_SUMMARY = {
    "group_by": "department",
    "start": "2026-01-01",
    "end": "2026-03-31",
    "low_n": 30,
    "groups": [_SUPPORT],
    "overall": {**_SUPPORT, "key": "all", "label": "All"},
    "root_causes": [
        {"name": "Slow response", "count": 141},
        {"name": "Billing error", "count": 96},
        {"name": "Product defect", "count": 58},
    ],
}
