"""`Context`: everything a check function receives, and the verbs checks are written with.

    @check(Kind.OUTPUT, targets=("relu_forward",), points=1)
    def relu_forward_output(ctx: Context) -> None:
        x = ctx.rng.standard_normal((4, 5))
        out, _ = ctx.student.call("relu_forward", x)
        ctx.compare("out", out, lambda ref: ref.relu_forward(x)[0])

A failing comparison raises `CheckFailed` with a message naming the function, the worst element
and its errors; when the student's value equals what a known mistake produces, the hint names
that mistake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.compare import describe_difference, is_close
from grader.isolation import StudentNotImplemented
from grader.oracle import Compute, Oracle
from grader.registry import CheckSpec, Mistake
from grader.student import Student

__all__ = ["CheckFailed", "Context", "stable_seed"]


class CheckFailed(AssertionError):
    """The check ran and the submission's behaviour was wrong. `credit` in [0, 1) is kept."""

    def __init__(self, message: str, hint: str | None = None, credit: float = 0.0) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.credit = min(max(credit, 0.0), 1.0)


def stable_seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


@dataclass
class Context:
    spec: CheckSpec
    student: Student
    oracle: Oracle
    mistakes: tuple[Mistake, ...]
    rng: np.random.Generator = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(stable_seed(self.spec.id))

    @property
    def target(self) -> str:
        return self.spec.targets[-1]

    def key(self, what: str) -> str:
        return f"{self.spec.id}::{what}"

    def expected(self, what: str, compute: Compute) -> Any:
        """The oracle's value for `what` (computed by the reference or read from storage)."""
        return self.oracle.expected(self.key(what), compute)

    def hint_for(self, what: str, got: Any, compute: Compute, *, rtol: float = 1e-6,
                 atol: float = 1e-8, close: Callable[[Any, Any], bool] | None = None) -> str | None:
        """The hint of the first known mistake whose output matches `got`, if any."""
        same = close or (lambda g, e: is_close(g, e, rtol=rtol, atol=atol))
        for mistake, value in self.oracle.mistaken(self.key(what), compute, self.mistakes):
            try:
                if same(got, value):
                    return mistake.hint
            except Exception:  # noqa: BLE001 - a comparison that cannot be made is no match
                continue
        return None

    def compare(self, what: str, got: Any, compute: Compute, *, rtol: float = 1e-7,
                atol: float = 1e-9, context: str = "", credit: float = 0.0) -> None:
        """Fail unless `got` matches the oracle's value for `what` (see grader.compare)."""
        require(got, what, self.target)
        expected = self.expected(what, compute)
        if getattr(self.oracle, "records_mistakes", False):  # so stored hints exist for students
            self.oracle.mistaken(self.key(what), compute, self.mistakes)
        diff = describe_difference(got, expected, what=f"{self.target}: {what}", rtol=rtol,
                                   atol=atol)
        if diff is None:
            return
        hint = self.hint_for(what, got, compute)
        raise CheckFailed(diff + (f" ({context})" if context else ""), hint=hint, credit=credit)

    def fail(self, message: str, *, hint: str | None = None, credit: float = 0.0) -> None:
        raise CheckFailed(f"{self.target}: {message}", hint=hint, credit=credit)

    def ensure(self, condition: bool, message: str, *, hint: str | None = None) -> None:
        if not condition:
            self.fail(message, hint=hint)

    def note(self, text: str) -> None:
        """A line for the message of a passing check (e.g. the observed numbers)."""
        self.notes.append(text)


def require(value: Any, what: str, target: str) -> None:
    """CS231n stubs leave `out = None`; treat a None where a value belongs as not implemented."""
    if value is None:
        raise StudentNotImplemented("None", f"{target} returned None for {what}")
    if isinstance(value, tuple | list) and value and all(v is None for v in value):
        raise StudentNotImplemented("None", f"{target} returned only None for {what}")

