"""Writing a new source's entry: its id, its suggested topics, and the entry with its draft
write-up, written together or not at all."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from research_digest.add.cleanup import STOPWORDS, content_words
from research_digest.add.extract import SourceFacts
from research_digest.diagnostics import Report, Severity
from research_digest.files import atomic_write
from research_digest.manifest.edit import EditError, FieldValue, append_source
from research_digest.manifest.loader import load_manifest
from research_digest.manifest.yamlsource import load_yaml
from research_digest.model.manifest import Manifest, Topic
from research_digest.petitions.fetch import Outcome

MAX_ID_WORDS = 6


MAX_TOPICS = 3


TOPIC_SHARE = 0.5  # a topic is suggested when it scores at least half the best one


class AddError(Exception):
    """The source cannot be added; the message says why. ``usage`` marks a bad command line."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Added:
    source_id: str
    line: int  # where the entry starts in sources.yaml
    document: Path
    read_from: str
    facts: SourceFacts
    topics: tuple[str, ...]
    topics_suggested: bool
    petition_outcome: Outcome | None = None


def suggest_topics(
    text: str, topics: Sequence[Topic], prefer: str | None = None
) -> tuple[str, ...]:
    """The topics whose words the text uses most (at least one, at most three).

    Each of a topic's words counts as often as the text uses it (up to five times),
    divided among the topics that share the word.
    """
    counts = Counter(w for w in _words(text) if w not in STOPWORDS)
    vocabulary = {t.id: content_words(f"{t.id.replace('-', ' ')} {t.title} {t.summary}")
                  for t in topics}  # fmt: skip
    spread = Counter(w for v in vocabulary.values() for w in v)
    scores = {
        topic_id: sum(min(counts[w], 5) / spread[w] for w in words)
        for topic_id, words in vocabulary.items()
    }
    if prefer in scores:
        scores[prefer] += max(scores.values(), default=0) + 1
    best = sorted(scores, key=lambda t: (-scores[t], t))
    top = scores[best[0]] if best else 0
    chosen = [t for t in best if scores[t] > 0 and scores[t] >= top * TOPIC_SHARE][:MAX_TOPICS]
    return tuple(chosen or best[:1])


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'-]{3,}", text.lower())


def new_id(title: str, taken: set[str]) -> str:
    """A permanent slug from the title's first words, unique in the digest."""
    words = re.findall(r"[a-z0-9]+", title.lower().replace("'", ""))
    significant = [w for w in words if w not in ("the", "a", "an", "of", "to", "and", "todo")]
    base = "-".join((significant or ["source"])[:MAX_ID_WORDS])[:60].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def choose_id(requested: str | None, title: str, manifest: Manifest) -> str:
    taken = {s.id for s in manifest.sources}
    if requested is None:
        return new_id(title, taken)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", requested) or len(requested) > 80:
        raise AddError(f"--id: {requested!r} is not a safe id: use lowercase letters, digits and "
                       "single hyphens", usage=True)  # fmt: skip
    if requested in taken:
        raise AddError(f"--id: {requested!r} is already a source's id", usage=True)
    return requested


def write_entry(manifest: Manifest, entry: dict[str, FieldValue], write_up: str) -> int:
    """Write the draft write-up and the manifest's new entry, or neither: the new manifest is
    read back, and must be valid and hold the entry exactly as given, before it is written."""
    document = manifest.root / str(entry["document"])
    if document.exists():
        raise AddError(f"{entry['document']} exists already; choose another --id", usage=True)
    original = manifest.path.read_bytes().decode("utf-8")  # every byte kept: line ends too
    try:
        updated, line = append_source(original, entry)
    except EditError as exc:
        raise AddError(f"{exc}; nothing was written") from None
    atomic_write(document, write_up.encode("utf-8"))
    try:
        _check_entry(manifest, updated, entry)
        atomic_write(manifest.path, updated.encode("utf-8"))
    except BaseException:
        document.unlink(missing_ok=True)
        raise
    return line


def _check_entry(manifest: Manifest, updated: str, entry: dict[str, FieldValue]) -> None:
    """Raise AddError unless the updated manifest is valid and its last source is entry."""
    name = manifest.path.name
    check = Report()
    if load_manifest(manifest.path, check, text=updated) is None:
        problems = "; ".join(d.format() for d in check.sorted(minimum=Severity.ERROR))
        raise AddError(f"the new entry would make {name} invalid, so nothing was written "
                       f"(please report this as a bug): {problems}")  # fmt: skip
    document = load_yaml(manifest.path, Report(), file=name, text=updated)
    sources = document.data.get("sources") if document and isinstance(document.data, dict) else []
    written = sources[-1] if isinstance(sources, list) and sources else None
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in entry.items()}
    if written != expected:
        changed = sorted(k for k in expected if not isinstance(written, dict)
                         or written.get(k) != expected[k])  # fmt: skip
        raise AddError(f"the new entry would not read back as given ({', '.join(changed)}), so "
                       "nothing was written (please report this as a bug)")  # fmt: skip
