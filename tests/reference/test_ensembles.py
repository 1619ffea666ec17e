"""Tests for reference/ensembles.py: ensemble averaging and Polyak averaging."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.data import load_toy_dataset
from reference.ensembles import (
    ensemble_predict,
    polyak_update,
    predict_with_params,
    train_with_polyak_average,
)
from reference.fc_net import TwoLayerNet
from reference.solver import Solver


class FixedScores:
    """A stand-in model that returns the same scores whatever X is."""

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float64)

    def loss(self, X, y=None):
        return self.scores


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_ensemble_averages_probabilities_not_scores():
    """Are the softmax probabilities averaged (so a large-score model does not dominate)?"""
    confident = FixedScores([[10.0, 0.0, 0.0]])      # votes class 0, p ~ 1
    mild_a = FixedScores([[0.0, 1.0, 0.0]])          # vote class 1, p ~ 0.58
    mild_b = FixedScores([[0.0, 1.0, 0.2]])
    probs, y_pred = ensemble_predict([confident, mild_a, mild_b], np.zeros((1, 2)))
    expected = (_softmax(confident.scores) + _softmax(mild_a.scores)
                + _softmax(mild_b.scores)) / 3
    np.testing.assert_allclose(probs, expected)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert y_pred.tolist() == [int(np.argmax(expected))]


def test_ensemble_is_stable_for_huge_scores():
    """Do scores of 1e4 give finite probabilities (max subtracted before exp)?"""
    probs, y_pred = ensemble_predict([FixedScores([[1e4, 0.0], [0.0, -1e4]])], np.zeros((2, 1)))
    assert np.all(np.isfinite(probs))
    assert y_pred.tolist() == [0, 0]


def test_ensemble_of_one_model_is_that_model():
    """Is a one-model ensemble's prediction the model's argmax?"""
    scores = np.random.default_rng(0).standard_normal((6, 4))
    probs, y_pred = ensemble_predict([FixedScores(scores)], np.zeros((6, 1)))
    np.testing.assert_allclose(probs, _softmax(scores))
    np.testing.assert_array_equal(y_pred, scores.argmax(axis=1))
    with pytest.raises(ValueError, match="at least one"):
        ensemble_predict([], np.zeros((1, 1)))


def test_ensemble_of_trained_nets_beats_the_average_member():
    """Is an ensemble of independently initialized nets at least as accurate as its members?"""
    data = load_toy_dataset(num_train=500)
    models, accs = [], []
    for seed in range(4):
        np.random.seed(seed)
        model = TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2)
        Solver(model, data, optim_config={"learning_rate": 0.3}, num_epochs=5, batch_size=50,
               verbose=False).train()
        models.append(model)
        accs.append(np.mean(model.loss(data["X_test"]).argmax(axis=1) == data["y_test"]))
    _, y_pred = ensemble_predict(models, data["X_test"])
    assert np.mean(y_pred == data["y_test"]) >= np.mean(accs)


param_dicts = st.integers(0, 2**32 - 1).map(
    lambda seed: {"W": np.random.default_rng(seed).standard_normal((3, 2)),
                  "b": np.random.default_rng(seed + 1).standard_normal(2)})


@settings(max_examples=30, deadline=None, database=None)
@given(param_dicts, param_dicts, st.floats(0.0, 0.999))
def test_polyak_update_formula_and_no_aliasing(avg, live, decay):
    """Is avg' = decay*avg + (1-decay)*live, in new arrays, with both inputs unchanged?"""
    avg_before = {k: v.copy() for k, v in avg.items()}
    live_before = {k: v.copy() for k, v in live.items()}
    new = polyak_update(avg, live, decay=decay)
    for k in live:
        np.testing.assert_allclose(new[k], decay * avg_before[k] + (1 - decay) * live_before[k])
        np.testing.assert_array_equal(avg[k], avg_before[k])
        np.testing.assert_array_equal(live[k], live_before[k])
        assert not np.shares_memory(new[k], live[k]) and not np.shares_memory(new[k], avg[k])


def test_polyak_first_step_copies_params():
    """With no average yet, does the average start as a copy of the live params?"""
    live = {"W": np.ones((2, 2))}
    new = polyak_update(None, live)
    np.testing.assert_array_equal(new["W"], live["W"])
    new["W"][0, 0] = 5.0
    assert live["W"][0, 0] == 1.0
    with pytest.raises(ValueError, match="decay"):
        polyak_update(None, live, decay=1.0)


def test_polyak_average_converges_to_the_mean_of_jittering_params():
    """Does the running average of params jittering around c settle near c?"""
    rng = np.random.default_rng(0)
    c = np.array([1.0, -2.0, 0.5])
    avg = None
    for _ in range(2000):
        avg = polyak_update(avg, {"w": c + rng.standard_normal(3)}, decay=0.99)
    np.testing.assert_allclose(avg["w"], c, atol=0.35)


def test_polyak_training_keeps_live_params_and_averages_well():
    """Does training with Polyak averaging leave model.params live and give a usable average?"""
    data = load_toy_dataset(num_train=500)
    np.random.seed(0)
    model = TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2)
    avg = train_with_polyak_average(model, data, num_iterations=150, learning_rate=0.5,
                                    decay=0.95, rng=np.random.default_rng(0))
    assert set(avg) == set(model.params)
    assert not np.allclose(avg["W1"], model.params["W1"])
    live_W1 = model.params["W1"].copy()
    avg_scores = predict_with_params(model, avg, data["X_val"])
    np.testing.assert_array_equal(model.params["W1"], live_W1)  # live params restored
    avg_acc = np.mean(avg_scores.argmax(axis=1) == data["y_val"])
    live_acc = np.mean(model.loss(data["X_val"]).argmax(axis=1) == data["y_val"])
    assert avg_acc > 0.5 and avg_acc >= live_acc - 0.05
