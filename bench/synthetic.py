"""Write a deterministic synthetic digest of any size, for the build benchmark.

The same arguments always write the same bytes. The digest looks like a real one
grown large: 50 topics, sources of every kind with realistic manifest fields,
write-ups of 400 to 800 words of varied Markdown (sections, lists, quotations,
tables, footnotes, links to the web and to other sources and topics), and 500
UK Parliament petitions with cached API data and a signature history.

    python -m bench.synthetic FOLDER --sources 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from research_digest.model.petitions import HistoryPoint
from research_digest.petitions.cache import CacheEntry, cache_path, format_history, history_path
from tests import api_documents as api

KINDS = ("article", "statement", "press-release", "report", "parliamentary-record",
         "legislation", "legal-filing", "consultation", "guidance", "research-paper",
         "blog-post", "broadcast")  # fmt: skip
PUBLISHERS = ("Ofcom", "A national newspaper", "A news agency", "The Home Office",
              "A child-protection charity", "A research institute", "A regional broadcaster",
              "A technology weekly", "Parliament", "A regulator abroad")  # fmt: skip
WORDS = (
    "regulator", "platform", "image", "model", "safety", "report", "online", "abuse", "law",
    "offence", "government", "consultation", "evidence", "child", "protection", "statement",
    "users", "feature", "generated", "synthetic", "content", "moderation", "duty",
    "enforcement", "investigation", "response", "figures", "analysis", "company", "policy",
    "children", "women", "consent", "public", "parliament", "petition", "debate", "committee",
    "minister", "review", "published", "guidance", "industry", "tools", "detection", "removal",
    "hash", "reporting", "services", "charity", "measures", "standards", "risk", "assessment",
    "transparency", "audit", "court", "ruling", "appeal", "international", "coordination",
    "agency", "data", "research", "survey", "trend", "increase", "decrease", "month",
)  # fmt: skip
STATES = ("open", "closed", "rejected", "archived")
FIRST_PETITION = 700_000
EPOCH = dt.datetime(2026, 2, 6, 9, 0, tzinfo=dt.UTC)


def write_digest(folder: Path, sources: int, topics: int = 50, petitions: int = 500,
                 seed: int = 2026) -> Path:  # fmt: skip
    """Write the digest into folder (which must be empty or new); return its manifest."""
    rng = random.Random(seed)
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    topic_ids = [f"topic-{n:02d}" for n in range(topics)]
    source_ids = [f"source-{n:05d}" for n in range(sources)]
    lines = [
        "site:",
        "  title: Synthetic digest",
        "  description: A generated digest for the build benchmark.",
        "  base_url: https://bench.example/",
        "  language: en-GB",
        "  contact: {name: The editors, email: editors@bench.example}",
        "  licence: {name: CC BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}",
        "  content_note: >-",
        "    A generated content note for every page.",
        "  reporting_routes:",
        "    - name: A reporting route",
        "      region: UK",
        "      url: https://report.example/",
        "      description: a generated reporting route.",
        "topics:",
    ]
    for n, topic in enumerate(topic_ids):
        lines += [
            f"  - id: {topic}",
            f'    title: "Topic {n}: {_sentence(rng, 3, 6).rstrip(".")}"',
            "    summary: >-",
            f"      {_sentence(rng, 25, 40)} {_sentence(rng, 20, 30)}",
        ]
        if n % 5 == 0:
            lines.append(f"    content_note: {_sentence(rng, 8, 14)}")
    lines.append("sources:")
    for n, source in enumerate(source_ids):
        is_petition = n < petitions
        lines += _entry(rng, n, source, topic_ids, is_petition)
        (content / f"{source}.md").write_text(_write_up(rng, source_ids, topic_ids))
        if is_petition:
            _petition_data(rng, folder, FIRST_PETITION + n)
    manifest = folder / "sources.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def _entry(rng: random.Random, n: int, source: str, topic_ids: list[str],
           is_petition: bool) -> list[str]:  # fmt: skip
    added = dt.date(2026, 1, 1) + dt.timedelta(days=n % 300)
    published = added - dt.timedelta(days=rng.randint(0, 60))
    chosen = rng.sample(topic_ids, rng.randint(1, 3))
    if is_petition:
        number = FIRST_PETITION + n
        return [
            f"  - id: {source}",
            "    kind: petition",
            f'    title: "Petition {number}: {_sentence(rng, 5, 10).rstrip(".")}"',
            f"    url: https://petition.parliament.uk/petitions/{number}",
            "    publisher: UK Parliament petitions",
            f"    published: {published.isoformat()}",
            f"    added: {added.isoformat()}",
            f"    topics: [{', '.join(chosen)}]",
            f"    document: content/{source}.md",
            "    summary: >-",
            f"      {_sentence(rng, 20, 35)}",
            "    petition:",
            "      platform: uk-parliament",
            f"      number: {number}",
        ]
    entry = [
        f"  - id: {source}",
        f"    kind: {rng.choice(KINDS)}",
        f"    title: {_sentence(rng, 6, 12).rstrip('.')}",
        f"    url: https://news.example/{added.year}/{source}",
        f"    publisher: {rng.choice(PUBLISHERS)}",
        f"    published: {published.isoformat() if n % 7 else published.strftime('%Y-%m')}",
        f"    added: {added.isoformat()}",
        f"    topics: [{', '.join(chosen)}]",
        f"    document: content/{source}.md",
        "    summary: >-",
        f"      {_sentence(rng, 20, 35)} {_sentence(rng, 10, 20)}",
    ]
    if n % 11 == 0:
        entry.append(f"    updated: {(added + dt.timedelta(days=3)).isoformat()}")
    if n % 13 == 0:
        entry.append(f"    content_note: {_sentence(rng, 8, 14)}")
    return entry


def _write_up(rng: random.Random, source_ids: list[str], topic_ids: list[str]) -> str:
    """400 to 800 words of Markdown in the shape the contributors' guide asks for."""
    target = rng.randint(400, 800)
    parts = ["## Summary", "", _paragraph(rng, source_ids, topic_ids), ""]
    sections = ["Key points", "What it says", "Who said it", "What it adds", "Context",
                "Figures", "Reactions", "About this copy"]  # fmt: skip
    rng.shuffle(sections)
    footnotes = 0
    while _words(parts) < target:
        parts += [f"## {sections.pop() if sections else _sentence(rng, 2, 4).rstrip('.')}", ""]
        shape = rng.random()
        if shape < 0.25:
            parts += [f"- {_sentence(rng, 6, 16)}" for _ in range(rng.randint(3, 6))]
        elif shape < 0.35:
            parts += [f"{i}. {_sentence(rng, 6, 16)}" for i in range(1, rng.randint(3, 6))]
        elif shape < 0.45:
            parts += [f'> "{_sentence(rng, 10, 25)}"', "", f"The {rng.choice(PUBLISHERS)} said."]
        elif shape < 0.52:
            parts += ["| Date | What happened | Figure |", "|---|---|---|"]
            parts += [
                f"| {d} January | {_sentence(rng, 3, 6)} | {rng.randint(1, 99999):,} |"
                for d in range(1, rng.randint(3, 7))
            ]
        else:
            paragraph = _paragraph(rng, source_ids, topic_ids)
            if rng.random() < 0.15:
                footnotes += 1
                paragraph += f"[^{footnotes}]"
            parts.append(paragraph)
        parts.append("")
    parts += [f"[^{i}]: {_sentence(rng, 5, 12)}" for i in range(1, footnotes + 1)]
    return "\n".join(parts).rstrip() + "\n"


