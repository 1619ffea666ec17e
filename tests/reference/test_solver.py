"""reference/solver.py on a tiny synthetic dataset made here (Gaussian blobs, 10 classes)."""

import pickle

import numpy as np
import pytest

from reference import optim
from reference.fc_net import FullyConnectedNet, TwoLayerNet
from reference.schedules import step_decay
from reference.solver import Solver


def blobs(num_train=200, num_val=50, dim=20, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    centers = 2.0 * rng.standard_normal((classes, dim))

    def draw(n):
        y = rng.integers(classes, size=n)
        return centers[y] + 0.5 * rng.standard_normal((n, dim)), y

    X_train, y_train = draw(num_train)
    X_val, y_val = draw(num_val)
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val}


def test_initial_loss_is_ln_10():
    np.random.seed(0)
    data = blobs()
    model = TwoLayerNet(input_dim=20, hidden_dim=30, num_classes=10, weight_scale=1e-3)
    solver = Solver(model, data, num_epochs=1, batch_size=50, verbose=False)
    solver.train()
    assert abs(solver.loss_history[0] - np.log(10)) < 0.1


def test_overfits_twenty_examples():
    np.random.seed(1)
    data = blobs(num_train=20, seed=1)
    small = {"X_train": data["X_train"], "y_train": data["y_train"]}
    small["X_val"], small["y_val"] = small["X_train"], small["y_train"]
    model = FullyConnectedNet(
        [50, 50], input_dim=20, num_classes=10, weight_scale=5e-2, dtype=np.float64
    )
    solver = Solver(
        model,
        small,
        update_rule="adam",
        optim_config={"learning_rate": 5e-3},
        num_epochs=40,
        batch_size=10,
        verbose=False,
    )
    solver.train()
    assert solver.stop_reason is None
    assert solver.best_val_acc == 1.0
    assert solver.check_accuracy(small["X_train"], small["y_train"]) == 1.0
    assert solver.loss_history[-1] < 0.1 * solver.loss_history[0]


