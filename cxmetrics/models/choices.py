"""Enumerations shared by the tables, the API and the dashboards."""

from django.db import models


class Metric(models.TextChoices):
    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"
    CES = "ces", "CES"
    SENTIMENT = "sentiment", "Sentiment"


class HandledBy(models.TextChoices):
    AI = "ai", "AI"
    HUMAN = "human", "Human"
    AI_TO_HUMAN = "ai_to_human", "AI escalated to human"
    UNKNOWN = "unknown", "Unknown"


class SourceKind(models.TextChoices):
    API = "api", "API (canonical format)"
    DELIGHTED = "delighted", "Delighted webhook"
    ZENDESK = "zendesk", "Zendesk satisfaction ratings"
    TYPEFORM = "typeform", "Typeform webhook"
    QUALTRICS = "qualtrics", "Qualtrics CSV export"
    DEMO = "demo", "Demo data generator"


class Role(models.TextChoices):
    """Django group names; a user's role is the group they belong to."""

    EXECUTIVE = "executive", "Executive"
    TEAM_LEAD = "team_lead", "Team lead"
    INTEGRATOR = "integrator", "Integrator"
    ADMIN = "admin", "Admin"


# Valid score range per metric, inclusive, and whether the score must be whole.
SCORE_RANGES: dict[str, tuple[float, float, bool]] = {
    Metric.NPS: (0, 10, True),
    Metric.CSAT: (1, 5, True),
    Metric.CES: (1, 7, True),
    Metric.SENTIMENT: (-1, 1, False),
}
