"""reference/layers.py: gradients against numeric differentiation, and properties.

Numeric gradients come from grader.gradcheck (central differences, h=1e-5, float64). The pass
bound is rel_error < 1e-7 unless a test says why not. Functions with kinks (relu, leaky/prelu,
maxout, svm) are checked at fixed seeds whose inputs stay far (>> h) from the kinks.
"""

import copy
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from grader.gradcheck import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from reference.layers import (
    affine_backward,
    affine_forward,
    affine_relu_backward,
    affine_relu_forward,
    batchnorm_backward,
    batchnorm_backward_alt,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    elu_backward,
    elu_forward,
    layernorm_backward,
    layernorm_forward,
    leaky_relu_backward,
    leaky_relu_forward,
    maxout_backward,
    maxout_forward,
    prelu_backward,
    prelu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_loss,
    svm_loss,
    tanh_backward,
    tanh_forward,
)

TOL = 1e-7
FAST = settings(max_examples=30, deadline=None, database=None)


def num_grad(f, x, dout):
    return eval_numerical_gradient_array(f, x, dout)


def away_from_zero(rng, shape, margin=1e-3):
    """Normal samples with |x| >= margin, so no kink lies within h of any entry."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, margin * np.sign(x + 0.5 * margin), x)


# --- gradient checks -------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(10, 2, 3), (4, 5), (1, 3)])
def test_affine_backward_matches_numeric(shape):
    rng = np.random.default_rng(231)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((int(np.prod(shape[1:])), 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((shape[0], 5))
    _, cache = affine_forward(x, w, b)
    dx, dw, db = affine_backward(dout, cache)
    assert dx.shape == x.shape
    assert rel_error(dx, num_grad(lambda v: affine_forward(v, w, b)[0], x, dout)) < TOL
    assert rel_error(dw, num_grad(lambda v: affine_forward(x, v, b)[0], w, dout)) < TOL
    assert rel_error(db, num_grad(lambda v: affine_forward(x, w, v)[0], b, dout)) < TOL


ELEMENTWISE = {
    "relu": (relu_forward, relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "leaky_relu_0.2": (lambda x: leaky_relu_forward(x, 0.2), leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
    "elu_0.5": (lambda x: elu_forward(x, alpha=0.5), elu_backward),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_backward_matches_numeric(name):
    forward, backward = ELEMENTWISE[name]
    rng = np.random.default_rng(7)
    x = away_from_zero(rng, (6, 7))  # kinks at 0 for relu/leaky_relu/elu(alpha != 1)
    dout = rng.standard_normal(x.shape)
    dx = backward(dout, forward(x)[1])
    assert rel_error(dx, num_grad(lambda v: forward(v)[0], x, dout)) < TOL


def test_prelu_backward_matches_numeric():
    rng = np.random.default_rng(8)
    x = away_from_zero(rng, (8, 5))
    alpha = rng.uniform(0.0, 0.5, 5)
    dout = rng.standard_normal(x.shape)
    dx, dalpha = prelu_backward(dout, prelu_forward(x, alpha)[1])
    assert dalpha.shape == alpha.shape
    assert rel_error(dx, num_grad(lambda v: prelu_forward(v, alpha)[0], x, dout)) < TOL
    assert rel_error(dalpha, num_grad(lambda v: prelu_forward(x, v)[0], alpha, dout)) < TOL


@pytest.mark.parametrize("shape", [(6, 4), (3, 2, 2)])
def test_maxout_backward_matches_numeric(shape):
    rng = np.random.default_rng(9)
    D = int(np.prod(shape[1:]))
    x = rng.standard_normal(shape)
    w1, w2 = rng.standard_normal((D, 5)), rng.standard_normal((D, 5))
    b1, b2 = rng.standard_normal(5), rng.standard_normal(5)
    dout = rng.standard_normal((shape[0], 5))
    _, cache = maxout_forward(x, w1, b1, w2, b2)
    a1 = x.reshape(shape[0], -1) @ w1 + b1
    a2 = x.reshape(shape[0], -1) @ w2 + b2
    assert np.min(np.abs(a1 - a2)) > 1e-3  # this seed keeps the max's kink far from every entry
    grads = maxout_backward(dout, cache)
    params = [x, w1, b1, w2, b2]
    for k, g in enumerate(grads):

        def f(v, k=k):
            args = list(params)
            args[k] = v
            return maxout_forward(*args)[0]

        assert g.shape == params[k].shape
        assert rel_error(g, num_grad(f, params[k], dout)) < TOL


def test_maxout_routes_ties_to_first_piece():
    x = np.ones((2, 3))
    w = np.full((3, 4), 0.5)
    b = np.zeros(4)
    _, cache = maxout_forward(x, w, b, w.copy(), b.copy())
    _, _, db1, dw2, db2 = maxout_backward(np.ones((2, 4)), cache)
    np.testing.assert_array_equal(db1, [2.0] * 4)
    np.testing.assert_array_equal(db2, np.zeros(4))
    np.testing.assert_array_equal(dw2, np.zeros((3, 4)))


def test_affine_relu_backward_matches_numeric():
    rng = np.random.default_rng(10)
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((12, 10)), rng.standard_normal(10)
    dout = rng.standard_normal((2, 10))
    dx, dw, db = affine_relu_backward(dout, affine_relu_forward(x, w, b)[1])
    assert rel_error(dx, num_grad(lambda v: affine_relu_forward(v, w, b)[0], x, dout)) < TOL
    assert rel_error(dw, num_grad(lambda v: affine_relu_forward(x, v, b)[0], w, dout)) < TOL
    assert rel_error(db, num_grad(lambda v: affine_relu_forward(x, w, v)[0], b, dout)) < TOL


@pytest.mark.parametrize("backward", [batchnorm_backward, batchnorm_backward_alt])
def test_batchnorm_backward_matches_numeric(backward):
    rng = np.random.default_rng(231)
    N, D = 4, 5
    x = 5 * rng.standard_normal((N, D)) + 12
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    dout = rng.standard_normal((N, D))

    def fwd(xv, gv, bv):
        return batchnorm_forward(xv, gv, bv, {"mode": "train"})[0]

    _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = backward(dout, cache)
    assert rel_error(dx, num_grad(lambda v: fwd(v, gamma, beta), x, dout)) < TOL
    assert rel_error(dgamma, num_grad(lambda v: fwd(x, v, beta), gamma, dout)) < TOL
    assert rel_error(dbeta, num_grad(lambda v: fwd(x, gamma, v), beta, dout)) < TOL


def test_batchnorm_backward_alt_agrees_with_graph_version():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((50, 20)) * 3 + 1
    gamma, beta = rng.standard_normal(20), rng.standard_normal(20)
    dout = rng.standard_normal(x.shape)
    _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx1, dg1, db1 = batchnorm_backward(dout, cache)
    dx2, dg2, db2 = batchnorm_backward_alt(dout, cache)
    assert rel_error(dx1, dx2) < 1e-9
    np.testing.assert_array_equal(dg1, dg2)
    np.testing.assert_array_equal(db1, db2)


def test_layernorm_backward_matches_numeric():
    rng = np.random.default_rng(231)
    N, D = 4, 5
    x = 5 * rng.standard_normal((N, D)) + 12
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    dout = rng.standard_normal((N, D))

    def fwd(xv, gv, bv):
        return layernorm_forward(xv, gv, bv, {"mode": "train"})[0]

    dx, dgamma, dbeta = layernorm_backward(dout, layernorm_forward(x, gamma, beta, {})[1])
    assert rel_error(dx, num_grad(lambda v: fwd(v, gamma, beta), x, dout)) < TOL
    assert rel_error(dgamma, num_grad(lambda v: fwd(x, v, beta), gamma, dout)) < TOL
    assert rel_error(dbeta, num_grad(lambda v: fwd(x, gamma, v), beta, dout)) < TOL


def test_dropout_backward_matches_numeric():
    rng = np.random.default_rng(231)
    x = rng.standard_normal((10, 10)) + 10
    dout = rng.standard_normal(x.shape)
    param = {"mode": "train", "p": 0.2, "seed": 123}
    dx = dropout_backward(dout, dropout_forward(x, param)[1])
    assert rel_error(dx, num_grad(lambda v: dropout_forward(v, param)[0], x, dout)) < TOL
    test_param = {"mode": "test", "p": 0.2}
    np.testing.assert_array_equal(dropout_backward(dout, dropout_forward(x, test_param)[1]), dout)


@pytest.mark.parametrize("loss_fn", [softmax_loss, svm_loss])
def test_loss_gradients_match_numeric(loss_fn):
    rng = np.random.default_rng(231)
    # Few rows: dx is divided by N, and the roundoff of central differences (~eps*loss/h) must
    # stay small next to dx's entries. svm: every margin is >> h away from its kink at this seed.
    x = rng.standard_normal((8, 10))
    y = rng.integers(10, size=8)
    _, dx = loss_fn(x, y)
    assert rel_error(dx, eval_numerical_gradient(lambda v: loss_fn(v, y)[0], x)) < TOL


# --- behaviour -------------------------------------------------------------------------------


def test_loss_values_on_uniform_scores():
    x = np.zeros((7, 10))
    y = np.arange(7)
    assert softmax_loss(x, y)[0] == pytest.approx(np.log(10))
    assert svm_loss(x, y)[0] == pytest.approx(9.0)


def test_batchnorm_running_stats_and_test_mode():
    rng = np.random.default_rng(0)
    bn_param = {"mode": "train"}
    gamma, beta = np.ones(3), np.zeros(3)
    x = rng.standard_normal((20, 3))
    batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(bn_param["running_var"], 0.1 * x.var(axis=0))
    for _ in range(200):
        batchnorm_forward(2 * rng.standard_normal((200, 3)) + 5, gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], 5, atol=0.15)
    np.testing.assert_allclose(bn_param["running_var"], 4, atol=0.6)
    bn_param["mode"] = "test"
    before = {k: np.copy(v) for k, v in bn_param.items() if k != "mode"}
    xt = rng.standard_normal((4, 3))
    out, _ = batchnorm_forward(xt, gamma, beta, bn_param)
    expected = (xt - before["running_mean"]) / np.sqrt(before["running_var"] + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn_param["running_mean"], before["running_mean"])


def test_batchnorm_invalid_mode():
    with pytest.raises(ValueError, match="Invalid forward batchnorm mode"):
        batchnorm_forward(np.ones((2, 2)), np.ones(2), np.zeros(2), {"mode": "eval"})


def test_layernorm_ignores_mode_and_normalizes_rows():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 30)) * 3 + 2
    out1, _ = layernorm_forward(x, np.ones(30), np.zeros(30), {"mode": "train"})
    out2, _ = layernorm_forward(x, np.ones(30), np.zeros(30), {"mode": "test"})
    np.testing.assert_array_equal(out1, out2)
    np.testing.assert_allclose(out1.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out1.std(axis=1), 1, atol=1e-5)


def test_dropout_is_reproducible_with_seed_and_varies_across_rows():
    x = np.ones((500, 50))
    param = {"mode": "train", "p": 0.5, "seed": 3}
    a, _ = dropout_forward(x, param)
    b, _ = dropout_forward(x, param)
    np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a[0], a[i]) for i in range(1, 500))
    assert set(np.unique(a)) <= {0.0, 2.0}
    with pytest.raises(ValueError):
        dropout_forward(x, {"mode": "eval", "p": 0.5})


# --- hypothesis properties -------------------------------------------------------------------


def finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@FAST
@given(
    x=arrays(
        np.float64, st.tuples(st.integers(2, 12), st.integers(1, 6)), elements=finite(-1e3, 1e3)
    ),
    gamma=finite(-3, 3),
    beta=finite(-3, 3),
)
def test_batchnorm_train_output_has_mean_beta_and_std_gamma(x, gamma, beta):
    D = x.shape[1]
    g, b = np.full(D, gamma), np.full(D, beta)
    out, _ = batchnorm_forward(x, g, b, {"mode": "train"})
    var = x.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), b, atol=1e-7 * (1 + abs(gamma)))
    # eps inside the sqrt shrinks the std below |gamma| when the batch variance is small.
    np.testing.assert_allclose(
        out.std(axis=0), abs(gamma) * np.sqrt(var / (var + 1e-5)), rtol=1e-6, atol=1e-7
    )


@FAST
@given(p=st.sampled_from([0.1, 0.25, 0.5, 0.8, 1.0]), seed=st.integers(0, 2**31 - 1))
def test_inverted_dropout_keeps_expected_value(p, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((400, 100)) + 3.0
    n = x.size
    out, _ = dropout_forward(x, {"mode": "train", "p": p, "seed": seed})
    kept = np.mean(out != 0)
    assert abs(kept - p) <= 6 * np.sqrt(p * (1 - p) / n) + 1e-12
    # std of the mean of x*mask/p is rms(x)*sqrt((1-p)/p)/sqrt(n); allow 6 sigma.
    bound = 6 * np.sqrt(np.mean(x**2) * (1 - p) / p / n) + 1e-12
    assert abs(out.mean() - x.mean()) <= bound
    test_out, (_, test_mask) = dropout_forward(x, {"mode": "test", "p": p})
    np.testing.assert_array_equal(test_out, x)
    assert test_mask is None


@FAST
@given(
    x=arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(2, 6)), elements=finite(-50, 50)),
    shift=finite(-1e3, 1e3),
    data=st.data(),
)
def test_softmax_loss_invariant_to_row_constant(x, shift, data):
    N, C = x.shape
    y = np.array(data.draw(st.lists(st.integers(0, C - 1), min_size=N, max_size=N)))
    row_shift = shift * np.arange(1, N + 1)[:, None] / N
    loss1, dx1 = softmax_loss(x, y)
    loss2, dx2 = softmax_loss(x + row_shift, y)
    assert loss2 == pytest.approx(loss1, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(dx2, dx1, atol=1e-9)


def no_float_trouble():
    """Errors on overflow / invalid / divide and on any warning; underflow to 0 is exact rounding."""
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


@FAST
@given(x=arrays(np.float64, st.integers(1, 20), elements=finite(-1e4, 1e4)))
def test_sigmoid_is_finite_and_correct_for_huge_inputs(x):
    with warnings.catch_warnings(), no_float_trouble():
        warnings.simplefilter("error")
        out, cache = sigmoid_forward(x)
        dx = sigmoid_backward(np.ones_like(x), cache)
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    assert np.all(np.isfinite(dx))
    expected = np.exp(-np.logaddexp(0.0, -x))  # log-sigmoid route; its log is exact to ~eps*|x|
    assert np.all(np.abs(out - expected) <= 1e-11 * (1 + np.abs(x)) * expected + 1e-300)


def test_sigmoid_extremes_exact():
    x = np.array([-1e4, -745.0, -40.0, 0.0, 40.0, 1e4])
    with warnings.catch_warnings(), no_float_trouble():
        warnings.simplefilter("error")
        out, _ = sigmoid_forward(x)
    assert out[0] == 0.0 and out[-1] == 1.0 and out[3] == 0.5
    assert out[2] == pytest.approx(np.exp(-40.0), rel=1e-12)  # tiny values keep full precision


@FAST
@given(
    x=arrays(
        np.float64, st.tuples(st.integers(1, 6), st.integers(2, 6)), elements=finite(-1e4, 1e4)
    ),
    data=st.data(),
)
def test_softmax_loss_is_finite_and_correct_for_huge_inputs(x, data):
    N, C = x.shape
    y = np.array(data.draw(st.lists(st.integers(0, C - 1), min_size=N, max_size=N)))
    with warnings.catch_warnings(), no_float_trouble():
        warnings.simplefilter("error")
        loss, dx = softmax_loss(x, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dx))
    m = x.max(axis=1)
    lse = m + np.log(np.sum(np.exp(x - m[:, None]), axis=1))
    assert loss == pytest.approx(np.mean(lse - x[np.arange(N), y]), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(dx.sum(axis=1), 0, atol=1e-12)


def test_elu_and_tanh_do_not_overflow():
    x = np.array([-1e4, -1.0, 0.0, 1.0, 1e4])
    with warnings.catch_warnings(), no_float_trouble():
        warnings.simplefilter("error")
        out, cache = elu_forward(x)
        dx = elu_backward(np.ones_like(x), cache)
        t, tc = tanh_forward(x)
        tanh_backward(np.ones_like(x), tc)
    np.testing.assert_allclose(out, [-1.0, np.expm1(-1.0), 0.0, 1.0, 1e4])
    np.testing.assert_allclose(dx, [0.0, np.exp(-1.0), 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(t[[0, -1]], [-1.0, 1.0])


# --- no function modifies its inputs ---------------------------------------------------------


def _all_calls(rng):
    x = rng.standard_normal((4, 3))
    x4 = rng.standard_normal((4, 2, 3))
    w, b = rng.standard_normal((6, 5)), rng.standard_normal(5)
    w3, b3 = rng.standard_normal((3, 5)), rng.standard_normal(5)
    g, be = rng.standard_normal(3), rng.standard_normal(3)
    d5, d3 = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    y = np.array([0, 1, 2, 0])
    bn = {"mode": "train", "running_mean": rng.standard_normal(3), "running_var": np.ones(3)}
    return [
        (affine_forward, (x4, w, b), affine_backward, d5),
        (affine_relu_forward, (x4, w, b), affine_relu_backward, d5),
        (relu_forward, (x,), relu_backward, d3),
        (sigmoid_forward, (x,), sigmoid_backward, d3),
        (tanh_forward, (x,), tanh_backward, d3),
        (leaky_relu_forward, (x, 0.1), leaky_relu_backward, d3),
        (prelu_forward, (x, np.abs(g)), prelu_backward, d3),
        (elu_forward, (x,), elu_backward, d3),
        (maxout_forward, (x, w3, b3, w3 + 1, b3), maxout_backward, d5),
        (batchnorm_forward, (x, g, be, bn), batchnorm_backward, d3),
        (batchnorm_forward, (x, g, be, dict(bn)), batchnorm_backward_alt, d3),
        (layernorm_forward, (x, g, be, {}), layernorm_backward, d3),
        (dropout_forward, (x, {"mode": "train", "p": 0.5, "seed": 1}), dropout_backward, d3),
        (softmax_loss, (x, y), None, None),
        (svm_loss, (x, y), None, None),
    ]


def _snapshot(args):
    return [copy.deepcopy(a) for a in args]


def _assert_same(before, after):
    for a, b in zip(before, after, strict=True):
        if isinstance(a, dict):
            for k in a:  # the dict may gain keys; existing arrays must be untouched
                np.testing.assert_array_equal(a[k], b[k])
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("i", range(15))
def test_no_function_modifies_its_inputs(i):
    forward, args, backward, dout = _all_calls(np.random.default_rng(i))[i]
    arrays_before = _snapshot(args)
    # Keep references to the original arrays inside dicts (bn_param values are replaced, not
    # modified in place).
    originals = [dict(a) if isinstance(a, dict) else a for a in args]
    _, cache = forward(*args)
    _assert_same(arrays_before, originals)
    if backward is not None:
        dout_before = dout.copy()
        backward(dout, cache)
        np.testing.assert_array_equal(dout, dout_before)
        _assert_same(arrays_before, originals)
