"""A CS231n assignment folder graded as it is: `cs231n/layers.py`, `cs231n/optim.py`,
`cs231n/classifiers/fc_net.py`, `cs231n/solver.py`, with CS231n's own imports.

Students' code says `from cs231n.layers import *`, `from ..layers import *`,
`from .layer_utils import *` and `from cs231n import optim`, so the copy keeps the package
name `cs231n` and its folder structure, and the worker imports `cs231n.layers` and friends
from it. Real repositories' `__init__.py` files import things that are absent here (cnn.py of a
later assignment, the im2col_cython extension), so every package folder is registered as a
synthetic package whose `__init__.py` is never run (`Layout.packages`). Only `.py` files are
copied: an assignment folder also holds CIFAR-10 (170 MB), notebooks and compiled extensions.
"""

from __future__ import annotations

import ast
from pathlib import Path, PurePath

from grader.executor import Layout
from grader.registry import Course
from grader.submission.base import LoadedSubmission, SubmissionError, SubmissionKind, copy_tree

__all__ = ["CS231nLoader", "find_package"]

PACKAGE = "cs231n"
# Where CS231n keeps our logical modules; any other course module is looked for as
# cs231n/<module>.py, and is usually simply absent (its checks become not_implemented).
LOCATIONS = {"fc_net": "classifiers.fc_net"}
# CS231n keeps the sandwich layers in layer_utils.py, where our layout has them in layers.py.
_FALLBACK = {"layers": "layer_utils"}
_MARKERS = ("layers.py", "optim.py", "solver.py", "classifiers/fc_net.py")


def find_package(path: Path) -> Path | None:
    """The `cs231n/` package folder of an assignment folder, or `path` itself when it is one.

    `path` itself counts only when named cs231n or holding classifiers/fc_net.py: a plain
    folder with layers.py and optim.py side by side is the template's layout, not CS231n's.
    """
    candidates = [path / PACKAGE]
    if path.name == PACKAGE or (path / "classifiers" / "fc_net.py").is_file():
        candidates.append(path)
    for candidate in candidates:
        if candidate.is_dir() and any((candidate / m).is_file() for m in _MARKERS):
            return candidate
    return None


def _top_level_names(source: Path) -> set[str] | None:
    """Functions and classes `source` defines, read without running it (None if unreadable)."""
    try:
        tree = ast.parse(source.read_bytes(), filename=str(source))
    except (OSError, SyntaxError, ValueError):
        return None
    return {n.name for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def _module_file(package: Path, dotted: str) -> Path:
    return package.joinpath(*dotted.split(".")).with_suffix(".py")


def cs231n_layout(root: Path, course: Course) -> Layout:
    """Modules present under root/cs231n, imported by their CS231n names."""
    package = root / PACKAGE
    modules: dict[str, str] = {}
    for logical in course.modules:
        dotted = LOCATIONS.get(logical, logical)
        if _module_file(package, dotted).is_file():
            modules[logical] = f"{PACKAGE}.{dotted}"
    names = course.names()
    for logical, fallback in _FALLBACK.items():
        # A name our module lacks but CS231n's neighbour defines (affine_relu_forward in
        # layer_utils.py) is looked up there, rather than reported as not implemented.
        here = _top_level_names(_module_file(package, LOCATIONS.get(logical, logical)))
        there = _top_level_names(_module_file(package, fallback))
        if logical not in modules or here is None or not there:
            continue
        moved = [n for n, m in names.items() if m == logical and n not in here and n in there]
        if moved:
            modules[fallback] = f"{PACKAGE}.{fallback}"
            names.update(dict.fromkeys(moved, fallback))
    packages = {PACKAGE: str(package)}
    for folder in sorted(p for p in package.rglob("*") if p.is_dir()):
        if any(folder.glob("*.py")):
            dotted = ".".join(folder.relative_to(package).parts)
            if dotted.isascii() and all(part.isidentifier() for part in dotted.split(".")):
                packages[f"{PACKAGE}.{dotted}"] = str(folder)
    return Layout(root=str(root), modules=modules, names=names, sys_path=(str(root),),
                  package=None, packages=packages)


class CS231nLoader:
    kind = SubmissionKind.CS231N

    def accepts(self, path: Path, course: Course) -> bool:
        """A folder with our layout at its top is ours, even beside a leftover cs231n/."""
        found = find_package(path) if path.is_dir() else None
        if found is None or found == path:
            return found is not None
        return not any((path / f"{m}.py").is_file() for m in course.modules)

    def load(self, path: Path, course: Course, scratch: Path) -> LoadedSubmission:
        found = find_package(path)
        if found is None:
            raise SubmissionError(f"{path}: not a CS231n assignment folder (no cs231n/ package)")
        root = scratch / "submission"
        copied, problems = copy_tree(found, root / PACKAGE,
                                     include=lambda rel: PurePath(rel).suffix == ".py")
        layout = cs231n_layout(root, course)
        if not layout.modules:
            wanted = ", ".join(f"{PACKAGE}/{m}" for m in _MARKERS)
            raise SubmissionError(f"{path}: a CS231n folder without any of {wanted}")
        files = tuple(f"{PACKAGE}/{f}" for f in copied)
        return LoadedSubmission(self.kind, path, root, layout, files, problems)
