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
