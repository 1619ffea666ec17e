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
from grader.isolation import Limits, WorkerFailure, WorkerProcess, worker_argv
from grader.oracle import Oracle, ReferenceOracle, StoredOracle
from grader.process_tree import become_subreaper
from grader.registry import Course
from grader.result import Flag, FlagKind, GradeResult, Isolation
from grader.runner import Progress, run_checks
from grader.sandbox import SandboxPolicy, candidate_isolations, sandboxed_command
from grader.spare import Spare, boot_spare, hidden_paths, spare_key, take_spare
from grader.student import Student, WorkerBackend
from grader.submission import LoadedSubmission, load_submission

__all__ = ["default_course", "default_oracle", "grade"]

COURSE_ENV = "GRADER_COURSE"
DEFAULT_LIMITS = Limits()


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


def _flags(loaded: LoadedSubmission, backend: WorkerBackend, output: str,
           isolation: Isolation, course: Course) -> list[Flag]:
    expected = [f"{m}.py" for m in course.modules] + ["__init__.py"]
    found = detectors.flags_from_audit(backend.events) + detectors.score_like_output(output)
    found += detectors.extra_files(loaded.root, expected) + detectors.weak_isolation(isolation)
    found += [Flag(FlagKind.SUBMISSION_PROBLEM, p) for p in loaded.problems]
    if backend.total_dropped:
        found.append(Flag(FlagKind.OUTPUT_TRUNCATED, f"{backend.total_dropped} bytes of printed "
                          "output dropped (each check keeps its first 64 KiB)"))
    return found


class _Launcher:
    """Starts workers at the strongest isolation level that works on this machine.

    The first worker doubles as the probe: if a sandbox cannot start (no user namespaces in
    this container, say), the next level is tried, and the level that worked is kept for every
    later worker of the submission. No separate trial run costs time on the happy path.
    """

    def __init__(self, loaded: LoadedSubmission, work: Path, limits: Limits,
                 policy: SandboxPolicy, levels: Sequence[Isolation],
                 spare: Spare | None = None) -> None:
        self.loaded, self.work, self.limits, self.policy = loaded, work, limits, policy
        self.levels = list(levels)
        self.chosen: Isolation | None = None
        self.spare = spare

    def __call__(self) -> WorkerProcess:
        if self.spare is not None:  # booted in the background, sandboxed for this very grading
            spare, self.spare = self.spare, None
            try:
                spare.worker.load(self.loaded.layout)
                self.chosen = spare.level
                return spare.worker
            except WorkerFailure:
                spare.worker.kill()
        while True:
            level = self.chosen or self.levels[0]
            command = sandboxed_command(worker_argv(), self.policy, level)
            try:
                worker = WorkerProcess(self.loaded.layout, self.work, self.limits, command)
            except WorkerFailure:
                if self.chosen is not None or len(self.levels) == 1:
                    raise
                self.levels.pop(0)
                continue
            self.chosen = level
            return worker

    @property
    def level(self) -> Isolation:
        return self.chosen or self.levels[0]


def grade(path: str | Path, *, course: Course | None = None, only: Sequence[str] | None = None,
          limits: Limits = DEFAULT_LIMITS, oracle: Oracle | None = None,
          isolation: Isolation | None = None, hide: Sequence[Path] = (),
          progress: Progress | None = None, warm: bool = False) -> GradeResult:
    """Grade the submission at `path` (folder, .zip, notebook or CS231n folder).

    Raises grader.submission.SubmissionError when `path` is not a submission. Student code runs
    only in worker processes (inside an OS sandbox when this machine has one: `isolation`
    defaults to the strongest available); this process computes every comparison and score.
    `hide` adds paths the worker must not see (e.g. the gradebook's folder). A worker booted
    ahead of time for this very grading (`grader.spare.prestart`) is used when one waits;
    `warm` boots the next one as this grading returns, for callers that grade the same
    submission again and again (a notebook's check cells): it saves the worker's start.
    """
    start = time.perf_counter()
    course = course or default_course()
    assignments = course.select(only)
    oracle = oracle or default_oracle(course)
    levels = [isolation] if isolation else candidate_isolations()
    become_subreaper()  # orphans of student processes re-parent to us and can be killed
    hidden = hidden_paths(course.template.parent, course.reference, Path(path), hide)
    key = spare_key(levels, hidden, limits)
    spare = take_spare(key)
    folder = spare.folder if spare else tempfile.TemporaryDirectory(prefix="grade-")
    try:
        inbox, work = Path(folder.name) / "in", Path(folder.name) / "scratch"
        inbox.mkdir(exist_ok=True)
        work.mkdir(exist_ok=True)
        loaded = load_submission(Path(path), course, inbox)
        policy = SandboxPolicy(scratch=work, readonly=(inbox,), hidden=hidden,
                               memory_bytes=limits.memory_bytes, scratch_bytes=limits.disk_bytes)
        launcher = _Launcher(loaded, work, limits, policy, levels, spare)
        backend = WorkerBackend(loaded.layout, launcher)
        try:
            checks = run_checks(Student(backend), assignments, oracle, progress)
        finally:
            backend.close()
        output = "\n".join(c.output for c in checks)
        isolation = launcher.level
        flags = _flags(loaded, backend, output, isolation, course)
    finally:
        if spare is not None:  # adopted ones were closed with the backend; this is a no-op then
            spare.worker.kill()
        folder.cleanup()
    if warm:
        boot_spare(key, hidden, limits, isolation)
    return GradeResult(submission=str(path), checks=tuple(checks),
                       flags=tuple(dict.fromkeys(flags)), isolation=isolation,
                       seconds=time.perf_counter() - start)
