"""What a batch leaves behind for people and tools: the contract's CSV, Gradescope results.json
per submission, per-student feedback (visible checks only) and a summary report with pass rates
and a score histogram.

Everything here is derived from a BatchSummary, i.e. from the gradebook's records, so a resumed
batch exports exactly what an uninterrupted one would. Nothing here contains timings or dates:
two runs over the same files produce byte-identical CSVs.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch import BatchSummary
from grader.gradebook import EntryRecord, Outcome
from grader.result import GradeResult, Status, Visibility

__all__ = [
    "preload_plotting",
    "Exports",
    "export_all",
    "gradescope_results",
    "write_csv",
    "write_feedback",
    "write_gradescope",
    "write_report",
]

# Gradescope hides a submission's total when any test is "hidden" (notes §2.2), which confuses
# students; "after_published" keeps hidden checks private until grades are released instead.
HIDDEN_ON_GRADESCOPE = "after_published"
_OUTPUT_LIMIT = 2000  # characters of student output per test: results.json must stay small


@dataclass(frozen=True)
class Exports:
    csv: Path
    gradescope: Path  # folder of <entry>.json
    feedback: Path  # folder of <entry>.txt
    report: Path
    histogram: Path | None  # None when matplotlib is missing
    notes: tuple[str, ...] = ()


def _num(x: float) -> str:
    """Stable decimal text: no exponent, no float noise, no trailing zeros."""
    text = f"{round(x, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def csv_label(record: EntryRecord) -> str:
    """The `student` cell. Duplicated ids name their entry so that an LMS import fails loudly
    on them instead of silently keeping whichever row came last."""
    return f"{record.student} [{record.entry}]" if record.duplicates else record.student


def write_csv(summary: BatchSummary, path: Path) -> Path:
    """CONTRACT §2: header student, score, max_score, one column per assignment; one row per
    entry. Ungradable entries score 0 out of the full maximum (their reason is in the report)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [name for name, _ in summary.assignments]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["student", "score", "max_score", *names])
        for r in sorted(summary.records, key=lambda r: (csv_label(r), r.entry)):
            totals = r.result.by_assignment()
            writer.writerow([csv_label(r), _num(r.score), _num(summary.max_score),
                             *(_num(totals.get(n, (0.0, 0.0))[0]) for n in names)])
    return path


def _test_output(c: Any, visible: bool) -> str:
    parts = [f"{c.status.value}: {c.message}"]
    if c.hint:
        parts.append(f"hint: {c.hint}")
    if visible and c.output.strip() and c.status is not Status.PASSED:
        parts.append("your code printed:\n" + c.output.strip()[-_OUTPUT_LIMIT:])
    return "\n".join(parts)


def gradescope_results(result: GradeResult, outcome: Outcome = Outcome.GRADED,
                       error: str | None = None) -> dict[str, Any]:
    """One submission as Gradescope's results.json (autograder_samples docs/specs.md).

    The top-level `score` is set explicitly (it overrides the sum of the tests), so a
    submission that could not be graded still shows 0 with the reason in `output`.
    """
    doc: dict[str, Any] = {
        "score": round(result.score, 6) if outcome is Outcome.GRADED else 0.0,
        "execution_time": round(result.seconds, 3),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "test_output_format": "text",
        "tests": [],
    }
    if outcome is not Outcome.GRADED:
        doc["output"] = f"Your submission could not be graded: {error}"
        doc["extra_data"] = {"outcome": outcome.value}
        return doc
    order = {name: i for i, name in enumerate(result.assignments(), start=1)}
    seen: Counter[str] = Counter()
    for c in result.checks:
        seen[c.assignment] += 1
        visible = c.visibility is Visibility.VISIBLE
        doc["tests"].append({
            "name": c.id,
            "number": f"{order[c.assignment]}.{seen[c.assignment]}",
            "score": round(c.score, 6),
            "max_score": round(c.max_score, 6),
            "status": "passed" if c.status is Status.PASSED else "failed",
            "output": _test_output(c, visible),
            "visibility": "visible" if visible else HIDDEN_ON_GRADESCOPE,
            "tags": [c.assignment, *c.targets],
            "extra_data": {"status": c.status.value},
        })
    hidden = sum(c.visibility is Visibility.HIDDEN for c in result.checks)
    shown = result.visible_only()
    passed = sum(c.status is Status.PASSED for c in shown.checks)
    doc["output"] = (f"{passed} of {len(shown.checks)} visible checks passed"
                     + (f"; {hidden} hidden checks are shown when grades are published."
                        if hidden else "."))
    if result.flags:  # for instructors: extra_data is stored, never shown to students
        doc["extra_data"] = {"flags": [f.to_json() for f in result.flags]}
    return doc


def _safe_name(entry: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in entry) or "_"


