"""Activation functions: why sigmoid saturates and is not zero-centred, why ReLU trains faster."""

from assignments.activations import checks, mistakes
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "activations",
    title="Activation functions",
    modules=(checks, *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
)
