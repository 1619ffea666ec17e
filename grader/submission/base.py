"""What every submission kind produces, and the limits every copy obeys."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from grader.executor import Layout
from grader.registry import Course

__all__ = ["LoadedSubmission", "Loader", "SubmissionError", "SubmissionKind", "copy_tree"]

MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
_SKIP_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", ".venv", "node_modules"}


class SubmissionError(Exception):
    """Not a submission, or not a readable one. The message names the file and the problem.

    The message is kept to one printable line because it often quotes names the student chose
    (zip entries, notebook cells) and the CLI and the gradebook show it as a single line.
    """

    def __init__(self, message: str) -> None:
        super().__init__("".join(c if c.isprintable() else repr(c)[1:-1] for c in message))


class SubmissionKind(Enum):
    FOLDER = "folder"
    ARCHIVE = "zip"
    NOTEBOOK = "notebook"
    CS231N = "cs231n"


@dataclass(frozen=True)
class LoadedSubmission:
    kind: SubmissionKind
    original: Path
    root: Path  # the private copy the worker imports from
    layout: Layout
    files: tuple[str, ...]  # paths relative to root, for detectors
    problems: tuple[str, ...] = field(default=())  # things skipped while copying (symlinks, …)


class Loader(Protocol):
    kind: SubmissionKind

    def accepts(self, path: Path, course: Course) -> bool: ...

    def load(self, path: Path, course: Course, scratch: Path) -> LoadedSubmission: ...


def copy_tree(src: Path, dst: Path, include: Callable[[Path], bool] | None = None,
              ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Copy regular files only (never following links), within MAX_FILES / MAX_BYTES.

    Returns (files copied, problems). Symlinks are skipped and reported: one pointing outside
    the submission must not let its target be read or graded. `include(relative path)` limits
    the copy to some files (a CS231n folder's source, not its 170 MB of CIFAR-10).
    """
    files: list[str] = []
    problems: list[str] = []
    total = 0
    dst.mkdir(parents=True, exist_ok=True)
    stack = [src]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            raise SubmissionError(f"{folder}: cannot be read ({exc.strerror})") from None
        for entry in entries:
            rel = entry.relative_to(src)
            if entry.is_symlink():
                problems.append(f"{rel}: symbolic link skipped")
                continue
            if entry.is_dir():
                if entry.name not in _SKIP_DIRS:
                    (dst / rel).mkdir(exist_ok=True)
                    stack.append(entry)
                continue
            if not entry.is_file():
                problems.append(f"{rel}: not a regular file, skipped")
                continue
            if include is not None and not include(rel):
                continue
            total += entry.stat().st_size
            if len(files) >= MAX_FILES or total > MAX_BYTES:
                raise SubmissionError(f"{src}: too large (more than {MAX_FILES} files or "
                                      f"{MAX_BYTES // 2**20} MiB)")
            shutil.copyfile(entry, dst / rel)
            files.append(str(rel))
    return tuple(files), tuple(problems)
