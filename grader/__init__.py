"""The grading engine: loading, isolation, checks, scoring, reporting. Knows nothing about any
course: the course (checks, reference, template) is the `assignments` package or $GRADER_COURSE.

    import grader
    result = grader.grade("submissions/alice", only=["activations"])
    summary = grader.grade_batch("submissions/")

Attributes load lazily: the worker process imports `grader.worker` and must stay light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_distribution", "grade", "grade_batch"]

# (`grader.build` is the subpackage; its `build()` is reached as grader.build.build)
_HOMES = {
    "grade": "grader.grading",
    "grade_batch": "grader.batch",
    "build_distribution": "grader.build.distribution",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
