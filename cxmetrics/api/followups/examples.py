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
