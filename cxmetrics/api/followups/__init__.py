"""Follow-up endpoints: /api/v1/followups, /api/v1/followup-rules, /api/v1/root-causes."""
