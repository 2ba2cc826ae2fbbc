"""Render the site's pages with Jinja2: the digest in, ``OutputFile``s out, nothing written.

Links between pages are relative, so the same site works at any address and
base path. The 404 page, served at any missing address, links
from the site's root path; canonical links, feeds and the sitemap use
absolute URLs built on ``site.base_url``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from markupsafe import Markup

from research_digest import textformat
from research_digest.diagnostics import Diagnostic, Location, Report, Severity, display_path
from research_digest.errors import UserError
from research_digest.files import Refused, read_bytes, read_input, tree_files
from research_digest.model.digest import Digest
from research_digest.model.outputs import OutputFile
from research_digest.model.petitions import PetitionData
from research_digest.parallel import map_forked
from research_digest.site import bibliographies, charts, petitionviews, views
from research_digest.site.pages import Page, page_plan
from research_digest.site.sanitize import resolve_links

STATIC_DIR = "static"
PAGES_PER_JOB = 500  # fewer are rendered sooner than a process starts

# What every page's <meta http-equiv="Content-Security-Policy"> says. Scripts come only
# from the site; nothing is framed, posted elsewhere or loaded from another origin, and no
# worker is started. JSON-LD blocks are data: CSP does not apply.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "img-src 'self'; font-src 'self'; connect-src 'self'; media-src 'none'; "
       "object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'self'; "
       "form-action 'self'")  # fmt: skip


THEME = Path(__file__).parent.parent / "theme"  # the default theme, shipped with the package


@dataclass(frozen=True)
class Theme:
    """The templates and the static files copied as they are (CSS, the search's script):
    a digest's own templates folder first, then the default theme."""

    folders: tuple[Path, ...]  # where templates are looked for, in order
    environment: jinja2.Environment
    assets: tuple[OutputFile, ...]


class ProjectLoader(jinja2.BaseLoader):
    """Templates read as every input is (files.read_input): regular files only, and only
    those that resolve inside the folder within, whichever link leads to them."""

    def __init__(self, folder: Path, within: Path) -> None:
        self.folder, self.within = folder, within

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        try:
            text = read_input(path, within=self.within).decode("utf-8")
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise jinja2.TemplateNotFound(template) from None
        except Refused as refused:  # not TemplateNotFound: the default theme's is not a stand-in
            raise jinja2.TemplateError(f"{template} {refused}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise jinja2.TemplateError(f"cannot read {template}: {exc}") from None

        def unchanged() -> bool:
            try:
                return path.stat().st_mtime_ns == mtime
            except OSError:
                return False

        return text, str(path), unchanged


class _CompiledInMemory(jinja2.BytecodeCache):
    """Templates compiled once a process (serve's rebuilds, a test run), kept by name and
    file: Jinja compares a template's text with the checksum it was compiled from, and
    compiles it again when that changed."""

    def __init__(self) -> None:
        self.found: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self.lock:
            code = self.found.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self.lock:
            self.found[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledInMemory()


def load_theme(
    folder: Path | None, report: Report, *, within: Path | None = None, required: bool = False
) -> Theme | None:
    """Prepare the Jinja environment and read the static files: the default theme's, each
    overridden by a file of the same name in folder (a digest's own templates/), if it
    exists; a folder that must exist (given on the command line) is an error if it does
    not. Every file of folder read resolves inside within (default: folder itself)."""
    layers = [(THEME, THEME)]
    if folder is not None and (folder.is_dir() or required):
        if not folder.is_dir():
            report.error(
                Location(display_path(folder)),
                "the templates folder does not exist",
                "give a folder of templates that override the default theme's, or none",
            )
            return None
        layers.insert(0, (folder, within or folder))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([ProjectLoader(f, w) for f, w in layers]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
    )
    environment.filters.update(
        human_date=_human_date,
        iso_date=textformat.iso_date,
        number=_number,
        count=_count,
        plural=_plural,
        age=_age,
        percent=_percent,
    )
    environment.globals.update(
        url=_url,
        absolute=_absolute,
        resolve=_resolve,
        plain_text=_plain_text,
        pointed_petitions=_pointed_petitions,
        history_chart=charts.history_chart,
        citation_formats=bibliographies.FORMATS,
        csp=CSP,
    )
    assets: dict[str, OutputFile] = {}
    for layer, inside in reversed(layers):  # the default theme's first, then the override's
        static = layer / STATIC_DIR
        for path in tree_files(static):
            content = read_bytes(path, report, file=display_path(path), within=inside)
            if content is not None:
                name = f"{STATIC_DIR}/{path.relative_to(static).as_posix()}"
                assets[name] = OutputFile(name, content)
    return Theme(tuple(f for f, _ in layers), environment, tuple(sorted(
        assets.values(), key=lambda a: a.path)))  # fmt: skip


def render_pages(
    digest: Digest, theme: Theme, unchanged: Collection[str] = frozenset(), jobs: int = 1
) -> list[OutputFile]:
    """Render every page, the sitemap and robots.txt, but those whose output paths are in
    unchanged (which the last build made from the same inputs); in up to jobs processes
    when there are many."""
    plan = page_plan(digest, unchanged)
    shared = {
        "site": digest.manifest.site,
        "manifest": digest.manifest,
        "topics": digest.manifest.topics,
        "built_at": digest.built_at,
        "petition_addresses": petitionviews.petition_addresses(digest.manifest),
        "sections": views.sections(digest.manifest),
        "petition_licences": petitionviews.petition_licences(digest.manifest),
    }
    made = map_forked(lambda n: _make(theme, plan[n], shared), len(plan), jobs=jobs,
                      at_least=PAGES_PER_JOB)  # fmt: skip
    files = [file for file, _ in made]
    listed = [page for _, page in made if page.links == "relative"]
    for name in ("sitemap.xml", "robots.txt"):
        if name in unchanged:
            continue
        assert name != "sitemap.xml" or not unchanged, "the sitemap lists every page"
        page = Page(name, name, name, "", (), {"pages": listed}, links="absolute")
        files.append(_render(theme, page, shared))
    return files


def _make(
    theme: Theme, make: Callable[[], Page], shared: dict[str, Any]
) -> tuple[OutputFile, Page]:
    """Make a page and render it; and the page without what it shows, for the sitemap."""
    page = make()
    return _render(theme, page, shared), dataclasses.replace(page, context={})


def _render(theme: Theme, page: Page, shared: dict[str, Any]) -> OutputFile:
    context = {**shared, "page": page, **page.context}
    try:
        text = theme.environment.get_template(page.template).render(context)
    except jinja2.TemplateError as exc:
        raise UserError([_template_problem(exc, theme, page)]) from exc
    return OutputFile(page.output_path, text.encode("utf-8"))


def _template_problem(exc: jinja2.TemplateError, theme: Theme, page: Page) -> Diagnostic:
    """Place a template error at its template's line, found in the traceback."""
    file, line = page.template, 0
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        folders = tuple(str(f.absolute()) for f in theme.folders)
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith(folders):
                file, line = frame.filename, frame.lineno or 0
                break
    where = Location(display_path(Path(file)) if "/" in file else file, line, 1 if line else 0)
    return Diagnostic(
        Severity.ERROR,
        where,
        f"template error while rendering {page.output_path}: {exc.message or exc}",
    )


# -- template filters: dates, numbers and plurals in the site's language -----------------


def _formats(context: jinja2.runtime.Context) -> textformat.Formats:
    return textformat.formats(context["site"].language)  # checked when the manifest was read


def _noun_forms(call: Callable[[], str]) -> str:
    """Report forms a template gave wrongly (a category CLDR lacks) at its line."""
    try:
        return call()
    except ValueError as exc:
        raise jinja2.TemplateRuntimeError(str(exc)) from None


@jinja2.pass_context
def _human_date(
    context: jinja2.runtime.Context, value: textformat.DateLike | None, unknown: str = "unknown"
) -> str:
    return _formats(context).date(value, unknown)


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: int) -> str:
    return _formats(context).number(value)


@jinja2.pass_context
def _count(
    context: jinja2.runtime.Context, value: int, noun: textformat.Noun, plural: str | None = None
) -> str:
    return _noun_forms(lambda: _formats(context).count(value, noun, plural))


@jinja2.pass_context
def _plural(
    context: jinja2.runtime.Context, value: int, noun: textformat.Noun, plural: str | None = None
) -> str:
    return _noun_forms(lambda: _formats(context).plural(value, noun, plural))


@jinja2.pass_context
def _age(context: jinja2.runtime.Context, delta: dt.timedelta) -> str:
    return _formats(context).age(delta)


@jinja2.pass_context
def _percent(context: jinja2.runtime.Context, part: int, whole: int) -> str:
    return _formats(context).percent(part, whole)


# -- template globals -------------------------------------------------------------------


def relative_url(target: str, page_path: str) -> str:
    """Link from one output path to another: 'topics/x/' -> '../../sources/y/'.

    Both are the site's own normalised paths ('' is the home page; a folder ends with
    '/'), so shared leading folders are dropped and each folder left climbs one level.
    """
    start = page_path.split("/")[:-1]  # the page's folders: 'topics/x/' -> [topics, x]
    parts = target.split("/")
    shared = 0
    for a, b in zip(start, parts[:-1], strict=False):
        if a != b:
            break
        shared += 1
    rel = "../" * (len(start) - shared) + "/".join(parts[shared:])
    return rel or "./"


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    page: Page = context["page"]
    if page.links == "absolute":
        return _absolute(context, target)
    if page.links == "rooted":
        return urlsplit(str(context["site"].base_url)).path + target
    return relative_url(target, page.path)


@jinja2.pass_context
def _absolute(context: jinja2.runtime.Context, target: str) -> str:
    return str(context["site"].base_url) + target


@jinja2.pass_context
def _resolve(context: jinja2.runtime.Context, html: str) -> Markup:
    """Resolve a write-up's source:ID and topic:ID links for the current page."""

    manifest = context["manifest"]

    def target(kind: str, ident: str) -> str | None:
        known = manifest.has_source(ident) if kind == "source" else manifest.has_topic(ident)
        return str(_url(context, f"{kind}s/{ident}/")) if known else None

    return Markup(resolve_links(html, target))  # sanitised HTML


@jinja2.pass_context
def _pointed_petitions(
    context: jinja2.runtime.Context, data: PetitionData
) -> list[petitionviews.PointedPetition]:
    """The petitions a rejection points to, with the digest's page of those it has."""
    manifest = context["manifest"]
    return petitionviews.pointed_petitions(data, context["petition_addresses"],
                                   lambda source_id: manifest.source(source_id).title)  # fmt: skip


@jinja2.pass_context
def _plain_text(context: jinja2.runtime.Context, text: str) -> Markup:
    """Format untrusted API text; petition links the digest has get a link to our page."""
    addresses = context["petition_addresses"]

    def note(url: str) -> Markup | None:
        source_id = petitionviews.our_petition_page(url, addresses)
        if source_id is None:
            return None
        href = _url(context, f"sources/{source_id}/")
        return Markup(' (<a href="{0}">in this digest</a>)').format(href)

    return textformat.plain_text(text, note)
