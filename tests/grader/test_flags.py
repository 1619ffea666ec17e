"""Trusted-side detectors: small pure functions from evidence to flags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.flags import extra_files, flags_from_audit, score_like_output, weak_isolation
from grader.result import FlagKind, Isolation


def test_audit_records_become_one_flag_per_kind() -> None:
    """Are several records of one kind merged into one readable flag?"""
    flags = flags_from_audit([("opens_socket", "socket family=2"),
                              ("opens_socket", "socket.connect ('1.2.3.4', 80)"),
                              ("imports_grader", "import grader.oracle")])
    assert [f.kind for f in flags] == [FlagKind.OPENS_SOCKET, FlagKind.IMPORTS_GRADER]
    assert "1.2.3.4" in flags[0].message and "family=2" in flags[0].message


@pytest.mark.parametrize("records", [None, "opens_socket", [("weak_isolation", "forged")],
                                     [("nonsense", "x")], [("opens_socket",)], [(1, 2)],
                                     {"opens_socket": "x"}])
def test_malformed_or_forged_records_are_dropped(records: object) -> None:
    """Can a student who tampers with the worker's reply crash grading or forge other flags?"""
    assert flags_from_audit(records) == []


def test_audit_details_are_clipped() -> None:
    """Does a huge or multi-line detail stay one short line?"""
    (flag,) = flags_from_audit([("spawns_processes", "x\n" * 10_000)])
    assert "\n" not in flag.message and len(flag.message) < 300


@pytest.mark.parametrize("text", [
    '{"score": 100, "max_score": 100}',
    '{"tests": [{"name": "relu"}]}',
    '{"id": "a/b/output", "status": "passed"}',
    "Score: 100/100",
    "final grade = 95 out of 100",
    "You earned 10/10 points",
    "All tests passed!",
    "all 42 checks passed",
    "Full marks.",
])
def test_grade_like_output_is_flagged(text: str) -> None:
    """Does output that imitates a grader get flagged?"""
    (flag,) = score_like_output(f"training...\n{text}\ndone")
    assert flag.kind is FlagKind.SCORE_LIKE_OUTPUT


@pytest.mark.parametrize("text", [
    "(Epoch 10 / 10) train acc: 0.510000; val_acc: 0.480000",
    "(Iteration 100 / 100) loss: 2.302585",
    "relu max error 1.2e-9",
    "Testing affine_forward function:\ndifference:  9.769849468192957e-10",
    "",
])
def test_training_logs_are_not_flagged(text: str) -> None:
    """Do CS231n-style training logs stay unflagged?"""
    assert score_like_output(text) == []


def test_expected_files_are_not_flagged(tmp_path: Path) -> None:
    """Is a submission with exactly the template's files (plus notes) clean?"""
    (tmp_path / "layers.py").write_text("")
    (tmp_path / "cs231n").mkdir()
    (tmp_path / "cs231n" / "optim.py").write_text("")
    (tmp_path / "notes.md").write_text("")
    (tmp_path / "helpers.py").write_text("")
    assert extra_files(tmp_path, ["layers.py", "cs231n/optim.py"]) == []


def test_auto_loaded_and_shadowing_files_are_flagged(tmp_path: Path) -> None:
    """Are conftest/sitecustomize/.pth/.pyc, modules named like numpy, and symlinks reported?"""
    (tmp_path / "layers.py").write_text("")
    (tmp_path / "deep").mkdir()
    for name in ("conftest.py", "sitecustomize.py", "evil.pth", "numpy.py",
                 "deep/usercustomize.py"):
        (tmp_path / name).write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "layers.cpython-311.pyc").write_bytes(b"")
    (tmp_path / "grader").mkdir()
    os.symlink("/etc/passwd", tmp_path / "data.txt")
    (flag,) = extra_files(tmp_path, ["layers.py"])
    assert flag.kind is FlagKind.EXTRA_FILES
    for name in ("conftest.py", "sitecustomize.py", "evil.pth", "numpy.py", "usercustomize.py",
                 "layers.cpython-311.pyc", "grader/", "data.txt"):
        assert name in flag.message, name


def test_only_sandboxes_count_as_strong_isolation() -> None:
    """Is grading without an OS sandbox always flagged, and with one never?"""
    assert weak_isolation(Isolation.BUBBLEWRAP) == weak_isolation(Isolation.NAMESPACES) == []
    for level in (Isolation.PROCESS, Isolation.IN_PROCESS):
        (flag,) = weak_isolation(level)
        assert flag.kind is FlagKind.WEAK_ISOLATION and level.value in flag.message
