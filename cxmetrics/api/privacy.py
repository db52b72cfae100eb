"""POST /api/v1/privacy/erase: admins erase a customer's responses (services.privacy)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from cxmetrics.api import schema
from cxmetrics.api.goals.serializers import JSONCharField
from cxmetrics.api.ingest_views import CxAPIView
from cxmetrics.api.permissions import is_api_key
from cxmetrics.roles import is_admin
from cxmetrics.services.privacy import erase_customer


class IsAdminPerson(BasePermission):
    """People with the admin role (or superusers); never an API key."""

    message = "Privacy operations need the admin role; API keys cannot call them."

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return not is_api_key(request.user) and is_admin(request.user)


# As validators, so that the schema states them as patterns (one definition for both).
NO_NUL = RegexValidator(r"^[^\x00]*$", "Null characters are not allowed.")
NO_NUL_NOT_BLANK = RegexValidator(
    r"^[^\x00]*\S[^\x00]*$", "Give a customer id (no null characters)."
)


class EraseRequestSerializer(serializers.Serializer):
    # JSON strings only, as the schema says (DRF's CharField also takes 42 or false).
    customer_id = JSONCharField(
        max_length=255,
        validators=[NO_NUL_NOT_BLANK],
        help_text="The customer id as the sources send it (hashed, not stored).",
    )
    reason = JSONCharField(
        max_length=1000,
        validators=[NO_NUL],
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (recorded with e-mails, phones and the id itself masked).",
    )


class EraseAnswerSerializer(serializers.Serializer):
    audit_id = serializers.IntegerField(help_text="The PrivacyEvent written for this call.")
    customer_ref = serializers.CharField(help_text="HMAC-SHA256 of the id, as stored.")
    responses = serializers.IntegerField(help_text="Responses deleted (0 when none was left).")
    at = serializers.DateTimeField()


class EraseCustomerView(CxAPIView):
    permission_classes = [IsAdminPerson]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="privacy_erase",
        summary="Erase a customer: delete every response of one customer id",
        description="Admins only. Finds the responses by the keyed hash of `customer_id` (as "
        "ingest stores it), deletes them in one transaction with an audit record, and marks "
        "their rollup buckets for recomputation (exact within a minute). Idempotent: a repeat "
        "deletes 0 and is recorded too.",
        request=EraseRequestSerializer,
        responses={
            200: EraseAnswerSerializer,
            400: OpenApiResponse(
                {
                    "type": "object",
                    "additionalProperties": {
                        "oneOf": [
                            {"type": "array", "items": {"type": "string"}},
                            {"type": "string"},
                        ]
                    },
                },
                description="Invalid body: {field: [message]}, or {detail: message} when the "
                "body is not JSON.",
            ),
            401: schema.DENIED,
            403: schema.DENIED,
        },
        examples=[
            OpenApiExample(
                "Erase",
                value={"customer_id": "cust-42", "reason": "GDPR request 2025-118"},
                request_only=True,
            ),
            OpenApiExample(
                "Erased",
                value={
                    "audit_id": 7,
                    "customer_ref": "9f2c1e" + "0" * 58,
                    "responses": 3,
                    "at": "2025-05-02T09:30:00Z",
                },
                response_only=True,
            ),
        ],
        tags=["privacy"],
    )
    def post(self, request: Request) -> Response:
        body = EraseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = erase_customer(
            customer_id=body.validated_data["customer_id"],
            actor=request.user,
            reason=body.validated_data["reason"],
        )
        answer = {
            "audit_id": event.pk,
            "customer_ref": event.customer_ref,
            "responses": event.responses,
            "at": event.at,
        }
        return Response(EraseAnswerSerializer(answer).data)
