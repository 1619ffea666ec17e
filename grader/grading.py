"""`grade()`: one submission, isolated, every check of the chosen assignments, one result."""

from __future__ import annotations

import importlib
import os
import tempfile
import time
from pathlib import Path

from grader.isolation import Limits, WorkerProcess
from grader.oracle import Oracle, ReferenceOracle, StoredOracle
from grader.registry import Course
from grader.result import GradeResult, Isolation
from grader.runner import Progress, run_checks
from grader.student import Student, WorkerBackend
from grader.submission import load_submission

__all__ = ["default_course", "default_oracle", "grade"]

COURSE_ENV = "GRADER_COURSE"


def default_course() -> Course:
    """The course package named by $GRADER_COURSE (default `assignments`) exposes COURSE."""
    module = importlib.import_module(os.environ.get(COURSE_ENV, "assignments"))
    return module.COURSE


def default_oracle(course: Course) -> Oracle:
    """The reference when it is installed (instructors, CI); stored values otherwise (students)."""
    try:
        return ReferenceOracle(course.reference, course.modules)
    except ModuleNotFoundError:
        if course.stored is None or not course.stored.exists():
            raise
        return StoredOracle(course.stored)


def grade(path: str | Path, *, course: Course | None = None, only: list[str] | None = None,
          limits: Limits = Limits(), oracle: Oracle | None = None,
          progress: Progress | None = None) -> GradeResult:
    """Grade the submission at `path` (folder, .zip, notebook or CS231n folder).

    Raises grader.submission.SubmissionError when `path` is not a submission. Student code runs
    only in worker processes; this process computes every comparison and every score.
    """
    start = time.perf_counter()
    course = course or default_course()
    assignments = course.select(only)
    oracle = oracle or default_oracle(course)
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        scratch = Path(tmp)
        loaded = load_submission(Path(path), course, scratch)
        work = scratch / "scratch"
        work.mkdir()
        backend = WorkerBackend(loaded.layout, lambda: WorkerProcess(loaded.layout, work, limits))
        try:
            checks = run_checks(Student(backend), assignments, oracle, progress)
        finally:
            backend.close()
    return GradeResult(submission=str(path), checks=tuple(checks), isolation=Isolation.PROCESS,
                       seconds=time.perf_counter() - start)
