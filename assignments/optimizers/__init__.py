"""Optimizers: SGD and its problems (zig-zag, saddle points, noise), momentum, Nesterov, AdaGrad,
RMSProp and Adam with bias correction."""

from assignments.optimizers import checks
from grader.registry import assignment

ASSIGNMENT = assignment(
    "optimizers",
    title="Optimizers: momentum, AdaGrad, RMSProp, Adam",
    modules=(checks,),
    package=__name__,
)
