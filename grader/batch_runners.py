"""How a batch's gradings run: local processes forked from a warm forkserver, or Dask tasks.

Both runners take (entry, request) pairs and yield (entry, None) when an entry starts and
(entry, wire record) when it ends, whatever happened: answered, died, or exceeded the
per-submission limit (then killed with everything it started). See grader.batch for why a
process per submission rather than a pool.
"""

from __future__ import annotations

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from grader.gradebook import Outcome, record_to_wire
from grader.isolation import GRADER_PARENT, Limits
from grader.process_tree import kill_process_tree
from grader.result import GradeResult

__all__ = ["run_dask", "run_local", "stdio_child"]

E = TypeVar("E")  # an entry: anything with a `.name`

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
               "from grader.batch_runners import stdio_child; stdio_child()")


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
    entry: Any
    process: Any  # multiprocessing.Process from the forkserver context
    conn: multiprocessing.connection.Connection
    deadline: float
    started: float = field(default_factory=time.monotonic)


def _forkserver(course_module: str, reference: str, modules: Sequence[str]) -> Any:
    """A forkserver that has already imported numpy, the engine and the course, so each
    grading process starts warm (the fork happens there, not in our threaded parent)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["numpy", "grader.grading", "grader.batch_runners", "grader.warmup",
                                course_module,
                                *(f"{reference}.{m}" for m in modules)])
    return ctx


def run_local(requests: list[tuple[E, dict[str, Any]]], workers: int, seconds: float,
               course: Any, course_module: str) -> Iterator[tuple[E, dict[str, Any] | None]]:
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


def run_dask(requests: list[tuple[E, dict[str, Any]]], scheduler: str, seconds: float,
             ) -> Iterator[tuple[E, dict[str, Any] | None]]:
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
