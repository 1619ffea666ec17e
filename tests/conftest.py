"""Shared fixtures: build submissions in tmp_path, including the reference with one function
swapped for a known mistake or a correct alternative."""

from __future__ import annotations

import inspect
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

import assignments
from grader.registry import Alternative, Mistake

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
TEMPLATE = ROOT / "student_template"

settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("dev")


def module_of(target: str) -> str:
    return assignments.COURSE.names()[target.partition(".")[0]]


def swap_in(root: Path, target: str, impl: Callable[..., object]) -> None:
    """Append `impl`'s source to the module defining `target` and rebind `target` to it."""
    module = root / f"{module_of(target)}.py"
    source = textwrap.dedent(inspect.getsource(impl))
    top, _, method = target.partition(".")
    rebind = f"{top}.{method} = {impl.__name__}" if method else f"{top} = {impl.__name__}"
    module.write_text(module.read_text() + "\n\n" + source + "\n" + rebind + "\n")


@pytest.fixture
def make_submission(tmp_path: Path) -> Callable[..., Path]:
    """make_submission(base="reference"|"template"|None, swap=Mistake|Alternative, **files)."""

    def make(base: str | None = "reference", swap: Mistake | Alternative | None = None,
             name: str = "submission", **files: str) -> Path:
        root = tmp_path / name
        if base is not None:
            shutil.copytree(REFERENCE if base == "reference" else TEMPLATE, root,
                            ignore=shutil.ignore_patterns("__pycache__"))
        root.mkdir(exist_ok=True)
        for filename, text in files.items():
            path = root / filename.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        if swap is not None:
            swap_in(root, swap.target, swap.impl)
        return root

    return make
