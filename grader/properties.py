"""Property checks with hypothesis under a derandomized grading profile.

Same submission, same examples: `derandomize=True` and no example database, so a regrade gives
the same result and two students get the same inputs. A student exception inside a property is
turned into a failure so hypothesis shrinks to the smallest input that triggers it; a worker that
hangs or dies aborts the property at once (those are BaseExceptions hypothesis does not catch).
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


def property_check(*strategies: Any, max_examples: int | None = None,
                   **kw_strategies: Any) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """`@property_check(arrays(...))` over a function of the drawn values; call it to run."""

    def wrap(fn: Callable[..., None]) -> Callable[[], None]:
        @functools.wraps(fn)
        def body(*args: Any, **kwargs: Any) -> None:
            try:
                fn(*args, **kwargs)
            except (StudentNotImplemented, StudentImportError):
                raise  # the same for every input: nothing to shrink
            except StudentError as exc:
                raise CheckFailed(exc.describe()) from None

        chosen = GRADING if max_examples is None else settings(GRADING, max_examples=max_examples)
        return chosen(given(*strategies, **kw_strategies)(body))

    return wrap


def falsifying_example(exc: BaseException) -> str:
    """Hypothesis's 'Falsifying example: ...' note, shortened for a message."""
    notes = [n for n in getattr(exc, "__notes__", []) if "Falsifying example" in n or "=" in n]
    text = " ".join(n.strip() for n in notes)
    return text if len(text) <= 600 else text[:600] + "…"
