"""The documented error answers of the goals endpoints (examples: goals.examples)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

ERRORS = {
    400: OpenApiResponse(
        description="Invalid input: field-level messages. Rules the schema cannot state "
        "(references to objects that exist, dates in order, weights summing to 100, a goal "
        "inside the plan's period) are checked here too."
    ),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Your role may not do this."),
    429: OpenApiResponse(description="Too many requests; see Retry-After."),
}
# Writes with a body: JSON only (DEFAULT_PARSER_CLASSES); a PATCH must name a field.
WRITE_ERRORS = {
    **ERRORS,
    415: OpenApiResponse(description="Not application/json."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such object.")}
CONFLICT = {409: OpenApiResponse(description="Refused in the object's state (closed plan...).")}
