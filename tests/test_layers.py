"""The package's floors: each module imports only from its own floor or the floors below.

The floors, from the ground up: the shared ground (the model, diagnostics, files); what
reads the inputs (the manifest, petition data); the site made in memory (pure: data in,
files out); what checks and writes it (the guard and the site writer, the link checks, the
build cache); the build; the commands built on it; the command line. An import that runs
back up a floor is a cycle waiting to happen, and a pure stage that has learnt to write.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "research_digest"

FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"", "__init__", "diagnostics", "errors", "files", "model", "parallel",
               "textformat", "timings"}),
    frozenset({"manifest", "petitions"}),
    frozenset({"site"}),
    frozenset({"output", "checks", "buildcache", "incremental"}),
    frozenset({"pipeline"}),
    frozenset({"check", "serve", "add", "new"}),
    frozenset({"commands"}),
    frozenset({"cli", "__main__"}),
)  # fmt: skip

# The only modules that may touch the network: the fetcher, its time limits, 'add' (which
# reads a source's page) and the check of links to other sites.
ON_THE_NETWORK = {
    "research_digest.petitions.fetch",
    "research_digest.petitions.deadline",
    "research_digest.add.source",
    "research_digest.add.petition",
    "research_digest.checks.externallinks",
    "research_digest.check",
}


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imports(path: Path) -> set[str]:
    """The modules (or package members) a file imports, anywhere in it, by dotted name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def floor(name: str) -> int:
    """The floor of a dotted name inside the package: that of its first part."""
    parts = name.split(".")
    unit = parts[1] if len(parts) > 1 else ""
    for number, units in enumerate(FLOORS):
        if unit in units:
            return number
    raise AssertionError(f"{name} is on no floor: add it to FLOORS")


def test_every_module_is_on_a_floor() -> None:
    for name in modules():
        floor(name)


def test_no_import_runs_back_up_a_floor() -> None:
    known = modules()
    upward = []
    for name, path in known.items():
        for target in imports(path):
            if target.split(".")[0] != "research_digest" or target == "research_digest":
                continue
            if target not in known and target.rpartition(".")[0] not in known:
                continue  # a member of a module already counted, or the package's version
            if floor(target) > floor(name):
                upward.append(f"{name} (floor {floor(name)}) imports {target}")
    assert upward == []


def test_the_site_floor_neither_writes_nor_reaches_the_network() -> None:
    for name, path in modules().items():
        if floor(name) != 2:
            continue
        found = imports(path)
        assert not any(t == "httpx" or t.startswith("httpx.") for t in found), name
        assert not any(t.startswith("research_digest.output") for t in found), name


def test_only_the_named_modules_import_httpx() -> None:
    users = {name for name, path in modules().items() if "httpx" in imports(path)}
    assert users <= ON_THE_NETWORK
