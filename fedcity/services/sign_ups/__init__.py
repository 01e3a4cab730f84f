"""Signing up (issue 12): registration modes and rules, invites, the mail links
that confirm an address or reset a password, the approval queue, and the offices
invites name."""
