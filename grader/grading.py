"""`grade()`: one submission, isolated, every check of the chosen assignments, one result."""

from __future__ import annotations

import functools
import importlib
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from grader import flags as detectors
from grader.isolation import Limits, WorkerProcess, worker_argv
from grader.oracle import Oracle, ReferenceOracle, StoredOracle
from grader.registry import Course
from grader.result import Flag, FlagKind, GradeResult, Isolation
from grader.runner import Progress, run_checks
from grader.sandbox import SandboxPolicy, available_isolation, become_subreaper, sandboxed_command
from grader.student import Student, WorkerBackend
from grader.submission import LoadedSubmission, load_submission

__all__ = ["default_course", "default_oracle", "grade"]

COURSE_ENV = "GRADER_COURSE"


def default_course() -> Course:
    """The course package named by $GRADER_COURSE (default `assignments`) exposes COURSE."""
    module = importlib.import_module(os.environ.get(COURSE_ENV, "assignments"))
    return module.COURSE


@functools.cache
def _reference_oracle(package: str, modules: tuple[str, ...]) -> ReferenceOracle:
    return ReferenceOracle(package, modules)


def default_oracle(course: Course) -> Oracle:
    """Stored values in a student distribution (it ships them and no solutions); the reference
    otherwise (instructors, CI). The stored file is never in the checkout (`grade dist` writes
    it into the distribution only), so its presence is what marks a student install."""
    if course.stored is not None and course.stored.exists():
        return StoredOracle(course.stored)
    return _reference_oracle(course.reference, course.modules)


def _hidden_paths(course: Course, submission: Path, extra: Sequence[Path]) -> tuple[Path, ...]:
    """What the worker must not see: the course checkout (solutions, hidden checks), the folder
    holding other submissions, the home folder, and whatever the caller adds (a gradebook)."""
    candidates = [course.template.parent, submission.resolve().parent, Path.home(), *extra]
    for package in ("assignments", course.reference):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            candidates.append(Path(spec.origin).resolve().parent)
    return tuple(dict.fromkeys(p.resolve() for p in candidates if p.exists()))


def _flags(loaded: LoadedSubmission, backend: WorkerBackend, output: str,
           isolation: Isolation, course: Course) -> list[Flag]:
    expected = [f"{m}.py" for m in course.modules] + ["__init__.py"]
    found = detectors.flags_from_audit(backend.events) + detectors.score_like_output(output)
    found += detectors.extra_files(loaded.root, expected) + detectors.weak_isolation(isolation)
    found += [Flag(FlagKind.EXTRA_FILES, p) for p in loaded.problems]
    return found


def grade(path: str | Path, *, course: Course | None = None, only: Sequence[str] | None = None,
          limits: Limits = Limits(), oracle: Oracle | None = None,
          isolation: Isolation | None = None, hide: Sequence[Path] = (),
          progress: Progress | None = None) -> GradeResult:
    """Grade the submission at `path` (folder, .zip, notebook or CS231n folder).

    Raises grader.submission.SubmissionError when `path` is not a submission. Student code runs
    only in worker processes (inside an OS sandbox when this machine has one: `isolation`
    defaults to the strongest available); this process computes every comparison and score.
    `hide` adds paths the worker must not see (e.g. the gradebook's folder).
    """
    start = time.perf_counter()
    course = course or default_course()
    assignments = course.select(only)
    oracle = oracle or default_oracle(course)
    isolation = isolation or available_isolation()
    become_subreaper()  # orphans of student processes re-parent to us and can be killed
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        scratch = Path(tmp)
        loaded = load_submission(Path(path), course, scratch)
        work = scratch / "scratch"
        work.mkdir()
        policy = SandboxPolicy(scratch=work, readonly=(loaded.root,),
                               hidden=_hidden_paths(course, Path(path), hide))
        command = sandboxed_command(worker_argv(), policy, isolation)
        backend = WorkerBackend(loaded.layout,
                                lambda: WorkerProcess(loaded.layout, work, limits, command))
        try:
            checks = run_checks(Student(backend), assignments, oracle, progress)
        finally:
            backend.close()
        output = "\n".join(c.output for c in checks)
        flags = _flags(loaded, backend, output, isolation, course)
    return GradeResult(submission=str(path), checks=tuple(checks),
                       flags=tuple(dict.fromkeys(flags)), isolation=isolation,
                       seconds=time.perf_counter() - start)
