"""Batch normalization (train vs test behaviour, running averages) and layer normalization."""

from assignments.normalization import checks, layernorm_checks, state_checks
from grader.registry import assignment

ASSIGNMENT = assignment(
    "normalization",
    title="Batch and layer normalization",
    modules=(checks, state_checks, layernorm_checks),
    package=__name__,
)
