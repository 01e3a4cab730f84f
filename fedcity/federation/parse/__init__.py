"""AS2 JSON → validated service-layer data, one module per noun.

- `common`: readers every shape uses (bounded strings, URLs, timestamps).
- `actors`: actor documents → `RemoteActorData`.
- `statuses`: Note/Article/Page/Question → `RemotePostData`, with addressing,
  mentions, hashtags, custom emoji, attachments, a Question's poll and votes.

Nothing here trusts an embedded object's claims about itself; callers check
origins (see `federation.inbox`). The outbound half lives in
`federation.render`, with the same module names. A new feature adds its shapes
here as `parse/<noun>.py` (and `render/<noun>.py`), or, when its inbound and
outbound halves belong together, as one feature module `federation/<feature>.py`
holding both, as `federation/polls.py` and `federation/moderation.py` do. This
package's `__init__` stays a docstring: import from the submodule.
"""
