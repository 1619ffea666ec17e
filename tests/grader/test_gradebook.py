"""The gradebook: content hashes, atomic rows, resume after kill -9, --force, changed files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from grader.batch import grade_batch
from grader.gradebook import EntryRecord, Gradebook, Outcome, content_hash
from grader.result import CheckResult, GradeResult, Status
from tests.conftest import ROOT
from tests.grader.test_batch import LIMITS, ONLY, mixed_folder, small_folder

_VOLATILE = {"seconds", "graded_at", "run_id"}  # timings and bookkeeping, not grades


def _stable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in _VOLATILE} for r in rows]


def test_content_hash_is_about_content_only(tmp_path: Path) -> None:
    a = tmp_path / "a"
    (a / "sub").mkdir(parents=True)
    (a / "layers.py").write_text("x = 1\n")
    (a / "sub" / "optim.py").write_text("y = 2\n")
    first = content_hash(a)
    (a / "__pycache__").mkdir()
    (a / "__pycache__" / "layers.pyc").write_bytes(b"junk")
    os.utime(a / "layers.py", (0, 0))
    assert content_hash(a) == first  # caches and timestamps are not content
    (a / "layers.py").write_text("x = 2\n")
    assert content_hash(a) != first
    (a / "layers.py").write_text("x = 1\n")
    (a / "sub" / "optim.py").rename(a / "optim.py")
    assert content_hash(a) != first  # where a file is matters
    (a / "optim.py").rename(a / "sub" / "optim.py")
    assert content_hash(a) == first
    (a / "secret").symlink_to("/etc/shadow")  # hashed by target, never read
    assert content_hash(a) != first


def test_a_row_and_its_checks_are_written_together_or_not_at_all(tmp_path: Path) -> None:
    check = CheckResult("a/f/output", "a", ("f",), Status.PASSED, 1.0, 1.0, "ok")
    good = EntryRecord("alice", "alice", "h1", Outcome.GRADED, GradeResult("alice", (check,)))
    broken = replace(good, content_hash="h2",  # the second check row violates the key
                     result=GradeResult("alice", (check, check)))
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.save("D", good, "{}", 1, 1.0)
        with pytest.raises(sqlite3.IntegrityError):
            book.save("D", broken, "{}", 1, 1.0)
        assert [r["content_hash"] for r in book.rows("D")] == ["h1"]
        assert len(book.check_rows("D")) == 1
        assert book.current("D", "alice", "h1", "{}") is not None
        assert book.current("D", "alice", "h2", "{}") is None


def test_resume_reuses_current_rows_and_regrades_changed_or_forced(tmp_path: Path) -> None:
    subs = small_folder(tmp_path)
    first = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS)
    assert (first.graded, first.reused) == (2, 0)
    stamps = {r.entry: r.graded_at for r in first.records}

    again = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS)
    assert (again.graded, again.reused) == (0, 2)
    assert {r.entry: r.graded_at for r in again.records} == stamps
    assert [r.result.to_json() for r in again.records] == [r.result.to_json()
                                                           for r in first.records]

    (subs / "bob" / "layers.py").write_text((ROOT / "reference" / "layers.py").read_text())
    changed = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS)
    assert [(r.entry, r.reused) for r in changed.records] == [("alice", True), ("bob", False)]
    assert changed.records[1].score == changed.max_score

    forced = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS, force=True)
    assert (forced.graded, forced.reused) == (2, 0)
    with Gradebook(forced.gradebook) as book:
        assert len(book.rows(str(subs.resolve()))) == 2  # replaced, never duplicated
        runs = book.runs()
    assert [(r["graded"], r["reused"]) for r in runs] == [(2, 0), (0, 2), (1, 1), (2, 0)]


def _cli(subs: Path, book: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "batch", str(subs), "--assignment", "activations",
            "--timeout", str(LIMITS.call_seconds), "--workers", "2", "--gradebook", str(book),
            "--out", str(out)]


def _finished(book: Path, directory: str) -> int:
    if not book.exists():
        return 0
    try:
        with sqlite3.connect(book, timeout=5) as db:
            return db.execute("SELECT count(*) FROM submissions WHERE directory = ?",
                              (directory,)).fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def test_sigkill_mid_batch_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    """kill -9 of the whole process group mid-batch, then the same command: is the final
    gradebook and CSV identical to an uninterrupted run's, with finished rows not regraded?"""
    subs = mixed_folder(tmp_path)
    key = str(subs.resolve())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    book, out = tmp_path / "killed.sqlite", tmp_path / "killed-out"
    proc = subprocess.Popen(_cli(subs, book, out), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _finished(book, key) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with Gradebook(book) as g:
        before = {r["entry"]: (r["graded_at"], r["run_id"]) for r in g.rows(key)}
    assert 1 <= len(before) < 8, "the kill should land mid-batch"

    done = subprocess.run(_cli(subs, book, out), cwd=ROOT, env=env, capture_output=True,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    clean_book, clean_out = tmp_path / "clean.sqlite", tmp_path / "clean-out"
    clean = subprocess.run(_cli(subs, clean_book, clean_out), cwd=ROOT, env=env,
                           capture_output=True, check=False)
    assert clean.returncode == 0, clean.stderr.decode()[-2000:]

    with Gradebook(book) as g, Gradebook(clean_book) as c:
        after = {r["entry"]: (r["graded_at"], r["run_id"]) for r in g.rows(key)}
        assert _stable(g.rows(key)) == _stable(c.rows(key))
        assert _stable(g.check_rows(key)) == _stable(c.check_rows(key))
        runs = g.runs()
    assert len(after) == 8
    assert all(after[e] == stamp for e, stamp in before.items())  # finished: not regraded
    assert runs[0]["finished_at"] is None and runs[1]["finished_at"] is not None
    assert runs[1]["graded"] == 8 - len(before) and runs[1]["reused"] == len(before)
    assert (out / "grades.csv").read_bytes() == (clean_out / "grades.csv").read_bytes()
