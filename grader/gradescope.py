"""Gradescope entry point: grade /autograder/submission, write /autograder/results/results.json.

`python -m grader.gradescope [--root /autograder]` (what gradescope/run_autograder runs). The
root is configurable (`--root` or $GRADESCOPE_ROOT) so tests can lay out a fake container.

Always writes a valid results.json, even when grading crashes: a missing or malformed file
shows students only "The autograder failed to execute correctly" (notes §2.1). Student code
runs in the engine's sandboxed workers; this process alone writes the results, and the
results folder is hidden from the workers so they cannot forge them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.gradebook import Outcome
from grader.result import GradeResult

__all__ = ["main", "pick_submission", "run_autograder"]

ROOT_ENV = "GRADESCOPE_ROOT"
DEFAULT_ROOT = Path("/autograder")
_FILE_KINDS = (".zip", ".ipynb")


def pick_submission(folder: Path) -> Path:
    """What to grade in Gradescope's submission folder.

    Students may upload the module files themselves (the folder is the submission), a single
    .zip or notebook (that file is), or one folder holding the files (that folder is).
    """
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if any(p.suffix == ".py" and p.is_file() for p in entries):
        return folder
    files = [p for p in entries if p.is_file() and p.suffix.lower() in _FILE_KINDS]
    if len(files) == 1:
        return files[0]
    dirs = [p for p in entries if p.is_dir() and not p.is_symlink()]
    if len(dirs) == 1 and not files:
        return dirs[0]
    return folder  # let the loaders name the problem


def run_autograder(root: Path = DEFAULT_ROOT, *, only: Sequence[str] | None = None,
                   call_seconds: float | None = None) -> dict[str, Any]:
    """Grade `root`/submission and write `root`/results/results.json; return the document."""
    from grader.exports import gradescope_results
    from grader.grading import grade
    from grader.isolation import Limits
    from grader.submission import SubmissionError

    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    submission = root / "submission"
    limits = Limits() if call_seconds is None else Limits(call_seconds=call_seconds)
    empty = GradeResult(submission="submission", checks=())
    try:
        target = pick_submission(submission)
        result = grade(target, only=only, limits=limits, hide=(results_dir,))
        doc = gradescope_results(result)
    except SubmissionError as exc:
        doc = gradescope_results(empty, Outcome.INVALID,
                                 str(exc).replace(str(submission), "your submission"))
    except Exception as exc:  # noqa: BLE001 - results.json must exist whatever happened
        traceback.print_exc()  # goes to Gradescope's stdout log, which only staff see
        doc = gradescope_results(empty, Outcome.CRASHED,
                                 f"internal autograder error ({type(exc).__name__}); "
                                 "please tell the course staff")
    # One write of a complete document: nothing printed can interleave with it.
    tmp = results_dir / "results.json.tmp"
    tmp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, results_dir / "results.json")
    return doc


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m grader.gradescope",
                                description="Gradescope run_autograder entry point.")
    p.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV, DEFAULT_ROOT)),
                   help="container root holding submission/ and results/ (default /autograder)")
    p.add_argument("--assignment", action="append", metavar="NAME",
                   help="grade only this assignment (repeatable)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="time limit per call into student code")
    args = p.parse_args(argv)
    if not (args.root / "submission").is_dir():
        print(f"grader.gradescope: {args.root / 'submission'}: no such folder", file=sys.stderr)
        return 2
    doc = run_autograder(args.root, only=args.assignment, call_seconds=args.timeout)
    print(f"score {doc['score']} over {len(doc['tests'])} tests")  # staff-only stdout log
    return 0


if __name__ == "__main__":
    sys.exit(main())