def test_learns_blobs_and_keeps_histories():
    np.random.seed(2)
    data = blobs(seed=2)
    model = TwoLayerNet(input_dim=20, hidden_dim=40, num_classes=10, weight_scale=1e-2)
    solver = Solver(
        model,
        data,
        update_rule="sgd_momentum",
        optim_config={"learning_rate": 1e-1},
        num_epochs=10,
        batch_size=50,
        verbose=False,
    )
    solver.train()
    iterations = 10 * (200 // 50)
    assert len(solver.loss_history) == iterations
    assert len(solver.train_acc_history) == len(solver.val_acc_history) == 10 + 1
    assert solver.best_val_acc >= 0.9
    assert set(solver.best_params) == set(model.params)
    for k, v in solver.best_params.items():
        np.testing.assert_array_equal(model.params[k], v)


def test_huge_learning_rate_stops_early_with_a_reason():
    np.random.seed(3)
    data = blobs(seed=3)
    model = TwoLayerNet(input_dim=20, hidden_dim=40, num_classes=10, weight_scale=1e-1)
    solver = Solver(
        model,
        data,
        optim_config={"learning_rate": 1e3},
        num_epochs=10,
        batch_size=50,
        verbose=False,
    )
    solver.train()
    assert len(solver.loss_history) < 10 * 4
    reason = solver.stop_reason
    assert reason is not None
    assert "learning rate" in reason and "too high" in reason
    assert f"iteration {len(solver.loss_history)}" in reason
    last = solver.loss_history[-1]
    if np.isfinite(last):
        assert "exploded" in reason and "3x the initial" in reason
        assert last > 3 * solver.loss_history[0]
    assert all(np.all(np.isfinite(v)) for v in model.params.values()) or not solver.best_params


class _ScriptedModel:
    """A model whose loss follows a script, to trigger each stopping rule exactly."""

    def __init__(self, losses):
        self.losses = list(losses)
        self.params = {"w": np.zeros(3)}

    def loss(self, X, y=None):
        if y is None:
            return np.zeros((X.shape[0], 2))
        return self.losses.pop(0), {"w": np.zeros(3)}


@pytest.mark.parametrize(
    ("losses", "words"),
    [
        ([2.3, 2.0, 7.1e2, 1.0], ["exploded to 7.1e+02", "3x the initial 2.30", "iteration 3"]),
        ([2.3, float("nan"), 1.0], ["NaN", "iteration 2"]),
        ([2.3, 2.2, float("inf")], ["infinite", "iteration 3"]),
    ],
)
def test_stop_reason_sentences(losses, words):
    data = {k: v[:, :2] if k.startswith("X") else v % 2 for k, v in blobs().items()}
    solver = Solver(_ScriptedModel(losses), data, batch_size=50, num_epochs=5, verbose=False)
    solver.train()
    assert len(solver.loss_history) == len(losses) - (1 if losses[-1] == 1.0 else 0)
    for word in words:
        assert word in solver.stop_reason
    assert "learning rate is probably too high" in solver.stop_reason


def test_stop_reason_none_and_explosion_factor_off():
    data = {k: v[:, :2] if k.startswith("X") else v % 2 for k, v in blobs().items()}
    solver = Solver(
        _ScriptedModel([1.0, 5.0, 9.0, 9.0]),
        data,
        batch_size=50,
        num_epochs=1,
        verbose=False,
        explosion_factor=None,
    )
    solver.train()
    assert solver.stop_reason is None and len(solver.loss_history) == 4


def test_bad_arguments():
    data = blobs()
    model = TwoLayerNet(input_dim=20, num_classes=10)
    with pytest.raises(ValueError, match="Unrecognized arguments"):
        Solver(model, data, learning_rate=1e-3)
    with pytest.raises(ValueError, match="Invalid update_rule"):
        Solver(model, data, update_rule="sgd_nesterov")
    with pytest.raises(ValueError):
        Solver(model, data, lr_schedule=step_decay(1e-3), lr_decay=0.9)
    with pytest.raises(ValueError):
        Solver(model, data, lr_schedule=0.1)


def _recording_rule(seen):
    def rule(w, dw, config=None):
        seen.append(config["learning_rate"])
        return optim.sgd(w, dw, config)

    return rule


def test_lr_schedule_applied_per_epoch():
    np.random.seed(4)
    data = blobs()  # 200 examples / batch 50 = 4 iterations per epoch
    model = TwoLayerNet(input_dim=20, hidden_dim=10, num_classes=10)
    seen = []
    schedule = step_decay(0.1, drop=0.5, every=2)
    solver = Solver(
        model,
        data,
        update_rule=_recording_rule(seen),
        lr_schedule=schedule,
        num_epochs=5,
        batch_size=50,
        verbose=False,
    )
    solver.train()
    per_param = len(model.params)
    per_iteration = seen[::per_param]
    expected = [schedule(epoch) for epoch in range(5) for _ in range(4)]
    assert per_iteration == pytest.approx(expected)
    assert all(c["learning_rate"] == schedule(5) for c in solver.optim_configs.values())


def test_lr_decay_keeps_cs231n_meaning():
    np.random.seed(5)
    data = blobs()
    model = TwoLayerNet(input_dim=20, hidden_dim=10, num_classes=10)
    seen = []
    solver = Solver(
        model,
        data,
        update_rule=_recording_rule(seen),
        optim_config={"learning_rate": 0.1},
        lr_decay=0.5,
        num_epochs=3,
        batch_size=50,
        verbose=False,
    )
    solver.train()
    per_iteration = seen[:: len(model.params)]
    assert per_iteration == pytest.approx([0.1] * 4 + [0.05] * 4 + [0.025] * 4)
    assert solver.optim_config == {"learning_rate": 0.1}  # the caller's dict is not modified


def test_checkpoints_and_verbose_output(tmp_path, capsys):
    np.random.seed(6)
    data = blobs()
    model = TwoLayerNet(input_dim=20, hidden_dim=10, num_classes=10)
    name = str(tmp_path / "ckpt")
    solver = Solver(model, data, num_epochs=2, batch_size=100, checkpoint_name=name, print_every=1)
    solver.train()
    out = capsys.readouterr().out
    assert "(Iteration 1 / 4)" in out and "(Epoch 2 / 2)" in out
    with open(f"{name}_epoch_2.pkl", "rb") as f:
        checkpoint = pickle.load(f)
    assert checkpoint["epoch"] == 2 and len(checkpoint["loss_history"]) == 4
    assert (tmp_path / "ckpt_epoch_1.pkl").exists()
