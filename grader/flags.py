"""Trusted-side detectors of suspicious behaviour; each returns a (possibly empty) list of Flags.

Flags are for an instructor's eye, never deductions: each detector prefers a missed oddity to a
false accusation, and every message says exactly what was seen.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from grader.result import Flag, FlagKind, Isolation

__all__ = ["extra_files", "flags_from_audit", "score_like_output", "weak_isolation"]

_AUDIT_KINDS = frozenset({FlagKind.IMPORTS_GRADER, FlagKind.IMPORTS_REFERENCE,
                          FlagKind.WRITES_OUTSIDE_SCRATCH, FlagKind.OPENS_SOCKET,
                          FlagKind.OVERRIDES_SIGNALS, FlagKind.SPAWNS_PROCESSES})
_MAX_DETAILS = 5
_MAX_DETAIL_CHARS = 160


def _clip(text: str, n: int = _MAX_DETAIL_CHARS) -> str:
    text = " ".join(text.split())  # no newlines or control layout from student-controlled text
    return text if len(text) <= n else text[: n - 1] + "…"


def flags_from_audit(records: object) -> list[Flag]:
    """One flag per kind from the worker's (kind, detail) records.

    The records come from the process the student's code ran in, so anything malformed is
    dropped rather than trusted or allowed to crash grading.
    """
    details: dict[FlagKind, list[str]] = {}
    if not isinstance(records, list | tuple):
        return []
    for rec in records[:1000]:
        if not (isinstance(rec, list | tuple) and len(rec) == 2):
            continue
        kind_s, detail = rec
        if not (isinstance(kind_s, str) and isinstance(detail, str)):
            continue
        try:
            kind = FlagKind(kind_s)
        except ValueError:
            continue
        if kind in _AUDIT_KINDS:
            details.setdefault(kind, []).append(_clip(detail))
    flags = []
    for kind, seen in details.items():
        shown = "; ".join(seen[:_MAX_DETAILS])
        more = f" (+{len(seen) - _MAX_DETAILS} more)" if len(seen) > _MAX_DETAILS else ""
        flags.append(Flag(kind, f"{kind.value.replace('_', ' ')}: {shown}{more}"))
    return flags


# Each pattern is something a grader prints and a layer implementation has no reason to.
# Training logs ("(Epoch 10 / 10)", "loss: 2.3", "val acc 0.51") must not match.
_SCORE_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    r'"(?:score|max_score|points|grade)"\s*:\s*-?\d',
    r'"tests"\s*:\s*\[',
    r'"status"\s*:\s*"(?:passed|failed)"',
    r"\b(?:score|grade|points|marks)\b\s*[:=]?\s*\d+(?:\.\d+)?\s*(?:/|out of)\s*\d+",
    r"\b\d+(?:\.\d+)?\s*(?:/|out of)\s*\d+(?:\.\d+)?\s*(?:points|pts|marks)\b",
    r"\ball\s+(?:\d+\s+)?(?:tests|checks)\s+(?:passed|pass)\b",
    r"\bfull\s+marks\b",
))


def score_like_output(text: str) -> list[Flag]:
    """Student output that looks like a grade, which could fool a person or a log scraper."""
    for line in text.splitlines():
        for pattern in _SCORE_PATTERNS:
            if pattern.search(line):
                return [Flag(FlagKind.SCORE_LIKE_OUTPUT,
                             f"printed something that looks like a grade: {_clip(line, 120)!r}")]
    return []


# Files Python or a test runner picks up by itself, or that replace what the grader imports.
_AUTO_LOADED = frozenset({"conftest.py", "sitecustomize.py", "usercustomize.py", "pytest.ini",
                          "tox.ini", "setup.cfg", "pyproject.toml", "__main__.py",
                          ".pythonstartup", "pythonstartup.py"})
_SUSPICIOUS_SUFFIXES = (".pth", ".pyc", ".pyo", ".so", ".pyd", ".dylib", ".dll")
_SHADOWABLE = frozenset({"grader", "reference", "assignments", "numpy", "hypothesis", "pytest",
                         "rich", "nbformat", "scipy", "torch"}) | frozenset(sys.stdlib_module_names)


def _why_suspicious(rel: PurePosixPath, is_link: bool) -> str | None:
    name = rel.name
    if is_link:
        return "symbolic link"
    if name.lower() in _AUTO_LOADED:
        return "auto-loaded by Python or a test runner"
    if name.lower().endswith(_SUSPICIOUS_SUFFIXES):
        return "compiled or path-altering file"
    if name.endswith(".py") and rel.stem in _SHADOWABLE:
        return f"shadows the module {rel.stem!r}"
    return None


def extra_files(root: Path, expected: Iterable[str | Path]) -> list[Flag]:
    """Files beyond the expected layout that could run code or change imports on their own.

    Ordinary extra files (notes, data, helper modules) are fine; symlinks are always reported
    because they can point at reference/ or the gradebook. `expected` holds paths relative to
    `root` (e.g. those of student_template/); directories named in it are not searched.
    """
    wanted = {PurePosixPath(Path(p).as_posix()) for p in expected}
    found: list[str] = []
    stack = [root]
    while stack and len(found) < 100:
        for entry in sorted(stack.pop().iterdir()):
            rel = PurePosixPath(entry.relative_to(root).as_posix())
            if rel in wanted:
                continue
            is_link = entry.is_symlink()
            if entry.is_dir() and not is_link:
                if rel.name in _SHADOWABLE:  # a package named like ours or the stdlib
                    found.append(f"{rel}/ (shadows the package {rel.name!r})")
                stack.append(entry)
                continue
            why = _why_suspicious(rel, is_link)
            if why is not None:
                found.append(f"{rel} ({why})")
    if not found:
        return []
    shown = ", ".join(found[:10]) + (f" (+{len(found) - 10} more)" if len(found) > 10 else "")
    return [Flag(FlagKind.EXTRA_FILES, f"unexpected files: {shown}")]


def weak_isolation(isolation: Isolation) -> list[Flag]:
    """Without an OS sandbox, student code could read or change anything the grader can."""
    if isolation in (Isolation.BUBBLEWRAP, Isolation.NAMESPACES):
        return []
    return [Flag(FlagKind.WEAK_ISOLATION,
                 f"graded with {isolation.value} isolation only: no OS sandbox, so the "
                 "submission could reach the network and every file the grader can")]
