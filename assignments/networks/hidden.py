"""Hidden checks: a real (tiny) training run and a batchnorm net memorizing a subset."""

from __future__ import annotations

from assignments.networks.checks_solver import INPUT_DIM, ready_for_solver
from assignments.networks.common import toy_data
from grader.context import Context
from grader.registry import check
from grader.result import Kind, Visibility


@check(Kind.CHECKPOINT, targets=("TwoLayerNet.loss", "Solver.train"), points=1,
       variant="learns", visibility=Visibility.HIDDEN)
def two_layer_learns(ctx: Context) -> None:
    """TwoLayerNet + Solver reach well above chance (> 25%) validation accuracy on toy data"""
    data = toy_data(ctx, 500, 200)
    model = ctx.student.new("TwoLayerNet", input_dim=INPUT_DIM, hidden_dim=50, num_classes=10,
                            weight_scale=1e-2, reg=1e-3)
    solver = ctx.student.new("Solver", model, data, update_rule="sgd",
                             optim_config={"learning_rate": 0.1}, num_epochs=8, batch_size=50,
                             verbose=False)
    ctx.student.method(solver, "train")
    val = float(ctx.student.method(solver, "check_accuracy", data["X_val"], data["y_val"]))
    ctx.ensure(val > 0.25, f"validation accuracy {val:.2f} after 8 epochs on 500 toy images "
               "(chance 0.10; the reference gets about 0.4)",
               hint="check the loss and gradients first: training barely helps")
    ctx.note(f"validation accuracy {val:.2f} (chance 0.10)")


@check(Kind.CHECKPOINT, targets=("FullyConnectedNet.loss", "Solver.train"), points=1,
       variant="batchnorm-overfit", visibility=Visibility.HIDDEN)
def batchnorm_overfit(ctx: Context) -> None:
    """A 3-layer batchnorm FullyConnectedNet overfits 30 examples to 100% training accuracy"""
    data = toy_data(ctx, 30)
    X, y = data["X_train"], data["y_train"]
    small = {"X_train": X, "y_train": y, "X_val": X, "y_val": y}
    model = ctx.student.new("FullyConnectedNet", [40, 40], input_dim=INPUT_DIM,
                            normalization="batchnorm", weight_scale=5e-2)
    ready_for_solver(ctx, model, X, y)
    solver = ctx.student.new("Solver", model, small, update_rule="sgd",
                             optim_config={"learning_rate": 0.1}, num_epochs=80, batch_size=30,
                             verbose=False)
    ctx.student.method(solver, "train")
    acc = float(ctx.student.method(solver, "check_accuracy", X, y))
    losses = ctx.student.get(solver["loss_history"])
    ctx.ensure(acc == 1.0, f"training accuracy {acc:.2f} on 30 examples after {len(losses)} "
               f"iterations (loss {float(losses[0]):.3g} -> {float(losses[-1]):.3g})")
    ctx.note(f"100% train accuracy, final loss {float(losses[-1]):.3f}")
