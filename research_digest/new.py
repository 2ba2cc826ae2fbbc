"""'new': write a small digest to start from, which builds and passes 'check --strict' at once.

    research-digest new my-digest

A manifest with one topic and one source, the source's write-up, a README with the
commands, and a .gitignore. The look is the default theme's; the digest's own
templates/ would override it file by file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from research_digest.files import atomic_write

MANIFEST = """\
# The digest's manifest: its settings, topics and sources. CONTRIBUTING.md in Research
# Digest's repository describes every field; 'research-digest check' checks them all.
site:
  title: {title}
  description: >-
    A research digest made with Research Digest. Say here, in a sentence or two, what it
    covers.
  base_url: https://example.org/{slug}/
  language: en-GB
  contact:
    email: editors@example.org
  licence:
    name: CC BY 4.0
    url: https://creativecommons.org/licenses/by/4.0/

topics:
  - id: first-topic
    title: The first topic
    summary: >-
      A paragraph or two for a reader new to the topic: what happened, who is involved,
      and what the sources below add.

sources:
  - id: example-report
    kind: report
    title: An example report, to replace with a real source
    url: https://www.example.com/reports/example-report
    publisher: Example Publisher
    published: {today}
    added: {today}
    topics: [first-topic]
    document: content/example-report.md
    summary: >-
      One or two sentences in your own words: what the source is and what it says. Lists and
      feeds show this.
"""

WRITE_UP = """\
## Summary

This write-up stands in for the first real one. A write-up describes its source in the
digest's own words: what the source is, what it says, who said what, and what it adds to the
digest. It quotes a sentence or two at most, in quotation marks, and says who said it.

## Key points

- The publisher, the date and the address come from the source's entry in sources.yaml.
- Links to other sources are written [like this](source:example-report), and to topics
  [like this](topic:first-topic): the build checks that they exist.

## About this copy

Say here what is not known of the copy you read, if anything, and why.
"""

README = """\
# {title}

A research digest, built with [Research Digest](https://pypi.org/project/research-digest/).

- `sources.yaml`: the settings, the topics and every source.
- `content/`: each source's write-up, in Markdown.
- `templates/` (optional): templates that override the default theme's, file by file.
- `extra/` (optional): files copied as they are to the site (a CNAME, say).

With Research Digest installed (`pip install research-digest`), two commands:

```sh
research-digest serve     # preview at http://127.0.0.1:8000/, rebuilt on every change
research-digest build     # build the site into site/, to publish
```

`research-digest check --strict` checks everything a build would, and the write-ups as a
reviewer would: run it before each change is published.
"""

GITIGNORE = "/site/\n.cache/\n"


class NewError(Exception):
    """The digest cannot be written there; the message says why."""


def new_digest(folder: Path, *, today: dt.date) -> list[Path]:
    """Write a small digest into folder (new, or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NewError(f"{folder} exists and is not an empty folder: choose a new one")
    slug = "-".join("".join(c if c.isalnum() else " " for c in folder.name).lower().split())
    title = " ".join(word.capitalize() for word in (slug or "my digest").split("-"))
    files = {
        "sources.yaml": MANIFEST.format(title=title, slug=slug or "digest", today=today),
        "content/example-report.md": WRITE_UP,
        "README.md": README.format(title=title),
        ".gitignore": GITIGNORE,
    }
    written = []
    for name, text in files.items():
        atomic_write(folder / name, text.encode("utf-8"))
        written.append(folder / name)
    return written
