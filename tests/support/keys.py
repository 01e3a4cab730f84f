"""Pre-made RSA key pairs for test actors (tests/fixtures/keys/).

Generating an RSA-2048 key takes about 80 ms; a test that creates a handful of
accounts on two instances would spend more time on keys than on what it tests.
The pairs are handed out in turn, so the actors of one test hold distinct keys
(there are more pairs than any test makes actors).
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

KEYS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "keys"


@cache
def _pairs() -> tuple[tuple[str, str], ...]:
    # Each private key beside its public half (rsa-NN.pem, rsa-NN.pub.pem): deriving
    # the public halves would parse 32 private keys, over a second per process.
    return tuple(
        (path.read_text(), path.with_name(f"{path.stem}.pub.pem").read_text())
        for path in sorted(KEYS_DIR.glob("rsa-[0-9][0-9].pem"))
    )


_turn = itertools.count()


def premade_keypair() -> tuple[str, str]:
    """The next pre-made (private PEM, public PEM) pair, as
    `generate_private_key_pem` returns them."""
    pairs = _pairs()
    return pairs[next(_turn) % len(pairs)]
