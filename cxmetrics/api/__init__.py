"""The HTTP API under /api/v1/ (DRF; OpenAPI at /api/docs/).

responses/      rows, metric figures (summary, compare) and reference lists: views, query
                serializers and documented answers, example answers
goals/          goals, incentive plans, alignment, audit: views per area, serializers,
                permissions, documented errors, examples, URLs
ingest_views    pushing responses (canonical and vendor adapters); ingest_docs: their
                documented bodies and examples
tokens, privacy personal API tokens; erasing a customer
authentication, permissions, parsers, schema: what settings.REST_FRAMEWORK and
                SPECTACULAR_SETTINGS name (API keys, roles and rate limits, media types and
                ?format=, the shared OpenAPI pieces and the post-processing hook)
"""
