"""Regularization: inverted dropout, weight penalties, data augmentation, ensembles and Polyak
averaging (add randomness or a penalty at training time, average it out at test time)."""

from assignments.dropout_regularization import (
                                                augmentation_checks,
                                                checks,
                                                ensemble_checks,
                                                mistakes,
                                                regularization_checks,
)
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "dropout_regularization",
    title="Dropout, weight penalties, augmentation and ensembles",
    modules=(checks, regularization_checks, augmentation_checks, ensemble_checks,
             *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
