"""The data model, frozen and typed: the manifest's (manifest.py), the petitions'
(petitions.py), what a render reads (digest.py) and what a build makes (outputs.py)."""
