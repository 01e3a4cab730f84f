"""Composition of background work: the worker loop and the map of job kinds to handlers."""
