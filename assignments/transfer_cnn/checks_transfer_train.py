"""Transfer-learning checkpoints: pretrain on classes 0-4 of the toy data, then task B (classes
5-9, 3 training images per class): frozen features + a new linear classifier must beat the same
classifier on raw pixels; fine-tuning must change only the top layers."""

from __future__ import annotations

import numpy as np

from assignments.networks.checks_solver import ready_for_solver
from assignments.transfer_cnn.checks_transfer import FROZEN_HINT
from grader.context import Context
from grader.registry import check
from grader.result import Kind

TARGETS = ("TwoLayerNet.loss", "LinearSoftmaxClassifier.loss", "Solver.train",
           "extract_features")


def _tasks(ctx: Context) -> tuple[dict, dict]:
    data = ctx.student.call("load_toy_dataset", num_train=2000, num_val=500, num_test=0)
    data = {k: v for k, v in data.items() if not k.endswith("_test")}
    task_a = ctx.student.call("select_classes", data, [0, 1, 2, 3, 4])
    task_b = ctx.student.call("select_classes", data, [5, 6, 7, 8, 9], 3)
    return task_a, task_b


def _pretrain(ctx: Context, task_a: dict):
    model = ctx.student.new("TwoLayerNet", input_dim=192, hidden_dim=50, num_classes=5,
                            weight_scale=1e-2, reg=1e-3)
    ready_for_solver(ctx, model, task_a["X_train"][:10], task_a["y_train"][:10])
    solver = ctx.student.new("Solver", model, task_a, update_rule="sgd",
                             optim_config={"learning_rate": 0.1}, num_epochs=5, batch_size=50,
                             verbose=False)
    ctx.student.method(solver, "train")
    return model, float(ctx.student.get(solver["best_val_acc"]))


def _accuracy(ctx: Context, classifier, X: np.ndarray, y: np.ndarray) -> float:
    scores = np.asarray(ctx.student.method(classifier, "loss", X))
    return float(np.mean(np.argmax(scores, axis=1) == y))


@check(Kind.CHECKPOINT, targets=TARGETS, points=2, variant="frozen-features")
def frozen_features_checkpoint(ctx: Context) -> None:
    """Frozen pretrained features + a new linear classifier beat raw pixels on a 15-image task B"""
    task_a, task_b = _tasks(ctx)
    model, acc_a = _pretrain(ctx, task_a)
    clf, _ = ctx.student.call("train_classifier_on_features", model, task_b, 30, 0.1, 50, 1e-3, 0)
    feats = ctx.student.call("extract_features", model, task_b["X_val"])
    acc_feat = _accuracy(ctx, clf, feats, task_b["y_val"])
    raw = {k: (v.reshape(len(v), -1) if k.startswith("X") else v) for k, v in task_b.items()}
    linear = ctx.student.new("LinearSoftmaxClassifier", 192, 5, reg=1e-3, seed=0)
    solver = ctx.student.new("Solver", linear, raw, update_rule="sgd",
                             optim_config={"learning_rate": 1e-2}, num_epochs=30, batch_size=15,
                             verbose=False)
    ctx.student.method(solver, "train")
    acc_raw = _accuracy(ctx, linear, raw["X_val"], raw["y_val"])
    summary = (f"task-A val accuracy {acc_a:.2f}; task B (3 images per class): "
               f"{acc_feat:.2f} with frozen features vs {acc_raw:.2f} on raw pixels")
    ctx.ensure(acc_feat > acc_raw + 0.02, f"{summary}; the features should do clearly better",
               hint="extract_features must return the last hidden layer relu(... W_{L-1} + "
                    "b_{L-1}) of the pretrained net, at test time")
    ctx.note(summary)


@check(Kind.CHECKPOINT, targets=("FullyConnectedNet.loss", "Solver.train",
                                 "TopLayersModel.__init__", "TopLayersModel.loss"), points=1.5,
       variant="fine-tune")
def fine_tune_checkpoint(ctx: Context) -> None:
    """fine_tune with num_top_layers=1 changes W2/b2 only and improves task-B training loss"""
    data = ctx.student.call("load_toy_dataset", num_train=200, num_val=100, num_test=0)
    data = {k: v for k, v in data.items() if not k.endswith("_test")}
    model = ctx.student.new("FullyConnectedNet", [30], input_dim=192, num_classes=10,
                            weight_scale=5e-2, dtype="float64")
    before = ctx.student.get(model["params"])
    loss0 = float(ctx.student.method(model, "loss", data["X_train"], data["y_train"])[0])
    solver = ctx.student.call("fine_tune", model, data, 1, 0.05, 5, 50, 0)
    after = ctx.student.get(model["params"])
    loss1 = float(ctx.student.method(model, "loss", data["X_train"], data["y_train"])[0])
    moved = sorted(k for k in before if not np.array_equal(before[k], after[k]))
    ctx.ensure(not {"W1", "b1"} & set(moved), f"fine-tuning the top layer changed {moved}; "
               "W1 and b1 are frozen", hint=FROZEN_HINT)
    ctx.ensure("W2" in moved, f"fine-tuning changed {moved or 'nothing'}; W2 should have been "
               "trained")
    losses = ctx.student.get(solver["loss_history"])
    ctx.ensure(loss1 < loss0, f"task-B training loss {loss0:.3f} before and {loss1:.3f} after "
               f"fine-tuning ({len(losses)} iterations): it should go down")
    ctx.note(f"only {moved} changed; training loss {loss0:.3f} -> {loss1:.3f}")
