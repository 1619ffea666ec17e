"""Every course notebook builds, and runs top to bottom against the reference."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.build.notebooks import notebook_from_percent, parse_percent
from tests.conftest import REFERENCE, ROOT, TEMPLATE

SOURCES = sorted((ROOT / "assignments").glob("*/notebook.py"))


def test_percent_format_cells() -> None:
    """Are code and markdown cells split at `# %%` markers, markdown unprefixed?"""
    cells = parse_percent('"""doc"""\n# %% [markdown]\n# # Title\n# text\n# %%\nx = 1\n')
    assert cells == [("markdown", "# Title\ntext"), ("code", "x = 1")]


def test_solutions_are_stripped_from_student_notebooks() -> None:
    """Does a solution block in a cell become a stub in the student notebook?"""
    source = "# %%\nx = 1\n# BEGIN SOLUTION\ny = 2\n# END SOLUTION\n"
    nb = notebook_from_percent(source, name="demo", strip=True)
    assert "y = 2" not in nb.cells[0].source and "NotImplementedError" in nb.cells[0].source


@pytest.mark.parametrize("source", SOURCES, ids=[p.parent.name for p in SOURCES])
def test_checked_in_notebook_is_generated(source: Path) -> None:
    """Is student_template/notebooks/<name>.ipynb what `grade build` makes from the source?"""
    built = notebook_from_percent(source.read_text(), name=source.parent.name, strip=True)
    on_disk = TEMPLATE / "notebooks" / f"{source.parent.name}.ipynb"
    assert on_disk.exists(), "run `grade build`"
    assert on_disk.read_text() == nbformat.writes(built) + "\n", "run `grade build`"


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=[p.parent.name for p in SOURCES])
def test_notebook_runs_against_the_reference(source: Path, tmp_path: Path, monkeypatch) -> None:
    """Does the solution notebook execute without error, its check cells at full marks?"""
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("GRADER_SUBMISSION", str(REFERENCE))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = notebook_from_percent(source.read_text(), name=source.parent.name, strip=False)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    printed = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                        for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "(100.0%)" in printed or "check(" not in source.read_text()
    assert "not_implemented" not in printed
