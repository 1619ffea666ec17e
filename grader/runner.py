"""Run checks against one loaded submission and map every outcome to a Status, in one place.

| what happens                                         | status          |
|------------------------------------------------------|-----------------|
| the check returns                                    | passed          |
| CheckFailed / AssertionError (hypothesis included)   | failed          |
| NotImplementedError, or CS231n's placeholder None    | not_implemented |
| student code raised anything else, or killed worker  | error           |
| student code exceeded the time limit                 | timeout         |
| no expected value is available (stored oracle)       | skipped         |
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from grader.context import CheckFailed, Context, stable_seed
from grader.isolation import (
    StudentError,
    StudentNotImplemented,
    WorkerDied,
    WorkerFailure,
    WorkerTimeout,
)
from grader.oracle import Oracle, OracleMissing
from grader.properties import falsifying_example
from grader.registry import Assignment, CheckSpec
from grader.result import CheckResult, Status
from grader.student import Student

__all__ = ["Progress", "run_checks"]

Progress = Callable[[CheckResult, int, int], None]


def _outcome(spec: CheckSpec, ctx: Context) -> tuple[Status, float, str, str | None]:
    names = " / ".join(spec.targets)
    try:
        spec.fn(ctx)
    except CheckFailed as exc:
        example = falsifying_example(exc)
        message = exc.message + (f" — {example}" if example else "")
        return Status.FAILED, exc.credit * spec.points, message, exc.hint
    except StudentNotImplemented as exc:
        return Status.NOT_IMPLEMENTED, 0.0, f"{names}: not implemented yet ({exc.message})", None
    except WorkerTimeout as exc:
        return Status.TIMEOUT, 0.0, f"{names}: timed out: {exc}", "look for an infinite loop"
    except WorkerDied as exc:
        return Status.ERROR, 0.0, f"{names}: {exc}", None
    except StudentError as exc:
        return Status.ERROR, 0.0, f"{names} {exc.describe()}", None
    except OracleMissing as exc:
        return Status.SKIPPED, 0.0, f"no expected value stored for {exc}", None
    except AssertionError as exc:
        example = falsifying_example(exc)
        return Status.FAILED, 0.0, f"{names}: {exc}" + (f" — {example}" if example else ""), None
    except Exception as exc:  # noqa: BLE001 - a bug in a check must not stop the others
        return Status.ERROR, 0.0, f"internal error in check {spec.id}: {type(exc).__name__}: {exc}", None
    message = spec.doc + ("" if not ctx.notes else ": " + "; ".join(ctx.notes))
    return Status.PASSED, spec.points, message, None


def run_checks(student: Student, assignments: Sequence[Assignment], oracle: Oracle,
               progress: Progress | None = None) -> list[CheckResult]:
    total = sum(len(a.checks) for a in assignments)
    results: list[CheckResult] = []
    for a in assignments:
        for spec in a.checks:
            start = time.perf_counter()
            ctx = Context(spec, student, oracle, a.mistakes_for(spec.targets))
            try:
                student.start_check(stable_seed(spec.id))
                status, score, message, hint = _outcome(spec, ctx)
            except WorkerFailure as exc:  # the worker would not even restart
                status, score, message, hint = Status.ERROR, 0.0, f"worker failure: {exc}", None
            output, dropped = student.backend.take_output()
            if dropped:
                output += f"\n[... {dropped} more bytes of output dropped]"
            result = CheckResult(
                id=spec.id, assignment=a.name, targets=spec.targets, status=status,
                score=min(max(score, 0.0), spec.points), max_score=spec.points,
                message=message[:4000], hint=hint, visibility=spec.visibility,
                seconds=time.perf_counter() - start, output=output[-4000:])
            results.append(result)
            if progress is not None:
                progress(result, len(results), total)
    return results
