"""The command line holds to CONTRACT.md §2: output channels and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REFERENCE, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300)


def test_json_puts_one_document_and_nothing_else_on_stdout() -> None:
    """Is stdout of --json exactly one JSON document with the contract's fields?"""
    done = run(str(REFERENCE), "--json", "--assignment", "activations")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert {"submission", "score", "max_score", "checks", "flags"} <= set(doc)
    assert doc["score"] == doc["max_score"] > 0
    for c in doc["checks"]:
        assert set(c) == {"id", "assignment", "targets", "status", "score", "max_score",
                          "message", "hint"}


def test_not_a_submission_exits_2_with_one_line(tmp_path: Path) -> None:
    """Does a path that is not a submission give exit 2 and a one-line error naming it?"""
    (tmp_path / "notes.txt").write_text("hello")
    done = run(str(tmp_path), "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and str(tmp_path) in done.stderr


def test_usage_errors_exit_2() -> None:
    """Do an unknown assignment and a bad --fail-under exit 2?"""
    assert run(str(REFERENCE), "--assignment", "nope").returncode == 2
    assert run(str(REFERENCE), "--fail-under", "120").returncode == 2


def test_fail_under(tmp_path: Path) -> None:
    """Does --fail-under exit 1 below the bar and 0 at or above it?"""
    assert run("student_template", "--assignment", "activations",
               "--fail-under", "50").returncode == 1
    assert run(str(REFERENCE), "--assignment", "activations", "--fail-under", "100").returncode == 0


def test_default_path_is_the_template_here() -> None:
    """Does bare `grade` in the checkout grade student_template/ (score 0, exit 0)?"""
    done = run("--json", "--assignment", "activations")
    assert done.returncode == 0
    doc = json.loads(done.stdout)
    assert doc["submission"] == "student_template" and doc["score"] == 0


def test_build_with_malformed_markers_is_one_line_exit_2(tmp_path: Path) -> None:
    """Does `grade build` on an unclosed marker name the file and line, without a traceback?"""
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "m.py").write_text("def f():\n    # BEGIN SOLUTION\n    x = 1\n")
    done = run("build", "--root", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("m.py:2: BEGIN SOLUTION is never closed")
    assert "Traceback" not in done.stderr
