"""OpenAPI pieces for drf-spectacular: the Api-Key security scheme, the ingest body schemas,
the request/response examples shown in /api/docs/, and the post-processing hook that makes
the schema say what the validators enforce (live lists of slugs, comma lists, non-empty
PATCH bodies)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from cxmetrics.api.goals.serializers import MAX_ID, USERNAME_PATTERN, IncentivePlanSerializer
from cxmetrics.api.responses.serializers import ErrorSerializer, IngestAnswerSerializer
from cxmetrics.selectors.scope import allowed_values

# A schema node {"x-cx-enum": "channel"} becomes {"enum": [the channel slugs]} each time the
# schema is generated, so the documented values are the ones the validators accept today.
LIVE_ENUM = "x-cx-enum"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "cxmetrics.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Integrators: `Api-Key <key>` (one key writes for one source).",
        }


ANSWER_OR_ERROR = {
    "anyOf": [
        {"$ref": "#/components/schemas/IngestAnswer"},
        {"$ref": "#/components/schemas/Error"},
    ]
}

FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="Invalid query parameters: {parameter: [message naming the allowed values]}.",
    examples=[
        OpenApiExample(
            "Unknown channel",
            value={"channel": ["unknown channel webb; allowed: app, chat, email, web"]},
        )
    ],
)
DENIED = OpenApiResponse(
    ErrorSerializer, description="Not authenticated (401) or not allowed (403)."
)
THROTTLED = OpenApiResponse(ErrorSerializer, description="Rate limit; see Retry-After.")


def ingest_responses(*, adapter: bool = False) -> dict[Any, Any]:
    """The documented answers of an ingest endpoint."""
    answer = (
        "Same counts as the canonical endpoint, plus `updated` and `skipped`." if adapter else ""
    )
    return {
        201: OpenApiResponse(IngestAnswerSerializer, description=f"Nothing rejected. {answer}"),
        200: OpenApiResponse(IngestAnswerSerializer, description="Some items rejected."),
        400: OpenApiResponse(
            ANSWER_OR_ERROR,
            description="Every item rejected (the answer body), or the body cannot be parsed "
            "({detail, line, column}): not JSON, an empty body, a CSV without a header row or "
            "without rows.",
        ),
        401: DENIED,
        403: OpenApiResponse(
            ErrorSerializer, description="Not an API key, wrong source, or bad signature."
        ),
        413: OpenApiResponse(ErrorSerializer, description="Over the size or item limits."),
        415: OpenApiResponse(ErrorSerializer, description="Unknown content type."),
        429: THROTTLED,
    }


def _comment_limit() -> int | None:
    # CX_COMMENT_MAX_CHARS is the ingest validator's limit; declared only where it is enforced.
    return getattr(settings, "CX_COMMENT_MAX_CHARS", None)


class CommaListExtension(OpenApiSerializerFieldExtension):
    """A CommaList query field is an array of its dimension's values, written `a,b`."""

    target_class = "cxmetrics.api.responses.serializers.CommaList"

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        return {"type": "array", "items": {"type": "string", LIVE_ENUM: self.target.dimension}}


class SlugChoiceExtension(OpenApiSerializerFieldExtension):
    """Department and channel references in goal bodies: one of today's slugs."""

    target_class = "cxmetrics.api.goals.serializers.SafeSlugRelatedField"

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        model = self.target.queryset.model._meta.model_name
        if model in ("channel", "department") and self.target.slug_field == "slug":
            return {"type": "string", LIVE_ENUM: model}
        return {"type": "string", "minLength": 1, "maxLength": 150, "pattern": USERNAME_PATTERN}


class ManyReferencesExtension(OpenApiSerializerFieldExtension):
    """A list of references; `allow_empty=False` is `minItems: 1`."""

    target_class = "cxmetrics.api.goals.serializers.JSONManyRelatedField"

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        items = auto_schema._map_serializer_field(self.target.child_relation, direction)
        schema = {"type": "array", "items": items}
        if not self.target.allow_empty:
            schema["minItems"] = 1
        return schema


class GoalIdExtension(OpenApiSerializerFieldExtension):
    """A goal id, in the range SafePrimaryKeyRelatedField accepts."""

    target_class = "cxmetrics.api.goals.serializers.SafePrimaryKeyRelatedField"

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _live_values(dimension: str) -> list[str] | None:
    """Today's values of `dimension`, or None before the tables exist (`manage.py check`
    builds the schema on a database that may not be migrated yet: no enum then)."""
    try:
        return allowed_values(dimension)
    except DatabaseError:
        return None


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        if LIVE_ENUM in node:
            values = _live_values(node.pop(LIVE_ENUM))
            if values is not None:
                node["enum"] = [*values, None] if node.get("nullable") else values
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)
    return node


def postprocess_truth(result, generator, request, public):  # type: ignore[no-untyped-def]
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    _walk(result)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["schema"].get("type") == "array":
                    # Comma lists: ?channel=chat,web (not ?channel=chat&channel=web).
                    parameter["style"], parameter["explode"] = "form", False
        for method in ("post", "put", "patch"):
            if "requestBody" in path.get(method, {}):
                # Every body we document is needed: without one, ingest answers 415 and a
                # PATCH 400 (it would change nothing).
                path[method]["requestBody"]["required"] = True
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.startswith("Patched") and component.get("type") == "object":
            # An empty PATCH changes nothing: 400 (cxmetrics.api.goals.serializers).
            component["minProperties"] = 1
    # drf-spectacular leaves out a nested list's length limits.
    components = IncentivePlanSerializer().fields["components"]
    for name in ("IncentivePlanRequest", "PatchedIncentivePlanRequest"):
        schema = result.get("components", {}).get("schemas", {}).get(name)
        if schema:
            schema["properties"]["components"]["minItems"] = components.min_length
            schema["properties"]["components"]["maxItems"] = components.max_length
    limit = _comment_limit()
    if limit:
        item = result["paths"]["/api/v1/responses"]["post"]["requestBody"]["content"]
        for media in item.values():
            for variant in media["schema"].get("oneOf", []):
                target = variant.get("items", variant)
                target["properties"]["comment"]["maxLength"] = limit
    return result
