"""Batch normalization (train vs test behaviour, running averages) and layer normalization."""

from assignments.normalization import checks, layernorm_checks, mistakes, state_checks
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "normalization",
    title="Batch and layer normalization",
    modules=(checks, state_checks, layernorm_checks, *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
