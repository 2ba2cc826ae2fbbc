"""A copy of the test digest with hostile text in every field that reaches a page: in the
manifest, the write-ups and the cached API JSON. The safety and browser tests build it."""

from __future__ import annotations

import copy
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.petitions.cache import CACHE_DIR, cache_path, parse_entry
from research_digest.petitions.platforms import PLATFORMS, DataError
from research_digest.site.render import CSP
from tests.conftest import TEST_DIGEST
from tests.xss_corpus import EVIL, corpus

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src="https://evil.test/x.png" onerror="alert(1)">'
JS = "javascript:alert(1)"
HOSTILE_DOI = "10.5555/\"><script>alert('doi')</script><img/src=x/onerror=alert(1)>"

HOSTILE_MARKDOWN = f"""## Hostile

{SCRIPT}
{IMG}
<iframe src="https://evil.test/"></iframe>
<video src="https://evil.test/v.mp4"></video><audio src="a.mp3"></audio>
<object data="x.swf"></object><embed src="x.swf">
<svg onload="alert(1)"><circle r="1"/></svg>
<math><mi xlink:href="{JS}">x</mi></math>
<a href="{JS}">click</a> <a href="JaVaScRiPt:alert(1)">click</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<p onmouseover="alert(1)" style="background:url(javascript:alert(1))">hover</p>
<form action="https://evil.test/"><input name="q"><button>go</button></form>
<style>body {{ display: none }}</style>
<base href="https://evil.test/">
<meta http-equiv="refresh" content="0; url=https://evil.test/">

[markdown link]({JS}) [data link](data:text/html,hi)
![markdown image](https://evil.test/abuse.png)
<img src=x onerror=alert(1)//
"""


def write_hostile_digest(root: Path) -> Path:
    """Copy the test digest to root, make every field hostile; return its manifest."""
    shutil.copytree(TEST_DIGEST, root)
    manifest = root / "sources.yaml"
    text = manifest.read_text()
    for old in (
        "title: Regulator issues a statement",
        "summary: The regulator says it has contacted a platform.",
        "publisher: The Regulator",
        "title: Test Digest",
        "content_note: Discusses alpha harms.",
        "summary: A topic with one source and no content note.",
        "description: another made-up route.",
    ):
        key, value = old.split(": ", 1)
        text = text.replace(old, f"{key}: {json.dumps(value + ' ' + SCRIPT + IMG + JS)}")
    text = text.replace(  # the DOI's pattern lets markup through: it has no space
        "    document: content/regulator-statement.md\n",
        "    document: content/regulator-statement.md\n"
        f"    doi: {json.dumps(HOSTILE_DOI)}\n    authors:\n      - {json.dumps(SCRIPT + IMG)}\n"
        f"      - {{family: {json.dumps('Doe' + SCRIPT)}, given: {json.dumps(JS + IMG)}}}\n",
    )
    manifest.write_text(text)
    for doc in (root / "content").glob("*.md"):
        doc.write_text(doc.read_text() + "\n" + HOSTILE_MARKDOWN)
    path = cache_path(root, "uk-parliament", 100003)
    envelope = json.loads(path.read_text())
    attributes = envelope["response"]["data"]["attributes"]
    attributes["action"] = "Action " + SCRIPT
    attributes["background"] = IMG + " background"
    attributes["government_response"]["details"] = f"Details {SCRIPT}\n\n{JS}\n\n{IMG}"
    attributes["debate"]["overview"] = f"<a href='{JS}'>x</a>"
    attributes["debate"]["transcript_url"] = JS
    attributes["debate"]["debate_pack_url"] = "data:text/html,<script>alert(1)</script>"
    path.write_text(json.dumps(envelope))
    rejected = cache_path(root, "uk-parliament", 100001)
    envelope = json.loads(rejected.read_text())
    envelope["response"]["data"]["attributes"]["rejection"]["details"] = (
        f'See {JS} and https://ok.test/"><script>alert(1)</script> and {IMG}'
    )
    rejected.write_text(json.dumps(envelope))
    return manifest


# -- the XSS corpus (tests/xss_corpus.py) in every text field ---------------------------------

