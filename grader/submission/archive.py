"""A `.zip` of a submission: extracted safely, then graded like the folder (or notebook) inside.

Entry names and sizes are the student's to choose, so nothing is trusted: no `extractall`, no
absolute paths or `..`, no symlinks, bounded file count and size. Sizes are checked twice,
from the declared header values (cheap, catches honest bombs) and by counting bytes while
decompressing (catches headers that lie).
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from grader.registry import Course
from grader.submission.base import (
    MAX_BYTES,
    MAX_FILES,
    LoadedSubmission,
    Loader,
    SubmissionError,
    SubmissionKind,
)

__all__ = ["ArchiveLoader", "extract"]

# Source code compresses about 4:1; deflate reaches 1000:1 only on degenerate data (runs of
# zeros), which a submission has no reason to hold in bulk.
MAX_RATIO = 100
_RATIO_FLOOR = 1 << 20  # below this, a high ratio is harmless (a small file of blank lines)
_CHUNK = 1 << 16
_JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db"}  # added by the OS's "compress" command
_NESTED = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")
# What a damaged archive raises from zipfile and its decompressors while reading.
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError)


def _parts(archive: Path, info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path components, or SubmissionError when it could land outside `dest`."""
    name = info.filename
    # Backslashes too: zips written by some Windows tools use them as separators.
    parts = tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SubmissionError(f"{archive}: entry {name!r} has an absolute path")
    if ".." in parts:
        raise SubmissionError(f"{archive}: entry {name!r} points outside the archive (..)")
    if "\0" in name:
        raise SubmissionError(f"{archive}: entry {name!r} has an invalid name")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SubmissionError(f"{archive}: entry {name!r} is a symbolic link")
    if info.flag_bits & 0x1:
        raise SubmissionError(f"{archive}: entry {name!r} is encrypted")
    return parts


def _too_compressed(size: int, compressed: int) -> bool:
    return size > _RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1)


def _plan(archive: Path, infos: Sequence[zipfile.ZipInfo],
          ) -> tuple[list[tuple[zipfile.ZipInfo, tuple[str, ...]]], list[str]]:
    """Validate every entry before writing anything: a bad entry rejects the whole archive."""
    members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    problems: list[str] = []
    declared = 0
    for info in infos:
        parts = _parts(archive, info)
        if not parts or parts[0] in _JUNK or parts[-1] in _JUNK:
            continue
        if not info.is_dir() and parts[-1].lower().endswith(_NESTED):
            problems.append(f"{'/'.join(parts)}: archive inside the archive, not extracted")
            continue
        if _too_compressed(info.file_size, info.compress_size):
            raise SubmissionError(f"{archive}: entry {info.filename!r} expands "
                                  f"{info.file_size // max(info.compress_size, 1)}:1, "
                                  "which looks like a zip bomb")
        declared += info.file_size
        members.append((info, parts))
    files = sum(1 for info, _ in members if not info.is_dir())
    if files > MAX_FILES:
        raise SubmissionError(f"{archive}: too many files ({files}; the limit is {MAX_FILES})")
    if declared > MAX_BYTES:
        raise SubmissionError(f"{archive}: too large ({declared // 2**20} MiB uncompressed; "
                              f"the limit is {MAX_BYTES // 2**20} MiB)")
    return members, problems


def _write(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
           budget: int) -> int:
    """Stream one entry to `target`; returns its size. Counts bytes rather than trusting the
    header, and stops at the first chunk past the archive's remaining budget."""
    written = 0
    with zf.open(info) as src, open(target, "wb") as out:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if (written > budget or written > info.file_size
                    or _too_compressed(written, info.compress_size)):
                raise SubmissionError(f"{archive}: entry {info.filename!r} expands beyond "
                                      "its declared size or the size limit (a zip bomb?)")
            out.write(chunk)
    return written


def extract(archive: Path, dest: Path) -> tuple[str, ...]:
    """Extract `archive` into `dest` (created); returns problems (entries skipped)."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, *_CORRUPT) as exc:
        raise SubmissionError(f"{archive}: not a valid zip archive ({exc})") from None
    with zf:
        members, problems = _plan(archive, zf.infolist())
        if not members:
            raise SubmissionError(f"{archive}: the archive is empty")
        dest.mkdir(parents=True, exist_ok=True)
        top = dest.resolve()
        budget = MAX_BYTES
        for info, parts in members:
            target = dest.joinpath(*parts)
            if not target.resolve().is_relative_to(top):  # belt and braces after _parts
                raise SubmissionError(f"{archive}: entry {info.filename!r} points outside")
            try:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                budget -= _write(archive, zf, info, target, budget)
            except _CORRUPT as exc:
                raise SubmissionError(f"{archive}: not a valid zip archive "
                                      f"({info.filename!r}: {exc})") from None
            except OSError as exc:
                raise SubmissionError(f"{archive}: entry {info.filename!r} cannot be extracted "
                                      f"({exc.strerror or exc})") from None
    return tuple(problems)


def _content_root(folder: Path) -> Path:
    """Descend through folders that are alone at their level (`hw2.zip` holding `hw2/`)."""
    for _ in range(8):
        entries = list(folder.iterdir())
        if len(entries) != 1 or not entries[0].is_dir():
            break
        folder = entries[0]
    return folder


class ArchiveLoader:
    """Delegates to `inner` (the folder, CS231n and notebook loaders) once extracted."""

    kind = SubmissionKind.ARCHIVE

    def __init__(self, inner: Sequence[Loader]) -> None:
        self.inner = tuple(inner)

    def accepts(self, path: Path, course: Course) -> bool:
        return path.is_file() and path.suffix.lower() == ".zip"

    def load(self, path: Path, course: Course, scratch: Path) -> LoadedSubmission:
        unpacked = scratch / "unpacked"
        problems = extract(path, unpacked)
        content = _content_root(unpacked)
        # A zip of just a notebook: grade the notebook.
        notebooks = [p for p in content.iterdir() if p.suffix.lower() == ".ipynb"]
        candidates = [content, *(notebooks if len(notebooks) == 1 else [])]
        try:
            for candidate in candidates:
                for loader in self.inner:
                    if loader.accepts(candidate, course):
                        loaded = loader.load(candidate, course, scratch)
                        return replace(loaded, kind=self.kind, original=path,
                                       problems=problems + loaded.problems)
        except SubmissionError as exc:  # name the zip, not our temporary folder
            raise SubmissionError(str(exc).replace(str(unpacked), str(path))) from None
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)  # the loader made its own copy
        wanted = ", ".join(f"{m}.py" for m in course.modules[:3])
        raise SubmissionError(f"{path}: no submission inside the archive (expected {wanted}, "
                              "..., a notebook or a cs231n/ folder)")
