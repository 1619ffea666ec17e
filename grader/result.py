"""Typed grading results, and their one translation to the contract's JSON (CONTRACT.md §3)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

__all__ = [
    "CheckResult",
    "Flag",
    "FlagKind",
    "GradeResult",
    "Isolation",
    "Kind",
    "Status",
    "Visibility",
]


class Status(Enum):
    """What happened when a check ran. The values are the contract's strings."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_IMPLEMENTED = "not_implemented"
    SKIPPED = "skipped"


class Kind(Enum):
    """What a check judges; part of its stable id."""

    OUTPUT = "output"
    GRADIENT = "gradient"
    PROPERTY = "property"
    STATE = "state"
    CHECKPOINT = "checkpoint"
    INPUT_SAFETY = "input_safety"


class Visibility(Enum):
    """Hidden checks are graded by instructors only and never shipped to students."""

    VISIBLE = "visible"
    HIDDEN = "hidden"


class Isolation(Enum):
    """How strongly student code was separated from the machine that graded it."""

    BUBBLEWRAP = "bubblewrap"
    NAMESPACES = "namespaces"
    PROCESS = "process"
    IN_PROCESS = "in_process"  # benchmarks' floor only; never used to grade


class FlagKind(Enum):
    """Kinds of suspicious behaviour worth an instructor's look."""

    IMPORTS_GRADER = "imports_grader"
    IMPORTS_REFERENCE = "imports_reference"
    WRITES_OUTSIDE_SCRATCH = "writes_outside_scratch"
    OPENS_SOCKET = "opens_socket"
    OVERRIDES_SIGNALS = "overrides_signals"
    SPAWNS_PROCESSES = "spawns_processes"
    SCORE_LIKE_OUTPUT = "score_like_output"
    EXTRA_FILES = "extra_files"
    SUBMISSION_PROBLEM = "submission_problem"  # content skipped while loading (symlinks, …)
    WEAK_ISOLATION = "weak_isolation"
    OUTPUT_TRUNCATED = "output_truncated"


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    message: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "message": self.message}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check on one submission."""

    id: str
    assignment: str
    targets: tuple[str, ...]
    status: Status
    score: float
    max_score: float
    message: str
    hint: str | None = None
    visibility: Visibility = Visibility.VISIBLE
    seconds: float = 0.0
    output: str = ""  # what the student's code printed while this check ran (truncated)

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= self.max_score:
            raise ValueError(f"check {self.id}: score {self.score} outside [0, {self.max_score}]")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "assignment": self.assignment,
            "targets": list(self.targets),
            "status": self.status.value,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class GradeResult:
    """Every check's outcome for one submission, plus what was noticed along the way."""

    submission: str
    checks: tuple[CheckResult, ...]
    flags: tuple[Flag, ...] = ()
    isolation: Isolation = Isolation.PROCESS
    seconds: float = 0.0
    error: str | None = None  # the submission could not be graded at all (and why)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)

    def assignments(self) -> tuple[str, ...]:
        """Assignment names in the order their checks ran."""
        return tuple(dict.fromkeys(c.assignment for c in self.checks))

    def by_assignment(self) -> dict[str, tuple[float, float]]:
        """assignment -> (score, max_score)."""
        totals: dict[str, tuple[float, float]] = {}
        for c in self.checks:
            s, m = totals.get(c.assignment, (0.0, 0.0))
            totals[c.assignment] = (s + c.score, m + c.max_score)
        return totals

    def visible_only(self) -> GradeResult:
        """What a student may see: hidden checks removed."""
        return replace(self, checks=tuple(c for c in self.checks if c.visibility is Visibility.VISIBLE))

    def with_flags(self, flags: Iterable[Flag]) -> GradeResult:
        merged = dict.fromkeys(self.flags)
        merged.update(dict.fromkeys(flags))
        return replace(self, flags=tuple(merged))

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON document (CONTRACT.md §3), plus non-contract extras under `grader`."""
        return {
            "submission": self.submission,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "checks": [c.to_json() for c in self.checks],
            "flags": [f.to_json() for f in self.flags],
            "grader": {"isolation": self.isolation.value, "error": self.error},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, allow_nan=False)

