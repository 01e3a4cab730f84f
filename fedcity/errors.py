"""FedcityError: an HTTP status, a message safe to show, and detail for the logs.

Services and the federation layer raise these; the error middleware turns them into
`{"error": "..."}` bodies (Mastodon's shape) without leaking the internal detail.
"""

from __future__ import annotations


class FedcityError(Exception):
    status: int = 500
    default_message: str = "Internal server error"

    def __init__(
        self, message: str | None = None, *, detail: str | None = None
    ) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(
            self.message if detail is None else f"{self.message}: {detail}"
        )


class BadRequest(FedcityError):
    status = 400
    default_message = "Bad request"


class Unauthorized(FedcityError):
    status = 401
    default_message = "The access token is invalid"


class Forbidden(FedcityError):
    status = 403
    default_message = "This action is not allowed"


class NotFound(FedcityError):
    status = 404
    default_message = "Record not found"


class Gone(FedcityError):
    status = 410
    default_message = "Gone"


class PayloadTooLarge(FedcityError):
    status = 413
    default_message = "Payload too large"


class UnsupportedMediaType(FedcityError):
    status = 415
    default_message = "Unsupported media type"


class Unprocessable(FedcityError):
    status = 422
    default_message = "Validation failed"


class BadGateway(FedcityError):
    status = 502
    default_message = "The remote server could not be reached"


class SignatureError(Unauthorized):
    """A signature or Digest did not verify; the message says which check failed."""

    default_message = "Signature verification failed"


class FetchError(BadGateway):
    """A remote document could not be fetched (refused, timeout, size, status)."""

    default_message = "Remote fetch failed"


class AddressRefused(FetchError):
    """The SSRF guard refused the address: retrying cannot help."""

    default_message = "refused"


class ConfigError(FedcityError):
    """The configuration file is missing, unreadable or invalid."""

    default_message = "Invalid configuration"
