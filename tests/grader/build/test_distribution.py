"""The student distribution holds no solution (files or stored data) and grades on its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import assignments
from grader.build.distribution import EXPECTED_VALUES, build_distribution
from grader.build.solutions import solution_blocks
from grader.result import Visibility
from tests.conftest import REFERENCE, ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "student"
    list(build_distribution(ROOT, out, assignments.COURSE))
    return out


def solution_blocks_lines() -> list[set[str]]:
    """For each solution block of the reference, its distinctive lines: code (not comments),
    at least 25 characters, and not also given code (the same line outside every block)."""
    from grader.build.template import render_template

    given = {line.strip() for text in render_template(REFERENCE).values()
             for line in text.splitlines()}
    blocks = []
    for path in REFERENCE.glob("*.py"):
        text = path.read_text().splitlines()
        for begin, end, _, _ in solution_blocks("\n".join(text), str(path)):
            lines = {line.strip() for line in text[begin:end - 1]}
            blocks.append({line for line in lines
                           if len(line) >= 25 and not line.startswith("#") and line not in given})
    return blocks


def solution_lines() -> set[str]:
    return set().union(*solution_blocks_lines())


def leaked_blocks(text: str) -> list[set[str]]:
    """Blocks of which two or more distinctive lines appear in `text`: one common idiom
    (a max-shift, a loop header) is not a solution, two lines of the same block are."""
    return [hits for block in solution_blocks_lines()
            if len(hits := {line for line in block if line in text}) >= 2]


def test_no_solution_code_in_any_file(dist: Path) -> None:
    """Does no file of the distribution contain two lines of any one solution block?"""
    assert len(solution_lines()) > 50
    leaked = []
    for path in dist.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".toml", ".txt", ".json"):
            leaked += [(str(path.relative_to(dist)), sorted(hits))
                       for hits in leaked_blocks(path.read_text())]
    assert leaked == []
    assert not (dist / "reference").exists()
    assert not list(dist.rglob("hidden.py"))
    assert not list((dist / "assignments").rglob("notebook.py"))
    assert not list(dist.rglob("mistakes_*.py"))


def test_stored_values_are_numbers_not_code(dist: Path) -> None:
    """Is the stored file pickle-free, and free of solution code (hints name at most one
    formula, as they do on screen)?"""
    with np.load(dist / "assignments" / EXPECTED_VALUES, allow_pickle=False) as data:
        blob = b"".join(data[k].tobytes() for k in data.files).decode("latin-1")
    assert leaked_blocks(blob) == []


def run_grade(dist: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(dist)}
    done = subprocess.run([sys.executable, "-m", "grader", *args, "--json"], cwd=dist, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_stubs_grade_to_zero_inside_the_distribution(dist: Path) -> None:
    """Does `grade` in the distribution grade its stubs: zero, all not_implemented?"""
    doc = run_grade(dist)
    assert doc["score"] == 0 and {c["status"] for c in doc["checks"]} == {"not_implemented"}


def test_correct_solution_full_marks_on_visible_checks(dist: Path, tmp_path: Path) -> None:
    """Does a correct solution earn every visible point from stored values alone?"""
    work = tmp_path / "work"
    shutil.copytree(REFERENCE, work)
    doc = run_grade(dist, str(work), "--assignment", "activations")
    assert doc["score"] == doc["max_score"] > 0
    (activations,) = assignments.COURSE.select(["activations"])
    visible = {c.id for c in activations.checks if c.visibility is Visibility.VISIBLE}
    assert {c["id"] for c in doc["checks"]} == visible


def test_hints_survive_without_mistake_code(dist: Path, tmp_path: Path) -> None:
    """Does a known mistake still earn its hint when only stored values are available?"""
    work = tmp_path / "work"
    shutil.copytree(REFERENCE, work)
    with (work / "layers.py").open("a") as f:
        f.write("\n\ndef relu_backward(dout, cache):\n    return (cache > 0).astype(float)\n")
    doc = run_grade(dist, str(work), "--assignment", "activations")
    hints = {c["hint"] for c in doc["checks"] if c["status"] == "failed"}
    assert any(h and "dout" in h for h in hints)
