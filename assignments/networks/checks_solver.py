"""Babysitting the learning process with the student's TwoLayerNet and Solver: the lecture's
sanity checks, with the observed numbers in every message. Training is tiny (8x8 toy images,
20-200 examples): each check runs in a few milliseconds of student time."""

from __future__ import annotations

import numpy as np

from assignments.networks.checks_twolayer import _loss_tuple
from assignments.networks.common import LN10, SHARED_CONFIG_HINT, toy_data
from grader.context import Context
from grader.registry import check
from grader.result import Kind

INPUT_DIM = 3 * 8 * 8
INIT_LOSS_HINT = ("with small weights every score is ~0 and softmax gives each class 1/C: a "
                  "loss far from ln C means the loss is wrong or the weights are not small")


def ready_for_solver(ctx: Context, model, X, y) -> None:
    """The Solver indexes grads by the params' names: a mismatch is a failure of the model,
    reported as such instead of as a KeyError inside Solver.train."""
    _, grads = _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
    names = ctx.student.get(model["params"])
    ctx.ensure(set(grads) == set(names), f"grads has keys {sorted(grads)} but params has "
               f"{sorted(names)}; the Solver needs a gradient for every parameter")


def _two_layer(ctx: Context, **kw: float):
    return ctx.student.new("TwoLayerNet", input_dim=INPUT_DIM, hidden_dim=50, num_classes=10,
                           **kw)


@check(Kind.CHECKPOINT, targets=("TwoLayerNet.__init__", "TwoLayerNet.loss"), points=1,
       variant="initial-loss")
def initial_loss_checkpoint(ctx: Context) -> None:
    """With weight_scale 1e-3 and reg 0, the initial loss on toy data is ln 10 = 2.30 within 0.1"""
    data = toy_data(ctx, 200)
    model = _two_layer(ctx, weight_scale=1e-3)
    loss, _ = _loss_tuple(ctx, ctx.student.method(model, "loss", data["X_train"],
                                                  data["y_train"]))
    ctx.ensure(abs(loss - LN10) <= 0.1, f"initial loss {loss:.4g}, expected about ln 10 = "
               f"{LN10:.4f} (within 0.1) for 10 classes, weight_scale 1e-3, reg 0",
               hint=INIT_LOSS_HINT)
    ctx.note(f"initial loss {loss:.4f}, ln 10 = {LN10:.4f}")


@check(Kind.CHECKPOINT, targets=("TwoLayerNet.__init__", "TwoLayerNet.loss"), points=1,
       variant="reg-raises-loss")
def reg_raises_loss_checkpoint(ctx: Context) -> None:
    """Cranking up regularization (reg 0 -> 1e3) raises the initial loss"""
    data = toy_data(ctx, 100)
    X, y = data["X_train"], data["y_train"]
    plain = _two_layer(ctx, weight_scale=1e-3)
    params = ctx.student.get(plain["params"])
    strong = _two_layer(ctx, weight_scale=1e-3, reg=1e3)
    for name, value in params.items():
        ctx.student.set(strong["params"][name], value)
    loss0, _ = _loss_tuple(ctx, ctx.student.method(plain, "loss", X, y))
    loss_r, _ = _loss_tuple(ctx, ctx.student.method(strong, "loss", X, y))
    ctx.ensure(loss_r > loss0 + 1.0, f"loss went from {loss0:.4g} at reg 0 to {loss_r:.4g} at "
               "reg 1e3; it should rise by several units (0.5*reg*sum(W**2) ~ 5 here)",
               hint="add the L2 term 0.5 * self.reg * sum(W**2) to the loss")
    ctx.note(f"loss {loss0:.3f} at reg 0, {loss_r:.3f} at reg 1e3")


@check(Kind.CHECKPOINT, targets=("TwoLayerNet.loss", "Solver.check_accuracy", "Solver.train"),
       points=2, variant="overfit")
