"""Affine layers and the two classification losses: shapes, numerics, and the initial-loss facts."""

from assignments.affine_losses import checks, loss_checks
from grader.registry import assignment

ASSIGNMENT = assignment(
    "affine_losses",
    title="Affine layers, softmax and SVM losses",
    modules=(checks, loss_checks),
    package=__name__,
)
