"""The package facade: the library calls an instructor starts from."""

from __future__ import annotations

import subprocess
import sys

import pytest

import grader


def test_facade_names_the_library_functions() -> None:
    """Do grader.grade / grade_batch / build_distribution resolve to the real functions?"""
    from grader.batch import grade_batch
    from grader.build.distribution import build_distribution
    from grader.grading import grade

    assert (grader.grade, grader.grade_batch, grader.build_distribution) == (
        grade, grade_batch, build_distribution)
    with pytest.raises(AttributeError):
        grader.nope  # noqa: B018


def test_importing_grader_stays_light() -> None:
    """Does `import grader` (as the worker does) avoid hypothesis, rich and the course?"""
    code = ("import sys, grader, grader.worker; "
            "print(sorted(m for m in ('hypothesis', 'rich', 'assignments') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
