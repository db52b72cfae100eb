"""Personal API tokens over HTTP (django-rest-knox's views, narrowed).

POST /api/v1/auth/token: a logged-in person (browser session, CSRF checked) gets a new token,
shown once. Only a session may ask: a token cannot mint more tokens and outlive its expiry,
and no password is taken here (logins go through the login page and its throttle).
POST /api/v1/auth/logout revokes the token it is sent with; /api/v1/auth/logoutall revokes
every token of that person.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox import views as knox_views
from knox.auth import TokenAuthentication
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cxmetrics.api import schema
from cxmetrics.services import issue_token


class NewTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


@extend_schema(tags=["auth"])
class TokenCreateView(knox_views.LoginView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def create_token(self):
        return issue_token(user=self.request.user)

    @extend_schema(
        summary="A new API token for the logged-in person (session only)",
        description=(
            "Shown once; only its digest is stored. Expires after CX_TOKEN_TTL_HOURS. "
            "A token cannot ask for another (403)."
        ),
        request=None,
        responses={201: NewTokenSerializer, 403: schema.DENIED},
    )
    def post(self, request: Request, format=None) -> Response:
        answer = super().post(request, format)
        answer.status_code = 201
        return answer


def _revoking(summary: str, description: str) -> dict:
    """The schema of a knox revoke view: POST with no body, 204, 401 without a token."""
    return {
        "post": extend_schema(
            summary=summary,
            description=description,
            request=None,
            responses={204: OpenApiResponse(description="Revoked."), 401: schema.DENIED},
        )
    }


class TokenOnly:
    """Revoking takes the token itself (a session has nothing to revoke)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["auth"])
@extend_schema_view(
    **_revoking(
        "Revoke the token of this request",
        "Deletes the token sent in `Authorization: Token <token>`.",
    )
)
class TokenLogoutView(TokenOnly, knox_views.LogoutView):
    pass


@extend_schema(tags=["auth"])
@extend_schema_view(
    **_revoking(
        "Revoke every token of the person this token belongs to",
        "Deletes every personal API token of the person; sessions are untouched.",
    )
)
class TokenLogoutAllView(TokenOnly, knox_views.LogoutAllView):
    pass
