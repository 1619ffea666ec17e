"""The Gradescope entry point against a folder laid out as Gradescope lays out /autograder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from grader.gradescope import pick_submission, run_autograder
from tests.conftest import REFERENCE, ROOT, TEMPLATE
from tests.grader.test_exports import assert_gradescope_schema

ONLY = ["activations"]


def _container(tmp_path: Path, **files: str) -> Path:
    """/autograder as Gradescope prepares it: source/, submission/, metadata; no results/."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "source").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps(
        {"id": 1, "created_at": "2026-01-01T00:00:00Z", "users": [{"name": "Ada"}],
         "assignment": {"title": "Training NNs", "total_points": 29.5}}))
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    return root


def _results(root: Path) -> dict:
    return json.loads((root / "results" / "results.json").read_text())


def test_correct_upload_gets_full_marks_in_a_valid_results_json(tmp_path: Path) -> None:
    root = _container(tmp_path, **{"layers.py": (REFERENCE / "layers.py").read_text()})
    returned = run_autograder(root, only=ONLY)
    doc = _results(root)
    assert doc == returned
    assert_gradescope_schema(doc)
    assert doc["tests"] and doc["score"] == sum(t["max_score"] for t in doc["tests"])
    assert all(t["status"] == "passed" for t in doc["tests"])


def test_stubs_and_forged_results_score_zero(tmp_path: Path) -> None:
    """Student code writing results.json itself is overwritten by the real result."""
    forge = ("import json, pathlib\n"
             f"p = pathlib.Path({str(tmp_path / 'autograder' / 'results')!r})\n"
             "try:\n    p.mkdir(exist_ok=True)\n"
             "    (p / 'results.json').write_text(json.dumps({'score': 1000}))\n"
             "except OSError:\n    pass\n")
    root = _container(tmp_path, **{"layers.py": forge + (TEMPLATE / "layers.py").read_text()})
    run_autograder(root, only=ONLY)
    doc = _results(root)
    assert_gradescope_schema(doc)
    assert doc["score"] == 0 and all(t["status"] == "failed" for t in doc["tests"])


def test_a_single_zip_upload_is_what_gets_graded(tmp_path: Path) -> None:
    root = _container(tmp_path)
    with zipfile.ZipFile(root / "submission" / "hw.zip", "w") as z:
        z.write(REFERENCE / "layers.py", "layers.py")
    assert pick_submission(root / "submission") == root / "submission" / "hw.zip"
    nested = tmp_path / "nested"
    (nested / "my_work").mkdir(parents=True)
    assert pick_submission(nested) == nested / "my_work"


def test_not_a_submission_still_writes_results_json(tmp_path: Path) -> None:
    root = _container(tmp_path, **{"README.txt": "oops, wrong file"})
    run_autograder(root, only=ONLY)
    doc = _results(root)
    assert_gradescope_schema(doc)
    assert doc["score"] == 0 and doc["tests"] == []
    assert "could not be graded" in doc["output"] and str(root) not in doc["output"]


def test_run_autograder_script_end_to_end(tmp_path: Path) -> None:
    """The shipped gradescope/run_autograder, with the root and source pointed at tmp_path."""
    root = _container(tmp_path, **{"layers.py": (REFERENCE / "layers.py").read_text()})
    script = ROOT / "gradescope" / "run_autograder"
    assert os.access(script, os.X_OK)
    env = {**os.environ, "GRADESCOPE_ROOT": str(root), "GRADESCOPE_SOURCE": str(ROOT)}
    done = subprocess.run([shutil.which("bash") or "bash", str(script), "--assignment",
                           "activations"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    doc = _results(root)
    assert_gradescope_schema(doc)
    assert doc["score"] == sum(t["max_score"] for t in doc["tests"]) > 0
