"""Course notebooks: one percent-format source per assignment -> an nbformat v4 notebook.

Sources are `assignments/<name>/notebook.py`: `# %%` starts a code cell, `# %% [markdown]` a
markdown cell written as `# `-prefixed comment lines. Code cells go through the same
`strip_solutions` as the .py files, so a notebook has one stripping rule with them; a solution
block outside any function becomes `raise NotImplementedError("<notebook> cell")`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.build.solutions import strip_solutions

__all__ = ["notebook_from_percent", "parse_percent", "write_notebooks"]

_CELL = re.compile(r"^# %%(?:\s*\[(?P<kind>\w+)\])?.*$")


def parse_percent(source: str) -> list[tuple[str, str]]:
    """(cell type, text) pairs; text before the first `# %%` (the file's docstring) is dropped."""
    cells: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        m = _CELL.match(line)
        if m:
            cells.append(("markdown" if m.group("kind") in ("markdown", "md") else "code", []))
        elif cells:
            cells[-1][1].append(line)
    out = []
    for kind, lines in cells:
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = _markdown_text(text)
        if text.strip():
            out.append((kind, text))
    return out


def _markdown_text(text: str) -> str:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    if tree and len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) and isinstance(
            getattr(tree.body[0], "value", None), ast.Constant) and isinstance(
            tree.body[0].value.value, str):
        return tree.body[0].value.value.strip("\n")
    return "\n".join(re.sub(r"^# ?", "", line) for line in text.splitlines())


def notebook_from_percent(source: str, *, name: str, strip: bool) -> nbformat.NotebookNode:
    """The notebook for one assignment; `strip` removes solutions (the student version)."""
    cells = []
    for kind, text in parse_percent(source):
        if kind == "markdown":
            cells.append(new_markdown_cell(text))
            continue
        if strip and "# BEGIN SOLUTION" in text:
            text = strip_solutions(text, f"{name} notebook", toplevel=f"{name} notebook cell")
            text = text.rstrip("\n")
        cells.append(new_code_cell(text))
    for i, cell in enumerate(cells):
        cell.id = f"{name}-{i}"  # stable ids: a rebuild with no change rewrites nothing
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def write_notebooks(assignments_dir: Path, out: Path, *, strip: bool = True) -> list[Path]:
    """Write `<assignment>.ipynb` into `out` for every `assignments/*/notebook.py`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(assignments_dir.glob("*/notebook.py")):
        name = source.parent.name
        nb = notebook_from_percent(source.read_text(), name=name, strip=strip)
        target = out / f"{name}.ipynb"
        text = nbformat.writes(nb) + "\n"
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
        written.append(target)
    return written