def write_gradescope(summary: BatchSummary, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for r in summary.records:
        doc = gradescope_results(r.result, r.outcome, r.problem)
        (folder / f"{_safe_name(r.entry)}.json").write_text(
            json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return folder


def feedback_text(record: EntryRecord) -> str:
    """What the student would see: visible checks only, no flags (those are for staff)."""
    from grader.render import render_text

    if record.outcome is not Outcome.GRADED:
        return f"{record.student}: your submission could not be graded.\n{record.error}\n"
    full = record.result
    shown = full.visible_only()
    text = render_text(GradeResult(submission=record.student, checks=shown.checks,
                                   isolation=full.isolation, seconds=full.seconds))
    hidden = len(full.checks) - len(shown.checks)
    if hidden:
        text += f"\n{hidden} hidden checks were also run; they appear when grades are published.\n"
    return text


def write_feedback(summary: BatchSummary, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for r in summary.records:
        (folder / f"{_safe_name(r.entry)}.txt").write_text(feedback_text(r), encoding="utf-8")
    return folder


def _percentages(summary: BatchSummary) -> list[float]:
    top = summary.max_score
    return [100 * r.score / top if top else 0.0 for r in summary.records
            if r.outcome is Outcome.GRADED]


def preload_plotting() -> None:
    """Import matplotlib's drawing code ahead of time (call it on a thread while grading runs):
    it costs about a second, which would otherwise come after the last submission."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        pass


def write_histogram(summary: BatchSummary, path: Path) -> Path | None:
    """PNG of graded scores in percent; None when matplotlib is not installed."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    # Figure + Agg canvas directly, not pyplot: no global backend switch, no GUI, thread-safe.
    fig = Figure(figsize=(6, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.hist(_percentages(summary), bins=[10 * i for i in range(11)], color="#4878a8",
            edgecolor="white")
    ax.set_xlabel("score (% of maximum)")
    ax.set_ylabel("submissions")
    ax.set_title(f"{summary.directory.name}: {summary.count(Outcome.GRADED)} graded submissions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def pass_rates(summary: BatchSummary) -> list[dict[str, Any]]:
    """Per check: how many submissions passed it and the most common hint (common mistakes)."""
    rows: dict[str, dict[str, Any]] = {}
    for r in summary.records:
        for c in r.result.checks:
            row = rows.setdefault(c.id, {"id": c.id, "runs": 0, "passed": 0,
                                         "statuses": Counter(), "hints": Counter()})
            row["runs"] += 1
            row["passed"] += c.status is Status.PASSED
            row["statuses"][c.status.value] += 1
            if c.hint:
                row["hints"][c.hint] += 1
    return sorted(rows.values(), key=lambda row: (row["passed"] / row["runs"], row["id"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_report(summary: BatchSummary, folder: Path) -> tuple[Path, Path | None]:
    """report.md (totals, problems, per-check pass rates) and histogram.png beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    histogram = write_histogram(summary, folder / "histogram.png")
    pct = _percentages(summary)
    lines = [f"# Batch report: {summary.directory.name}", "",
             f"- entries: {len(summary.records)}",
             *(f"- {o.value}: {summary.count(o)}" for o in Outcome),
             f"- maximum score: {_num(summary.max_score)}"]
    if pct:
        lines.append(f"- graded scores: mean {statistics.mean(pct):.1f}%, median "
                     f"{statistics.median(pct):.1f}%, min {min(pct):.1f}%, max {max(pct):.1f}%")
    lines += ["", "## Score histogram", ""]
    lines.append("![score histogram](histogram.png)" if histogram else
                 "_matplotlib is not installed, so no histogram picture was drawn "
                 "(`pip install matplotlib`)._")
    problems = summary.problems()
    if problems:
        lines += ["", "## Entries needing attention", "", "| entry | problem |", "|---|---|"]
        lines += [f"| {_cell(e)} | {_cell(p)} |" for e, p in problems]
    lines += ["", "## Pass rate per check (hardest first)", "",
              "| check | passed | statuses | most common hint |", "|---|---|---|---|"]
    for row in pass_rates(summary):
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(row["statuses"].items()))
        hint = row["hints"].most_common(1)[0][0] if row["hints"] else ""
        lines.append(f"| {row['id']} | {row['passed']}/{row['runs']} "
                     f"({100 * row['passed'] / row['runs']:.0f}%) | {statuses} | {_cell(hint)} |")
    report = folder / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report, histogram


def default_output(directory: Path) -> Path:
    """Exports go beside DIR (never inside it, where they would become entries)."""
    directory = directory.resolve()
    return directory.parent / f"{directory.name}-results"


def export_all(summary: BatchSummary, out: Path | None = None,
               csv_path: Path | None = None) -> Exports:
    out = out or default_output(summary.directory)
    csv_file = write_csv(summary, csv_path or out / "grades.csv")
    report, histogram = write_report(summary, out)
    notes = () if histogram else ("matplotlib is missing: report without histogram picture",)
    return Exports(csv=csv_file, gradescope=write_gradescope(summary, out / "gradescope"),
                   feedback=write_feedback(summary, out / "feedback"), report=report,
                   histogram=histogram, notes=notes)
