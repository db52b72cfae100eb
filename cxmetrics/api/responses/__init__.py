"""Responses, metrics and reference endpoints: views, query serializers and documented
answers, and the example answers shown in /api/docs/."""
