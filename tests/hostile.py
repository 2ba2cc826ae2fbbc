"""A copy of the test digest with hostile text in every field that reaches a page: in the
manifest, the write-ups and the cached API JSON. The safety and browser tests build it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from digest.petitioncache import cache_path
from tests.conftest import TEST_DIGEST

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src="https://evil.test/x.png" onerror="alert(1)">'
JS = "javascript:alert(1)"

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
