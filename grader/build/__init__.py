"""Building the student-facing artefacts (templates, notebooks, stored expected values)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from grader.build.notebooks import write_notebooks
from grader.build.template import write_template

__all__ = ["build"]


def build(root: Path = Path(".")) -> Iterator[str]:
    """Regenerate every generated artefact under `root`; yields one line per step."""
    written = write_template(root / "reference", root / "student_template")
    yield f"student_template/: {len(written)} modules"
    notebooks = write_notebooks(root / "assignments", root / "student_template" / "notebooks")
    yield f"student_template/notebooks/: {len(notebooks)} notebooks"
