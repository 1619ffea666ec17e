"""The student distribution: what students receive, with no solution and no hidden check in it.

    OUT/
      pyproject.toml, README.md     install with `pip install -e OUT`, then `grade`
      grader/                        the engine (no solutions in it, by construction)
      assignments/                   visible checks only (no hidden.py, no mistakes*.py);
                                     expected_values.npz recorded from the reference
      student_template/              the stubs and the notebooks

Expected values are recorded by grading the reference through a `RecordingOracle` with the
visible checks only, so the file holds exactly the values those checks compare against (and
the outputs of known mistakes, for hints): numbers, never code.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

from grader.oracle import RecordingOracle, ReferenceOracle
from grader.registry import Course
from grader.result import Visibility

__all__ = ["EXPECTED_VALUES", "build_distribution", "visible_course"]

EXPECTED_VALUES = "expected_values.npz"
# Never shipped: solutions, hidden checks, mistake implementations (they reveal the solution;
# `assignment(package=...)` treats both modules as optional), notebook sources (they hold
# solution cells).
_EXCLUDED = {"hidden.py", "notebook.py", "mistakes.py", "mistakes_*.py"}
_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "nn-training-grader-student"
version = "{version}"
description = "Self-check for the Training Neural Networks unit (no solutions inside)"
requires-python = ">=3.11"
dependencies = ["numpy>=1.24", "hypothesis>=6.80", "rich>=13", "nbformat>=5.9"]

[project.optional-dependencies]
notebooks = ["nbclient>=0.8", "ipykernel>=6", "matplotlib>=3.7"]

[project.scripts]
grade = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader*", "assignments*"]

[tool.setuptools.package-data]
"*" = ["*.npz"]
"""
_README = """\
# Training Neural Networks: your assignments

```bash
pip install -e . && grade          # grades student_template/ (your work goes there)
```

Implement the functions in `student_template/*.py` (each stub raises NotImplementedError
naming itself), open the notebooks in `student_template/notebooks/`, and run `grade` (or
`grade --assignment activations`) whenever you like. Hidden checks run only when your
instructor grades the submission.
"""


def visible_course(course: Course) -> Course:
    """The course with hidden checks removed."""
    return dataclasses.replace(course, assignments=tuple(
        dataclasses.replace(a, checks=tuple(c for c in a.checks
                                            if c.visibility is Visibility.VISIBLE))
        for a in course.assignments))


def record_expected_values(course: Course, reference: Path, out: Path) -> int:
    """Grade the reference with the visible checks, keeping every oracle value; returns count."""
    from grader.grading import grade

    recorder = RecordingOracle(ReferenceOracle(course.reference, course.modules))
    result = grade(reference, course=visible_course(course), oracle=recorder)
    if result.score != result.max_score:
        failing = [c.id for c in result.checks if c.score < c.max_score]
        raise RuntimeError(f"the reference does not earn full marks ({failing[:3]}); "
                           "refusing to record expected values from it")
    recorder.save(out)
    return len(recorder.values)


def build_distribution(root: Path, out: Path, course: Course, version: str = "0.1.0"
                       ) -> Iterator[str]:
    """Write the student distribution of the checkout `root` into `out` (replaced)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(root / "grader", out / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(root / "assignments", out / "assignments", ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", *_EXCLUDED, EXPECTED_VALUES))
    shutil.copytree(root / "student_template", out / "student_template",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    yield "grader/, assignments/ (visible checks), student_template/ copied"
    count = record_expected_values(course, root / "reference",
                                   out / "assignments" / EXPECTED_VALUES)
    yield f"assignments/{EXPECTED_VALUES}: {count} expected values"
    (out / "pyproject.toml").write_text(_PYPROJECT.format(version=version))
    (out / "README.md").write_text(_README)
    yield f"{out}: ready (pip install -e {out})"
