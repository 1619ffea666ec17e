"""The batch gradebook: one SQLite file that makes a batch resumable and its results durable.

Why SQLite: it is in the standard library, one file beside the submissions, and a transaction
is atomic across a crash (`kill -9`, power loss). Each submission's row and all its check rows
are written in ONE transaction when its grading finishes, so after any interruption the file
holds every finished submission completely and no unfinished one at all: resuming means
grading exactly the entries without a current row, and nothing can be duplicated because the
key is (batch folder, entry).

A row is current when its content hash (the submission's bytes) and its options fingerprint
(which assignments, which limits) both match this run; otherwise the entry is graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Self

from grader.result import CheckResult, Flag, FlagKind, GradeResult, Isolation, Status, Visibility

__all__ = [
    "EntryRecord",
    "Gradebook",
    "Outcome",
    "content_hash",
    "options_fingerprint",
    "record_from_wire",
    "record_to_wire",
]

SCHEMA_VERSION = "1"
_SKIP_DIRS = frozenset({"__pycache__", ".ipynb_checkpoints"})  # created by tools, not by students

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    directory TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    graded INTEGER NOT NULL DEFAULT 0,
    reused INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS submissions (
    directory TEXT NOT NULL,
    entry TEXT NOT NULL,
    student TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    options TEXT NOT NULL,
    outcome TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    error TEXT,
    flags TEXT NOT NULL,
    isolation TEXT,
    seconds REAL NOT NULL,
    graded_at REAL NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (directory, entry)
);
CREATE INDEX IF NOT EXISTS submissions_by_student ON submissions (student, content_hash);
CREATE TABLE IF NOT EXISTS checks (
    directory TEXT NOT NULL,
    entry TEXT NOT NULL,
    position INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    assignment TEXT NOT NULL,
    targets TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    message TEXT NOT NULL,
    hint TEXT,
    visibility TEXT NOT NULL,
    seconds REAL NOT NULL,
    output TEXT NOT NULL,
    PRIMARY KEY (directory, entry, check_id),
    FOREIGN KEY (directory, entry) REFERENCES submissions (directory, entry) ON DELETE CASCADE
);
"""


class Outcome(Enum):
    """How grading one entry ended. Only GRADED carries check results."""

    GRADED = "graded"
    INVALID = "invalid"  # not a submission, or an unreadable one (SubmissionError)
    TIMEOUT = "timeout"  # the whole submission exceeded the batch's per-submission limit
    CRASHED = "crashed"  # the grading process itself died; a grader bug, never the student's


@dataclass(frozen=True)
class EntryRecord:
    """One entry of the batch folder and how it was graded (now or in an earlier run)."""

    entry: str  # file or folder name inside the batch folder
    student: str
    content_hash: str
    outcome: Outcome
    result: GradeResult  # empty checks unless GRADED
    error: str | None = None
    reused: bool = False  # taken from the gradebook instead of graded in this run
    graded_at: float = 0.0
    duplicates: tuple[str, ...] = ()  # other entries claiming the same student id

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def problem(self) -> str | None:
        """One line for the instructor, or None when the entry graded cleanly."""
        parts = []
        if self.error:
            parts.append(self.error)
        if self.duplicates:
            others = ", ".join(self.duplicates)
            parts.append(f"student id {self.student!r} is also claimed by {others}; "
                         "both graded, pick one before importing the CSV")
        return "; ".join(parts) or None


