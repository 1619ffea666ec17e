"""grade_batch: a mixed folder graded with one correct row per entry; limits; the CLI layer.

Also home of `mixed_folder` and `small_folder`, the folders the other batch tests grade.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from assignments.activations.mistakes import MISTAKES
from grader.batch import EventKind, discover, grade_batch
from grader.batch_cli import batch_main
from grader.gradebook import Gradebook, Outcome
from grader.isolation import Limits
from grader.process_tree import _proc_table
from grader.result import Status
from tests.conftest import REFERENCE, TEMPLATE, swap_in

ONLY = ["activations"]
LIMITS = Limits(call_seconds=0.5)
LOOP = "\n\ndef relu_forward(x):\n    while True:\n        pass\n"


def _layers(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "layers.py").write_text(text)
    return folder


def small_folder(root: Path) -> Path:
    """Two quick submissions: correct and stubs."""
    subs = root / "subs"
    _layers(subs / "alice", (REFERENCE / "layers.py").read_text())
    _layers(subs / "bob", (TEMPLATE / "layers.py").read_text())
    return subs


def mixed_folder(root: Path) -> Path:
    """One entry of every kind the issue names (8 entries, ~10 s of grading on one core)."""
    subs = small_folder(root)
    mistake = _layers(subs / "carol", (REFERENCE / "layers.py").read_text())
    swap_in(mistake, "relu_backward", next(m for m in MISTAKES if m.target == "relu_backward").impl)
    _layers(subs / "dave", 'raise RuntimeError("boom at import")\n')
    _layers(subs / "erin", (REFERENCE / "layers.py").read_text() + LOOP)
    with zipfile.ZipFile(subs / "alice.zip", "w") as z:  # duplicate id with alice/
        z.write(REFERENCE / "layers.py", "layers.py")
    (subs / "frank").mkdir()
    (subs / "notes.txt").write_text("not a submission\n")
    (subs / ".DS_Store").write_text("hidden files are skipped\n")
    return subs


def test_mixed_folder_gives_one_correct_row_per_entry(tmp_path: Path) -> None:
    """Is every entry graded once, each kind with the right outcome, without stopping?"""
    subs = mixed_folder(tmp_path)
    events = []
    summary = grade_batch(subs, workers=2, only=ONLY, limits=LIMITS, progress=events.append)
    rows = {r.entry: r for r in summary.records}
    assert sorted(rows) == ["alice", "alice.zip", "bob", "carol", "dave", "erin", "frank",
                            "notes.txt"]
    top = summary.max_score
    assert rows["alice"].outcome is Outcome.GRADED and rows["alice"].score == top
    assert rows["bob"].score == 0 and {c.status for c in rows["bob"].result.checks} == {
        Status.NOT_IMPLEMENTED}
    carol = rows["carol"].result
    assert 0 < carol.score < top
    wrong = [c for c in carol.checks if c.status is Status.FAILED]
    assert wrong and all("relu_backward" in c.targets for c in wrong)
    assert any(c.hint and "dout" in c.hint for c in wrong)
    assert rows["dave"].score == 0 and "boom at import" in rows["dave"].result.checks[0].message
    erin = rows["erin"].result
    timed_out = [c for c in erin.checks if c.status is Status.TIMEOUT]
    assert timed_out and all("relu_forward" in c.targets for c in timed_out)
    assert any(c.status is Status.PASSED for c in erin.checks)
    for bad in ("frank", "notes.txt"):
        assert rows[bad].outcome is Outcome.INVALID
        assert rows[bad].problem.startswith(f"{bad}:") and "\n" not in rows[bad].problem
    assert rows["alice"].duplicates == ("alice.zip",)
    assert rows["alice.zip"].duplicates == ("alice",)
    assert "also claimed by alice" in rows["alice.zip"].problem
    if rows["alice.zip"].outcome is Outcome.GRADED:  # the zip loader is another engineer's
        assert rows["alice.zip"].score == top
    finished = [e for e in events if e.kind is EventKind.FINISHED]
    assert len(finished) == 8 and finished[-1].done == finished[-1].total == 8
    with Gradebook(summary.gradebook) as book:
        stored = book.rows(str(subs.resolve()))
        checks = book.check_rows(str(subs.resolve()))
    assert [r["entry"] for r in stored] == sorted(rows)
    assert len(checks) == sum(len(r.result.checks) for r in summary.records)
    assert summary.gradebook == tmp_path / "gradebook.sqlite"


def _ours(pid: int) -> set[int]:
    """Live descendants of `pid` by parent links (other engineers' processes excluded)."""
    table = _proc_table()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, (ppid, _, _) in table.items() if ppid in frontier} - found
        found |= frontier
    alive = set()
    for p in found:
        try:
            state = Path(f"/proc/{p}/stat").read_text()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if state[state.rindex(")") + 2] not in "ZX" and b"forkserver" not in cmd \
                and b"resource_tracker" not in cmd:
            alive.add(p)
    return alive


def test_submission_time_limit_kills_the_grading_and_the_batch_goes_on(tmp_path: Path) -> None:
    """Does a grading over the per-submission limit become a TIMEOUT row, leave no process
    behind, and let the other entries finish?"""
    subs = tmp_path / "subs"
    _layers(subs / "erin", (REFERENCE / "layers.py").read_text() + LOOP)
    (subs / "notes.txt").write_text("x")
    summary = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS, submission_seconds=0.6)
    rows = {r.entry: r for r in summary.records}
    assert rows["erin"].outcome is Outcome.TIMEOUT
    assert "0.6 s" in rows["erin"].problem
    assert rows["notes.txt"].outcome is Outcome.INVALID
    assert not _ours(os.getpid())


def test_symlinked_entry_is_reported_not_followed(tmp_path: Path) -> None:
    """Is an entry that is a link (e.g. to the reference) refused rather than graded?"""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "mallory").symlink_to(REFERENCE)
    summary = grade_batch(subs, workers=1, only=ONLY, limits=LIMITS)
    (row,) = summary.records
    assert row.outcome is Outcome.INVALID and "symbolic link" in row.problem


def test_discover_skips_hidden_files_and_the_gradebook(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "a").mkdir(parents=True)
    for name in (".hidden", "book.sqlite", "book.sqlite-wal", "b.ipynb"):
        (subs / name).write_text("")
    assert [e.name for e in discover(subs, subs / "book.sqlite")] == ["a", "b.ipynb"]
    assert [e.student for e in discover(subs, subs / "book.sqlite")] == ["a", "b"]


def test_cli_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """2 for usage errors (missing DIR, a file, unknown assignment), 0 when grading ran."""
    assert batch_main([str(tmp_path / "missing")]) == 2
    (tmp_path / "file").write_text("")
    assert batch_main([str(tmp_path / "file")]) == 2
    subs = tmp_path / "subs"
    subs.mkdir()
    assert batch_main([str(subs), "--assignment", "no_such_assignment"]) == 2
    with pytest.raises(SystemExit) as exc:
        batch_main([str(subs), "--workers", "0"])
    assert exc.value.code == 2
    (subs / "notes.txt").write_text("x")
    assert batch_main([str(subs), "--assignment", "activations", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "notes.txt" in out and "invalid" in out
    assert (tmp_path / "subs-results" / "grades.csv").read_text().startswith(
        "student,score,max_score,activations\n")
    shutil.rmtree(subs)
