"""A folder laid out like student_template/: layers.py, optim.py, … side by side."""

from __future__ import annotations

from pathlib import Path

from grader.executor import Layout
from grader.registry import Course
from grader.submission.base import LoadedSubmission, SubmissionKind, copy_tree

__all__ = ["FolderLoader", "folder_layout"]

PACKAGE = "submission"


def folder_layout(root: Path, course: Course) -> Layout:
    """Modules present in `root`, importable both as a package (relative imports, like the
    template's) and top-level (students who write `from layers import *`)."""
    present = {m: f"{PACKAGE}.{m}" for m in course.modules if (root / f"{m}.py").is_file()}
    return Layout(root=str(root), modules=present, names=course.names(),
                  sys_path=(str(root),), package=PACKAGE)


class FolderLoader:
    kind = SubmissionKind.FOLDER

    def accepts(self, path: Path, course: Course) -> bool:
        return path.is_dir() and any((path / f"{m}.py").is_file() for m in course.modules)

    def load(self, path: Path, course: Course, scratch: Path) -> LoadedSubmission:
        root = scratch / "submission"
        files, problems = copy_tree(path, root)
        return LoadedSubmission(self.kind, path, root, folder_layout(root, course), files, problems)
