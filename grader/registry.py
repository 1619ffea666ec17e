"""Checks, mistakes and assignments as typed, frozen specs.

A check is a small function registered with `@check(kind, targets=..., points=...)`. Its id is
derived, never typed: `<assignment>/<last target>/<kind>` (plus `-<variant>` when one assignment
has several checks of one kind on one target). Assignment totals are sums of check points.
"""

from __future__ import annotations

import ast
import functools
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.result import Kind, Visibility

__all__ = ["Alternative", "Assignment", "CheckSpec", "Course", "Mistake", "assignment", "check",
           "optional_modules", "student_names"]

_MARK = "__grader_check__"


@dataclass(frozen=True)
class CheckSpec:
    id: str
    assignment: str
    kind: Kind
    targets: tuple[str, ...]
    points: float
    visibility: Visibility
    fn: Callable[[Any], None] = field(compare=False, repr=False)
    doc: str = ""


@dataclass(frozen=True)
class Mistake:
    """A wrong-but-plausible implementation of `target`, and the hint it earns.

    `impl` replaces the reference's `target` (a function, or for `Class.method` a function taking
    self) when a check asks what a submission with this mistake would output.
    """

    target: str
    name: str
    hint: str
    impl: Callable[..., Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Alternative:
    """A correct implementation of `target` written differently (another formula, cache or state
    layout); it must earn full marks. `impl` replaces the reference's `target` like a Mistake's."""

    target: str
    name: str
    impl: Callable[..., Any] = field(compare=False, repr=False)


def check(kind: Kind, *, targets: Sequence[str], points: float = 1.0, variant: str | None = None,
          visibility: Visibility = Visibility.VISIBLE) -> Callable[[Callable[[Any], None]],
                                                                   Callable[[Any], None]]:
    """Register a check; see the module docstring. `targets`: every student name it judges."""
    if not targets:
        raise ValueError("a check needs at least one target")
    if points <= 0:
        raise ValueError(f"points must be positive, got {points}")

    def mark(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        setattr(fn, _MARK, (kind, tuple(targets), float(points), variant, visibility))
        return fn

    return mark


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str
    checks: tuple[CheckSpec, ...]
    mistakes: tuple[Mistake, ...] = ()
    alternatives: tuple[Alternative, ...] = ()  # correct but different; tests demand full marks

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks)

    def mistakes_for(self, targets: Iterable[str]) -> tuple[Mistake, ...]:
        wanted = set(targets)
        return tuple(m for m in self.mistakes if m.target in wanted)


def assignment(name: str, title: str, modules: Iterable[ModuleType], package: str | None = None,
               mistakes: Iterable[Mistake] = (),
               alternatives: Iterable[Alternative] = ()) -> Assignment:
    """Collect the checks defined in `modules`, in definition order.

    With `package` (an assignment's `__name__`), its optional `hidden` module adds hidden
    checks and its optional `mistakes` module (MISTAKES, ALTERNATIVES) the known mistakes:
    either may be absent, as both are in the student distribution.
    """
    modules = list(modules)
    mistakes, alternatives = list(mistakes), list(alternatives)
    if package is not None:
        modules += optional_modules(package, "hidden")
        for found in optional_modules(package, "mistakes"):
            mistakes += getattr(found, "MISTAKES", ())
            alternatives += getattr(found, "ALTERNATIVES", ())
    specs: list[CheckSpec] = []
    seen: set[str] = set()
    taken: set[int] = set()
    for module in modules:
        for fn in vars(module).values():
            mark = getattr(fn, _MARK, None)
            if mark is None or id(fn) in taken:
                continue
            taken.add(id(fn))
            kind, targets, points, variant, visibility = mark
            cid = f"{name}/{targets[-1]}/{kind.value}" + (f"-{variant}" if variant else "")
            if cid in seen:
                raise ValueError(f"duplicate check id {cid}: give one of them a variant=")
            seen.add(cid)
            doc = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
            specs.append(CheckSpec(cid, name, kind, targets, points, visibility, fn, doc))
    return Assignment(name, title, tuple(specs), tuple(mistakes), tuple(alternatives))


def optional_modules(package: str, *names: str) -> tuple[ModuleType, ...]:
    """Import `package.name` for each name that exists (hidden checks are absent for students)."""
    found = []
    for n in names:
        try:
            found.append(importlib.import_module(f"{package}.{n}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{n}":
                raise
    return tuple(found)


def student_names(template: Path, modules: Iterable[str]) -> dict[str, str]:
    """Top-level function/class name -> logical module, read (not imported) from the template."""
    modules = tuple(modules)
    stamps = tuple((template / f"{m}.py").stat().st_mtime_ns for m in modules)
    return dict(_student_names(template, modules, stamps))


@functools.lru_cache(maxsize=8)
def _student_names(template: Path, modules: tuple[str, ...],
                   stamps: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
    """Parsing the template costs ~0.1 s; every grading needs it: cached until a file changes."""
    names: dict[str, str] = {}
    for module in modules:
        tree = ast.parse((template / f"{module}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                if node.name in names:
                    raise ValueError(f"{node.name} is defined in both {names[node.name]}.py "
                                     f"and {module}.py")
                names[node.name] = module
    return tuple(names.items())


@dataclass(frozen=True)
class Course:
    """Everything the engine needs to know about one course's content."""

    name: str
    assignments: tuple[Assignment, ...]
    template: Path  # the generated student stubs: defines the submission's file layout
    modules: tuple[str, ...]  # logical module names, e.g. ("layers", "optim", ...)
    reference: str = "reference"  # package with the solutions, when installed
    stored: Path | None = None  # expected values recorded for a distribution without solutions

    def names(self) -> dict[str, str]:
        return student_names(self.template, self.modules)

    def select(self, only: Sequence[str] | None) -> tuple[Assignment, ...]:
        if not only:
            return self.assignments
        known = {a.name: a for a in self.assignments}
        unknown = [n for n in only if n not in known]
        if unknown:
            raise KeyError(f"unknown assignment {unknown[0]!r}; known: {', '.join(known)}")
        return tuple(known[n] for n in only)
