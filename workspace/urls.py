"""The workspace's addresses: each page module declares its own ``urlpatterns``."""

from workspace import goals, people, plans, preview, profile, scorecards

urlpatterns = [
    *goals.urlpatterns,
    *preview.urlpatterns,
    *plans.urlpatterns,
    *scorecards.urlpatterns,
    *people.urlpatterns,
    *profile.urlpatterns,
]
