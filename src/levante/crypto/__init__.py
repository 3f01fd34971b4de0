"""Random numbers and cryptography: entropy sources, the CTR_DRBG, the PRNG."""
