"""Hidden checks: hyperparameters really come from config, and Adam stays right over a long run."""

from __future__ import annotations

from assignments.optimizers.rules import ATOL, RTOL, run_student, run_trusted
from grader.context import Context
from grader.registry import check
from grader.result import Kind, Visibility

# Values far from every default, so a hard-coded 0.9 or 1e-8 cannot pass by accident.
UNUSUAL = {
    "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.5},
    "nesterov_momentum": {"learning_rate": 0.05, "momentum": 0.6},
    "rmsprop": {"learning_rate": 0.02, "decay_rate": 0.7, "epsilon": 1e-2},
    "adam": {"learning_rate": 0.02, "beta1": 0.5, "beta2": 0.8, "epsilon": 1e-2},
}


def hyperparameter_check(rule: str):
    @check(Kind.OUTPUT, targets=(rule,), points=0.5, variant="hyperparameters",
           visibility=Visibility.HIDDEN)
    def hyper(ctx: Context) -> None:
        w0 = ctx.rng.standard_normal((3, 3))
        dws = [ctx.rng.standard_normal((3, 3)) for _ in range(3)]
        config = UNUSUAL[rule]
        got = run_student(ctx, rule, w0, dws, config)[0]
        ctx.compare("next_w at every step", got,
                    lambda ref: run_trusted(getattr(ref, rule), w0, dws, config), rtol=RTOL,
                    atol=ATOL, context=f"config {config}")

    hyper.__doc__ = f"{rule} reads every hyperparameter from config (unusual values)"
    return hyper


sgd_momentum_hyperparameters = hyperparameter_check("sgd_momentum")
nesterov_momentum_hyperparameters = hyperparameter_check("nesterov_momentum")
rmsprop_hyperparameters = hyperparameter_check("rmsprop")
adam_hyperparameters = hyperparameter_check("adam")


@check(Kind.STATE, targets=("adam",), points=1.0, variant="long-run",
       visibility=Visibility.HIDDEN)
def adam_long_run(ctx: Context) -> None:
    """adam matches the reference over 60 steps, long after the bias correction has faded"""
    w0 = ctx.rng.standard_normal(6)
    dws = [ctx.rng.standard_normal(6) * (1 + k % 3) for k in range(60)]
    config = {"learning_rate": 5e-3}
    got = run_student(ctx, "adam", w0, dws, config)[0]
    ctx.compare("next_w at every step", got,
                lambda ref: run_trusted(ref.adam, w0, dws, config), rtol=RTOL, atol=ATOL)
