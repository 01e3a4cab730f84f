"""HTTP message signatures: sign outgoing requests, verify incoming ones, Digest.

Two wire formats are read: draft-cavage-http-signatures-12 as Mastodon, GoToSocial
and Pleroma use it (`Signature:` or `Authorization: Signature`), and RFC 9421
(`Signature-Input` + `Signature`). Outgoing requests are signed the Mastodon way.
Verification runs on the inbox hot path, so the crypto is `cryptography` called
directly and parsed PEM keys are cached; only RFC 9421 component resolution
(`@query-param`, `;sf`, `;key`, ...) is delegated to `http-message-signatures`.

- `keys`: loading (cached) and generating actor keys.
- `common`: `SignatureInfo`, a parsed signature, and the header map both
  formats read.
- `cavage`: draft-cavage: `sign_request`, header parsing, the signing string.
- `rfc9421`: RFC 9421: `Signature-Input` parsing, the signature base.
- `digest`: `Digest` (RFC 3230) and `Content-Digest` (RFC 9530).
- `algorithms`: `verify_bytes`, which algorithm a label and key allow.
- `verify`: the entry points: `parse_signature`, `verify_signature`
  (coverage, digest, time window, then the signature), its two halves
  `signed_message` (all no key can change: the inbox runs it before any key
  lookup) and `verify_key`, and `signing_string`.

This package's `__init__` stays a docstring: import from the submodule.
"""
