"""RFC 8414 authorization server metadata."""

from __future__ import annotations

from aiohttp import web

from fedcity.appkeys import FEDERATION, SETTINGS
from fedcity.services.accounts.scopes import KNOWN_SCOPES, TOP_SCOPES


async def server_metadata(request: web.Request) -> web.Response:
    """RFC 8414 authorization server metadata (Mastodon 4.3+ serves it)."""
    base = request.app[FEDERATION].urls.base
    grants = ["authorization_code", "client_credentials"]
    if request.app[SETTINGS].oauth.password_grant:
        grants.append("password")
    return web.json_response(
        {
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "userinfo_endpoint": f"{base}/oauth/userinfo",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "scopes_supported": sorted(
                KNOWN_SCOPES, key=lambda s: (s not in TOP_SCOPES, s)
            ),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": grants,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
        }
    )
