"""Strip solutions: `# BEGIN SOLUTION` ... `# END SOLUTION` -> `raise NotImplementedError(name)`.

The stub keeps the marker's indentation and names the enclosing function (`relu_forward`,
`TwoLayerNet.loss`), read from the syntax tree so authors never type a name that could drift.
Malformed markers (nested, unclosed, stray END, outside a function) are errors, never guesses.
"""

from __future__ import annotations

import ast
import re

__all__ = ["BEGIN", "END", "MarkerError", "solution_blocks", "strip_solutions"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
_END = re.compile(r"^(\s*)# END SOLUTION\s*$")
_LOOSE = re.compile(r"^\s*#+\s*(BEGIN|END)\s+SOLUTION", re.IGNORECASE)  # near-misses


class MarkerError(ValueError):
    """Solution markers that do not form well-nested blocks inside functions."""


def _function_spans(tree: ast.Module) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                spans.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def solution_blocks(source: str, filename: str = "<source>",
                    toplevel: str | None = None) -> list[tuple[int, int, str, str]]:
    """(begin line, end line, indentation, enclosing qualname) of each block, 1-based.

    `toplevel` names blocks outside any function (notebook cells); None makes them errors.
    """
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        raise MarkerError(f"{filename}:{exc.lineno}: not valid Python ({exc.msg})") from None
    spans = _function_spans(tree)
    blocks: list[tuple[int, int, str, str]] = []
    open_at: tuple[int, str] | None = None
    for lineno, line in enumerate(source.splitlines(), start=1):
        if m := _BEGIN.match(line):
            if open_at is not None:
                raise MarkerError(f"{filename}:{lineno}: BEGIN SOLUTION inside the block "
                                  f"opened at line {open_at[0]}")
            open_at = (lineno, m.group(1))
        elif _END.match(line):
            if open_at is None:
                raise MarkerError(f"{filename}:{lineno}: END SOLUTION without a BEGIN SOLUTION")
            begin, indent = open_at
            inside = [s for s in spans if s[0] < begin <= s[1]]
            if not inside and toplevel is None:
                raise MarkerError(f"{filename}:{begin}: solution block outside any function")
            name = max(inside, key=lambda s: s[0])[2] if inside else toplevel
            blocks.append((begin, lineno, indent, name))
            open_at = None
        elif _LOOSE.match(line):
            raise MarkerError(f"{filename}:{lineno}: a solution marker must be alone on its line")
    if open_at is not None:
        raise MarkerError(f"{filename}:{open_at[0]}: BEGIN SOLUTION is never closed")
    return blocks


def strip_solutions(source: str, filename: str = "<source>", header: str | None = None,
                    toplevel: str | None = None) -> str:
    """The student version of `source`; see the module docstring and `solution_blocks`."""
    lines = source.splitlines()
    out: list[str] = []
    cursor = 0
    for begin, end, indent, name in solution_blocks(source, filename, toplevel):
        out.extend(lines[cursor:begin - 1])
        out.append(f'{indent}raise NotImplementedError("{name}")')
        cursor = end
    out.extend(lines[cursor:])
    text = "\n".join(out) + "\n"
    if header:
        text = header + "\n" + text
    ast.parse(text, filename)  # a stub that does not parse is a bug in the markers' placement
    return text
