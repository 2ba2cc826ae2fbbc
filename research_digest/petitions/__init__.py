"""Petition data: the platforms' adapters, the cache in the repository, and the
fetcher (the only code on the network)."""
