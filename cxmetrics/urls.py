from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cxmetrics import views

admin.site.site_header = "cxmetrics administration"
admin.site.site_title = "cxmetrics"

urlpatterns = [
    path("", views.home, name="home"),
    path("summary", views.summary, name="summary"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cxmetrics.api.urls")),
    path("api/v1/", include("cxmetrics.api.goals.urls")),
    path("api/v1/", include("cxmetrics.api.followups.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script
    # under the Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="cxmetrics/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", include("dashboards.urls")),
    path("", include("workspace.urls")),
]
