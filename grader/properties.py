"""Property checks with hypothesis under a derandomized grading profile.

Same submission, same examples: `derandomize=True` and no example database, so a regrade gives
the same result and two students get the same inputs. A student exception inside a property is
turned into a failure so hypothesis shrinks to the smallest input that triggers it; a worker that
hangs or dies aborts the property at once (those are BaseExceptions hypothesis does not catch).

Shrinking is bounded (SHRINK_STEPS examples after the first failure): every shrink step is a
call into the worker, and a function that fails on every input would otherwise spend a second
shrinking per check. The smallest failing example seen when the budget runs out is reported;
the bound is a count, not a time, so a regrade reports the same example.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

from grader.context import CheckFailed
from grader.isolation import StudentError, StudentImportError, StudentNotImplemented

__all__ = ["GRADING", "falsifying_example", "property_check"]

settings.register_profile(
    "grading",
    parent=settings.get_profile("ci"),
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=10,
    print_blob=False,
    report_multiple_bugs=False,  # one falsifying example per check, never an ExceptionGroup
    suppress_health_check=list(HealthCheck),
)
GRADING = settings.get_profile("grading")
SHRINK_STEPS = 40


class _ShrinkBudgetSpent(BaseException):
    """Stops hypothesis (it never catches a BaseException) with the last failure it found."""

    def __init__(self, failure: CheckFailed) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _example(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    text = f"{name}({', '.join(shown)})"
    return text if len(text) <= 400 else text[:400] + "…"


def property_check(*strategies: Any, max_examples: int | None = None,
                   **kw_strategies: Any) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """`@property_check(arrays(...))` over a function of the drawn values; call it to run."""

    def wrap(fn: Callable[..., None]) -> Callable[[], None]:
        steps: list[int] = []  # examples tried since the first failure (empty: none yet)

        @functools.wraps(fn)
        def body(*args: Any, **kwargs: Any) -> None:
            if steps:
                steps[0] += 1
            try:
                fn(*args, **kwargs)
                return
            except (StudentNotImplemented, StudentImportError):
                raise  # the same for every input: nothing to shrink
            except StudentError as exc:
                failure = CheckFailed(exc.describe())
            except CheckFailed as exc:
                failure = exc
            if not steps:
                steps.append(0)
            elif steps[0] > SHRINK_STEPS:
                failure.add_note(f"Falsifying example: {_example(fn.__name__, args, kwargs)}")
                raise _ShrinkBudgetSpent(failure)
            raise failure

        chosen = GRADING if max_examples is None else settings(GRADING, max_examples=max_examples)
        test = chosen(given(*strategies, **kw_strategies)(body))

        def run() -> None:
            steps.clear()
            try:
                test()
            except _ShrinkBudgetSpent as spent:
                raise spent.failure from None

        return run

    return wrap


def falsifying_example(exc: BaseException) -> str:
    """Hypothesis's 'Falsifying example: ...' note, shortened for a message."""
    notes = [n for n in getattr(exc, "__notes__", []) if "Falsifying example" in n or "=" in n]
    text = " ".join(n.strip() for n in notes)
    return text if len(text) <= 600 else text[:600] + "…"
