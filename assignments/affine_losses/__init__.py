"""Affine layers and the two classification losses: shapes, numerics, and the initial-loss facts."""

from assignments.affine_losses import checks, loss_checks, mistakes
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "affine_losses",
    title="Affine layers, softmax and SVM losses",
    modules=(checks, loss_checks, *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
