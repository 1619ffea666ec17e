"""Tests for reference/transfer.py: frozen features + new linear classifier, and fine-tuning.

Task A: classes 0-4 of the toy dataset (plenty of data); task B: classes 5-9.
"""

import copy

import numpy as np
import pytest

from grader.gradcheck import eval_numerical_gradient, rel_error
from reference.data import load_toy_dataset
from reference.fc_net import FullyConnectedNet, TwoLayerNet
from reference.solver import Solver
from reference.transfer import (
    LinearSoftmaxClassifier,
    TopLayersModel,
    extract_features,
    fine_tune,
    replace_top_layer,
    select_classes,
    train_classifier_on_features,
    trainable_top_params,
)


@pytest.fixture(scope="module")
def data():
    return load_toy_dataset()


@pytest.fixture(scope="module")
def pretrained(data):
    """A TwoLayerNet trained on task A."""
    task_a = select_classes(data, range(5))
    np.random.seed(0)
    model = TwoLayerNet(input_dim=192, hidden_dim=100, num_classes=5, weight_scale=1e-2)
    solver = Solver(model, task_a, optim_config={"learning_rate": 0.3}, num_epochs=10,
                    batch_size=100, verbose=False)
    solver.train()
    assert solver.best_val_acc > 0.85
    return model


def _accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) == y))


def test_select_classes_relabels_and_limits(data):
    """Are other classes dropped, labels renumbered 0..k-1, and training examples capped?"""
    b = select_classes(data, [7, 5, 9], max_train_per_class=4)
    assert b["X_train"].shape == (12, 3, 8, 8)
    assert sorted(np.bincount(b["y_train"]).tolist()) == [4, 4, 4]
    keep = np.isin(data["y_val"], [7, 5, 9])
    relabel = {7: 0, 5: 1, 9: 2}  # classes[j] becomes label j
    np.testing.assert_array_equal(b["y_val"], [relabel[v] for v in data["y_val"][keep]])
    np.testing.assert_array_equal(b["X_val"], data["X_val"][keep])


def test_extract_features_is_the_hidden_layer(pretrained, data):
    """Are the features relu(X W1 + b1) for a TwoLayerNet, computed without changing params?"""
    X = data["X_val"][:20]
    before = {k: v.copy() for k, v in pretrained.params.items()}
    F = extract_features(pretrained, X)
    expected = np.maximum(X.reshape(20, -1) @ pretrained.params["W1"] + pretrained.params["b1"],
                          0)
    np.testing.assert_allclose(F, expected)
    for k, v in before.items():
        np.testing.assert_array_equal(pretrained.params[k], v)


def test_extract_features_fc_net_with_batchnorm_uses_running_stats():
    """With batchnorm, are features computed in test mode, leaving bn_params untouched?"""
    rng = np.random.default_rng(0)
    np.random.seed(0)
    net = FullyConnectedNet([6, 5], input_dim=4, num_classes=3, normalization="batchnorm",
                            dtype=np.float64)
    net.bn_params[0].update(running_mean=rng.standard_normal(6), running_var=rng.random(6) + 0.5)
    net.bn_params[1].update(running_mean=rng.standard_normal(5), running_var=rng.random(5) + 0.5)
    saved = copy.deepcopy(net.bn_params)
    X = rng.standard_normal((7, 4))
    F = extract_features(net, X)
    assert F.shape == (7, 5)
    h = X
    for i in (1, 2):
        a = h @ net.params[f"W{i}"] + net.params[f"b{i}"]
        bn = net.bn_params[i - 1]
        a = (a - bn["running_mean"]) / np.sqrt(bn["running_var"] + 1e-5)
        h = np.maximum(net.params[f"gamma{i}"] * a + net.params[f"beta{i}"], 0)
    np.testing.assert_allclose(F, h)
    for new, old in zip(net.bn_params, saved, strict=True):
        assert new["mode"] == old["mode"]
        np.testing.assert_array_equal(new["running_mean"], old["running_mean"])


