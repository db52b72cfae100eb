"""Enumerations shared by the tables, the API and the dashboards."""

from django.db import models

from cxmetrics.scales import SCORE_RANGES

__all__ = ["SCORE_RANGES", "GoalMetric", "HandledBy", "Metric", "Role", "SourceKind"]


class Metric(models.TextChoices):
    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"
    CES = "ces", "CES"
    SENTIMENT = "sentiment", "Sentiment"


class GoalMetric(models.TextChoices):
    """What a goal (and so a plan component) can be measured on: every response `Metric`,
    measured from the daily rollups, plus the follow-ups' on-time close rate, measured from
    the follow-ups (`selectors.goal_windows`). Responses never carry `followup_on_time`, so it
    is not a `Metric`."""

    NPS = Metric.NPS.value, Metric.NPS.label
    CSAT = Metric.CSAT.value, Metric.CSAT.label
    CES = Metric.CES.value, Metric.CES.label
    SENTIMENT = Metric.SENTIMENT.value, Metric.SENTIMENT.label
    FOLLOWUP_ON_TIME = "followup_on_time", "Follow-ups closed on time"


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
