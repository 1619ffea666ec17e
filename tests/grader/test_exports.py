"""Exports from a hand-made BatchSummary (no grading): the contract CSV, Gradescope's schema,
student feedback without hidden checks, and the report with or without matplotlib."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.batch import BatchSummary
from grader.exports import export_all, feedback_text, gradescope_results
from grader.gradebook import EntryRecord, Outcome
from grader.result import CheckResult, Flag, FlagKind, GradeResult, Status, Visibility

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
            "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}


def assert_gradescope_schema(doc: dict[str, Any]) -> None:
    """The results.json schema of autograder_samples docs/specs.md (notes §2.2)."""
    assert set(doc) <= TOP_KEYS
    assert isinstance(doc["score"], int | float)
    assert doc.get("visibility", "visible") in VISIBILITIES
    assert doc.get("stdout_visibility", "hidden") in VISIBILITIES
    for test in doc.get("tests", []):
        assert set(test) <= TEST_KEYS
        assert test["status"] in {"passed", "failed"}
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in VISIBILITIES
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert all(isinstance(t, str) for t in test.get("tags", []))
    json.dumps(doc, allow_nan=False)


def _check(cid: str, status: Status, score: float, *, hidden: bool = False, assignment: str = "a",
           hint: str | None = None, output: str = "") -> CheckResult:
    return CheckResult(cid, assignment, (cid.split("/")[1],), status, score, 1.0,
                       f"{cid} message", hint,
                       Visibility.HIDDEN if hidden else Visibility.VISIBLE, 0.1, output)


def _summary(tmp_path: Path) -> BatchSummary:
    checks = (_check("a/f/output", Status.PASSED, 1.0),
              _check("a/g/output", Status.FAILED, 0.5, hint="multiply by dout",
                     output="debug print"),
              _check("a/h/secret", Status.FAILED, 0.0, hidden=True, hint="hidden hint"),
              _check("b/k/output", Status.TIMEOUT, 0.0, assignment="b"))
    flag = Flag(FlagKind.OPENS_SOCKET, "opened a socket")

    def graded(entry: str, student: str, picks: tuple[CheckResult, ...], **kw: Any) -> EntryRecord:
        return EntryRecord(entry, student, "h", Outcome.GRADED,
                           GradeResult(entry, picks, flags=(flag,)), **kw)

    records = (
        graded("alice", "alice", checks, duplicates=("alice.zip",)),
        graded("alice.zip", "alice", checks[:1] + checks[2:], duplicates=("alice",)),
        graded("bob", "bob", tuple(_check(c.id, Status.PASSED, 1.0, hidden=c.visibility is
                                          Visibility.HIDDEN, assignment=c.assignment)
                                   for c in checks)),
        EntryRecord("notes.txt", "notes", "h", Outcome.INVALID, GradeResult("notes.txt", ()),
                    "notes.txt: not a submission"),
        EntryRecord("zed", "zed", "h", Outcome.TIMEOUT, GradeResult("zed", ()),
                    "grading took longer than 600 s"),
    )
    return BatchSummary(directory=tmp_path / "subs", gradebook=tmp_path / "g.sqlite",
                        records=records, assignments=(("a", 3.0), ("b", 1.0)), graded=5,
                        reused=0, seconds=1.0, workers=2, backend="local")


def test_csv_is_the_contract_csv(tmp_path: Path) -> None:
    exports = export_all(_summary(tmp_path), tmp_path / "out")
    rows = list(csv.reader(exports.csv.open()))
    assert rows[0] == ["student", "score", "max_score", "a", "b"]
    assert rows[1:] == [
        ["alice [alice.zip]", "1", "4", "1", "0"],  # duplicate ids: named, never merged
        ["alice [alice]", "1.5", "4", "1.5", "0"],
        ["bob", "4", "4", "3", "1"],
        ["notes", "0", "4", "0", "0"],
        ["zed", "0", "4", "0", "0"],
    ]


def test_gradescope_results_follow_the_schema(tmp_path: Path) -> None:
    summary = _summary(tmp_path)
    alice = summary.records[0]
    doc = gradescope_results(alice.result)
    assert_gradescope_schema(doc)
    assert doc["score"] == 1.5 and doc["stdout_visibility"] == "hidden"
    by_name = {t["name"]: t for t in doc["tests"]}
    assert by_name["a/f/output"]["status"] == "passed"
    assert by_name["a/g/output"]["status"] == "failed" and by_name["a/g/output"]["score"] == 0.5
    assert "multiply by dout" in by_name["a/g/output"]["output"]
    assert "debug print" in by_name["a/g/output"]["output"]
    # hidden checks: released with the grades, and never "hidden" (that hides the total)
    assert by_name["a/h/secret"]["visibility"] == "after_published"
    assert all(t["visibility"] != "hidden" for t in doc["tests"])
    assert [t["number"] for t in doc["tests"]] == ["1.1", "1.2", "1.3", "2.1"]
    assert doc["extra_data"]["flags"][0]["kind"] == "opens_socket"  # staff-only field
    invalid = gradescope_results(GradeResult("x", ()), Outcome.INVALID, "x: not a submission")
    assert_gradescope_schema(invalid)
    assert invalid["score"] == 0 and "not a submission" in invalid["output"]
    exports = export_all(summary, tmp_path / "out")
    files = sorted(p.name for p in exports.gradescope.iterdir())
    assert files == ["alice.json", "alice.zip.json", "bob.json", "notes.txt.json", "zed.json"]
    for f in exports.gradescope.iterdir():
        assert_gradescope_schema(json.loads(f.read_text()))


def test_feedback_shows_only_what_the_student_may_see(tmp_path: Path) -> None:
    summary = _summary(tmp_path)
    text = feedback_text(summary.records[0])
    assert "g/output" in text and "multiply by dout" in text
    assert "secret" not in text and "hidden hint" not in text
    assert "socket" not in text  # flags are for staff
    assert "1 hidden checks were also run" in text
    assert "not a submission" in feedback_text(summary.records[3])
    exports = export_all(summary, tmp_path / "out")
    assert (exports.feedback / "alice.txt").read_text() == text


def test_report_has_pass_rates_problems_and_histogram(tmp_path: Path) -> None:
    exports = export_all(_summary(tmp_path), tmp_path / "out")
    report = exports.report.read_text()
    assert "| a/g/output | 1/2 (50%) | failed 1, passed 1 | multiply by dout |" in report
    assert "| notes.txt | notes.txt: not a submission |" in report
    assert "also claimed by alice.zip" in report
    assert exports.histogram is not None
    assert exports.histogram.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![score histogram](histogram.png)" in report


def test_report_without_matplotlib_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    exports = export_all(_summary(tmp_path), tmp_path / "out")
    assert exports.histogram is None and not (tmp_path / "out" / "histogram.png").exists()
    assert "matplotlib is not installed" in exports.report.read_text()
    assert exports.notes and "matplotlib" in exports.notes[0]
