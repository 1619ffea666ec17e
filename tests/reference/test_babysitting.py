"""Tests for reference/babysitting.py, on the embedded toy dataset with TwoLayerNet + Solver."""

import math

import numpy as np
import pytest

from reference.babysitting import (
    LearningRateVerdict,
    check_initial_loss,
    diagnose_learning_rate,
    expected_softmax_initial_loss,
    expected_svm_initial_loss,
    loss_with_and_without_reg,
    overfit_small_subset,
    sgd_update_ratios,
    try_learning_rate,
    update_to_weight_ratios,
)
from reference.data import load_toy_dataset
from reference.fc_net import TwoLayerNet
from reference.layers import svm_loss

INPUT_DIM = 3 * 8 * 8


@pytest.fixture(scope="module")
def data():
    return load_toy_dataset()


def _net(seed, weight_scale=1e-2, reg=0.0):
    np.random.seed(seed)  # TwoLayerNet draws its weights from numpy's global generator
    return TwoLayerNet(input_dim=INPUT_DIM, hidden_dim=100, weight_scale=weight_scale, reg=reg)


def test_expected_initial_losses():
    """Is the expected initial loss ln C for softmax and (C - 1) * margin for the SVM?"""
    assert expected_softmax_initial_loss(10) == pytest.approx(2.302585, abs=1e-6)
    assert expected_softmax_initial_loss(2) == pytest.approx(math.log(2))
    assert expected_svm_initial_loss(10) == 9.0
    assert expected_svm_initial_loss(5, margin=2.0) == 8.0


def test_expected_svm_loss_matches_equal_scores():
    """Does svm_loss on all-equal scores give exactly the expected SVM initial loss?"""
    y = np.arange(7) % 10
    loss, _ = svm_loss(np.zeros((7, 10)), y)
    assert loss == pytest.approx(expected_svm_initial_loss(10))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_initial_loss_is_ln10_with_small_weights(data, seed):
    """With small weights, is the initial softmax loss within 0.1 of ln 10 (reg ignored)?"""
    model = _net(seed, weight_scale=1e-3, reg=5.0)
    loss, ok = check_initial_loss(model, data["X_train"], data["y_train"],
                                  expected_softmax_initial_loss(10))
    assert ok and abs(loss - math.log(10)) < 0.1
    assert model.reg == 5.0  # restored


def test_initial_loss_check_flags_large_weights(data):
    """Do large initial weights give an initial loss the check rejects?"""
    model = _net(0, weight_scale=1.0)
    loss, ok = check_initial_loss(model, data["X_train"][:200], data["y_train"][:200],
                                  expected_softmax_initial_loss(10))
    assert not ok and loss > 3.0


def test_cranking_up_reg_raises_the_loss(data):
    """Is the loss at a large reg higher than at reg 0, with the model's reg restored?"""
    model = _net(0, reg=0.1)
    X, y = data["X_train"][:100], data["y_train"][:100]
    no_reg, with_reg = loss_with_and_without_reg(model, X, y, reg=1e3)
    assert no_reg == pytest.approx(math.log(10), abs=0.1)
    assert with_reg > no_reg + 1.0
    assert model.reg == 0.1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_overfit_twenty_examples(data, seed):
    """Can a two-layer net reach 100% training accuracy on 20 examples with reg 0?"""
    model = _net(seed, reg=1.0)
    train_acc, solver = overfit_small_subset(model, data, num_examples=20, seed=seed)
    assert train_acc == 1.0
    assert solver.loss_history[-1] < 0.1 * solver.loss_history[0]
    assert solver.stop_reason is None
    assert model.reg == 1.0


def test_diagnose_learning_rate_on_histories():
    """Are flat, exploding, NaN and decreasing loss histories classified correctly?"""
    flat = [2.3026, 2.3025, 2.3027, 2.3024, 2.3023]
    assert diagnose_learning_rate(flat) is LearningRateVerdict.TOO_LOW
    assert diagnose_learning_rate([2.3, 2.1, float("nan")]) is LearningRateVerdict.TOO_HIGH
    assert diagnose_learning_rate([2.3, 2.1, float("inf")]) is LearningRateVerdict.TOO_HIGH
    assert diagnose_learning_rate([2.3, 4.0, 7.0]) is LearningRateVerdict.TOO_HIGH
    assert diagnose_learning_rate(np.linspace(2.3, 1.0, 50)) is LearningRateVerdict.OK
    # noisy but decreasing: the tail average, not the single last loss, decides
    noisy = list(np.linspace(2.3, 1.0, 40) + 0.2 * np.random.default_rng(0).standard_normal(40))
    assert diagnose_learning_rate(noisy + [2.29]) is LearningRateVerdict.OK
    with pytest.raises(ValueError, match="empty"):
        diagnose_learning_rate([])


def test_too_low_learning_rate_barely_moves_the_loss(data):
    """With lr 1e-6, does the loss barely change over a few epochs?"""
    verdict, solver = try_learning_rate(_net(0), data, 1e-6, num_epochs=2, seed=0)
    assert verdict is LearningRateVerdict.TOO_LOW
    assert solver.stop_reason is None
    assert abs(solver.loss_history[-1] - solver.loss_history[0]) < 0.05


def test_good_learning_rate_makes_the_loss_go_down(data):
    """With a reasonable lr, does the loss go down and validation accuracy beat chance?"""
    verdict, solver = try_learning_rate(_net(0), data, 0.3, num_epochs=3, seed=0)
    assert verdict is LearningRateVerdict.OK
    assert solver.stop_reason is None
    assert solver.best_val_acc > 0.6


@pytest.mark.parametrize("learning_rate", [3.0, 1e3])
def test_exploding_learning_rate_stops_early_with_a_reason(data, learning_rate):
    """Does an exploding lr stop the Solver early, with a reason naming the learning rate?"""
    verdict, solver = try_learning_rate(_net(0), data, learning_rate, num_epochs=3, seed=0)
    assert verdict is LearningRateVerdict.TOO_HIGH
    assert solver.stop_reason is not None
    assert "learning rate" in solver.stop_reason
    assert len(solver.loss_history) < 3 * 20  # stopped before the 60 planned iterations
    last = solver.loss_history[-1]
    assert not np.isfinite(last) or last > 3 * solver.loss_history[0]


def test_update_to_weight_ratios():
    """Is each ratio ||after - before|| / ||before||, with zero-norm weights handled?"""
    before = {"W": np.array([[3.0, 4.0]]), "b": np.zeros(2), "c": np.zeros(1)}
    after = {"W": np.array([[3.003, 4.004]]), "b": np.array([0.1, 0.0]), "c": np.zeros(1)}
    ratios = update_to_weight_ratios(before, after)
    assert ratios["W"] == pytest.approx(1e-3)
    assert ratios["b"] == float("inf") and ratios["c"] == 0.0
    np.testing.assert_array_equal(before["W"], [[3.0, 4.0]])


def test_sgd_update_ratios_track_the_learning_rate(data):
    """Are SGD ratios lr * ||dW|| / ||W||, growing linearly with the learning rate?"""
    model = _net(0)
    _, grads = model.loss(data["X_train"][:100], data["y_train"][:100])
    r1 = sgd_update_ratios(model.params, grads, 1e-3)
    r2 = sgd_update_ratios(model.params, grads, 1e-2)
    W1, dW1 = model.params["W1"], grads["W1"]
    assert r1["W1"] == pytest.approx(1e-3 * np.linalg.norm(dW1) / np.linalg.norm(W1))
    assert r2["W2"] == pytest.approx(10 * r1["W2"])
    assert r1["b1"] == float("inf")  # biases start at zero
