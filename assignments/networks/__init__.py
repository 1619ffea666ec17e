"""Networks: TwoLayerNet, FullyConnectedNet, the Solver, babysitting the learning process and
hyperparameter search."""

from assignments.networks import checks_fcn, checks_solver, checks_tools, checks_twolayer
from grader.registry import assignment

ASSIGNMENT = assignment(
    "networks",
    title="Networks, babysitting and hyperparameter search",
    modules=(checks_twolayer, checks_fcn, checks_solver, checks_tools),
    package=__name__,
)