def _paragraph(rng: random.Random, source_ids: list[str], topic_ids: list[str]) -> str:
    sentences = [_sentence(rng, 8, 24) for _ in range(rng.randint(2, 5))]
    roll = rng.random()
    i = rng.randrange(len(sentences))
    if roll < 0.2:
        sentences[i] += f" See [a related source](source:{rng.choice(source_ids)})."
    elif roll < 0.3:
        sentences[i] += f" It belongs with [this topic](topic:{rng.choice(topic_ids)})."
    elif roll < 0.5:
        sentences[i] += f" The [original](https://www.example.org/{rng.randint(1, 9999)}) has more."
    if rng.random() < 0.4:
        words = sentences[i].split(" ")
        k = rng.randrange(1, len(words) - 1)
        words[k] = f"**{words[k]}**"
        sentences[i] = " ".join(words)
    if rng.random() < 0.3:
        sentences[0] = f'"{sentences[0][:-1]}," a spokesperson said -- and *emphasised* it.'
    return " ".join(sentences)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _words(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts)


def _petition_data(rng: random.Random, folder: Path, number: int) -> None:
    state = STATES[number % len(STATES)]
    count = rng.randint(5, 250_000)
    entry = CacheEntry(
        platform="uk-parliament",
        number=number,
        url=f"https://petition.parliament.uk/petitions/{number}.json",
        status="ok",
        fetched_at=EPOCH,
        last_modified="Fri, 06 Feb 2026 09:00:00 GMT",
        status_since=None,
        response=api.uk(number, state, count),
    )
    path = cache_path(folder, "uk-parliament", number)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(entry.to_json())
    points, signatures = [], 0
    for day in range(rng.randint(2, 40)):
        signatures += rng.randint(0, count // 20 + 1)
        points.append(HistoryPoint(EPOCH - dt.timedelta(days=40 - day), min(signatures, count)))
    history_path(folder, "uk-parliament", number).write_bytes(format_history(points))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--petitions", type=int, default=500)
    args = parser.parse_args()
    print(write_digest(args.folder, args.sources, args.topics, args.petitions))


if __name__ == "__main__":
    main()
