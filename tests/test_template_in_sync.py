"""student_template/ is exactly what `grade build` makes from reference/ (otter's golden dir)."""

from __future__ import annotations

import ast
from pathlib import Path

from grader.build.template import render_template

from .conftest import REFERENCE, TEMPLATE


def test_checked_in_template_matches_generator(tmp_path: Path) -> None:
    """Has anyone edited the reference without rebuilding, or edited the template by hand?"""
    generated = render_template(REFERENCE)
    on_disk = {p.name: p.read_text() for p in TEMPLATE.glob("*.py")}
    assert sorted(on_disk) == sorted(generated), "run `grade build`"
    stale = [name for name, text in generated.items() if on_disk[name] != text]
    assert stale == [], f"out of date, run `grade build`: {stale}"


def test_every_stub_raises_naming_itself() -> None:
    """Does every stubbed function raise NotImplementedError with its own (qualified) name?"""
    for path in TEMPLATE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for cls_or_fn in ast.walk(tree):
            if not isinstance(cls_or_fn, ast.FunctionDef):
                continue
            for node in ast.walk(cls_or_fn):
                if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                        and getattr(node.exc.func, "id", "") == "NotImplementedError"):
                    name = node.exc.args[0].value
                    assert name.split(".")[-1] == cls_or_fn.name, (path.name, name)
