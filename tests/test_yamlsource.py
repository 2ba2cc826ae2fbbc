"""The YAML reader: limits, tags, syntax errors, and libyaml or Python reading the same."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given

from research_digest.diagnostics import Report
from research_digest.manifest import yamlsource
from research_digest.manifest.yamldocument import YamlDocument
from research_digest.manifest.yamlsource import load_yaml
from tests.conftest import DATA, REPO, TEST_DIGEST, without_libyaml
from tests.strategies import manifest_texts, readers_agree_on, yamlish


def read(tmp_path: Path, text: str) -> tuple[YamlDocument | None, Report]:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    report = Report()
    return load_yaml(path, report, file="m.yaml"), report


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    document = load_yaml(path, Report(), file="m.yaml")
    assert document is not None and document.data == {"a": 1}


VARIED = (
    '\ufeffsite:\r\n  title: "Café — «quoted»"\r\n  note: >-\r\n    folded\r\n    text\r\n'
    "list:\r\n  - 'ü' \r\n  - {a: 1, b: [x, 'y']}\r\n  - |\r\n    literal\r\n"
    'tabs: "a\tb"\nemoji: 😀 é\ndates: [2026-01-09, 2026-01]\nflag: no\n'
)


def test_libyaml_and_the_python_reader_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libyaml (C) reads valid files ten times faster; what it reads must not differ."""
    manifests = (REPO / "sources.yaml", TEST_DIGEST / "sources.yaml")
    texts = [VARIED, *(path.read_text() for path in manifests)]
    for text in texts:
        fast, report = read(tmp_path, text)
        assert fast is not None and report.diagnostics == []
        with monkeypatch.context() as patch:
            patch.setattr(yamlsource, "_compose_fast", lambda text: None)
            slow, _ = read(tmp_path, text)
        assert slow is not None
        assert (fast.data, list(fast.places(()))) == (slow.data, list(slow.places(())))


def read_as_reported(path: Path, text: str | None = None) -> tuple[object, ...]:
    """All that reading a file gives: data, places, values reported, diagnostics."""
    report = Report()
    document = load_yaml(path, report, file=path.name, text=text)
    diagnostics = [d.format() for d in report.sorted()]
    if document is None:
        return None, diagnostics
    return document.data, list(document.places(())), document.reported, diagnostics


@pytest.mark.parametrize(
    "path",
    [*sorted((DATA / "invalid").glob("*.yaml")), TEST_DIGEST / "sources.yaml",
     REPO / "sources.yaml"],
    ids=lambda p: p.stem,
)  # fmt: skip
def test_without_libyaml_every_file_reads_the_same(path: Path) -> None:
    """PyYAML installed without its C extension reads with Python alone, slower, the same."""
    with_libyaml = read_as_reported(path)
    with without_libyaml():
        assert read_as_reported(path) == with_libyaml


@pytest.mark.property
@given(text=yamlish | manifest_texts(yaml.safe_load((TEST_DIGEST / "sources.yaml").read_text())))
def test_without_libyaml_any_text_reads_the_same(text: str) -> None:
    assume(readers_agree_on(text))
    with_libyaml = read_as_reported(Path("m.yaml"), text)
    with without_libyaml():
        assert read_as_reported(Path("m.yaml"), text) == with_libyaml


def test_the_cycle_collector_is_paused_while_reading_and_only_then() -> None:
    with yamlsource.paused_collector():
        assert not gc.isenabled()
        with yamlsource.paused_collector():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), yamlsource.paused_collector():
        raise KeyError
    assert gc.isenabled()
    gc.disable()
    try:
        load_yaml(Path("m.yaml"), Report(), file="m.yaml", text="a: 1\n")
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_file_with_an_alias_is_read_by_the_python_reader(tmp_path: Path) -> None:
    document, report = read(tmp_path, "a: &x 1\nb: *x\nc: '*not an alias*'\n")
    assert document is not None
    assert [d.message for d in report.diagnostics] == ["YAML aliases are not supported (*x)"]


def _laughs(levels: int = 9) -> str:
    """A billion laughs: each anchor nine times the one before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join([*lines, f"site: *l{levels - 1}"]) + "\n"


HOSTILE_YAML = {
    "100,000 nested flow lists": ("site: " + "[" * 100_000 + "]" * 100_000, "1:38",
                                  "nested more than 32 levels deep"),
    "3,000 nested mappings": ("".join("  " * n + f"k{n}:\n" for n in range(3000)), "33:65",
                              "nested more than 32 levels deep"),
    "100 nested block lists on one line": ("- " * 100 + "x\n", "1:65",
                                           "nested more than 32 levels deep"),
    "a billion laughs": (_laughs(), "2:10", "YAML aliases are not supported (*l0)"),
}  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE_YAML)
def test_hostile_yaml_is_a_clean_error_in_bounded_memory(tmp_path: Path, case: str) -> None:
    """Read in a process limited to 1 GB of memory: a crash of the C stack, a recursion error
    or a blow-up would fail here, where the build would have died or hung."""
    text, place, message = HOSTILE_YAML[case]
    (tmp_path / "m.yaml").write_text(text)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))"
    script = (f"{limit}\nfrom pathlib import Path\nfrom research_digest.diagnostics import Report\n"
              "from research_digest.manifest.yamlsource import load_yaml\nreport = Report()\n"
              "load_yaml(Path('m.yaml'), report, file='m.yaml')\n"
              "print(next(report.sorted()).format())")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False, env=_with_repo())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"m.yaml:{place}: error: {message}")


def _with_repo() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}


def test_a_huge_scalar_is_read_as_it_is(tmp_path: Path) -> None:
    document, report = read(tmp_path, "site:\n  title: " + "x" * 20_000_000 + "\n")
    assert document is not None and report.diagnostics == []
    assert document.data == {"site": {"title": "x" * 20_000_000}}
