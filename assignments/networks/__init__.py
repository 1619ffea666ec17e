"""Networks: TwoLayerNet, FullyConnectedNet, the Solver, babysitting the learning process and
hyperparameter search."""

from assignments.networks import checks_fcn, checks_solver, checks_tools, checks_twolayer, mistakes
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "networks",
    title="Networks, babysitting and hyperparameter search",
    modules=(checks_twolayer, checks_fcn, checks_solver, checks_tools,
             *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
