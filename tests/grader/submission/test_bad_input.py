"""Bad input gives one clear line (SubmissionError), or a per-module error while grading: never
a traceback, and never a reason to stop grading the rest."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import assignments
from grader.grading import grade
from grader.result import Status
from grader.submission import SubmissionError, load_submission
from tests.conftest import REFERENCE, ROOT

COURSE = assignments.COURSE
MakeSubmission = Callable[..., Path]


def one_line_error(path: Path, tmp_path: Path) -> str:
    with pytest.raises(SubmissionError) as err:
        load_submission(path, COURSE, tmp_path / "scratch")
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_missing_empty_and_unrelated_paths(tmp_path: Path) -> None:
    assert one_line_error(tmp_path / "nope", tmp_path).endswith(": no such file or folder")
    (tmp_path / "empty").mkdir()
    assert one_line_error(tmp_path / "empty", tmp_path).endswith(": the folder is empty")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("todo")
    assert ": not a submission (expected a folder with layers.py, optim.py" in one_line_error(
        tmp_path / "notes", tmp_path)
    (tmp_path / "essay.txt").write_text("I did it")
    assert ": not a submission" in one_line_error(tmp_path / "essay.txt", tmp_path)


def test_control_characters_in_names_stay_on_one_line(tmp_path: Path) -> None:
    """Entry names are the student's: a newline in one must not split the message."""
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as zf:
        zf.writestr("evil\nname/../../x.py", "x = 1")
    assert "evil\\nname" in one_line_error(tmp_path / "s.zip", tmp_path)


def test_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 truncated")
    proc = subprocess.run([sys.executable, "-m", "grader", str(tmp_path / "bad.zip")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"grade: {tmp_path / 'bad.zip'}: not a valid zip archive (File is not a zip file)"]


def test_symlinks_are_skipped_and_reported(make_submission: MakeSubmission,
                                          tmp_path: Path) -> None:
    """Symlinks in a folder (to a file outside, to the reference's optim.py, to a folder) are
    not followed: the rest is graded and each link is reported as a flag."""
    root = make_submission()
    (root / "optim.py").unlink()
    (root / "optim.py").symlink_to(REFERENCE / "optim.py")
    (root / "secret.txt").symlink_to("/etc/hostname")
    (root / "ref").symlink_to(REFERENCE, target_is_directory=True)
    loaded = load_submission(root, COURSE, tmp_path / "scratch")
    assert "optim" not in loaded.layout.modules
    assert sorted(loaded.problems) == ["optim.py: symbolic link skipped",
                                       "ref: symbolic link skipped",
                                       "secret.txt: symbolic link skipped"]
    assert not any(p.is_symlink() for p in loaded.root.rglob("*"))
    result = grade(root, only=["activations"])
    assert result.score == result.max_score > 0
    assert "optim.py: symbolic link skipped" in {f.message for f in result.flags}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_folder(make_submission: MakeSubmission, tmp_path: Path) -> None:
    root = make_submission()
    (root / "private").mkdir()
    (root / "private").chmod(0)
    try:
        assert "cannot be read" in one_line_error(root, tmp_path)
    finally:
        (root / "private").chmod(0o700)


def test_a_broken_module_costs_only_its_checks(make_submission: MakeSubmission) -> None:
    """optim.py with a syntax error does not touch the layers checks (full marks)."""
    root = make_submission()
    optim = root / "optim.py"
    optim.write_text("def sgd(w, dw, config=None)\n" + optim.read_text())
    result = grade(root, only=["activations"])
    assert result.score == result.max_score > 0


def test_non_utf8_source_is_an_import_error(make_submission: MakeSubmission) -> None:
    """layers.py that is not UTF-8 fails to import in the worker: every layers check says
    so, and grading goes on (no crash, no SubmissionError)."""
    root = make_submission()
    layers = root / "layers.py"
    layers.write_bytes(b"GREETING = 'caf\xe9'\n" + layers.read_bytes())
    result = grade(root, only=["activations"])
    assert result.score == 0 and result.checks
    # Property checks currently report the import error as `failed` (with the same message).
    assert Status.ERROR in {c.status for c in result.checks}
    assert {c.status for c in result.checks} <= {Status.ERROR, Status.FAILED}
    assert all("importing layers.py failed: SyntaxError: (unicode error)" in c.message
               for c in result.checks)


def test_syntax_error_in_a_cs231n_folder(tmp_path: Path) -> None:
    """The same per-module error when CS231n's fc_net.py is broken: layers still graded."""
    from tests.grader.submission.test_cs231n import make_cs231n

    folder = make_cs231n(tmp_path)
    (folder / "cs231n" / "classifiers" / "fc_net.py").write_text("class TwoLayerNet(:\n")
    result = grade(folder, only=["activations"])
    assert result.score == result.max_score > 0
