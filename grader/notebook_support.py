"""What course notebooks import: the student's own modules, and inline checks.

    from grader.notebook_support import load_student, check
    S = load_student()            # S.layers, S.optim, ... from the student's folder
    check("activations")          # grades that part in an isolated worker, shows the table

The student's folder is $GRADER_SUBMISSION when set, else the nearest folder at or above the
notebook's working directory that holds a course module (notebooks live in
student_template/notebooks/, beside the student's files). Notebook helpers live here, once:
no notebook defines its own rel_error or gradient checker (they import grader.gradcheck).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.executor import Executor
from grader.gradcheck import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from grader.result import GradeResult

__all__ = ["check", "eval_numerical_gradient", "eval_numerical_gradient_array", "load_student",
           "rel_error", "student_folder"]

SUBMISSION_ENV = "GRADER_SUBMISSION"


def student_folder(start: Path | None = None) -> Path:
    """Where the student's modules are; see the module docstring."""
    if os.environ.get(SUBMISSION_ENV):
        return Path(os.environ[SUBMISSION_ENV]).resolve()
    from grader.grading import default_course

    modules = default_course().modules
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / f"{m}.py").is_file() for m in modules):
            return folder
    raise FileNotFoundError(f"no folder at or above {here} holds {modules[0]}.py; set "
                            f"${SUBMISSION_ENV} to your submission folder")


class StudentModules:
    """Attribute access imports the student's module of that name (S.layers, S.optim, ...)."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def __getattr__(self, name: str) -> ModuleType:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._executor.layout.modules:
            raise AttributeError(f"the submission has no {name}.py")
        return self._executor.module(name)

    def __dir__(self) -> list[str]:
        return list(self._executor.layout.modules)


def load_student(folder: str | Path | None = None) -> StudentModules:
    """The student's modules, imported in THIS process (a notebook is the student's own code)."""
    from grader.grading import default_course
    from grader.submission.folder import folder_layout

    root = Path(folder).resolve() if folder else student_folder()
    layout = folder_layout(root, default_course())
    return StudentModules(Executor(layout))


def check(assignment: str, folder: str | Path | None = None, **grade_options: Any) -> GradeResult:
    """Grade one assignment of the student's folder in an isolated worker and show the table."""
    from grader import render
    from grader.grading import grade

    root = Path(folder).resolve() if folder else student_folder()
    # warm: a notebook checks the same folder again and again; the next worker boots meanwhile
    result = grade(root, only=[assignment], **{"warm": True, **grade_options})
    render.render_result(result, render.stdout_console())
    return result
