"""Tests for reference/weight_init.py: the lecture's 10-layer activation-statistics experiment."""

import functools

import numpy as np
import pytest

from reference.initializers import he_init, small_random_init, xavier_init
from reference.weight_init import (
    activation_statistics,
    relu_activation,
    saturated_fraction,
    tanh_activation,
)


@pytest.fixture(scope="module")
def batch():
    # the lecture's setup: unit-Gaussian inputs with 500 features (fewer rows, for speed)
    return np.random.default_rng(0).standard_normal((400, 500))


def _stds(X, init, nonlinearity, seed=1):
    stats = activation_statistics(
        X, init=init, nonlinearity=nonlinearity, rng=np.random.default_rng(seed)
    )
    assert stats.shape == (10, 2) and stats.dtype == np.float64
    return stats[:, 0], stats[:, 1]


def test_small_weights_collapse_to_zero(batch):
    """With 0.01*randn and tanh, does the std shrink every layer until it is tiny?"""
    means, stds = _stds(batch, small_random_init, tanh_activation)
    assert np.all(np.diff(stds) < 0)
    assert 0.15 < stds[0] < 0.3  # 0.01 * sqrt(500) ~ 0.22
    assert stds[-1] < 1e-5
    assert np.all(np.abs(means) < 1e-2)


def test_unit_weights_saturate_tanh(batch):
    """With 1.0*randn and tanh, are activations pinned near -1 and +1 in every layer?"""
    _, stds = _stds(batch, functools.partial(small_random_init, scale=1.0), tanh_activation)
    assert np.all(stds > 0.95)
    init = functools.partial(small_random_init, scale=1.0)
    assert saturated_fraction(batch, init=init, rng=np.random.default_rng(1)) > 0.8


def test_xavier_keeps_tanh_healthy(batch):
    """With Xavier and tanh, does the std stay in a healthy band through all 10 layers?"""
    _, stds = _stds(batch, xavier_init, tanh_activation)
    assert np.all((stds > 0.15) & (stds < 0.8))
    assert stds[-1] / stds[0] > 0.25  # shrinks gently, no collapse
    assert saturated_fraction(batch, init=xavier_init, rng=np.random.default_rng(1)) < 0.01


def test_he_keeps_relu_healthy_where_xavier_halves(batch):
    """With ReLU, does He hold the scale while Xavier lets it shrink ~1/sqrt(2) per layer?"""
    _, he_stds = _stds(batch, he_init, relu_activation)
    _, xavier_stds = _stds(batch, xavier_init, relu_activation)
    assert np.all((he_stds > 0.4) & (he_stds < 2.0))
    assert xavier_stds[-1] < 0.1 * he_stds[-1]
    ratio = np.exp(np.mean(np.log(xavier_stds[1:] / xavier_stds[:-1])))
    assert ratio == pytest.approx(1 / np.sqrt(2), abs=0.08)


def test_statistics_are_reproducible_and_input_untouched(batch):
    """Does the same rng give the same statistics, without modifying X?"""
    before = batch.copy()
    a = activation_statistics(batch[:50], hidden_dims=(20, 30, 10), rng=np.random.default_rng(3))
    b = activation_statistics(batch[:50], hidden_dims=(20, 30, 10), rng=np.random.default_rng(3))
    assert a.shape == (3, 2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(batch, before)


def test_statistics_match_a_hand_computed_forward_pass():
    """Are the recorded numbers the mean and std of nonlinearity(h @ W), layer by layer?"""
    X = np.random.default_rng(0).standard_normal((30, 8))
    stats = activation_statistics(
        X,
        hidden_dims=(6, 4),
        init=he_init,
        nonlinearity=relu_activation,
        rng=np.random.default_rng(5),
    )
    rng = np.random.default_rng(5)
    h1 = np.maximum(X @ he_init(8, 6, rng=rng), 0)
    h2 = np.maximum(h1 @ he_init(6, 4, rng=rng), 0)
    np.testing.assert_allclose(stats, [[h1.mean(), h1.std()], [h2.mean(), h2.std()]])
