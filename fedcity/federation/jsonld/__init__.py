"""Offline JSON-LD: bundled contexts, a pyld document loader, and normalisation.

This is the one typed wrapper over pyld. Nothing here touches the network. The
document loader reads `schemas/contexts/` through its `manifest.json` and
refuses every other URL, as STYLE.md §8.1 requires.

Most inbound documents are already plain AS2 compact JSON (Mastodon, Misskey,
GoToSocial, Lemmy, Pleroma). `normalization.normalize` returns those almost
unchanged without calling pyld. Only documents that use compact IRIs, full IRIs
as keys, or inline contexts that redefine terms fedcity reads go through
expand + compact.

- `loader`: the bundled contexts, the pyld document loader, the @context
  fedcity sends.
- `terms`: the terms and prefixes of fedcity's compaction context, and IRI
  expansion against them.
- `plain`: `needs_processing`, deciding whether a document can be read as it is.
- `normalization`: `normalize` (expand + compact when needed, Public aliases).

This package's `__init__` stays a docstring: import from the submodule.
"""
