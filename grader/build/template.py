"""Generate student_template/ from reference/: every .py stripped, nothing else copied."""

from __future__ import annotations

from pathlib import Path

from grader.build.solutions import strip_solutions

__all__ = ["HEADER", "render_template", "write_template"]

HEADER = ("# GENERATED from reference/{name} by `grade build`: edit the reference, not this "
          "file.")


def render_template(reference: Path) -> dict[str, str]:
    """File name -> generated text, for every module of the reference package."""
    return {
        p.name: strip_solutions(p.read_text(), str(p), header=HEADER.format(name=p.name))
        for p in sorted(reference.glob("*.py"))
    }


def write_template(reference: Path, out: Path) -> list[Path]:
    """Write the generated modules into `out` (created if needed); stale .py files removed."""
    out.mkdir(parents=True, exist_ok=True)
    files = render_template(reference)
    for stale in out.glob("*.py"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, text in files.items():
        target = out / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
        written.append(target)
    return written