TEXT_FIELDS = {"title", "description", "content_note", "summary", "publisher", "name"}
# The manifest's limits (research_digest/schema/sources.schema.json): a field holds as much of the
# corpus as fits; the extra sources hold it all, in bins that fit a title.
FIELD_LIMITS = {"title": 500, "publisher": 500, "name": 500, "description": 3000,
                "content_note": 3000, "summary": 3000}  # fmt: skip


def write_corpus_digest(root: Path) -> tuple[Path, list[str]]:
    """Copy the test digest to root with the corpus in every text field that reaches a page:
    each of the manifest's holds as many payloads as its limit allows (extra sources hold
    every payload in their title, publisher, summary and content note), every write-up
    holds them all, and so does every field of the cached API JSON the adapters accept.
    Return the manifest and the fields of the API JSON that took them."""
    payloads = [FORBIDDEN_CHARACTERS.sub("", p.text) for p in corpus()]
    # Manifests and write-ups with control characters are refused (test_files); API text
    # loses them.
    everything = "\n".join(payloads)
    # Write-ups hold all but the links the build refuses. A payload that leaves a <script>
    # open takes the rest of its write-up with it, footnotes too: the write-ups' own
    # footnotes are made plain links, so that none is left pointing at nothing.
    markdown = [FORBIDDEN_CHARACTERS.sub("", p.text) for p in corpus() if p.family != "refused"]
    shutil.copytree(TEST_DIGEST, root)
    manifest = root / "sources.yaml"
    data = yaml.safe_load(manifest.read_text())
    entries = [data["site"], *data["site"]["reporting_routes"], *data["topics"], *data["sources"]]
    for number, entry in enumerate(entries):
        _inject(entry, payloads, start=number * 7)
    for doc in (root / "content").glob("*.md"):
        own = doc.read_text().replace("[^", "[")
        together = [p for p in markdown if "[^" not in p]  # the footnote, in its share alone
        doc.write_text(own + "\n\n" + "\n\n".join(together) + "\n")
    for n, share in enumerate(corpus_bins(payloads, FIELD_LIMITS["title"]), start=1):
        text = " ".join(share)
        written = [p for p in share if p in markdown]
        data["sources"].append({
            "id": f"corpus-{n:02d}", "kind": "article", "title": text,
            "url": f"{EVIL}/\"><script>__xss({n})</script>", "publisher": text,
            "published": "2026-01-05", "added": "2026-01-06",
            "topics": ["alpha"], "document": f"content/corpus-{n:02d}.md", "summary": text,
            "content_note": text, "authors": [text, {"family": text, "given": text}],
        })  # fmt: skip
        inline = " and ".join(written)
        body = "\n\n".join(written)
        (root / "content" / f"corpus-{n:02d}.md").write_text(
            f"A paragraph that mentions {inline} in passing.\n\n{body}\n"
        )
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6))
    taken = []
    for path in sorted((root / CACHE_DIR).rglob("*.json")):
        taken += _inject_api(path, everything)
    return manifest, taken


def corpus_bins(payloads: list[str], limit: int) -> list[list[str]]:
    """The payloads in order, in bins whose text (joined by spaces) fits limit characters."""
    bins: list[list[str]] = [[]]
    for payload in payloads:
        if bins[-1] and len(" ".join([*bins[-1], payload])) > limit:
            bins.append([])
        bins[-1].append(payload)
    return bins


def _inject(entry: dict[str, object], payloads: list[str], start: int) -> None:
    """Add to each text field of entry as many payloads as its limit allows, from start."""
    for key, value in entry.items():
        if key in TEXT_FIELDS and isinstance(value, str):
            entry[key] = _filled(value, payloads, start, FIELD_LIMITS[key])
            start += 7
        elif isinstance(value, dict):
            _inject(value, payloads, start)
        elif key == "authors" and isinstance(value, list):
            entry[key] = [_hostile_name(name, payloads, start) for name in value]


def _filled(value: str, payloads: list[str], start: int, limit: int) -> str:
    """value, and the payloads from start on that fit within limit characters."""
    at = start
    while len(f"{value} {payloads[at % len(payloads)]}") <= limit:
        value, at = f"{value} {payloads[at % len(payloads)]}", at + 1
    return value


def _hostile_name(name: object, payloads: list[str], start: int) -> object:
    """An author with as many payloads added to each of its names as a name may hold."""
    if isinstance(name, dict):
        return {part: _filled(str(v), payloads, start, FIELD_LIMITS["name"])
                for part, v in name.items()}  # fmt: skip
    return _filled(str(name), payloads, start, FIELD_LIMITS["name"])


