"""`grade batch DIR`: argparse over grader.batch.grade_batch and grader.exports.export_all.

Defaults come from grade_batch's signature so the command line and the library cannot drift.
Exit status (CONTRACT §2): 0 whenever grading ran, whatever the scores or bad entries (those
are rows, not failures); 2 for usage errors: DIR missing or not a folder, an unknown
assignment, a non-positive limit, a Dask scheduler that cannot be reached.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import threading
from dataclasses import replace
from pathlib import Path

from grader.batch import grade_batch

__all__ = ["batch_main"]

_DEFAULTS = {name: p.default for name, p in inspect.signature(grade_batch).parameters.items()}


def _parser() -> argparse.ArgumentParser:
    limits = _DEFAULTS["limits"]
    p = argparse.ArgumentParser(
        prog="grade batch",
        description="Grade every entry of DIR (folders, .zip, notebooks) in parallel into a "
                    "SQLite gradebook; run the same command again to resume.")
    p.add_argument("directory", type=Path, metavar="DIR", help="folder of submissions")
    p.add_argument("--workers", type=int, default=_DEFAULTS["workers"], metavar="N",
                   help="parallel gradings (default: one per core)")
    p.add_argument("--gradebook", type=Path, default=_DEFAULTS["gradebook"], metavar="PATH",
                   help="SQLite gradebook (default: gradebook.sqlite beside DIR)")
    p.add_argument("--csv", type=Path, metavar="PATH",
                   help="grades CSV (default: OUT/grades.csv)")
    p.add_argument("--out", type=Path, metavar="FOLDER",
                   help="exports folder (default: DIR-results beside DIR)")
    p.add_argument("--force", action="store_true", default=_DEFAULTS["force"],
                   help="regrade entries the gradebook already has")
    p.add_argument("--assignment", action="append", metavar="NAME",
                   help="grade only this assignment (repeatable)")
    p.add_argument("--timeout", type=float, default=limits.call_seconds, metavar="SECONDS",
                   help="time limit per call into student code")
    p.add_argument("--memory", type=int, default=limits.memory_bytes // 2**20, metavar="MIB",
                   help="memory limit of each worker running student code")
    p.add_argument("--submission-timeout", type=float, default=_DEFAULTS["submission_seconds"],
                   metavar="SECONDS", help="time limit for grading one whole submission")
    p.add_argument("--scheduler", default=_DEFAULTS["scheduler"], metavar="ADDRESS",
                   help="grade on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of "
                        "local processes; DIR must be readable by its workers")
    return p


def batch_main(argv: list[str]) -> int:
    from grader import render
    from grader.exports import export_all, preload_plotting

    parser = _parser()
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if min(args.timeout, args.memory, args.submission_timeout) <= 0:
        parser.error("--timeout, --memory and --submission-timeout must be positive")
    limits = replace(_DEFAULTS["limits"], call_seconds=args.timeout,
                     memory_bytes=args.memory * 2**20)
    threading.Thread(target=preload_plotting, daemon=True).start()  # ready for the report
    try:
        with render.batch_progress(render.stderr_console(), f"grading {args.directory}") as bar:
            summary = grade_batch(args.directory, workers=args.workers, gradebook=args.gradebook,
                                  force=args.force, only=args.assignment, limits=limits,
                                  submission_seconds=args.submission_timeout,
                                  scheduler=args.scheduler, progress=bar)
    except (FileNotFoundError, NotADirectoryError) as exc:
        print(f"grade batch: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown --assignment
        print(f"grade batch: {exc.args[0]}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError) as exc:  # unreachable scheduler, unwritable gradebook
        where = f"scheduler {args.scheduler}: " if args.scheduler else ""
        print(f"grade batch: {where}{exc}", file=sys.stderr)
        return 2
    exports = export_all(summary, args.out, args.csv)
    render.render_batch_summary(summary, render.stdout_console(), exports)
    return 0
