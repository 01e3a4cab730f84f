"""Groups on the wire (FEP-1b12, FEP-7888): a local group's announces of its
members' activities (`relay`), its moderators' activities (`moderation`), its
collections (`collections`), and how a group's announces, local or remote, are
applied by a member's instance (`inbound`)."""
