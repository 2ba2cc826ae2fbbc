"""The last check before the site is written: no media, and nothing from another origin. Pure.

Markup reaches a page from three places, each checked where it is made: the
templates, read here when they load (check_templates: every element and attribute
they write, with Jinja's expressions masked, and no expression where an
attribute's name goes); the code that builds markup (charts, JSON-LD: by
construction, and their tests); write-ups, through the sanitiser. What stays for
the end is one fast byte-level scan of each new page (needs_reading) for what must
never appear: a media element, an <svg> that is not one of our charts, a script,
link or http-equiv that is not one of the forms the theme writes, a page without
the Content-Security-Policy. Only a page the scan stops at is read tag by tag,
and the build fails if it holds an image, media element, frame or object; loads a
script, style or anything else from another origin; runs inline script or styles;
or lacks the policy that makes the browser refuse all of that too. Each problem is
reported once, at the template that holds it where one does, with the pages it
reached.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from research_digest.diagnostics import Location, Report, display_path
from research_digest.files import Refused, read_input, tree_files
from research_digest.model.outputs import OutputFile
from research_digest.parallel import map_forked
from research_digest.site.render import CSP

FILES_PER_JOB = 500  # fewer are read sooner than a process starts

MEDIA = {
    "img", "picture", "source", "video", "audio", "track", "iframe", "frame", "frameset",
    "object", "embed", "applet", "canvas", "image", "portal", "fencedframe", "map", "area",
}  # fmt: skip
FETCHING = {"src", "srcset", "imagesrcset", "poster", "data", "background", "ping", "lowsrc",
            "dynsrc", "codebase", "manifest"}  # fmt: skip
LOADED_LINKS = {
    "stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon",
    "mask-icon", "prerender", "preconnect", "dns-prefetch",
}  # fmt: skip
CHART_TAGS = {"svg", "title", "desc", "g", "line", "polyline", "circle", "rect", "text", "path"}
_OTHER_ORIGIN = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
NO_MEDIA_HINT = "remove it: the site shows no images or media, ever; describe in words instead"


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str
    needle: str  # a regular expression that finds it in a template


def _element_needle(tag: str, attribute: str = "") -> str:
    return rf"<{re.escape(tag)}\b" + (rf"[^>]*\b{re.escape(attribute)}\s*=" if attribute else "")


def check_output(
    files: Sequence[OutputFile],
    templates: Sequence[Path],
    report: Report,
    known_clean: Callable[[OutputFile], bool] = lambda file: False,
    jobs: int = 1,
) -> list[OutputFile]:
    """Report every page and stylesheet that would show media or load from elsewhere.

    known_clean tells of a file whose bytes were checked before with no problem (the
    build cache remembers them); returns the files checked here and found clean. The
    files are read in up to jobs processes when there are many.
    """
    found: dict[Problem, list[str]] = {}
    clean = []
    todo = [f for f in files if f.path.endswith((".html", ".css")) and not known_clean(f)]
    checked = map_forked(lambda n: file_problems(todo[n]), len(todo), jobs=jobs,
                         at_least=FILES_PER_JOB)  # fmt: skip
    for file, problems in zip(todo, checked, strict=True):
        if not problems:
            clean.append(file)
        for problem in problems:
            found.setdefault(problem, []).append(file.path)
    sources = _template_sources(templates) if found else []
    for problem, paths in found.items():
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        where = _find(problem.needle, sources) or Location("(site)")
        report.error(where, f"{problem.message} (in {shown})", problem.hint)
    return clean


def file_problems(file: OutputFile) -> list[Problem]:
    if file.path.endswith(".html"):
        # A file with no markup at all (an extra/ verification file) is inert text.
        if b"<" not in file.content or not needs_reading(file.content):
            return []
        return page_problems(file.content.decode("utf-8", "replace"))
    return stylesheet_problems(file.content.decode("utf-8", "replace"))


# -- the fast scan -------------------------------------------------------------------------
# Forms the theme writes, which need no reading (in lower case: the scan reads a page in
# lower case, as HTML's names are): the policy, and links and scripts that load nothing
# from elsewhere. An address that holds ':', '&' or a backslash, or starts with two slashes,
# is not local here.
_CSP_TAG = f'<meta http-equiv="content-security-policy" content="{escape(CSP)}">'.encode()
_LOCAL = rb"""(?!\s*[/\\]{2})[^"':<>&\\]*"""
_TEXT = rb'[^"<>]*'  # in a link that loads nothing, or a type
_OUR_LINKS = (
    rb'link rel="canonical" href="' + _TEXT + rb'">',
    rb'link rel="alternate" type="' + _TEXT + rb'" title="' + _TEXT + rb'" href="' + _TEXT + rb'">',
    rb'link rel="stylesheet" href="' + _LOCAL + rb'">',
    rb'link rel="icon" href="' + _LOCAL + rb'" type="' + _TEXT + rb'">',
)
_OUR_SCRIPTS = (rb'script type="application/ld\+json">',
                rb'script type="module" src="' + _LOCAL + rb'"></script>')  # fmt: skip
_CHART = re.compile(rb'<svg class="chart" viewbox="[0-9 .]+" role="img" '
                    rb'aria-labelledby="[a-z0-9 _-]+" focusable="false">')  # fmt: skip
_NAME_END = rb"(?=[\s/>])"
_SUSPECT = re.compile(
    rb"<(?:"
    + b"|".join(sorted(tag.encode() for tag in MEDIA))
    + rb")"
    + _NAME_END
    + rb"|<(?!"
    + _CHART.pattern[1:]
    + rb")svg"
    + _NAME_END
    + rb"|<(?!"
    + b"|".join(_OUR_SCRIPTS)
    + rb")script"
    + _NAME_END
    + rb"|<(?!"
    + b"|".join(_OUR_LINKS)
    + rb")link"
    + _NAME_END
    + rb"|<(?!"
    + re.escape(_CSP_TAG[1:])
    + rb")meta"
    + _NAME_END
    + rb"""(?:[^>"']|"[^"]*"|'[^']*')*?[\s"'/]http-equiv(?=[\s"'>/=])"""
)
_NOT_IN_A_CHART = re.compile(rb"<(?!/?(?:" + b"|".join(sorted(t.encode() for t in CHART_TAGS))
                             + rb")[\s/>])|href")  # fmt: skip


def needs_reading(page: bytes) -> bool:
    """Tell whether a page may hold something the guard refuses, so that it must be read tag
    by tag: it lacks the policy, or holds an element the theme does not write in one of
    its own forms. A page that does not need reading has no problem page_problems finds
    but in an attribute of an element the templates wrote (check_templates reads those)."""
    low = page.lower()
    if _CSP_TAG not in low or _SUSPECT.search(low):
        return True
    for chart in _CHART.finditer(low):
        end = low.find(b"</svg>", chart.end())
        if end < 0 or _NOT_IN_A_CHART.search(low, chart.end(), end):
            return True
    return False


def page_problems(html: str) -> list[Problem]:
    inspector = _Inspector()
    inspector.feed(html)
    if not inspector.has_csp:
        inspector.problems.append(Problem("the page has no Content-Security-Policy",
            'put <meta http-equiv="Content-Security-Policy" content="{{ csp }}"> first in '
            "<head>, as templates/base.html does", r"<head\b"))  # fmt: skip
    return list(dict.fromkeys(inspector.problems))


def stylesheet_problems(css: str) -> list[Problem]:
    problems = []
    if _CSS_IMPORT.search(css):
        problems.append(Problem("a stylesheet imports another",
                                "put the rules in the one stylesheet", "@import"))  # fmt: skip
    for match in _CSS_URL.finditer(_CSS_IMPORT.sub("", css)):
        if _OTHER_ORIGIN.match(match.group(2)):
            problems.append(Problem(f"a stylesheet loads {match.group(2)!r}",
                                    "serve it from the site's static/ folder, or remove it",
                                    re.escape(match.group(0))))  # fmt: skip
    return problems


# The pages are the build's own output: well-formed, every '<' of text escaped (Jinja, nh3,
# the JSON-LD escaper), so a tag pattern that respects quoted values reads them as a parser
# would, at a tenth of html.parser's cost. Comments are removed first.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Most tags are text structure (p, a, li, span...) with harmless attributes; a tag is read
# attribute by attribute only if it may matter: one of these elements, inside a chart, or
# with something like an attribute the checks look at (a false alarm costs only time).
_WATCHED = MEDIA | {"svg", "script", "link", "meta"}
_MAYBE_WATCHED_ATTRIBUTE = re.compile(
    r"""(?:^|[\s"'/])(?:on|style|"""
    + "|".join(sorted(FETCHING))
    + r""")[^\s"'>/=]*\s*(?:=|[\s/]|$)""",
    re.IGNORECASE,
)


class _Inspector:
    def __init__(self, template: bool = False) -> None:
        self.problems: list[Problem] = []
        self.has_csp = False
        self.chart_depth = 0
        self.template = template  # reading a template, its expressions masked (EXPRESSION)

    def feed(self, html: str) -> None:
        if "<!--" in html:
            html = _COMMENT.sub("", html)
        watched, maybe_watched = _WATCHED, _MAYBE_WATCHED_ATTRIBUTE.search
        for closing, name, rest in _TAG.findall(html):
            tag = name.lower()
            if closing:
                if tag == "svg" and self.chart_depth:
                    self.chart_depth -= 1
                continue
            if self.template and EXPRESSION in name + rest:
                self._expressions(tag, rest)
            elif not self.chart_depth and tag not in watched and not (rest and maybe_watched(rest)):
                continue
            values = {
                a.group(1).lower(): html_module.unescape(
                    a.group(2) or a.group(3) or a.group(4) or ""
                )
                for a in _ATTRIBUTE.finditer(rest)
            }
            if self.template:  # a message shows an expression as one, not as its mask
                values = {k: _EXPRESSIONS.sub("{{ … }}", v) for k, v in values.items()}
            self._element(tag, values)
            if rest.rstrip().endswith("/") and tag == "svg" and self.chart_depth:
                self.chart_depth -= 1

    def _element(self, tag: str, values: dict[str, str]) -> None:
        add = self.problems.append
        if tag in MEDIA:
            add(Problem(f"<{tag}> would show an image or media", NO_MEDIA_HINT,
                        _element_needle(tag)))  # fmt: skip
        elif tag == "svg":
            if "chart" in values.get("class", "").split() and not self.chart_depth:
                self.chart_depth = 1
            elif self.chart_depth:
                self.chart_depth += 1
            else:
                add(Problem("<svg> outside a chart would show an image", NO_MEDIA_HINT,
                            _element_needle(tag)))  # fmt: skip
        elif self.chart_depth and tag not in CHART_TAGS:
            add(Problem(f"<{tag}> inside a chart", "a chart holds only drawing elements",
                        _element_needle(tag)))  # fmt: skip
        if tag == "script":
            self._script(values)
        elif tag == "link" and LOADED_LINKS & set(values.get("rel", "").lower().split()):
            if _OTHER_ORIGIN.match(values.get("href", "")):
                add(Problem(f"<link rel={values['rel']}> loads {values['href']!r} from another "
                            "origin", "serve it from the site's static/ folder",
                            _element_needle(tag, "href")))  # fmt: skip
        elif tag == "meta" and "http-equiv" in values:
            self._meta(values)
        for name, value in values.items():
            if name.startswith("on"):
                add(Problem(f"<{tag} {name}>: the site runs no inline script",
                            "use a script file in static/ instead",
                            _element_needle(tag, name)))  # fmt: skip
            elif name == "style":
                add(Problem(f"<{tag} style>: the Content-Security-Policy refuses inline styles",
                            "give it a class and style it in static/style.css",
                            _element_needle(tag, name)))  # fmt: skip
            elif name in FETCHING and not (tag == "script" and name == "src"):
                add(Problem(f"<{tag} {name}> would load {value!r}", NO_MEDIA_HINT,
                            _element_needle(tag, name)))  # fmt: skip
            elif name in ("href", "xlink:href") and self.chart_depth:
                add(Problem(f"<{tag} {name}> inside a chart", "a chart links nowhere",
                            _element_needle(tag, name)))  # fmt: skip

    def _expressions(self, tag: str, rest: str) -> None:
        """In a template: an expression may give an attribute's quoted value, nothing else
        (a name, or an unquoted value, could let a value write attributes of its own)."""
        for a in _ATTRIBUTE.finditer(rest):
            if EXPRESSION in a.group(1) or EXPRESSION in (a.group(4) or ""):
                message = f"<{tag}>: a template expression outside an attribute's quoted value"
                hint = ("write the element and attribute names in the template, and quote the "
                        'value: name="{{ value }}"')  # fmt: skip
                needle = _element_needle(tag) + r"[^>]*?\{[{%]"
                self.problems.append(Problem(message, hint, needle))
                return

    def _script(self, values: dict[str, str]) -> None:
        if "src" in values:
            if _OTHER_ORIGIN.match(values["src"]):
                self.problems.append(Problem(f"<script src={values['src']!r}> loads script "
                    "from another origin", "serve it from the site's static/ folder",
                    _element_needle("script", "src")))  # fmt: skip
        elif values.get("type") != "application/ld+json":
            self.problems.append(Problem("inline <script>: the Content-Security-Policy refuses "
                "it", "put it in a file in static/ and load it with src",
                r"<script(?![^>]*\b(?:src|type=.application/ld\+json))"))  # fmt: skip

    def _meta(self, values: dict[str, str]) -> None:
        kind = values["http-equiv"].lower()
        content = values.get("content", "")
        if kind == "content-security-policy" and (
            content == CSP or (self.template and content == "{{ … }}")
        ):  # a template gives it as {{ csp }}: each page's is checked once it is made
            self.has_csp = True
        elif kind == "content-security-policy":
            self.problems.append(Problem("a Content-Security-Policy other than the site's",
                'use content="{{ csp }}"', r"content-security-policy"))  # fmt: skip
        else:
            self.problems.append(Problem(f'<meta http-equiv="{values["http-equiv"]}">',
                                         "remove it", r"http-equiv"))  # fmt: skip


# -- templates ------------------------------------------------------------------------------
EXPRESSION = "\ue000"  # stands for each character of a template's {{ expression }}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG_WRITTEN = re.compile("</?" + EXPRESSION)
_EXPRESSIONS = re.compile(EXPRESSION + "+")


def check_templates(folders: Sequence[Path], report: Report) -> None:
    """Report what the templates in effect (an override's before the default's) would put
    in every page they make: each problem at its place, once the templates load."""
    seen = set()
    for path, text in _template_sources(folders):
        name = path.relative_to(next(f for f in folders if path.is_relative_to(f)))
        if path.suffix != ".html" or name in seen:
            continue
        seen.add(name)
        for problem in template_problems(text):
            where = _find(problem.needle, [(path, text)]) or Location(display_path(path))
            report.error(where, problem.message, problem.hint)


def template_problems(text: str) -> list[Problem]:
    """What a template's own markup would put in a page: its expressions are masked, so the
    elements and attributes it writes are read as page_problems reads a page's."""

    def mask(match: re.Match[str]) -> str:
        filler = EXPRESSION if match.group(0).startswith("{{") else " "
        return re.sub(r"[^\n]", filler, match.group(0))

    masked = _JINJA.sub(mask, text)
    inspector = _Inspector(template=True)
    inspector.feed(masked)
    if _TAG_WRITTEN.search(masked):
        inspector.problems.append(Problem(
            "an element's name written by a template expression",
            "write the element's name in the template", r"</?\{\{"))  # fmt: skip
    return list(dict.fromkeys(inspector.problems))


def _template_sources(folders: Sequence[Path]) -> list[tuple[Path, str]]:
    """The text of every template and stylesheet, an override's before the default's."""
    found = []
    for path in (path for folder in folders for path in tree_files(folder)):
        folder = next(f for f in folders if path.is_relative_to(f))
        if path.suffix in (".html", ".xml", ".css"):
            try:
                found.append((path, read_input(path, within=folder).decode("utf-8", "replace")))
            except (OSError, Refused):
                continue  # the templates' own loading reports it
    return found


def _find(needle: str, sources: Iterable[tuple[Path, str]]) -> Location | None:
    """Where a template holds the problem (the first place), if one does."""
    pattern = re.compile(needle, re.IGNORECASE)
    for path, text in sources:
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return Location(display_path(path), line, column)
    return None
