"""`grade_batch`: every entry of a folder graded in parallel, durably, resumably.

Each submission is graded by its own short-lived process (forked from a preloaded forkserver,
so starting one costs milliseconds, not an interpreter start). A process per submission rather
than a pool because the parent must be able to kill a grading that exceeds the per-submission
limit, with everything it started, without losing the other workers: a pool cannot kill one
task. Results come back as plain JSON-able dicts (grader.gradebook's wire format); the parent
alone writes the gradebook, one transaction per finished submission, so an interrupted batch
loses at most the gradings in flight and resumes by skipping every entry with a current row.

With `scheduler=` the same requests go to a Dask cluster instead; each Dask task grades in a
subprocess it can kill, because Dask cannot interrupt a running task (and its workers are
daemonic processes, which may not use multiprocessing).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from grader.batch_runners import run_dask, run_local
from grader.gradebook import (
    EntryRecord,
    Gradebook,
    Outcome,
    content_hash,
    options_fingerprint,
    record_from_wire,
)
from grader.grading import COURSE_ENV
from grader.isolation import Limits
from grader.result import GradeResult

__all__ = [
    "BatchEvent",
    "BatchProgress",
    "BatchSummary",
    "EventKind",
    "default_gradebook",
    "discover",
    "grade_batch",
]

GRADEBOOK_NAME = "gradebook.sqlite"
DEFAULT_LIMITS = Limits()
SUBMISSION_SECONDS = 600.0  # Gradescope's default limit for a whole submission


class EventKind(Enum):
    STARTED = "started"
    FINISHED = "finished"  # graded in this run
    REUSED = "reused"  # a current row was already in the gradebook


@dataclass(frozen=True)
class BatchEvent:
    """What progress displays are told; `done` counts FINISHED and REUSED entries."""

    kind: EventKind
    entry: str
    done: int
    total: int
    record: EntryRecord | None = None


BatchProgress = Callable[[BatchEvent], None]


@dataclass(frozen=True)
class Entry:
    """One entry of the batch folder, before grading."""

    name: str
    path: Path
    student: str
    digest: str


@dataclass(frozen=True)
class BatchSummary:
    """Every entry's record (graded now or reused), in entry-name order, plus run totals."""

    directory: Path
    gradebook: Path
    records: tuple[EntryRecord, ...]
    assignments: tuple[tuple[str, float], ...]  # (name, max score) in course order
    graded: int
    reused: int
    seconds: float
    workers: int
    backend: str  # "local" or the Dask scheduler's address

    @property
    def max_score(self) -> float:
        return sum(m for _, m in self.assignments)

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.records)

    def problems(self) -> list[tuple[str, str]]:
        """(entry, one line) for every entry that did not grade cleanly."""
        return [(r.entry, r.problem) for r in self.records if r.problem]


def default_gradebook(directory: Path) -> Path:
    """CONTRACT §2: `gradebook.sqlite` beside DIR (in its parent), never inside it."""
    return directory.resolve().parent / GRADEBOOK_NAME


def _student_id(path: Path) -> str:
    return path.name if path.is_dir() and not path.is_symlink() else path.stem


def discover(directory: Path, gradebook: Path | None = None) -> list[Entry]:
    """Every non-hidden entry of `directory` (folders, files, links), the gradebook excluded.

    Files that are not submissions are kept: they get an INVALID row naming the problem
    rather than vanishing from the batch.
    """
    skip = set()
    if gradebook is not None:
        gb = gradebook.resolve()
        skip = {gb, gb.with_name(gb.name + "-wal"), gb.with_name(gb.name + "-shm"),
                gb.with_name(gb.name + "-journal")}
    entries = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.absolute() in skip or path.resolve() in skip:
            continue
        entries.append(Entry(path.name, path, _student_id(path), content_hash(path)))
    return entries


