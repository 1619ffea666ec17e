"""Turning what a student handed in into a private, importable copy and its `Layout`.

`load_submission` tries each kind in `LOADERS` order (a CS231n folder is also a folder, so it
goes first). Every loader copies or extracts into the grading's scratch folder: the worker
never sees the original, and nothing a submission does can change it.
"""

from __future__ import annotations

from pathlib import Path

from grader.registry import Course
from grader.submission.base import LoadedSubmission, Loader, SubmissionError, SubmissionKind
from grader.submission.folder import FolderLoader

__all__ = ["LOADERS", "LoadedSubmission", "Loader", "SubmissionError", "SubmissionKind",
           "load_submission"]

LOADERS: tuple[Loader, ...] = (FolderLoader(),)


def load_submission(path: Path, course: Course, scratch: Path) -> LoadedSubmission:
    """Raise SubmissionError (one line naming the file and the problem) when it is not one."""
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or folder")
    for loader in LOADERS:
        if loader.accepts(path, course):
            return loader.load(path, course, scratch)
    wanted = ", ".join(f"{m}.py" for m in course.modules)
    raise SubmissionError(f"{path}: not a submission (expected a folder with {wanted}, a .zip "
                          "of one, a notebook, or a CS231n assignment folder)")
