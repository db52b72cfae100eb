"""Goals, incentive plans, alignment and audit endpoints: views, serializers, permissions,
the documented errors and example answers, and their URLs."""
