"""Write small digests for tests and benchmarks: a manifest and its write-ups."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

HEADER = """site:
  title: Generated
  description: A generated digest.
  base_url: https://generated.test/
  language: en
  contact: {email: editors@generated.test}
  licence: {name: CC BY 4.0}
topics:
  - id: petitions
    title: Petitions
    summary: Generated petitions.
sources:
"""


def write_petition_digest(folder: Path, petitions: Sequence[tuple[str, str, int]]) -> Path:
    """Write a digest of (source id, platform, number) petitions; return its manifest."""
    (folder / "content").mkdir(parents=True, exist_ok=True)
    entries = []
    for source_id, platform, number in petitions:
        (folder / "content" / f"{source_id}.md").write_text(f"## Summary\n\n{source_id}.\n")
        entries.append(
            f"  - id: {source_id}\n    kind: petition\n    title: Petition {number}\n"
            f"    url: https://petitions.test/{number}\n    publisher: A platform\n"
            f"    published: unknown\n    added: 2026-02-01\n    topics: [petitions]\n"
            f"    document: content/{source_id}.md\n    summary: Petition {number}.\n"
            f"    petition: {{platform: {platform}, number: {number}}}\n"
        )
    manifest = folder / "sources.yaml"
    manifest.write_text(HEADER + "".join(entries))
    return manifest
