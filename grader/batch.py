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
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from grader.gradebook import (
    EntryRecord,
    Gradebook,
    Outcome,
    content_hash,
    options_fingerprint,
    record_from_wire,
    record_to_wire,
)
from grader.isolation import GRADER_PARENT, Limits
from grader.result import GradeResult
from grader.sandbox import kill_process_tree

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
COURSE_ENV = "GRADER_COURSE"


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


# --- what runs in the grading process -------------------------------------------------------

def _grade_request(request: dict[str, Any]) -> dict[str, Any]:
    """Grade one entry and return the wire record. Never raises: the parent needs an answer."""
    from grader.grading import grade
    from grader.submission import SubmissionError

    entry, path = request["entry"], request["path"]
    empty = GradeResult(submission=entry, checks=())
    try:
        course = importlib.import_module(request["course"]).COURSE
        result = grade(path, course=course, only=request["only"],
                       limits=Limits(**request["limits"]),
                       hide=[Path(p) for p in request["hide"]])
    except SubmissionError as exc:
        message = str(exc).replace(path, entry)  # the entry name is what the instructor sees
        return record_to_wire(Outcome.INVALID, empty, message)
    except Exception as exc:  # noqa: BLE001 - a grader bug must cost one row, not the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = (f"internal grader error: {type(exc).__name__}: {exc} "
                   f"({Path(where.filename).name}:{where.lineno})")
        return record_to_wire(Outcome.CRASHED, empty, message)
    return record_to_wire(Outcome.GRADED, replace(result, submission=entry), None)


def _local_child(conn: multiprocessing.connection.Connection, request: dict[str, Any]) -> None:
    # Ctrl-C reaches the whole process group; the parent decides what to kill, quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(_grade_request(request))
    conn.close()


def stdio_child() -> None:
    """`python -c ... stdio_child()`: request JSON on stdin, record JSON on stdout (Dask)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    request = json.loads(sys.stdin.read())
    reply = json.dumps(_grade_request(request))
    sys.stdout.write("\n" + reply + "\n")


_STDIO_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
               "from grader.batch import stdio_child; stdio_child()")


def _dask_task(request: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Runs on a Dask worker: grade in a killable subprocess within `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", _STDIO_BOOT, GRADER_PARENT],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(json.dumps(request).encode(), timeout=seconds)
    except subprocess.TimeoutExpired:
        kill_process_tree(proc.pid)
        proc.communicate()
        return record_to_wire(Outcome.TIMEOUT, GradeResult(request["entry"], ()),
                              _timeout_message(seconds))
    lines = out.decode("utf-8", "replace").strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return record_to_wire(Outcome.CRASHED, GradeResult(request["entry"], ()),
                              f"grading process died (exit {proc.returncode}): {tail[0][:300]}")


def _timeout_message(seconds: float) -> str:
    return (f"grading took longer than {seconds:g} s (the per-submission limit) and was stopped;"
            " no check results")


# --- the parent -------------------------------------------------------------------------

@dataclass
class _Job:
    entry: Entry
    process: Any  # multiprocessing.Process from the forkserver context
    conn: multiprocessing.connection.Connection
    deadline: float
    started: float = field(default_factory=time.monotonic)


def _forkserver(course_module: str, reference: str, modules: Sequence[str]) -> Any:
    """A forkserver that has already imported numpy, the engine and the course, so each
    grading process starts warm (the fork happens there, not in our threaded parent)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["numpy", "grader.grading", "grader.batch", course_module,
                                *(f"{reference}.{m}" for m in modules)])
    return ctx


def _run_local(requests: list[tuple[Entry, dict[str, Any]]], workers: int, seconds: float,
               course: Any, course_module: str) -> Iterator[tuple[Entry, dict[str, Any] | None]]:
    """Yield (entry, None) when an entry starts and (entry, wire record) when it ends."""
    ctx = _forkserver(course_module, course.reference, course.modules)
    queue = deque(requests)
    running: list[_Job] = []
    try:
        while queue or running:
            while queue and len(running) < workers:
                entry, request = queue.popleft()
                reader, writer = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_local_child, args=(writer, request),
                                      name=f"grade-{entry.name}", daemon=True)
                process.start()
                writer.close()
                running.append(_Job(entry, process, reader, time.monotonic() + seconds))
                yield entry, None
            wait_for = max(0.0, min(j.deadline for j in running) - time.monotonic())
            ready = set(multiprocessing.connection.wait(
                [j.conn for j in running] + [j.process.sentinel for j in running], wait_for))
            for job in list(running):
                reply = _collect(job, ready, seconds)
                if reply is not None:
                    running.remove(job)
                    yield job.entry, reply
    finally:
        for job in running:  # interrupted: nothing of ours may outlive the batch
            _kill(job)


def _collect(job: _Job, ready: set[Any], seconds: float) -> dict[str, Any] | None:
    """The job's wire record if it has ended (answered, died or timed out), else None."""
    expired = time.monotonic() >= job.deadline
    if job.conn not in ready and job.process.sentinel not in ready and not expired:
        return None
    reply = None
    if job.conn.poll():
        try:
            reply = job.conn.recv()
        except (EOFError, OSError):
            reply = None
    if reply is not None:
        job.process.join(timeout=2.0)
        if job.process.is_alive():
            _kill(job)
        job.conn.close()
        return reply
    empty = GradeResult(job.entry.name, ())
    if not job.process.is_alive():
        job.conn.close()
        return record_to_wire(Outcome.CRASHED, empty, "grading process died "
                              f"(exit code {job.process.exitcode}) before reporting")
    if expired:
        _kill(job)
        return record_to_wire(Outcome.TIMEOUT, empty, _timeout_message(seconds))
    return None


def _kill(job: _Job) -> None:
    if job.process.pid is not None:
        kill_process_tree(job.process.pid)
    job.process.join(timeout=2.0)
    job.conn.close()


def _run_dask(requests: list[tuple[Entry, dict[str, Any]]], scheduler: str, seconds: float,
              ) -> Iterator[tuple[Entry, dict[str, Any] | None]]:
    from distributed import Client, as_completed

    # Outside the cluster's own limit, a task may wait in the queue; the grading itself is
    # bounded by _dask_task's subprocess timeout.
    with Client(scheduler, timeout="30s", set_as_default=False) as client:
        futures = {}
        for entry, request in requests:
            future = client.submit(_dask_task, request, seconds, pure=False,
                                   key=f"grade-{os.getpid()}-{time.time_ns()}-{entry.name}")
            futures[future] = entry
            yield entry, None
        for future in as_completed(list(futures), loop=client.loop):
            entry = futures[future]
            try:
                reply = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker costs one row
                reply = record_to_wire(Outcome.CRASHED, GradeResult(entry.name, ()),
                                       f"Dask task failed: {type(exc).__name__}: {exc}")
            yield entry, reply


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
        runner = (_run_dask(todo, scheduler, submission_seconds) if scheduler else
                  _run_local(todo, min(workers, max(1, len(todo))), submission_seconds, course,
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
