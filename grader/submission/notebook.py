"""A Jupyter notebook whose solution cells define the course's functions, graded without a kernel.

Running the notebook would run the student's experiments too (training loops, CIFAR-10 loads,
plots), which are slow, need data the sandbox lacks, and are not what is graded. So the
notebook is read, not run: only its top-level imports, simple constants and `def`/`class`
statements are kept, in notebook order, and written to one generated module, `_notebook.py`.
Each logical module the notebook contributes to (`layers.py`, `optim.py`, ...) is a one-line
re-export of its student names from `_notebook.py`. One shared module, rather than one per
logical module, is what lets `TwoLayerNet.loss` call the `affine_forward` of another cell, and
helpers be found, exactly as they are in the notebook's single namespace.

Each import is wrapped in try/except: the notebook's `from cs231n.data_utils import ...` or
`import matplotlib` must not stop its functions from being graded. A function that really needs
a missing import fails with NameError when called, which is reported on its own checks.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from grader.registry import Course
from grader.submission.base import MAX_BYTES, LoadedSubmission, SubmissionError, SubmissionKind
from grader.submission.folder import folder_layout

__all__ = ["NotebookLoader", "NotebookSource", "read_cells"]

GENERATED = "_notebook"
# IPython-only lines: `%timeit f()`, `!pip install`, `files = !ls`, `x = %time f()`, `np.sum?`.
_MAGIC = re.compile(r"^\s*(?:[%!]|[\w.,\s()\[\]]+=\s*[%!]|[\w.]+\s*\?{1,2}\s*$|\?{1,2})")
# Where a cell can be cut into independently parsable pieces when it has a syntax error.
_CUT = re.compile(r"^(?:@|def\s|async\s+def\s|class\s|import\s|from\s)")
_DEFINES = re.compile(r"^(?:async\s+def|def|class)\s+(\w+)", re.MULTILINE)
_ATOMS = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp,
          ast.operator, ast.unaryop, ast.expr_context)


@dataclass
class NotebookSource:
    """What is kept of a notebook, as source text in notebook order."""

    future: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    defs: list[tuple[str, str, int]] = field(default_factory=list)  # (name, source, cell)
    problems: list[str] = field(default_factory=list)


def _without_magics(source: str) -> str:
    """Replace IPython-only lines by `pass` at the same indentation, keeping line numbers.

    Only called when the cell does not parse as it is: a `%` that continues a multi-line
    expression is Python, and must not be touched in a cell without magics.
    """
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if _MAGIC.match(line):
            lines[i] = line[: len(line) - len(line.lstrip())] + "pass"
    return "\n".join(lines)


def _chunks(source: str) -> list[tuple[int, str]]:
    """Cut a cell before each top-level def/class/import (decorators stay with their def), so
    a syntax error costs the definition it is in, not the whole cell."""
    lines = source.splitlines()
    starts = [0]
    for i, line in enumerate(lines):
        previous = next((p for p in reversed(lines[:i]) if p.strip()), "")
        if i and _CUT.match(line) and not previous.startswith("@"):
            starts.append(i)
    bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
    return [(a, "\n".join(lines[a:b])) for a, b in bounds]


def _small(exponent: ast.expr) -> bool:
    try:
        value = ast.literal_eval(exponent)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return isinstance(value, int | float) and abs(value) <= 64


def _is_constant(node: ast.stmt) -> bool:
    """`EPS = 1e-8`, `H, W = 32, 32`, `lr = 10**-3.5`: safe and quick to run at import."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return False
    names = [n for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if not names or any(n.id.startswith("__") for n in names):
        return False
    if not all(isinstance(t, ast.Name | ast.Tuple | ast.List) for t in targets):
        return False
    for n in ast.walk(value):
        if not isinstance(n, _ATOMS):
            return False
        # 10**10**10 would hang the import; 10**-3.5 is the usual learning rate.
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) and not _small(n.right):
            return False
    return True


def _collect(tree: ast.Module, text: str, cell: int, into: NotebookSource) -> None:
    lines = text.splitlines()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            end = node.end_lineno or node.lineno
            into.defs.append((node.name, "\n".join(lines[start - 1:end]), cell))
        elif isinstance(node, ast.ImportFrom) and node.module == "__future__":
            into.future.append(ast.get_source_segment(text, node) or "")
        elif isinstance(node, ast.Import | ast.ImportFrom) or _is_constant(node):
            segment = ast.get_source_segment(text, node) or ""
            target = into.constants if not isinstance(node, ast.Import | ast.ImportFrom) \
                else into.imports
            if segment not in target:
                target.append(segment)
        # Anything else (experiments, training, plots, prints) is deliberately not run.


