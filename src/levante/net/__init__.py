"""The network: a sans-IO IPv4 stack (`stack/`) and the links that carry its frames (`link/`)."""
