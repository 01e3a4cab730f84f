"""Attestations of offices crossing instances (issue 11): delivering them to their
subject's instance, receiving them, checking those remote actors list, revoking
them, and the league registry. docs/FEDERATION.md describes the flow."""
