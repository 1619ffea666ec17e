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


def solution_lines() -> set[str]:
    """Every distinctive line of code inside a solution block of the reference that is not
    also given code (the same line outside every block, as in the stubs)."""
    from grader.build.template import render_template

    given = {line.strip() for text in render_template(REFERENCE).values()
             for line in text.splitlines()}
    lines: set[str] = set()
    for path in REFERENCE.glob("*.py"):
        text = path.read_text().splitlines()
        for begin, end, _, _ in solution_blocks("\n".join(text), str(path)):
            for line in text[begin:end - 1]:
                line = line.strip()
                if len(line) >= 25 and not line.startswith("#") and line not in given:
                    lines.add(line)
    return lines


def test_no_solution_code_in_any_file(dist: Path) -> None:
    """Does no file of the distribution contain a line of any solution block?"""
    secrets = solution_lines()
    assert len(secrets) > 50
    leaked = []
    for path in dist.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".toml", ".txt", ".json"):
            text = path.read_text()
            leaked += [(str(path.relative_to(dist)), s) for s in secrets if s in text]
    assert leaked == []
    assert not (dist / "reference").exists()
    assert not list(dist.rglob("hidden.py")) and not list(dist.rglob("notebook.py"))


def test_stored_values_are_numbers_not_code(dist: Path) -> None:
    """Is the stored file pickle-free, and free of any solution line?"""
    with np.load(dist / "assignments" / EXPECTED_VALUES, allow_pickle=False) as data:
        blob = b"".join(data[k].tobytes() for k in data.files).decode("latin-1")
    assert not [s for s in solution_lines() if s in blob]


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