def test_linear_classifier_gradient():
    """Does LinearSoftmaxClassifier's gradient match numeric gradients?"""
    rng = np.random.default_rng(0)
    clf = LinearSoftmaxClassifier(5, 3, weight_scale=0.1, reg=0.3, seed=1)
    X, y = rng.standard_normal((8, 5)), rng.integers(0, 3, size=8)
    _, grads = clf.loss(X, y)
    assert clf.loss(X).shape == (8, 3)
    for name in ("W", "b"):
        num = eval_numerical_gradient(lambda _: clf.loss(X, y)[0], clf.params[name])
        assert rel_error(num, grads[name]) < 1e-7


def test_frozen_features_beat_raw_pixels_with_few_examples(pretrained, data):
    """With 5 examples per task-B class, do task-A features beat a linear model on pixels?"""
    task_b = select_classes(data, range(5, 10), max_train_per_class=5)
    before = {k: v.copy() for k, v in pretrained.params.items()}
    clf, _ = train_classifier_on_features(pretrained, task_b, seed=0)
    for k, v in before.items():  # the pretrained net stayed frozen
        np.testing.assert_array_equal(pretrained.params[k], v)
    feature_acc = _accuracy(clf.loss(extract_features(pretrained, task_b["X_test"])),
                            task_b["y_test"])

    flat = {k: (v.reshape(len(v), -1) if k.startswith("X_") else v) for k, v in task_b.items()}
    raw = LinearSoftmaxClassifier(192, 5, seed=0)
    np.random.seed(0)
    Solver(raw, flat, optim_config={"learning_rate": 0.1}, num_epochs=30, batch_size=25,
           verbose=False).train()
    raw_acc = _accuracy(raw.loss(flat["X_test"]), flat["y_test"])
    assert feature_acc > 0.6  # chance is 0.2
    assert feature_acc > raw_acc + 0.05


def test_top_layers_model_exposes_only_trainable_params(pretrained, data):
    """Does the wrapper give the Solver only the top params, and their gradients only?"""
    model = copy.deepcopy(pretrained)
    top = TopLayersModel(model, ("W2", "b2"))
    assert set(top.params) == {"W2", "b2"}
    X, y = data["X_train"][:10], data["y_train"][:10] % 5
    loss, grads = top.loss(X, y)
    assert set(grads) == {"W2", "b2"}
    np.testing.assert_allclose(loss, model.loss(X, y)[0])
    top.params["W2"] = top.params["W2"] * 0  # what a Solver step does: replace the array
    np.testing.assert_allclose(top.loss(X), np.tile(model.params["b2"], (10, 1)))
    with pytest.raises(ValueError, match="no parameter"):
        TopLayersModel(model, ("W9",))
    assert trainable_top_params(model, 1) == ("W2", "b2")
    assert trainable_top_params(model, 2) == ("W1", "b1", "W2", "b2")


def test_fine_tuning_the_top_layer_keeps_lower_layers_frozen(pretrained, data):
    """Does fine-tuning with num_top_layers=1 train only W2/b2 and learn task B?"""
    task_b = select_classes(data, range(5, 10), max_train_per_class=100)
    model = replace_top_layer(copy.deepcopy(pretrained), 5, seed=0)
    W1, b1, W2 = (model.params[k].copy() for k in ("W1", "b1", "W2"))
    fine_tune(model, task_b, num_top_layers=1, learning_rate=0.1, num_epochs=10, seed=0)
    np.testing.assert_array_equal(model.params["W1"], W1)
    np.testing.assert_array_equal(model.params["b1"], b1)
    assert not np.allclose(model.params["W2"], W2)
    assert _accuracy(model.loss(task_b["X_test"]), task_b["y_test"]) > 0.45


def test_fine_tuning_two_layers_with_more_data(pretrained, data):
    """With more task-B data, does fine-tuning both layers update W1 and reach good accuracy?"""
    task_b = select_classes(data, range(5, 10), max_train_per_class=100)
    model = replace_top_layer(copy.deepcopy(pretrained), 5, seed=0)
    W1 = model.params["W1"].copy()
    fine_tune(model, task_b, num_top_layers=2, learning_rate=0.1, num_epochs=10, seed=0)
    assert not np.allclose(model.params["W1"], W1)
    assert _accuracy(model.loss(task_b["X_test"]), task_b["y_test"]) > 0.75
