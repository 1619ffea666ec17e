"""Tests for reference/regularization.py: values, gradients (numeric checks) and conventions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.gradcheck import eval_numerical_gradient, rel_error
from reference.regularization import (
    elastic_net_penalty,
    l1_penalty,
    l2_penalty,
    params_penalty,
)


def _weights(seed, shape=(4, 5)):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal(shape)
    # keep every entry away from 0, where |W| has its kink, so central differences are exact
    return np.where(np.abs(W) < 0.1, 0.1 * np.sign(W) + 0.1 * (W == 0), W)


PENALTIES = [
    pytest.param(lambda W, reg: l2_penalty(W, reg), id="l2"),
    pytest.param(lambda W, reg: l1_penalty(W, reg), id="l1"),
    pytest.param(lambda W, reg: elastic_net_penalty(W, reg, 0.3), id="elastic_net"),
]


@pytest.mark.parametrize("penalty_fn", PENALTIES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_penalty_gradient_matches_numeric(penalty_fn, seed):
    """Does every penalty's gradient agree with central differences (rel error < 1e-7)?"""
    W = _weights(seed)
    reg = 0.37
    _, dW = penalty_fn(W, reg)
    num = eval_numerical_gradient(lambda w: penalty_fn(w, reg)[0], W.copy())
    assert rel_error(dW, num) < 1e-7


def test_penalty_values_follow_the_conventions():
    """Is L2 = 0.5*reg*sum W^2, L1 = reg*sum|W|, elastic net their weighted mix?"""
    W = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert l2_penalty(W, 2.0)[0] == pytest.approx(0.5 * 2.0 * (1 + 4 + 0.25))
    assert l1_penalty(W, 2.0)[0] == pytest.approx(2.0 * 3.5)
    np.testing.assert_array_equal(l1_penalty(W, 2.0)[1], 2.0 * np.sign(W))
    p, d = elastic_net_penalty(W, 2.0, l1_ratio=0.25)
    assert p == pytest.approx(2.0 * (0.25 * 3.5 + 0.75 * 0.5 * 5.25))
    np.testing.assert_allclose(d, 2.0 * (0.25 * np.sign(W) + 0.75 * W))


@settings(max_examples=30, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 10.0))
def test_elastic_net_endpoints_are_l1_and_l2(seed, reg):
    """Is elastic net pure L1 at l1_ratio=1 and pure L2 at l1_ratio=0?"""
    W = _weights(seed, (3, 3))
    for ratio, ref in ((1.0, l1_penalty), (0.0, l2_penalty)):
        p, d = elastic_net_penalty(W, reg, l1_ratio=ratio)
        p_ref, d_ref = ref(W, reg)
        assert p == pytest.approx(p_ref, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(d, d_ref, atol=1e-12)


@settings(max_examples=30, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 10.0))
def test_penalties_are_nonnegative_and_do_not_modify_w(seed, reg):
    """Are penalties >= 0, zero at reg=0, and is W left untouched?"""
    W = _weights(seed)
    before = W.copy()
    for fn in (l1_penalty, l2_penalty, elastic_net_penalty):
        p, d = fn(W, reg)
        assert p >= 0 and d.shape == W.shape
        assert fn(W, 0.0)[0] == 0
    np.testing.assert_array_equal(W, before)


def test_l1_gradient_is_zero_at_zero():
    """Does L1 use the subgradient 0 at W == 0?"""
    assert np.all(l1_penalty(np.zeros(3), 1.0)[1] == 0)


def test_elastic_net_rejects_bad_ratio():
    """Is an l1_ratio outside [0, 1] refused?"""
    with pytest.raises(ValueError, match="l1_ratio"):
        elastic_net_penalty(np.ones(2), 1.0, l1_ratio=1.5)


def test_params_penalty_skips_biases_and_norm_params():
    """Are only W* entries regularized, with zero gradients for b*, gamma*, beta*?"""
    rng = np.random.default_rng(0)
    params = {
        "W1": rng.standard_normal((3, 4)),
        "b1": rng.standard_normal(4),
        "gamma1": np.ones(4),
        "beta1": np.zeros(4),
        "W2": rng.standard_normal((4, 2)),
        "b2": rng.standard_normal(2),
    }
    penalty, grads = params_penalty(params, 0.5)
    expected = 0.25 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    assert penalty == pytest.approx(expected)
    assert set(grads) == set(params)
    np.testing.assert_allclose(grads["W1"], 0.5 * params["W1"])
    for name in ("b1", "gamma1", "beta1", "b2"):
        assert np.all(grads[name] == 0)
    p1, _ = params_penalty(params, 0.5, penalty_fn=l1_penalty)
    assert p1 == pytest.approx(0.5 * (np.abs(params["W1"]).sum() + np.abs(params["W2"]).sum()))
