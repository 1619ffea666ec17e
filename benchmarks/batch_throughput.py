"""Batch-grading throughput: 1 worker vs 2 workers on generated submissions, plus 20 small
notebook submissions end to end through the `grade batch` command.

    python benchmarks/batch_throughput.py            # 100 submissions, then 20 notebooks
    python benchmarks/batch_throughput.py --quick    # 20 submissions, then 20 notebooks

The mix is realistic for the night after a deadline: mostly correct work, known mistakes,
untouched stubs, code that crashes (at import or when called) and code that hangs. Each run
uses a fresh gradebook, so nothing is reused. This is a script, not a test: wall times on a
shared machine are noisy, so the load average is printed beside each figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assignments.activations.mistakes import MISTAKES
from grader.batch import grade_batch
from grader.gradebook import Outcome
from grader.isolation import Limits
from tests.conftest import swap_in

ONLY = ["activations"]
QUOTED_SECONDS = 100.0  # issue #5: nbgrader / Otter, ~100 s for 20 small notebook submissions

_REFERENCE = (ROOT / "reference" / "layers.py").read_text()
_TEMPLATE = (ROOT / "student_template" / "layers.py").read_text()
_HANG = "\n\ndef relu_forward(x):\n    while True:\n        pass\n"
_CRASH_CALL = "\n\ndef sigmoid_forward(x):\n    raise RuntimeError('oops')\n"
_CRASH_IMPORT = "import numpy as np\nnp.zeros(3)[7]\n"

# kind -> share of the batch (sums to 100)
MIX = {"correct": 55, "buggy": 20, "stubs": 8, "crash_call": 5, "crash_import": 5, "hang": 7}


def _kinds(n: int) -> list[str]:
    """Spread the mix over n submissions, interleaved so both halves look alike."""
    pool = [k for k, share in MIX.items() for _ in range(share)]
    step = len(pool) / n
    return [pool[int(i * step)] for i in range(n)]


def generate(folder: Path, n: int) -> dict[str, int]:
    folder.mkdir(parents=True)
    counts: dict[str, int] = {}
    for i, kind in enumerate(_kinds(n)):
        sub = folder / f"student{i:03d}"
        sub.mkdir()
        text = {"correct": _REFERENCE, "buggy": _REFERENCE, "stubs": _TEMPLATE,
                "crash_call": _REFERENCE + _CRASH_CALL, "crash_import": _CRASH_IMPORT,
                "hang": _REFERENCE + _HANG}[kind]
        (sub / "layers.py").write_text(text)
        if kind == "buggy":
            swap_in(sub, MISTAKES[i % len(MISTAKES)].target, MISTAKES[i % len(MISTAKES)].impl)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def generate_notebooks(folder: Path, n: int) -> None:
    import nbformat

    folder.mkdir(parents=True)
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        code = _REFERENCE if i % 4 else _REFERENCE + _CRASH_CALL  # a few with a bug
        nb.cells = [nbformat.v4.new_markdown_cell("# Activations"),
                    nbformat.v4.new_code_cell("import numpy as np"),
                    nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, folder / f"student{i:02d}.ipynb")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load avg {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def run(folder: Path, workers: int, limits: Limits, book: Path
        ) -> tuple[float, float, dict[str, int]]:
    """(wall seconds, achieved concurrency, outcomes). Concurrency = summed per-submission
    grading time / wall time: near `workers` means the batch machinery serialises nothing,
    whatever else is competing for the cores."""
    start = time.perf_counter()
    summary = grade_batch(folder, workers=workers, only=ONLY, limits=limits, gradebook=book)
    seconds = time.perf_counter() - start
    outcomes = {o.value: summary.count(o) for o in Outcome if summary.count(o)}
    assert summary.graded == len(summary.records), "a fresh gradebook must grade everything"
    busy = sum(r.result.seconds for r in summary.records)
    return seconds, busy / seconds, outcomes


def throughput(n: int, call_seconds: float, tmp: Path) -> None:
    folder = tmp / "subs"
    mix = generate(folder, n)
    limits = Limits(call_seconds=call_seconds)
    print(f"{n} generated submissions: " + ", ".join(f"{v} {k}" for k, v in mix.items()))
    print(f"activations only, {call_seconds:g} s per call into student code\n")
    results = {}
    for workers in (1, 2):
        print(f"  {workers} worker{'s' if workers > 1 else ' '} ... ({_load()})", flush=True)
        seconds, busy, outcomes = run(folder, workers, limits,
                                      tmp / f"gradebook-{workers}.sqlite")
        results[workers] = seconds
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: {seconds:7.1f} s  "
              f"{60 * n / seconds:6.1f} submissions/min  achieved concurrency {busy:.2f}  "
              f"{outcomes}")
    ratio = results[1] / results[2]
    print(f"\n  speed-up 2 workers / 1 worker: {ratio:.2f}x (target >= 1.7x on 2 idle cores)\n")


def isolation_cost(n: int, call_seconds: float, tmp: Path) -> None:
    """Batch throughput with the OS sandbox vs plain process isolation, 2 workers each."""
    folder = tmp / "subs"
    if not folder.exists():
        generate(folder, n)
    limits = Limits(call_seconds=call_seconds)
    seconds = {}
    for level in ("process", "sandbox"):
        saved = os.environ.pop("GRADER_ISOLATION", None)
        if level == "process":
            os.environ["GRADER_ISOLATION"] = "process"
        try:
            seconds[level], _, _ = run(folder, 2, limits, tmp / f"gradebook-{level}.sqlite")
        finally:
            os.environ.pop("GRADER_ISOLATION", None)
            if saved is not None:
                os.environ["GRADER_ISOLATION"] = saved
    drop = 1 - seconds["process"] / seconds["sandbox"]
    print(f"hardening cost, {n} submissions, 2 workers ({_load()}):")
    print(f"  process isolation {seconds['process']:6.1f} s, OS sandbox {seconds['sandbox']:6.1f} s:"
          f" throughput drop {drop:.1%} (target < 15%)\n")


def end_to_end(n: int, tmp: Path) -> None:
    """The whole `grade batch` command (interpreter start, grading, exports) on notebooks."""
    folder = tmp / "notebooks"
    generate_notebooks(folder, n)
    command = [sys.executable, "-m", "grader.cli", "batch", str(folder), "--assignment",
               "activations", "--gradebook", str(tmp / "nb.sqlite"), "--out", str(tmp / "nb-out")]
    print(f"{n} small notebook submissions, `grade batch` end to end, default workers "
          f"({_load()})", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stderr[-2000:])
        raise SystemExit("grade batch failed")
    print(f"  ours: {seconds:.1f} s for {n} notebooks")
    print(f"  comparison with the figure QUOTED in issue #5 (nbgrader / Otter, ~{QUOTED_SECONDS:g} s"
          f" for 20 small notebooks; not measured here): {QUOTED_SECONDS / seconds:.1f}x faster, "
          f"{seconds / QUOTED_SECONDS:.1%} of the time (target <= 10%)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 submissions instead of 100")
    p.add_argument("-n", type=int, help="number of generated submissions")
    p.add_argument("--call-seconds", type=float, default=1.0,
                   help="time limit per call into student code (hangs cost this per call)")
    p.add_argument("--skip-notebooks", action="store_true")
    p.add_argument("--skip-isolation-cost", action="store_true")
    args = p.parse_args()
    n = args.n or (20 if args.quick else 100)
    tmp = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    try:
        throughput(n, args.call_seconds, tmp)
        if not args.skip_isolation_cost:
            isolation_cost(n, args.call_seconds, tmp)
        if not args.skip_notebooks:
            end_to_end(20, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
