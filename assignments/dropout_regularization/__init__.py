"""Regularization: inverted dropout, weight penalties, data augmentation, ensembles and Polyak
averaging (add randomness or a penalty at training time, average it out at test time)."""

from assignments.dropout_regularization import (
    augmentation_checks,
    checks,
    ensemble_checks,
    regularization_checks,
)
from grader.registry import assignment

ASSIGNMENT = assignment(
    "dropout_regularization",
    title="Dropout, weight penalties, augmentation and ensembles",
    modules=(checks, regularization_checks, augmentation_checks, ensemble_checks),
    package=__name__,
)