def overfit_checkpoint(ctx: Context) -> None:
    """TwoLayerNet + Solver overfit 20 examples to 100% training accuracy (reg 0, SGD)"""
    data = toy_data(ctx, 20)
    X, y = data["X_train"], data["y_train"]
    small = {"X_train": X, "y_train": y, "X_val": X, "y_val": y}
    model = _two_layer(ctx, weight_scale=1e-2)
    solver = ctx.student.new("Solver", model, small, update_rule="sgd",
                             optim_config={"learning_rate": 0.3}, num_epochs=60, batch_size=20,
                             verbose=False)
    ctx.student.method(solver, "train")
    losses = [float(v) for v in ctx.student.get(solver["loss_history"])]
    acc = float(ctx.student.method(solver, "check_accuracy", X, y))
    ctx.ensure(len(losses) > 0, "loss_history is empty after train()")
    ctx.ensure(acc == 1.0, f"training accuracy {acc:.2f} on 20 examples after "
               f"{len(losses)} iterations (loss {losses[0]:.3g} -> {losses[-1]:.3g}); a "
               "correct net memorizes them (100%)",
               hint="a net that cannot overfit 20 examples has a bug in its loss or gradients")
    ctx.note(f"100% train accuracy, loss {losses[0]:.3f} -> {losses[-1]:.3f} in "
             f"{len(losses)} iterations")


@check(Kind.CHECKPOINT, targets=("TwoLayerNet.loss", "Solver.train"), points=1.5,
       variant="exploding")
def exploding_checkpoint(ctx: Context) -> None:
    """An exploding learning rate (1e3) makes Solver.train stop early and say why in stop_reason"""
    data = toy_data(ctx, 200)
    model = _two_layer(ctx, weight_scale=1e-2)
    solver = ctx.student.new("Solver", model, data | {"X_val": data["X_train"][:50],
                                                      "y_val": data["y_train"][:50]},
                             update_rule="sgd", optim_config={"learning_rate": 1e3},
                             num_epochs=4, batch_size=50, verbose=False)
    ctx.student.method(solver, "train")
    losses = [float(v) for v in ctx.student.get(solver["loss_history"])]
    reason = ctx.student.get(solver["stop_reason"])
    total = 4 * 200 // 50
    shown = ", ".join(f"{v:.3g}" for v in losses[:4])
    ctx.ensure(isinstance(reason, str) and reason != "", f"stop_reason is {reason!r} after "
               f"{len(losses)} of {total} iterations at learning rate 1e3 (losses {shown}); "
               "it should be a sentence saying why training stopped",
               hint="Solver.train must stop once the loss is NaN/inf or above 3x the first loss "
                    "and set self.stop_reason")
    ctx.ensure(len(losses) < total, f"training ran all {total} iterations at learning rate 1e3 "
               f"(losses {shown}) instead of stopping early")
    ctx.note(f"stopped after {len(losses)} of {total} iterations: {reason}")


@check(Kind.STATE, targets=("TwoLayerNet.loss", "Solver._reset", "Solver.train"), points=1)
def solver_config_state(ctx: Context) -> None:
    """Solver keeps one optim config per parameter: lr_decay 0.5 over 2 epochs gives lr/4 for each"""
    data = toy_data(ctx, 100)
    model = _two_layer(ctx, weight_scale=1e-2)
    lr = 0.01
    solver = ctx.student.new("Solver", model, data | {"X_val": data["X_train"][:20],
                                                      "y_val": data["y_train"][:20]},
                             update_rule="sgd", optim_config={"learning_rate": lr},
                             lr_decay=0.5, num_epochs=2, batch_size=50, verbose=False)
    ctx.student.method(solver, "train")
    configs = ctx.student.get(solver["optim_configs"])
    caller = ctx.student.get(solver["optim_config"])
    ctx.ensure(isinstance(configs, dict) and set(configs) == {"W1", "b1", "W2", "b2"},
               f"optim_configs should map every parameter name to its config, got "
               f"{sorted(configs) if isinstance(configs, dict) else configs!r}")
    got = {k: float(v.get("learning_rate", float("nan"))) for k, v in configs.items()}
    bad = {k: v for k, v in got.items() if not np.isclose(v, lr * 0.25, rtol=1e-9)}
    ctx.ensure(not bad, f"after 2 epochs with lr_decay 0.5 the learning rates are {got}, "
               f"expected {lr * 0.25:g} for every parameter", hint=SHARED_CONFIG_HINT)
    ctx.ensure(np.isclose(float(caller.get("learning_rate", np.nan)), lr, rtol=1e-12),
               f"the optim_config passed by the caller was changed to {caller}",
               hint=SHARED_CONFIG_HINT)
