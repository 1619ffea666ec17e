"""grader.gradcheck: relative error, index sampling, numeric and directional gradients."""

import numpy as np
import pytest

from grader.gradcheck import (
    directional_derivative_check,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    numeric_gradient,
    rel_error,
    sample_indices,
)

# Central differences with h=1e-5 are exact to O(h^2) plus roundoff eps*|f|/h ~ 1e-10 absolute,
# so small gradient entries limit the relative error to ~1e-8.
TOL = 1e-6


def cubic_sum(x):
    return float(np.sum(x**3))


def many(f):
    return lambda xs: [f(x) for x in xs]


# --- rel_error -------------------------------------------------------------------------------


def test_rel_error_is_cs231n_formula():
    assert rel_error(1.0, 1.0) == 0.0
    assert rel_error([1.0, 2.0], [2.0, 2.0]) == pytest.approx(1.0 / 3.0)
    x, y = np.array([3.0, -1.0]), np.array([3.5, -1.0])
    expected = np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))
    assert rel_error(x, y) == pytest.approx(expected)


def test_rel_error_floor_guards_zero_over_zero():
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(0.0, 1e-10) == pytest.approx(1e-10 / 1e-8)
    assert rel_error(0.0, 1e-10, floor=1e-12) == pytest.approx(1.0)


def test_rel_error_edge_cases():
    assert isinstance(rel_error(np.float32(1), 2), float)
    assert rel_error(np.zeros(0), np.zeros(0)) == 0.0
    assert np.isnan(rel_error([np.nan], [1.0]))


# --- sample_indices --------------------------------------------------------------------------


def test_sample_indices_returns_every_index_when_small():
    idx = sample_indices((2, 3), 6, np.random.default_rng(0))
    assert idx == [(i, j) for i in range(2) for j in range(3)]
    assert sample_indices((), 1, np.random.default_rng(0)) == [()]


def test_sample_indices_samples_deterministically_when_large():
    a = sample_indices((10, 20, 3), 7, np.random.default_rng(5))
    b = sample_indices((10, 20, 3), 7, np.random.default_rng(5))
    assert a == b
    assert len(a) == 7 == len(set(a))
    assert all(0 <= i < 10 and 0 <= j < 20 and 0 <= k < 3 for i, j, k in a)
    assert all(isinstance(v, int) for t in a for v in t)
    assert a == sorted(a)


# --- numeric_gradient ------------------------------------------------------------------------


def test_numeric_gradient_of_scalar_function():
    x = np.random.default_rng(0).standard_normal((3, 4))
    grad = numeric_gradient(many(cubic_sum), x)
    assert rel_error(grad, 3 * x**2) < TOL


def test_numeric_gradient_with_upstream_dout():
    rng = np.random.default_rng(1)
    x, dout = rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
    grad = numeric_gradient(many(np.sin), x, dout)
    assert rel_error(grad, np.cos(x) * dout) < TOL


def test_numeric_gradient_only_fills_requested_indices():
    x = np.arange(6.0).reshape(2, 3)
    grad = numeric_gradient(many(cubic_sum), x, indices=[(0, 1), (1, 2)])
    assert np.isnan(grad).sum() == 4
    assert grad[0, 1] == pytest.approx(3.0, rel=1e-6)
    assert grad[1, 2] == pytest.approx(75.0, rel=1e-6)


def test_numeric_gradient_never_modifies_x_and_works_in_float64():
    x = np.linspace(-1, 1, 6).astype(np.float32)
    before = x.copy()
    seen = []

    def evaluate_many(xs):
        seen.extend(xp.dtype for xp in xs)
        return [cubic_sum(xp) for xp in xs]

    grad = numeric_gradient(evaluate_many, x)
    np.testing.assert_array_equal(x, before)
    assert grad.dtype == np.float64 and set(seen) == {np.dtype(np.float64)}


def test_numeric_gradient_batches_calls():
    x = np.zeros(10)
    calls = []

    def evaluate_many(xs):
        calls.append(len(xs))
        return [cubic_sum(xp) for xp in xs]

    numeric_gradient(evaluate_many, x)
    assert calls == [20]  # one call for a small array
    calls.clear()
    numeric_gradient(evaluate_many, x, max_batch=6)
    assert sum(calls) == 20 and max(calls) <= 6


def test_numeric_gradient_rejects_bad_outputs():
    with pytest.raises(ValueError, match="outputs"):
        numeric_gradient(lambda xs: [0.0], np.zeros(3))
    with pytest.raises(ValueError, match="scalar"):
        numeric_gradient(many(lambda x: x), np.zeros(3))


# --- CS231n wrappers -------------------------------------------------------------------------


def test_eval_numerical_gradient_restores_x():
    x = np.random.default_rng(2).standard_normal((3, 3))
    before = x.copy()
    grad = eval_numerical_gradient(cubic_sum, x, verbose=False)
    np.testing.assert_array_equal(x, before)
    assert rel_error(grad, 3 * x**2) < TOL


def test_eval_numerical_gradient_supports_the_aliasing_idiom():
    """CS231n checks model params with f ignoring its argument: x must be perturbed in place."""
    params = {"W": np.array([1.0, -2.0, 0.5])}
    grad = eval_numerical_gradient(lambda _: float(np.sum(params["W"] ** 2)), params["W"])
    assert rel_error(grad, 2 * params["W"]) < TOL
    np.testing.assert_array_equal(params["W"], [1.0, -2.0, 0.5])


def test_eval_numerical_gradient_restores_x_when_f_raises():
    x = np.ones(3)
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError):
        eval_numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.ones(3))


def test_eval_numerical_gradient_array_of_identity_returning_x_itself():
    x = np.random.default_rng(3).standard_normal((2, 3))
    dout = np.random.default_rng(4).standard_normal((2, 3))
    grad = eval_numerical_gradient_array(lambda v: v, x, dout)  # f returns its argument
    assert rel_error(grad, dout) < TOL


def test_eval_numerical_gradient_accepts_non_arrays_and_rejects_bool_h():
    grad = eval_numerical_gradient(lambda v: float(np.sum(v**2)), [1.0, 2.0])
    assert rel_error(grad, [2.0, 4.0]) < TOL
    with pytest.raises(TypeError):
        eval_numerical_gradient(cubic_sum, np.ones(2), False)


# --- directional_derivative_check ------------------------------------------------------------


def test_directional_check_accepts_correct_and_rejects_wrong_gradients():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((40, 30))
    good = directional_derivative_check(many(cubic_sum), x, 3 * x**2, rng=rng)
    bad = directional_derivative_check(many(cubic_sum), x, 3 * x**2 + 0.1, rng=rng)
    assert good < 1e-7
    assert bad > 1e-3
    dout = rng.standard_normal(x.shape)
    with_dout = directional_derivative_check(
        many(np.tanh), x, dout / np.cosh(x) ** 2, dout, rng=rng
    )
    assert with_dout < 1e-7
    with pytest.raises(ValueError, match="shape"):
        directional_derivative_check(many(cubic_sum), x, x[0], rng=rng)
