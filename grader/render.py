"""What a person sees: rich tables, progress bars and summaries. The only module importing rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from grader.result import CheckResult, GradeResult, Status

__all__ = ["check_progress", "render_result", "stderr_console", "stdout_console"]

_STYLE = {
    Status.PASSED: "green", Status.FAILED: "red", Status.ERROR: "red bold",
    Status.TIMEOUT: "magenta", Status.NOT_IMPLEMENTED: "yellow", Status.SKIPPED: "dim",
}
_MARK = {
    Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!", Status.TIMEOUT: "⏱",
    Status.NOT_IMPLEMENTED: "·", Status.SKIPPED: "-",
}


def stdout_console() -> Console:
    return Console(highlight=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def _score(s: float, m: float) -> str:
    return f"{s:g}/{m:g}"


def render_result(result: GradeResult, console: Console, *, verbose: bool = False) -> None:
    """One table per assignment; failing checks expanded with message and hint; a summary."""
    if result.error:
        console.print(f"[red bold]could not grade {escape(result.submission)}:[/] {escape(result.error)}")
        return
    totals = result.by_assignment()
    for name in result.assignments():
        checks = [c for c in result.checks if c.assignment == name]
        score, max_score = totals[name]
        table = Table(title=f"{name}  {_score(score, max_score)}", title_justify="left",
                      show_header=True, expand=True, show_lines=False)
        table.add_column("", width=1)
        table.add_column("check", ratio=2, overflow="fold")
        table.add_column("points", justify="right", width=9)
        table.add_column("result", ratio=5, overflow="fold")
        for c in checks:
            table.add_row(*_row(c, verbose))
        console.print(table)
    for flag in result.flags:
        console.print(f"[yellow]flag[/] {flag.kind.value}: {escape(flag.message)}")
    console.print(_summary(result))


def _row(c: CheckResult, verbose: bool) -> tuple[str, str, str, str]:
    style = _STYLE[c.status]
    check_id = c.id.split("/", 1)[1]
    if c.status is Status.PASSED and not verbose:
        detail = f"[dim]{escape(c.message)}[/]"
    elif c.status is Status.NOT_IMPLEMENTED:
        detail = f"[yellow]{escape(c.message)}[/]"
    else:
        detail = f"[{style}]{c.status.value}[/]: {escape(c.message)}"
        if c.hint:
            detail += f"\n[cyan]hint:[/] {escape(c.hint)}"
        if c.output.strip() and c.status is not Status.PASSED:
            detail += f"\n[dim]printed: {escape(c.output.strip()[-300:])}[/]"
    return f"[{style}]{_MARK[c.status]}[/]", check_id, _score(c.score, c.max_score), detail


def _summary(result: GradeResult) -> str:
    counts: dict[Status, int] = {}
    for c in result.checks:
        counts[c.status] = counts.get(c.status, 0) + 1
    parts = ", ".join(f"{n} {s.value.replace('_', ' ')}" for s, n in counts.items())
    pct = 100 * result.score / result.max_score if result.max_score else 0.0
    return (f"[bold]{escape(result.submission)}: {_score(round(result.score, 3), result.max_score)}"
            f" ({pct:.1f}%)[/]  {parts}  in {result.seconds:.2f} s, isolation: "
            f"{result.isolation.value}")


@contextmanager
def check_progress(console: Console, description: str) -> Iterator:
    """A progress bar; yields `advance(result, done, total)` for grader.runner."""
    if not console.is_terminal:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=console, transient=True)
    task = bar.add_task(description, total=None)

    def advance(_: object, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield advance


# --- batch grading (grader.batch): progress bar with ETA, summary table, plain-text feedback ---

def render_text(result: GradeResult, *, width: int = 100) -> str:
    """`render_result` as plain text (no colours), e.g. for feedback files."""
    import io

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False,
                      highlight=False, emoji=False)
    render_result(result, console)
    return buffer.getvalue()


def _batch_score(record) -> str:  # record: grader.gradebook.EntryRecord
    if record.outcome.value != "graded":
        return record.outcome.value
    return _score(round(record.score, 3), round(record.result.max_score, 3))


@contextmanager
def batch_progress(console: Console, description: str = "grading") -> Iterator:
    """Yields a grader.batch progress callback: a bar with ETA and the entries in flight on a
    terminal, one line per finished entry otherwise (CI logs)."""
    from rich.progress import TimeElapsedColumn

    if not console.is_terminal:
        def log(event) -> None:
            if event.kind.value == "finished" and event.record is not None:
                console.print(f"[{event.done}/{event.total}] {escape(event.entry)}: "
                              f"{escape(_batch_score(event.record))}")
        yield log
        return
    running: dict[str, None] = {}
    reused = [0]
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   TextColumn("[dim]{task.fields[running]}"), console=console)
    task = bar.add_task(description, total=None, running="")

    def advance(event) -> None:
        kind = event.kind.value
        if kind == "started":
            running[event.entry] = None
        else:
            running.pop(event.entry, None)
        if kind == "reused":  # instant: keep it out of the rate the ETA is computed from
            reused[0] += 1
        names = list(running)
        shown = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        bar.update(task, completed=event.done - reused[0], total=event.total - reused[0],
                   running=escape(shown))

    with bar:
        yield advance


def render_batch_summary(summary, console: Console, exports=None) -> None:
    """One row per entry, the entries needing attention, totals and where the exports went.

    summary: grader.batch.BatchSummary; exports: grader.exports.Exports or None.
    """
    names = [name for name, _ in summary.assignments]
    table = Table(title=f"{summary.directory.name}: {len(summary.records)} entries",
                  title_justify="left", expand=False)
    table.add_column("entry", overflow="fold")
    table.add_column("student", overflow="fold")
    table.add_column("score", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    table.add_column("time", justify="right")
    table.add_column("note", overflow="fold", max_width=60)
    style = {"graded": "default", "invalid": "yellow", "timeout": "magenta", "crashed": "red bold"}
    for r in summary.records:
        totals = r.result.by_assignment()
        cells = [_score(round(totals[n][0], 3), totals[n][1]) if n in totals else "-"
                 for n in names]
        note = "reused" if r.reused else ""
        if r.problem:
            note = (note + "; " if note else "") + r.problem
        table.add_row(escape(r.entry), escape(r.student),
                      f"[{style[r.outcome.value]}]{escape(_batch_score(r))}[/]",
                      *cells, f"{r.result.seconds:.1f}s", escape(note))
    console.print(table)
    counts = ", ".join(f"{summary.count(o)} {o.value}" for o in type(summary.records[0].outcome)
                       if summary.count(o)) if summary.records else "nothing to grade"
    how = (f"{summary.workers} worker{'s' if summary.workers != 1 else ''}"
           if summary.backend == "local" else f"Dask scheduler {summary.backend}")
    console.print(f"[bold]{counts}[/] ({summary.graded} graded now, {summary.reused} reused "
                  f"from {escape(str(summary.gradebook))}) in {summary.seconds:.1f} s with {how}")
    if exports is not None:
        console.print(f"CSV: {escape(str(exports.csv))}\nGradescope results: "
                      f"{escape(str(exports.gradescope))}\nfeedback: {escape(str(exports.feedback))}"
                      f"\nreport: {escape(str(exports.report))}")
        for note in exports.notes:
            console.print(f"[yellow]note:[/] {escape(note)}")


__all__ += ["batch_progress", "render_batch_summary", "render_text"]
