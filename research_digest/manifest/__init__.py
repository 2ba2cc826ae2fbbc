"""The manifest: YAML with places, the schema, the checks a schema cannot make, the
typed model, and the editor that adds an entry."""
