"""What both signature formats share: the parsed signature and the header map."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class SignatureInfo:
    """A parsed, not yet verified, signature of one request."""

    key_id: str
    scheme: Literal["cavage", "rfc9421"]
    algorithm: str | None
    # cavage: lowercase header names; RFC 9421: serialized component identifiers.
    components: tuple[str, ...]
    signature: bytes = field(repr=False)
    created: int | None = None
    expires: int | None = None
    signature_params: str = ""  # RFC 9421 only: the "@signature-params" value

    @functools.cached_property
    def covered(self) -> frozenset[str]:
        """Covered component names without quotes or parameters (computed once)."""
        return frozenset(c.split(";", 1)[0].strip('"') for c in self.components)


def header_fields(headers: Mapping[str, str]) -> dict[str, str]:
    """Lowercase names; repeated headers joined with ", " (cavage-12 section 2.3)."""
    fields: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        fields[key] = (
            f"{fields[key]}, {value.strip()}" if key in fields else value.strip()
        )
    return fields