def _inject_api(path: Path, text: str) -> list[str]:
    """Put text in every string of a cached API response that its adapter still accepts
    (as a field's text; a URL field's value is replaced by script URLs), probing each
    field (the first three items of a list) alone; return the fields that took it."""
    platform, number = path.parent.name, int(path.stem)
    envelope = json.loads(path.read_text())
    taken = []
    for where in _string_leaves(envelope["response"]):
        for value in (f"{_get(envelope['response'], where)} {text}", f"{JS}//{text}"):
            trial = copy.deepcopy(envelope)
            _set(trial["response"], where, value)
            try:
                entry = parse_entry(json.dumps(trial), platform, number)
                PLATFORMS[platform].parse(entry.response, number)
            except (DataError, ValueError, KeyError, TypeError):
                continue
            _set(envelope["response"], where, value)
            taken.append(f"{platform}/{number}: {'.'.join(map(str, where))}")
            break
    path.write_text(json.dumps(envelope, ensure_ascii=False))
    return taken


def _string_leaves(node: object, where: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, str):
        return [where]
    if isinstance(node, dict):
        items: list[tuple[str | int, object]] = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node[:3]))
    else:
        return []
    return [leaf for key, value in items for leaf in _string_leaves(value, (*where, key))]


def _get(node: Any, where: tuple[str | int, ...]) -> Any:
    for step in where:
        node = node[step]
    return node


def _set(node: Any, where: tuple[str | int, ...], value: str) -> None:
    _get(node, where[:-1])[where[-1]] = value


# -- what live markup looks like -------------------------------------------------------------

FORBIDDEN_TAGS = {
    "script", "img", "iframe", "frame", "object", "embed", "video", "audio", "source", "track",
    "picture", "svg", "math", "canvas", "form", "input", "button", "style", "base", "template",
}  # fmt: skip
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")  # as browsers read it, tabs removed
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "xlink:href", "poster"}


CHART_TAGS = {"title", "desc", "line", "text", "polyline", "circle"}


class _Inspector(HTMLParser):
    """Find live markup. Two things of the site's own are allowed: the history chart (svg.chart)
    may hold drawing elements, and a JSON-LD block may hold data that is JSON and nothing else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_chart = False
        self.in_json_ld = False
        self.in_search_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and dict(attrs).get("class") == "chart" and not self.in_chart:
            self.in_chart = True
        elif tag == "script" and attrs == [("type", "application/ld+json")]:
            self.in_json_ld = True
        elif tag == "script" and attrs[:1] == [("type", "module")] and len(attrs) == 2:
            pass  # the search page's own script, from the site: checked below
        elif (
            tag == "form"
            and dict(attrs).get("role") == "search"
            and dict(attrs).get("method") == "get"
        ):
            self.in_search_form = True  # the site's search box, or its search page's form
        elif self.in_search_form and tag in ("input", "button", "select", "option"):
            pass
        elif self.in_chart and tag not in CHART_TAGS:
            self.problems.append(f"<{tag}> in the chart")
        elif tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        ours = {"http-equiv": "Content-Security-Policy", "content": CSP}
        if tag == "meta" and "http-equiv" in dict(attrs) and dict(attrs) != ours:
            self.problems.append("<meta http-equiv>")
        rels = ("stylesheet", "alternate", "canonical", "icon")
        if tag == "link" and dict(attrs).get("rel") not in rels:
            self.problems.append(f"<link rel={dict(attrs).get('rel')}>")
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "xlink:href") and self.in_chart):
                self.problems.append(f"<{tag} {name}>")
            if name == "style":
                self.problems.append(f"<{tag} style>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = _SCHEME.match(re.sub(r"[\t\n\r]", "", value.strip()))
                if scheme and scheme.group(1).lower() not in ("https", "http", "mailto"):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:
            try:
                json.loads(data)
            except ValueError:
                self.problems.append("<script type=application/ld+json> holding what is not JSON")
            if "<" in data:
                self.problems.append("'<' in the JSON-LD")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_chart = False
        if tag == "script":
            self.in_json_ld = False
        if tag == "form":
            self.in_search_form = False


def live_markup_problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
