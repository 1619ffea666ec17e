"""Turning what a student handed in into a private, importable copy and its `Layout`.

`load_submission` tries each kind in `LOADERS` order:

- a `.zip` (ArchiveLoader): extracted with every entry checked, then handed to the loaders
  below, so a zip of any other kind is graded like that kind;
- a `.ipynb` (NotebookLoader): its definitions are read, never run, into generated modules;
- a CS231n assignment folder (CS231nLoader): `cs231n/layers.py`, ... imported by their CS231n
  names. It goes before the plain folder because a `cs231n/` folder given directly also has
  layers.py and optim.py side by side;
- a folder laid out like student_template/ (FolderLoader).

Every loader copies or extracts into the grading's scratch folder: the worker never sees the
original, and nothing a submission does can change it.
"""

from __future__ import annotations

from pathlib import Path

from grader.registry import Course
from grader.submission.archive import ArchiveLoader
from grader.submission.base import LoadedSubmission, Loader, SubmissionError, SubmissionKind
from grader.submission.cs231n import CS231nLoader
from grader.submission.folder import FolderLoader
from grader.submission.notebook import NotebookLoader

__all__ = ["LOADERS", "LoadedSubmission", "Loader", "SubmissionError", "SubmissionKind",
           "load_submission"]

_UNPACKED: tuple[Loader, ...] = (NotebookLoader(), CS231nLoader(), FolderLoader())
LOADERS: tuple[Loader, ...] = (ArchiveLoader(_UNPACKED), *_UNPACKED)


def load_submission(path: Path, course: Course, scratch: Path) -> LoadedSubmission:
    """Raise SubmissionError (one line naming the file and the problem) when it is not one."""
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or folder")
    for loader in LOADERS:
        if loader.accepts(path, course):
            return loader.load(path, course, scratch)
    if path.is_dir() and not any(path.iterdir()):
        raise SubmissionError(f"{path}: the folder is empty")
    wanted = ", ".join(f"{m}.py" for m in course.modules)
    raise SubmissionError(f"{path}: not a submission (expected a folder with {wanted}, a .zip "
                          "of one, a notebook, or a CS231n assignment folder)")