def read_cells(cells: list[tuple[int, str]], names: set[str]) -> NotebookSource:
    """Keep the definitions of code cells; record (and survive) cells that do not parse."""
    kept = NotebookSource()
    for cell, raw in cells:
        if raw.lstrip().startswith("%%"):  # a cell magic: the body may not even be Python
            lost = sorted(set(_DEFINES.findall(raw)) & names)
            if lost:
                kept.problems.append(f"cell {cell} starts with a %% cell magic and was not "
                                     f"read: {', '.join(lost)} not graded")
            continue
        for text in (raw, _without_magics(raw)):
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
            _collect(tree, text, cell, kept)
            break
        else:
            _salvage(cell, _without_magics(raw), names, kept)
    return kept


def _salvage(cell: int, text: str, names: set[str], kept: NotebookSource) -> None:
    """Keep what parses of a cell that does not, one top-level definition at a time."""
    for offset, chunk in _chunks(text):
        try:
            tree = ast.parse(chunk)
        except (SyntaxError, ValueError) as exc:
            lost = sorted(set(_DEFINES.findall(chunk)) & names)
            line = offset + (getattr(exc, "lineno", None) or 1)
            why = getattr(exc, "msg", None) or str(exc)
            kept.problems.append(f"cell {cell}, line {line}: {type(exc).__name__}: {why}"
                                 + (f"; {', '.join(lost)} not graded" if lost else ""))
            continue
        _collect(tree, chunk, cell, kept)


def _render(kept: NotebookSource, title: str) -> str:
    # A comment, not a docstring: a file name holding quotes or backslashes cannot escape it.
    header = (f"# Generated by the grader from {title!r}: its imports, constants and\n"
              "# definitions; nothing else of the notebook runs.")
    parts = [header, *kept.future]
    for statement in kept.imports:
        # Any failure, not only ImportError: a broken optional package must not cost the
        # functions that never use it.
        parts.append("try:\n" + textwrap.indent(statement, "    ")
                     + "\nexcept Exception:\n    pass")
    parts += kept.constants
    parts += [f"# cell {cell}\n{source}" for _, source, cell in kept.defs]  # executor.CELL_MARK
    return "\n\n".join(parts) + "\n"


def _code_cells(path: Path) -> list[tuple[int, str]]:
    import nbformat  # only notebooks need it, and it is slow to import

    try:
        if path.stat().st_size > MAX_BYTES:
            raise SubmissionError(f"{path}: too large (more than {MAX_BYTES // 2**20} MiB)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing cell ids and other cosmetic complaints
            nb = nbformat.read(path, as_version=4)
        cells = list(nb.cells)
    except SubmissionError:
        raise
    except Exception as exc:  # noqa: BLE001 - nbformat raises JSON, Unicode, schema, plain errors
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise SubmissionError(f"{path}: not a readable notebook ({type(exc).__name__}: "
                              f"{first})") from None
    code = []
    for i, cell in enumerate(cells, 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            code.append((i, "".join(source) if isinstance(source, list) else str(source)))
    return code


class NotebookLoader:
    kind = SubmissionKind.NOTEBOOK

    def accepts(self, path: Path, course: Course) -> bool:
        return path.is_file() and path.suffix.lower() == ".ipynb"

    def load(self, path: Path, course: Course, scratch: Path) -> LoadedSubmission:
        names = course.names()
        kept = read_cells(_code_cells(path), set(names))
        defined = list(dict.fromkeys(n for n, _, _ in kept.defs if n in names))
        if not defined:
            why = f" ({kept.problems[0]})" if kept.problems else ""
            raise SubmissionError(f"{path}: the notebook defines none of the course's "
                                  f"functions{why}")
        root = scratch / "submission"
        root.mkdir(parents=True)
        files = [f"{GENERATED}.py"]
        (root / files[0]).write_text(_render(kept, path.name), encoding="utf-8")
        by_module: dict[str, list[str]] = {}
        for name in defined:
            by_module.setdefault(names[name], []).append(name)
        for module, members in by_module.items():
            files.append(f"{module}.py")
            (root / files[-1]).write_text(
                f"# Generated: the {module} functions of {path.name!r}.\n"
                f"from .{GENERATED} import {', '.join(members)}  # noqa: F401\n",
                encoding="utf-8")
        return LoadedSubmission(self.kind, path, root, folder_layout(root, course),
                                tuple(files), tuple(kept.problems))
