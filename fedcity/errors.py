"""FedcityError: an HTTP status, a message safe to show, and detail for the logs.

Services and the federation layer raise these; the error middleware turns them into
`{"error": "..."}` bodies (Mastodon's shape), in the request's language, without
leaking the internal detail. A message is an English literal, found by
`fedcity.i18n_extract` for the catalogues; values go in `{name}` fields given as
keywords: `Unprocessable("Username {username} is taken", username=name)`.
"""

from __future__ import annotations

from typing import Any

from fedcity import i18n


class FedcityError(Exception):
    """Subclasses set their status and default message as class keywords:
    `class NotFound(FedcityError, status=404, message="Record not found")`."""

    status: int = 500
    default_message: str = "Internal server error"

    def __init_subclass__(
        cls, *, status: int | None = None, message: str | None = None, **kw: Any
    ) -> None:
        super().__init_subclass__(**kw)
        if status is not None:
            cls.status = status
        if message is not None:
            cls.default_message = message

    def __init__(
        self, message: str | None = None, *, detail: str | None = None, **params: Any
    ) -> None:
        self.template = message or self.default_message
        self.params = params
        self.message = self.template.format(**params) if params else self.template
        self.detail = detail
        super().__init__(
            self.message if detail is None else f"{self.message}: {detail}"
        )

    def localized(self, language: str) -> str:
        """The message in `language` (English if it has no translation)."""
        return i18n.translate(language, self.template, self.params)


class BadRequest(FedcityError, status=400, message="Bad request"): ...


class Unauthorized(FedcityError, status=401, message="The access token is invalid"): ...


class Forbidden(FedcityError, status=403, message="This action is not allowed"): ...


class NotFound(FedcityError, status=404, message="Record not found"): ...


class Gone(FedcityError, status=410, message="Gone"): ...


class PayloadTooLarge(FedcityError, status=413, message="Payload too large"): ...


class UnsupportedMediaType(
    FedcityError, status=415, message="Unsupported media type"
): ...


class Unprocessable(FedcityError, status=422, message="Validation failed"): ...


class SignUpInvalid(Unprocessable, message="Validation failed: {summary}"):
    """A sign-up's 422 naming each field's problems with Mastodon's codes
    (`details`: field → [(ERR_TAKEN, "has already been taken"), …]), as
    POST /api/v1/accounts answers."""

    def __init__(self, *, details: dict[str, list[tuple[str, str]]]) -> None:
        summary = ", ".join(
            f"{name.capitalize()} {text}"
            for name, problems in details.items()
            for _, text in problems
        )
        super().__init__(summary=summary)
        self.details = details


class BadGateway(
    FedcityError, status=502, message="The remote server could not be reached"
): ...


class SignatureError(Unauthorized, message="Signature verification failed"):
    """A signature or Digest did not verify; the message says which check failed."""


class FetchError(BadGateway, message="Remote fetch failed"):
    """A remote document could not be fetched (refused, timeout, size, status)."""


class AddressRefused(FetchError, message="refused"):
    """The SSRF guard refused the address: retrying cannot help."""


class ConfigError(FedcityError, message="Invalid configuration"):
    """The configuration file is missing, unreadable or invalid."""
