"""FedcityError: an HTTP status, a message safe to show, and detail for the logs.

Services and the federation layer raise these; the error middleware turns them into
`{"error": "..."}` bodies (Mastodon's shape), in the request's language, without
leaking the internal detail. A message is an English literal, found by
`fedcity.i18n_extract` for the catalogues; values go in `{name}` fields given as
keywords: `Unprocessable("Username {username} is taken", username=name)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
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

    def extra_fields(self, language: str) -> dict[str, Any]:
        """Fields a JSON error body carries beside `error` (none by default)."""
        return {}


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


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a document: `field` is its path
    (`jurisdiction.state`, `topics[0]`, `results[1].before`; "" for the whole
    document), `template` an English message with `{name}` fields from `params`
    (translated where it is shown)."""

    field: str
    template: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def localized(self, language: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.translate(language, self.template, dict(self.params))

    def line(self, language: str = i18n.DEFAULT_LANGUAGE) -> str:
        """`field: what is wrong`, as the error's summary lists it."""
        text = self.localized(language)
        return f"{self.field}: {text}" if self.field else text

    def __str__(self) -> str:
        return self.line()


class DocumentInvalid(Unprocessable, message="Validation failed: {summary}"):
    """A structured document (a case study, a funding opportunity) broke its
    schema or a rule beside it: each problem names the field and what is wrong.
    The JSON body adds `details`: [{"field": …, "problem": …}, …]."""

    def __init__(self, *, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(summary="; ".join(str(p) for p in self.problems))

    def localized(self, language: str) -> str:
        summary = "; ".join(p.line(language) for p in self.problems)
        return i18n.translate(language, self.template, {"summary": summary})

    def extra_fields(self, language: str) -> dict[str, Any]:
        return {
            "details": [
                {"field": p.field, "problem": p.localized(language)}
                for p in self.problems
            ]
        }


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
