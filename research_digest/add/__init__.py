"""'add': read a source's page or a saved copy, clean it, and draft its entry."""
