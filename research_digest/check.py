"""The check: everything a build does but write, then the links and the content's lint.

What pull-request CI runs (``check --strict``): the manifest, write-ups, cached
data and templates are loaded and checked as for a build, every page is
rendered in memory, every link that stays on the site is followed, and the lint
rules run. With ``external``, links to other sites are checked too (warnings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import httpx

from research_digest.checks.externallinks import check_external, outside_links
from research_digest.checks.linkcheck import check_links
from research_digest.checks.lint import lint
from research_digest.diagnostics import Report
from research_digest.model.outputs import OutputFile
from research_digest.output.guard import check_output
from research_digest.pipeline import load_inputs, render_site
from research_digest.site.extra import clashes


@dataclass(frozen=True)
class CheckResult:
    sources: int
    pages: int
    links: int
    outside_links: int  # addresses asked (0 without external)


def check(
    manifest_path: Path,
    *,
    report: Report,
    templates: Path | None = None,
    now: dt.datetime | None = None,
    external_client: httpx.Client | None = None,
    external_max_age: dt.timedelta = dt.timedelta(days=7),
) -> CheckResult:
    """Check the digest as CI does; every finding goes to report. Raise BuildFailed early
    only when the inputs cannot be loaded at all."""
    inputs = load_inputs(manifest_path, report=report, templates=templates, now=now,
                         keep_going=True, drafts=True)  # drafts are checked too  # fmt: skip
    digest = inputs.digest
    files: tuple[OutputFile, ...] = ()
    links = 0
    if all(s.id in digest.documents for s in digest.manifest.sources):  # else nothing renders
        rendered, others = render_site(inputs)
        files = (*rendered, *others)
        clashes(inputs.extra, files, report)
        check_output(files, inputs.theme.folders, report)
        links = check_links(files, digest.manifest.site.base_url, report, shown_as="(site)")
    lint(digest, report, today=digest.built_at.date())
    asked = 0
    if external_client is not None:
        asked = check_external(outside_links(digest), report, client=external_client,
                               root=digest.manifest.root, now=digest.built_at,
                               max_age=external_max_age)  # fmt: skip
    pages = sum(1 for f in files if f.path.endswith(".html"))
    return CheckResult(len(digest.manifest.sources), pages, links, asked)
