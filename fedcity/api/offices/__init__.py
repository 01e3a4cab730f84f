"""fedcity's own client-API endpoints for verified offices (issue 11)."""
