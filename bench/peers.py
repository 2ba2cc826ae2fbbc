"""Other static-site generators to time ours against: Hugo, Eleventy and Pelican.

Each is installed where the machine allows, never into the project: Hugo from Debian
(apt-get, with sudo unless root), Eleventy from npm into ``.cache/bench-peers/eleventy/``,
Pelican from PyPI into a virtual environment of its own, ``.cache/bench-peers/pelican/``.
The versions are pinned (Hugo's is Debian's) and reported. A peer that cannot be
installed is skipped, with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import Page, write_eleventy, write_hugo, write_pelican

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".cache" / "bench-peers"
ELEVENTY = "3.1.8"  # @11ty/eleventy on npm
PELICAN = "4.12.0"  # pelican[markdown] on PyPI


@dataclass(frozen=True)
class Peer:
    """A generator ready to run: run command(out) in a corpus made by write(pages, corpus)."""

    name: str
    version: str
    write: Callable[[list[Page], Path], None]
    command: Callable[[Path], list[str]]


class Unavailable(Exception):
    """A peer could not be installed or run; the message says why."""


def find_peers(names: Sequence[str], *, install: bool,
               say: Callable[[str], None]) -> list[Peer]:  # fmt: skip
    """The peers named that are installed (or, with install, could be); say why others are not."""
    found = []
    for name in names:
        try:
            found.append(PEERS[name](install, say))
        except Unavailable as exc:
            say(f"skipping {name}: {exc}")
    return found


def hugo(install: bool, say: Callable[[str], None]) -> Peer:
    """Hugo, from Debian's package."""
    if not shutil.which("hugo"):
        if not install:
            raise Unavailable("not installed (Debian: apt-get install hugo)")
        say("installing hugo with apt-get")
        _apt_install("hugo")
    line = _output(["hugo", "version"])  # hugo v0.111.3+extended linux/amd64 BuildDate=...
    version = f"Hugo {line.split()[1].removeprefix('v')}"
    if "VendorInfo=" in line:
        version += f" ({line.rsplit('VendorInfo=', 1)[1]})"
    command = ["hugo", "--source", ".", "--quiet", "--destination"]
    return Peer("hugo", version, write_hugo, lambda out: [*command, str(out)])


def eleventy(install: bool, say: Callable[[str], None]) -> Peer:
    """Eleventy, from npm, in a folder of its own."""
    node = shutil.which("node")
    if not node:
        raise Unavailable("Node.js is not installed (Debian: apt-get install nodejs npm)")
    folder = HOME / "eleventy"
    package = folder / "node_modules" / "@11ty" / "eleventy"
    if _npm_version(package) != ELEVENTY:
        if not install:
            raise Unavailable(f"@11ty/eleventy@{ELEVENTY} is not in {folder}")
        if not shutil.which("npm"):
            raise Unavailable("npm is not installed (Debian: apt-get install npm)")
        say(f"installing @11ty/eleventy@{ELEVENTY} with npm into {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        _run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
              "--ignore-scripts", f"@11ty/eleventy@{ELEVENTY}"])  # fmt: skip
    cmd = str(package / "cmd.cjs")
    version = f"{_output([node, cmd, '--version'])} (Node.js {_output([node, '--version'])})"
    command = [node, cmd, "--input=.", "--quiet"]
    return Peer("eleventy", f"Eleventy {version}", write_eleventy,
                lambda out: [*command, f"--output={out}"])  # fmt: skip


def pelican(install: bool, say: Callable[[str], None]) -> Peer:
    """Pelican with Markdown, in a virtual environment of its own."""
    folder = HOME / "pelican"
    program = folder / "bin" / "pelican"
    if _installed_version([str(program), "--version"]) != PELICAN:
        if not install:
            raise Unavailable(f"pelican {PELICAN} is not in {folder}")
        say(f"installing pelican[markdown]=={PELICAN} with pip into {folder}")
        _run([sys.executable, "-m", "venv", "--clear", str(folder)])
        _run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", f"pelican[markdown]=={PELICAN}"])  # fmt: skip
    python = _output([str(folder / "bin" / "python"), "-c",
                      "import platform; print(platform.python_version())"])  # fmt: skip
    version = f"Pelican {_output([str(program), '--version'])} (CPython {python})"
    command = [str(program), "content", "--settings", "pelicanconf.py", "--quiet", "--output"]
    return Peer("pelican", version, write_pelican, lambda out: [*command, str(out)])


PEERS: dict[str, Callable[[bool, Callable[[str], None]], Peer]] = {
    "hugo": hugo,
    "eleventy": eleventy,
    "pelican": pelican,
}


def _apt_install(package: str) -> None:
    """apt-get install the package (with sudo -n unless root), updating the lists if need be."""
    if not shutil.which("apt-get"):
        raise Unavailable("not installed, and this machine has no apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    install = [*sudo, "apt-get", "install", "-y", "--no-install-recommends", package]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        _run(install, env=environment)
    except Unavailable:
        _run([*sudo, "apt-get", "update"], env=environment)
        _run(install, env=environment)


def _installed_version(command: list[str]) -> str | None:
    try:
        return _output(command)
    except Unavailable:
        return None


def _npm_version(package: Path) -> str | None:
    try:
        version = json.loads((package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
    return str(version)


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run an installing command; Unavailable, with the end of its output, if it fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        raise Unavailable(f"{command[0]}: {exc.strerror}") from exc
    if done.returncode != 0:
        tail = "\n  ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise Unavailable(f"{' '.join(command)!r} failed (status {done.returncode}):\n  {tail}")


def _output(command: list[str]) -> str:
    """The first line a command prints (a version)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise Unavailable(f"{command[0]}: {exc.strerror}") from exc
    lines = (done.stdout or done.stderr).strip().splitlines()
    if done.returncode != 0 or not lines:
        raise Unavailable(f"{' '.join(command)!r} failed (status {done.returncode})")
    return lines[0].strip()
