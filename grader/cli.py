"""`grade`: a thin command line over grader.grade / grader.batch / grader.build (CONTRACT.md §2).

Each command parses arguments, makes one library call, renders the result, and maps the outcome
to an exit status: 0 when grading ran (whatever the score), 1 below --fail-under, 2 for a usage
error or a PATH that is not a submission. Defaults are read from the library's signatures.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from pathlib import Path

from grader.isolation import Limits
from grader.submission import SubmissionError

__all__ = ["main"]

_LIMITS = Limits()
COMMANDS = ("batch", "build", "dist")


def _default_path() -> Path:
    template = Path("student_template")
    return template if template.is_dir() else Path(".")


def _grade_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grade", description="Grade a submission. Other commands: "
                                "`grade batch DIR` (instructors), `grade build` (authors).")
    p.add_argument("path", nargs="?", type=Path, help="folder, .zip, notebook or CS231n folder "
                   "(default: ./student_template if present, else .)")
    p.add_argument("--json", action="store_true", help="print the result as JSON, nothing else")
    p.add_argument("--assignment", action="append", metavar="NAME",
                   help="grade only this assignment (repeatable)")
    p.add_argument("--fail-under", type=float, metavar="PERCENT",
                   help="exit 1 when the score is below PERCENT of the maximum")
    p.add_argument("--timeout", type=float, default=_LIMITS.call_seconds, metavar="SECONDS",
                   help="time limit per call into student code")
    p.add_argument("--memory", type=int, default=_LIMITS.memory_bytes // 2**20, metavar="MIB",
                   help="memory limit of the worker running student code")
    p.add_argument("--verbose", "-v", action="store_true", help="show passing checks' details")
    return p


def _positive(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.timeout <= 0 or args.memory <= 0:
        p.error("--timeout and --memory must be positive")
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        p.error("--fail-under takes a percentage from 0 to 100")


def grade_command(argv: list[str]) -> int:
    parser = _grade_parser()
    args = parser.parse_args(argv)
    _positive(parser, args)
    path = args.path or _default_path()
    limits = Limits(call_seconds=args.timeout, memory_bytes=args.memory * 2**20)
    from grader.spare import prestart

    prestart(path, limits)  # the worker boots while the imports below run

    from grader import render
    from grader.grading import grade

    err = render.stderr_console()
    try:
        with render.check_progress(err if not args.json else render.Console(quiet=True),
                                   f"grading {path}") as progress:
            result = grade(path, only=args.assignment, limits=limits, progress=progress)
    except SubmissionError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown --assignment
        print(f"grade: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, allow_nan=False) + "\n")
    else:
        render.render_result(result, render.stdout_console(), verbose=args.verbose)
    if args.fail_under is not None and result.max_score:
        if 100 * result.score / result.max_score < args.fail_under:
            return 1
    return 0


def build_command(argv: list[str]) -> int:
    from grader.build import build

    defaults = inspect.signature(build).parameters
    p = argparse.ArgumentParser(prog="grade build", description="Regenerate student_template/ "
                                "(and the other generated artefacts) from reference/.")
    p.add_argument("--root", type=Path, default=defaults["root"].default,
                   help="project checkout (default: .)")
    args = p.parse_args(argv)
    from grader.build.solutions import MarkerError

    try:
        for line in build(root=args.root):
            print(line)
    except (MarkerError, OSError, SyntaxError) as exc:  # MarkerError names file:line itself
        print(f"grade build: {exc}", file=sys.stderr)
        return 2
    return 0


def dist_command(argv: list[str]) -> int:
    from grader.build.distribution import build_distribution
    from grader.grading import default_course

    p = argparse.ArgumentParser(prog="grade dist", description="Build the student distribution: "
                                "stubs, notebooks, the grader, visible checks and stored expected "
                                "values, with no solution and no hidden check in it.")
    p.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    p.add_argument("--root", type=Path, default=Path("."), help="project checkout (default: .)")
    args = p.parse_args(argv)
    if not (args.root / "reference").is_dir():
        p.error(f"{args.root} is not a project checkout (no reference/ folder)")
    try:
        for line in build_distribution(args.root, args.out, default_course()):
            print(line)
    except (OSError, RuntimeError) as exc:  # unwritable OUT; a reference without full marks
        print(f"grade dist: {exc}", file=sys.stderr)
        return 2
    return 0


def batch_command(argv: list[str]) -> int:
    from grader.batch_cli import batch_main

    return batch_main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "build":
            return build_command(argv[1:])
        if argv and argv[0] == "batch":
            return batch_command(argv[1:])
        if argv and argv[0] == "dist":
            return dist_command(argv[1:])
        return grade_command(argv)
    except KeyboardInterrupt:
        print("grade: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
