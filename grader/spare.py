"""Workers booted ahead of time: the interpreter, numpy and the grader are loaded while the
trusted side is still busy (importing, or letting a student read the last result).

A spare is sandboxed for one key (isolation levels, hidden paths, limits): its scratch and
submission folders exist, empty, before the submission is copied in, and `grade()` adopts it
only when its own key is the same. No student code has ever touched a spare. This module stays
light (no course, no hypothesis) so that the CLI can call `prestart` before its heavy imports.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.isolation import Limits, WorkerFailure, WorkerProcess, worker_argv
from grader.result import Isolation
from grader.sandbox import SandboxPolicy, candidate_isolations, sandboxed_command

__all__ = ["Spare", "boot_spare", "hidden_paths", "prestart", "spare_key", "take_spare"]

COURSE_ENV = "GRADER_COURSE"


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)  # finds without running the package
    except (ImportError, ValueError):
        return None
    return Path(spec.origin).resolve().parent if spec is not None and spec.origin else None


def hidden_paths(course_root: Path, reference: str, submission: Path,
                 extra: Sequence[Path] = ()) -> tuple[Path, ...]:
    """What the worker must not see: the course checkout (solutions, hidden checks), the course
    and reference packages wherever installed, the folder holding other submissions, the home
    folder, and whatever the caller adds (a gradebook)."""
    candidates = [course_root, submission.resolve().parent, Path.home(), *extra]
    for package in (os.environ.get(COURSE_ENV, "assignments"), reference):
        found = _package_dir(package)
        if found is not None:
            candidates.append(found)
    return tuple(dict.fromkeys(p.resolve() for p in candidates if p.exists()))


def spare_key(levels: Sequence[Isolation], hidden: tuple[Path, ...],
              limits: Limits) -> tuple[Any, ...]:
    return (tuple(levels), hidden, limits)


@dataclass
class Spare:
    """A worker booted ahead of time (interpreter, numpy, grader loaded) in its own sandbox,
    waiting for the next grading with the same key; no student code has touched it."""

    key: tuple[Any, ...]
    folder: tempfile.TemporaryDirectory[str]
    worker: WorkerProcess
    level: Isolation

    def discard(self) -> None:
        self.worker.kill()
        self.folder.cleanup()


_spare: Spare | None = None


def take_spare(key: tuple[Any, ...]) -> Spare | None:
    global _spare
    spare, _spare = _spare, None
    if spare is not None and (spare.key != key or not spare.worker.alive()):
        spare.discard()
        spare = None
    return spare


def boot_spare(key: tuple[Any, ...], hidden: tuple[Path, ...], limits: Limits,
                level: Isolation) -> None:
    global _spare
    folder = tempfile.TemporaryDirectory(prefix="grade-")
    root = Path(folder.name)
    (root / "in").mkdir()
    (root / "scratch").mkdir()
    policy = SandboxPolicy(scratch=root / "scratch", readonly=(root / "in",), hidden=hidden,
                           memory_bytes=limits.memory_bytes, scratch_bytes=limits.disk_bytes)
    try:
        worker = WorkerProcess(None, root / "scratch", limits,
                               sandboxed_command(worker_argv(), policy, level))
    except (WorkerFailure, OSError):
        folder.cleanup()
        return
    _spare = Spare(key, folder, worker, level)


@atexit.register
def _discard_spare() -> None:
    if _spare is not None:
        _spare.discard()


def prestart(path: str | Path, limits: Limits, isolation: Isolation | None = None) -> None:
    """Boot the worker that `grade(path, limits=limits)` will use, before the caller's imports.

    Assumes the default course layout (the course package beside its template); when the
    grading's key turns out different, the spare is simply discarded.
    """
    course = _package_dir(os.environ.get(COURSE_ENV, "assignments"))
    if course is None:
        return
    levels = [isolation] if isolation else candidate_isolations()
    hidden = hidden_paths(course.parent, "reference", Path(path))
    boot_spare(spare_key(levels, hidden, limits), hidden, limits, levels[0])
