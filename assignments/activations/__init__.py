"""Activation functions: why sigmoid saturates and is not zero-centred, why ReLU trains faster."""

from assignments.activations import checks
from grader.registry import assignment

ASSIGNMENT = assignment(
    "activations",
    title="Activation functions",
    modules=(checks,),
    package=__name__,
)
