"""Goals, incentive plans, alignment and audit endpoints under /api/v1/."""

urlpatterns: list = []
