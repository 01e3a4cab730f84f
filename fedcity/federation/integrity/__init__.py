"""Object integrity proofs (FEP-8b32) with the `eddsa-jcs-2022` cryptosuite, and
the Ed25519 keys behind them, published as FEP-521a `Multikey`s."""