def _course_module() -> str:
    return os.environ.get(COURSE_ENV, "assignments")


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def grade_batch(directory: str | Path, *, workers: int | None = None,
                gradebook: str | Path | None = None, force: bool = False,
                only: Sequence[str] | None = None, limits: Limits = DEFAULT_LIMITS,
                submission_seconds: float = SUBMISSION_SECONDS, scheduler: str | None = None,
                progress: BatchProgress | None = None) -> BatchSummary:
    """Grade every entry of `directory`, reusing gradebook rows that are still current.

    workers: parallel gradings (default: one per available core; ignored with `scheduler`).
    gradebook: the SQLite file (default `gradebook.sqlite` beside `directory`).
    force: regrade everything even when the gradebook has a current row.
    submission_seconds: wall-clock limit for one whole submission; beyond it the grading is
      killed and the entry gets a TIMEOUT row (per-call limits are in `limits`).
    scheduler: a Dask scheduler address; the submissions' paths must be readable there.
    Raises FileNotFoundError / NotADirectoryError when `directory` is not a folder and
    KeyError for an unknown assignment in `only`; every problem with an entry is a row.
    """
    start = time.monotonic()
    directory = Path(directory).resolve()
    if not directory.exists():
        raise FileNotFoundError(f"{directory}: no such folder")
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a folder")
    book_path = Path(gradebook).resolve() if gradebook else default_gradebook(directory)
    workers = max(1, workers or default_workers())
    course_module = _course_module()
    course = importlib.import_module(course_module).COURSE
    selected = course.select(only)  # KeyError for unknown names, before anything runs
    assignments = tuple((a.name, float(a.max_score)) for a in selected)
    max_score = sum(m for _, m in assignments)
    options = options_fingerprint(only, limits)
    entries = discover(directory, book_path)
    total = len(entries)
    claims: dict[str, list[str]] = {}
    for e in entries:
        claims.setdefault(e.student, []).append(e.name)
    key = str(directory)
    records: dict[str, EntryRecord] = {}
    graded = done = 0
    with Gradebook(book_path) as book:
        run_id = book.start_run(key)
        todo: list[tuple[Entry, dict[str, Any]]] = []
        for e in entries:
            stored = None if force else book.current(key, e.name, e.digest, options)
            if stored is not None:
                records[e.name] = stored
                done += 1
                _notify(progress, BatchEvent(EventKind.REUSED, e.name, done, total, stored))
            elif e.path.is_symlink():
                record = EntryRecord(e.name, e.student, e.digest, Outcome.INVALID,
                                     GradeResult(e.name, ()), f"{e.name}: symbolic link to "
                                     f"{os.readlink(e.path)}, not followed", graded_at=time.time())
                book.save(key, record, options, run_id, max_score)
                records[e.name] = record
                graded += 1
                done += 1
                _notify(progress, BatchEvent(EventKind.FINISHED, e.name, done, total, record))
            else:
                todo.append((e, {"entry": e.name, "path": str(e.path), "course": course_module,
                                 "only": list(only) if only else None, "limits": asdict(limits),
                                 "hide": [str(directory), str(book_path.parent)]}))
        runner = (run_dask(todo, scheduler, submission_seconds) if scheduler else
                  run_local(todo, min(workers, max(1, len(todo))), submission_seconds, course,
                             course_module))
        with contextlib.closing(runner):  # interrupted: the runner's finally kills gradings
            for entry, reply in runner:
                if reply is None:
                    _notify(progress, BatchEvent(EventKind.STARTED, entry.name, done, total))
                    continue
                outcome, result, error = record_from_wire(reply)
                record = EntryRecord(entry.name, entry.student, entry.digest, outcome,
                                     replace(result, submission=entry.name), error,
                                     graded_at=time.time())
                book.save(key, record, options, run_id, max_score)
                records[entry.name] = record
                graded += 1
                done += 1
                _notify(progress, BatchEvent(EventKind.FINISHED, entry.name, done, total, record))
        book.finish_run(run_id, graded, total - graded)
    ordered = tuple(
        replace(records[e.name], duplicates=tuple(n for n in claims[e.student] if n != e.name))
        for e in entries)
    return BatchSummary(directory=directory, gradebook=book_path, records=ordered,
                        assignments=assignments, graded=graded, reused=total - graded,
                        seconds=time.monotonic() - start,
                        workers=workers if scheduler is None else 0,
                        backend=scheduler or "local")


def _notify(progress: BatchProgress | None, event: BatchEvent) -> None:
    if progress is not None:
        progress(event)
