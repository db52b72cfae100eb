"""The workspace's addresses: each page module declares its own ``urlpatterns``."""

from workspace import goal_form, goals, people, plans, profile, scorecards

urlpatterns = [
    *goals.urlpatterns,
    *goal_form.urlpatterns,
    *plans.urlpatterns,
    *scorecards.urlpatterns,
    *people.urlpatterns,
    *profile.urlpatterns,
]
