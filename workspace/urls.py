"""The workspace's addresses: each page module declares its own ``urlpatterns``."""

from workspace import (
    followup_rules,
    followups,
    goal_form,
    goals,
    people,
    plans,
    profile,
    scorecards,
)

urlpatterns = [
    *goals.urlpatterns,
    *goal_form.urlpatterns,
    *plans.urlpatterns,
    *scorecards.urlpatterns,
    *followup_rules.urlpatterns,
    *followups.urlpatterns,
    *people.urlpatterns,
    *profile.urlpatterns,
]
