"""The library on the wire (issue 14, docs/FEDERATION.md "Case studies and funding
opportunities"): a case study or funding opportunity travels as one `Article`
(FEP-b2b8) carrying its structured fields in fedcity's JSON-LD context v3 and an
FEP-8b32 proof by its author's server.

- `wire`: the item's document ↔ the Article's fields (pure).
- `outbound`: the Article fedcity sends and serves, signed; who else hears of it
  (the instance actor's followers).
- `inbound`: a received Article: proof, validation, storage, refusals; the
  author's consent to be found (the rule is services.library.consent).
- `collection`: the instance actor's outbox, every public library item.
- `subscriptions`: `instance follow|unfollow|list`, and the backfill a new
  subscription starts (`backfill`).

This package's `__init__` stays a docstring: import from the submodule.
"""