def content_hash(path: Path) -> str:
    """sha256 over sorted relative paths and the bytes of regular files (links by target).

    Never follows links: a link to /dev/zero or outside the submission must not be read.
    """
    digest = hashlib.sha256()
    if path.is_symlink():
        digest.update(b"L" + str(path.readlink()).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()
    if path.is_file():
        _hash_file(digest, path)
        return digest.hexdigest()
    items: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        base = Path(folder)
        for name in [*files, *(d for d in dirs if (base / d).is_symlink())]:
            items.append((str((base / name).relative_to(path)), base / name))
    for rel, full in sorted(items):
        digest.update(b"\0P" + rel.encode("utf-8", "surrogateescape") + b"\0")
        if full.is_symlink():
            digest.update(b"L" + str(full.readlink()).encode("utf-8", "surrogateescape"))
        elif full.is_file():
            _hash_file(digest, full)
    return digest.hexdigest()


def _hash_file(digest: Any, path: Path) -> None:
    digest.update(b"F")
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:  # unreadable: hash the error so it is regraded once readable
        digest.update(f"unreadable:{exc.errno}".encode())


def options_fingerprint(only: Sequence[str] | None, limits: Any) -> str:
    """What else decides a grade besides the files: changing it makes old rows stale."""
    return json.dumps({"only": sorted(only) if only else None, "limits": asdict(limits)},
                      sort_keys=True)


# --- the wire format: what grading processes send back (plain JSON-able dicts) -------------

def _check_to_wire(c: CheckResult) -> dict[str, Any]:
    return {"id": c.id, "assignment": c.assignment, "targets": list(c.targets),
            "status": c.status.value, "score": c.score, "max_score": c.max_score,
            "message": c.message, "hint": c.hint, "visibility": c.visibility.value,
            "seconds": c.seconds, "output": c.output}


def _check_from_wire(d: dict[str, Any]) -> CheckResult:
    return CheckResult(id=d["id"], assignment=d["assignment"], targets=tuple(d["targets"]),
                       status=Status(d["status"]), score=float(d["score"]),
                       max_score=float(d["max_score"]), message=d["message"], hint=d["hint"],
                       visibility=Visibility(d["visibility"]), seconds=float(d["seconds"]),
                       output=d["output"])


def result_to_wire(result: GradeResult) -> dict[str, Any]:
    """Everything the exports need (visibility, output), unlike the contract's to_json()."""
    return {"submission": result.submission, "checks": [_check_to_wire(c) for c in result.checks],
            "flags": [f.to_json() for f in result.flags], "isolation": result.isolation.value,
            "seconds": result.seconds, "error": result.error}


def result_from_wire(d: dict[str, Any]) -> GradeResult:
    return GradeResult(submission=d["submission"],
                       checks=tuple(_check_from_wire(c) for c in d["checks"]),
                       flags=tuple(Flag(FlagKind(f["kind"]), f["message"]) for f in d["flags"]),
                       isolation=Isolation(d["isolation"]), seconds=float(d["seconds"]),
                       error=d["error"])


def record_to_wire(outcome: Outcome, result: GradeResult, error: str | None) -> dict[str, Any]:
    return {"outcome": outcome.value, "error": error, "result": result_to_wire(result)}


def record_from_wire(d: dict[str, Any]) -> tuple[Outcome, GradeResult, str | None]:
    return Outcome(d["outcome"]), result_from_wire(d["result"]), d["error"]


# --- the database -------------------------------------------------------------------------

class Gradebook:
    """The SQLite file. Written by the batch's parent process only (never by graders)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        # WAL: a reader (an instructor's query, an export) never blocks the batch's writes;
        # synchronous=FULL: a row reported finished survives power loss, not just a crash.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start_run(self, directory: str) -> int:
        cur = self._db.execute("INSERT INTO runs (directory, started_at) VALUES (?, ?)",
                               (directory, time.time()))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, graded: int, reused: int) -> None:
        self._db.execute("UPDATE runs SET finished_at = ?, graded = ?, reused = ? WHERE run_id = ?",
                         (time.time(), graded, reused, run_id))

    def current(self, directory: str, entry: str, digest: str, options: str) -> EntryRecord | None:
        """The stored record when it is still valid for these files and options."""
        row = self._db.execute(
            "SELECT * FROM submissions WHERE directory = ? AND entry = ? AND content_hash = ? "
            "AND options = ?", (directory, entry, digest, options)).fetchone()
        if row is None:
            return None
        checks = self._db.execute(
            "SELECT * FROM checks WHERE directory = ? AND entry = ? ORDER BY position",
            (directory, entry)).fetchall()
        result = GradeResult(
            submission=entry,
            checks=tuple(CheckResult(
                id=c["check_id"], assignment=c["assignment"], targets=tuple(json.loads(c["targets"])),
                status=Status(c["status"]), score=c["score"], max_score=c["max_score"],
                message=c["message"], hint=c["hint"], visibility=Visibility(c["visibility"]),
                seconds=c["seconds"], output=c["output"]) for c in checks),
            flags=tuple(Flag(FlagKind(f["kind"]), f["message"]) for f in json.loads(row["flags"])),
            isolation=Isolation(row["isolation"]) if row["isolation"] else Isolation.PROCESS,
            seconds=row["seconds"], error=row["error"])
        return EntryRecord(entry=entry, student=row["student"], content_hash=digest,
                           outcome=Outcome(row["outcome"]), result=result, error=row["error"],
                           reused=True, graded_at=row["graded_at"])

    def save(self, directory: str, record: EntryRecord, options: str, run_id: int,
             max_score: float) -> None:
        """Replace the entry's row and check rows in one transaction (all or nothing)."""
        r = record.result
        graded_max = r.max_score if record.outcome is Outcome.GRADED else max_score
        with self._transaction():
            self._db.execute("DELETE FROM checks WHERE directory = ? AND entry = ?",
                             (directory, record.entry))
            self._db.execute(
                "INSERT OR REPLACE INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (directory, record.entry, record.student, record.content_hash, options,
                 record.outcome.value, r.score, graded_max, record.error,
                 json.dumps([f.to_json() for f in r.flags]), r.isolation.value, r.seconds,
                 record.graded_at, run_id))
            self._db.executemany(
                "INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(directory, record.entry, i, c.id, c.assignment, json.dumps(list(c.targets)),
                  c.status.value, c.score, c.max_score, c.message, c.hint, c.visibility.value,
                  c.seconds, c.output) for i, c in enumerate(r.checks)])

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def rows(self, directory: str) -> list[dict[str, Any]]:
        """Submission rows of one batch folder, for reports and tests."""
        return [dict(r) for r in self._db.execute(
            "SELECT * FROM submissions WHERE directory = ? ORDER BY entry", (directory,))]

    def check_rows(self, directory: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute(
            "SELECT * FROM checks WHERE directory = ? ORDER BY entry, position", (directory,))]

    def runs(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._db.execute("SELECT * FROM runs ORDER BY run_id")]


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
