"""Optimizers: SGD and its problems (zig-zag, saddle points, noise), momentum, Nesterov, AdaGrad,
RMSProp and Adam with bias correction."""

from assignments.optimizers import checks, mistakes
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "optimizers",
    title="Optimizers: momentum, AdaGrad, RMSProp, Adam",
    modules=(checks, *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
