"""Research Digest: a static-site generator for research digests."""

__version__ = "0.1.0"
