"""Cost of isolation: grading a complete submission through `grade` vs the same checks run
in-process with no isolation at all (the floor), side by side in one run.

    python benchmarks/grade_vs_inprocess.py [--repeat 3] [--assignment NAME]

Also prints one assignment's self-check time against the figures the project's issue quotes
for nbgrader `validate` (~2.2 s) and `otter check` (~4.9 s) on an equivalent assignment on this
machine class; those two tools are not run here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Workers run numpy with one BLAS thread (batches run several side by side); the floor must
# too, or the ratio would measure BLAS threading instead of isolation.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from grader.grading import DEFAULT_LIMITS, default_course, default_oracle, grade  # noqa: E402
from grader.runner import run_checks  # noqa: E402
from grader.spare import prestart  # noqa: E402
from grader.student import InProcessBackend, Student  # noqa: E402
from grader.submission import load_submission  # noqa: E402

NBGRADER_VALIDATE_S = 2.2
OTTER_CHECK_S = 4.9


def in_process(path: Path, only: list[str] | None) -> float:
    course = default_course()
    oracle = default_oracle(course)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_submission(path, course, Path(tmp))
        run_checks(Student(InProcessBackend(loaded.layout)), course.select(only), oracle)
    return time.perf_counter() - start


def isolated(path: Path, only: list[str] | None, warm: bool = False) -> tuple[float, str]:
    """`grade` as the command runs it: boot the worker (prestart), then grade with it."""
    start = time.perf_counter()
    if not warm:
        prestart(path, DEFAULT_LIMITS)
    result = grade(path, only=only, warm=warm)
    return time.perf_counter() - start, result.isolation.value


def cold_cli(path: Path, assignment: str) -> float:
    """`grade PATH --assignment A` as a fresh process: interpreter, imports and all."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", str(path), "--assignment", assignment,
                    "--json"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--assignment", default="activations",
                   help="assignment for the self-check comparison")
    args = p.parse_args()
    submission = ROOT / "reference"
    in_process(submission, None)  # warm imports and caches for both sides
    floor, iso, level = [], [], ""
    for _ in range(args.repeat):
        floor.append(in_process(submission, None))
        seconds, level = isolated(submission, None)
        iso.append(seconds)
    f, g = statistics.median(floor), statistics.median(iso)
    print(f"whole submission, median of {args.repeat}:")
    print(f"  in-process floor (no isolation) {f:7.3f} s")
    print(f"  grade ({level:>10} isolation) {g:7.3f} s")
    print(f"  ratio grade / floor            {g / f:7.2f}x   (target: within 2x)")
    warm_runs = []
    isolated(submission, [args.assignment], warm=True)  # boots the first spare
    for _ in range(args.repeat):
        time.sleep(1.0)  # a student reads the result before the next check cell (not timed)
        warm_runs.append(isolated(submission, [args.assignment], warm=True)[0])
    warm = statistics.median(warm_runs)
    cold = statistics.median(cold_cli(submission, args.assignment) for _ in range(args.repeat))
    print(f"self-check of one assignment ({args.assignment}), median of {args.repeat}:")
    for label, seconds in (("notebook check() (warm process)", warm),
                           ("`grade --assignment` (new process)", cold)):
        print(f"  {label:36} {seconds:6.3f} s: {NBGRADER_VALIDATE_S / seconds:5.1f}x faster than "
              f"nbgrader validate (quoted {NBGRADER_VALIDATE_S} s, target 10x), "
              f"{OTTER_CHECK_S / seconds:5.1f}x than otter check (quoted {OTTER_CHECK_S} s, "
              "target 20x)")


if __name__ == "__main__":
    main()
