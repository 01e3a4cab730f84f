"""The Mastodon client API."""

from fedcity.api.routes import add_routes

__all__ = ["add_routes"]
