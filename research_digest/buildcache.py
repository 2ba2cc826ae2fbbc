"""The build cache: what the last build read and wrote, so the next one does only what changed.

One SQLite file, ``.cache/build/cache.sqlite`` beside the manifest (never in the
output folder), holds:

- each input file's size, modification time and content hash, so an unchanged
  file is not read again to know it is unchanged (as git's index does; and, as
  git does, a file changed in the seconds before it was hashed is hashed again);
- the manifest's model and diagnostics, by the hash of its text, the list of
  files under content/ and the working directory (a pickle: this cache is the
  build's own, never a contributor's);
- each write-up as rendered, by the hash of its file's bytes: its word count, links
  and ids (JSON), and apart from them its HTML, read only when a page shows it;
- the hash of each page and stylesheet the guard found nothing wrong with;
- the search index's term files and the order of its pages, and each page's terms
  by the hash of what it indexes, so that a rebuild changes only the term files a
  changed page's terms fall in;
- for each output folder (site/, the one 'serve' uses...), the last successful
  build into it: the fingerprint of everything it read, the hash of every file
  it wrote there (and of each page, a hash of what it was made from, so the next
  build renders only the pages whose inputs changed), and its diagnostics, which a
  build with nothing to do reports again.

Everything is keyed by content, and every table is dropped and made again
when the program's own code or a library it renders with changes. A cache that cannot be
read, or was written by another version of its format, is one warning and an
empty cache: the build then does everything, and is never wrong. SQLite's
transactions keep the file whole if a build is killed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from research_digest.diagnostics import Diagnostic, Location, Report, Severity, display_path
from research_digest.files import Refused, content_hash, read_input
from research_digest.model.manifest import Manifest

CACHE_FILE = Path(".cache", "build", "cache.sqlite")
BUSY_TIMEOUT = 5.0  # seconds to wait for another build holding the cache
UNREADABLE = "unreadable"  # the hash of a file that cannot be read
RACY_WINDOW_NS = 3_000_000_000  # files changed this recently are hashed again next time
FORMAT = "1"
# The libraries whose output is in the site: a new version of one may change it.
RENDERING_LIBRARIES = ("jinja2", "markupsafe", "cmarkgfm", "nh3", "feedgen", "lxml", "pyyaml",
                       "snowballstemmer", "babel")  # fmt: skip

TABLES = ("inputs", "manifest", "writeups", "guarded", "last_build", "outputs", "search_terms",
          "search_index")  # fmt: skip
_SCHEMA = """
CREATE TABLE IF NOT EXISTS inputs (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS writeups (
    hash TEXT PRIMARY KEY, about TEXT NOT NULL, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS guarded (hash TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, model BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS last_build (
    out TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, folder TEXT NOT NULL,
    diagnostics TEXT NOT NULL, pages INTEGER NOT NULL, feeds INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS search_terms (key TEXT PRIMARY KEY, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_index (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    out TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, made_from TEXT NOT NULL,
    PRIMARY KEY (out, path));
"""


@cache
def code_version() -> str:
    """A hash of this program's own files and of the versions of the libraries it renders
    with: when either changes, nothing cached can be trusted."""
    digest = hashlib.blake2b(digest_size=20)
    package = resources.files("research_digest")
    for path in sorted(Path(str(package)).rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(str(package)).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in RENDERING_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build read and wrote."""

    fingerprint: str
    out: str  # the output folder's absolute path
    folder: str  # the output folder's identity: device, inode and the marker's mtime
    diagnostics: tuple[Diagnostic, ...]
    pages: int
    feeds: int
    outputs: dict[str, str]  # path -> content hash
    made_from: dict[str, str] = field(default_factory=dict)  # page path -> its inputs' hash


class BuildCache:
    """The cache of one digest; a disabled cache remembers nothing and writes nothing.

    If the database fails while a build uses it (a disk error, another process holding
    it too long), the cache says so once and is disabled for the rest of the build.
    """

    def __init__(
        self,
        connection: sqlite3.Connection | None,
        report: Report | None = None,
        where: str = "",
        path: Path | None = None,
    ) -> None:
        self._db = connection
        self._report = report
        self._where = where
        self._path = path
        self._pid = os.getpid()

    @classmethod
    def disabled(cls) -> BuildCache:
        return cls(None)

    @classmethod
    def open(cls, root: Path, report: Report) -> BuildCache:
        """Open (or create) the cache beside the manifest; on any problem, warn and start
        again with an empty one."""
        path = root / CACHE_FILE
        where = display_path(path)
        try:
            return cls(_connect(path), report, where, path)
        except (sqlite3.Error, OSError, ValueError) as exc:
            report.warning(Location(where), f"the build cache cannot be used ({exc}); "
                           "building everything")  # fmt: skip
        try:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            return cls(_connect(path), report, where, path)
        except (sqlite3.Error, OSError, ValueError) as exc:
            report.warning(Location(where), f"the build cache cannot be created ({exc}); "
                           "building without one")  # fmt: skip
            return cls.disabled()

    def __bool__(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        """Use the database; on a database error, warn and go on without it."""
        assert self._db is not None
        try:
            yield self._db
        except sqlite3.Error as exc:
            self.close()
            if self._report is not None:
                self._report.warning(Location(self._where), f"the build cache failed ({exc}); "
                                     "going on without it")  # fmt: skip

    # -- inputs -----------------------------------------------------------------------

    def file_hashes(self, paths: Iterable[Path]) -> dict[str, str]:
        """Hash each file, reading only those whose size or modification time changed."""
        known: dict[str, tuple[int, int, str]] = {}
        if self._db is not None:
            with self._using() as db:
                rows = db.execute("SELECT path, size, mtime_ns, hash FROM inputs")
                known = {path: (size, mtime, found) for path, size, mtime, found in rows}
        hashes: dict[str, str] = {}
        changed = []
        # A file changed within this window of being hashed could change again without its
        # size or time changing (coarse clocks): its stat is not kept, so it is hashed again.
        racy_since = time.time_ns() - RACY_WINDOW_NS
        for path in paths:
            key = str(path)
            try:
                stat = path.stat()
                seen = known.get(key)
                if seen and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
                    hashes[key] = seen[2]
                    continue
                hashes[key] = content_hash(read_input(path, within=None))
            except (OSError, Refused):  # a FIFO is refused unopened: it would never end
                hashes[key] = UNREADABLE  # the build will say why
                continue
            mtime = stat.st_mtime_ns if stat.st_mtime_ns < racy_since else -1
            changed.append((key, stat.st_size, mtime, hashes[key]))
        if self._db is not None and (changed or len(known) != len(hashes)):
            with self._using() as db, db:
                db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?)", changed)
                gone = [(path,) for path in known.keys() - hashes.keys()]
                db.executemany("DELETE FROM inputs WHERE path = ?", gone)
        return hashes

    # -- the manifest -----------------------------------------------------------------

    def manifest(self, key: str) -> tuple[Manifest, tuple[Diagnostic, ...]] | None:
        """The model and diagnostics of a manifest read before, if this key's is cached."""
        if self._db is None:
            return None
        with self._using() as db:
            row = db.execute("SELECT model FROM manifest WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found: tuple[Manifest, tuple[Diagnostic, ...]] = pickle.loads(row[0])
                return found
        return None

    def keep_manifest(
        self, key: str, manifest: Manifest, diagnostics: Iterable[Diagnostic]
    ) -> None:
        if self._db is None:
            return
        model = pickle.dumps((manifest, tuple(diagnostics)), protocol=pickle.HIGHEST_PROTOCOL)
        with self._using() as db, db:
            db.execute("DELETE FROM manifest")
            db.execute("INSERT INTO manifest VALUES (?, ?)", (key, model))

    # -- write-ups --------------------------------------------------------------------

    def writeups(self, hashes: Iterable[str]) -> dict[str, str]:
        """What is known of the write-ups with these hashes (WriteUp.about), where cached."""
        return self._by_key("SELECT hash, about FROM writeups WHERE hash IN", hashes)

    def writeup_html(self, key: str) -> str | None:
        """A cached write-up's HTML, or None. Any process may ask: one forked from the build
        reads through a connection of its own (a connection must not cross a fork)."""
        if self._db is not None and os.getpid() == self._pid:
            with self._using() as db:
                row = db.execute("SELECT html FROM writeups WHERE hash = ?", (key,)).fetchone()
                return None if row is None else str(row[0])
            return None
        if self._path is None:
            return None
        try:
            db = _reader(self._path, os.getpid())
            row = db.execute("SELECT html FROM writeups WHERE hash = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def _by_key(self, query: str, keys: Iterable[str]) -> dict[str, str]:
        """Run query (ending 'WHERE key IN') for these keys, a batch at a time."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self._using() as db:
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                found.update(db.execute(f"{query} ({','.join('?' * len(batch))})", batch))
        return found

    def keep_writeups(self, new: Mapping[str, tuple[str, str]], used: Collection[str]) -> None:
        """Remember new write-ups (what is known of each, and its HTML), and forget those no
        longer used."""
        if self._db is None:
            return
        with self._using() as db, db:
            db.executemany("INSERT OR REPLACE INTO writeups VALUES (?, ?, ?)",
                           ((key, about, html) for key, (about, html) in new.items()))  # fmt: skip
            _keep_only(db, "writeups", "hash", used)

    # -- the search index -------------------------------------------------------------

    def search_index(self) -> tuple[str, dict[str, bytes]] | None:
        """The last search index kept: its order (IndexState.order) and its term files."""
        if self._db is None:
            return None
        with self._using() as db:
            rows = dict(db.execute("SELECT name, data FROM search_index"))
            if "state" not in rows:
                return None
            return rows.pop("state"), rows
        return None

    def search_terms(self, keys: Iterable[str]) -> dict[str, str]:
        """The terms of the pages with these keys (Terms.encode), where they are cached."""
        return self._by_key("SELECT key, terms FROM search_terms WHERE key IN", keys)

    def keep_search(
        self,
        order: str,
        keys: Collection[str],
        shards: Mapping[str, bytes],
        previous: Mapping[str, bytes] | None,
        terms: Mapping[str, str],
    ) -> None:
        """Keep an index (its order, and the term files: only those changed since the
        previous ones) and the terms of its pages not kept yet; forget the terms of pages
        not among keys."""
        if self._db is None:
            return
        old = previous if previous is not None else {}
        with self._using() as db, db:
            if previous is None:
                db.execute("DELETE FROM search_index")
            db.executemany("DELETE FROM search_index WHERE name = ?",
                           ((name,) for name in old.keys() - shards.keys()))  # fmt: skip
            db.executemany("INSERT OR REPLACE INTO search_index VALUES (?, ?)",
                           ((name, data) for name, data in shards.items()
                            if old.get(name) != data))  # fmt: skip
            db.execute("INSERT OR REPLACE INTO search_index VALUES ('state', ?)", (order,))
            db.executemany("INSERT OR REPLACE INTO search_terms VALUES (?, ?)", terms.items())
            _keep_only(db, "search_terms", "key", keys)

    # -- the guard --------------------------------------------------------------------

    def guarded(self) -> set[str]:
        """The hashes of the pages and stylesheets the guard has passed."""
        if self._db is None:
            return set()
        with self._using() as db:
            return {found for (found,) in db.execute("SELECT hash FROM guarded")}
        return set()

    def keep_guarded(self, hashes: Iterable[str]) -> None:
        """Remember exactly these as passed: those of the pages the site has now."""
        if self._db is None:
            return
        with self._using() as db, db:
            db.execute("DELETE FROM guarded")
            db.executemany("INSERT OR IGNORE INTO guarded VALUES (?)", ((h,) for h in hashes))

    # -- the last build ---------------------------------------------------------------

    def last_build(self, out: Path) -> LastBuild | None:
        """The last successful build into the folder out, if one is known."""
        if self._db is None:
            return None
        with self._using() as db:
            row = db.execute(
                "SELECT fingerprint, folder, diagnostics, pages, feeds FROM last_build "
                "WHERE out = ?",
                (str(out),),
            ).fetchone()
            if row is None:
                return None
            fingerprint, folder, diagnostics, pages, feeds = row
            rows = db.execute("SELECT path, hash, made_from FROM outputs WHERE out = ?",
                              (str(out),)).fetchall()  # fmt: skip
            return LastBuild(fingerprint, str(out), folder, _read_diagnostics(diagnostics),
                             pages, feeds, {path: found for path, found, _ in rows},
                             {path: key for path, _, key in rows if key})  # fmt: skip
        return None  # the database failed

    def forget_build(self, out: Path) -> bool:
        """Say the folder out is being changed: until the new build is recorded, nothing is
        known of what it holds (a killed build leaves it part old, part new). False if
        that could not be recorded: then out must be replaced whole, not changed. (The
        rows of its outputs stay, for record_build to update, but without the build's
        own row nothing trusts them.)"""
        if self._db is None:
            return False
        with self._using() as db, db:
            db.execute("DELETE FROM last_build WHERE out = ?", (str(out),))
            return True
        return False

    def record_build(self, build: LastBuild, previous: LastBuild | None = None) -> None:
        """Record a build; given the last one recorded into the same folder (whose rows of
        outputs are still there), only the rows that differ are written."""
        if self._db is None:
            return
        rows = {
            path: (found, build.made_from.get(path, "")) for path, found in build.outputs.items()
        }
        if previous is not None:
            old = {path: (found, previous.made_from.get(path, ""))
                   for path, found in previous.outputs.items()}  # fmt: skip
            gone = old.keys() - rows.keys()
            rows = {path: row for path, row in rows.items() if old.get(path) != row}
        with self._using() as db, db:
            if previous is None:
                db.execute("DELETE FROM outputs WHERE out = ?", (build.out,))
            else:
                db.executemany("DELETE FROM outputs WHERE out = ? AND path = ?",
                               ((build.out, path) for path in gone))  # fmt: skip
            db.execute(
                "INSERT OR REPLACE INTO last_build VALUES (?, ?, ?, ?, ?, ?)",
                (build.out, build.fingerprint, build.folder,
                 _write_diagnostics(build.diagnostics), build.pages, build.feeds),
            )  # fmt: skip
            db.executemany(
                "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
                ((build.out, path, found, made) for path, (found, made) in rows.items()),
            )


@cache
def _reader(path: Path, pid: int) -> sqlite3.Connection:
    """A read-only connection of this process's own (pid keys it: see writeup_html)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        rows = dict(db.execute("SELECT name, value FROM meta"))
        if rows and rows.get("format") != FORMAT:
            raise ValueError(f"written in format {rows.get('format')!r}, not {FORMAT!r}")
        if rows.get("code") != code_version():  # new, or another version of the program
            with db:
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("format", FORMAT), ("code", code_version())])  # fmt: skip
        db.executescript(_SCHEMA)
    except BaseException:
        db.close()
        raise
    return db


def _keep_only(db: sqlite3.Connection, table: str, column: str, keys: Collection[str]) -> None:
    """Delete the rows of table whose column is none of these keys."""
    (count,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    if count == len(set(keys)):
        return  # every row is one of them
    db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
    db.execute("DELETE FROM used")
    db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in keys))
    db.execute(f"DELETE FROM {table} WHERE {column} NOT IN (SELECT key FROM used)")


def _write_diagnostics(diagnostics: Iterable[Diagnostic]) -> str:
    rows = [(int(d.severity), d.location.file, d.location.line, d.location.column, d.message,
             d.hint) for d in diagnostics]  # fmt: skip
    return json.dumps(rows)


def _read_diagnostics(text: str) -> tuple[Diagnostic, ...]:
    return tuple(
        Diagnostic(Severity(severity), Location(file, line, column), message, hint)
        for severity, file, line, column, message, hint in json.loads(text)
    )


def folder_identity(out: Path, marker: str) -> str:
    """Which folder out is: a folder replaced or restored from elsewhere has another."""
    try:
        folder, mark = out.stat(), (out / marker).stat()
    except OSError:
        return ""
    return f"{folder.st_dev}:{folder.st_ino}:{mark.st_ino}:{mark.st_mtime_ns}"
