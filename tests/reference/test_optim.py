"""reference/optim.py: defaults, state handling, purity and convergence of every update rule."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import optim
from reference.optim import adagrad, adam, nesterov_momentum, rmsprop, sgd, sgd_momentum

RULES = [sgd, sgd_momentum, nesterov_momentum, adagrad, rmsprop, adam]

DEFAULTS = {
    sgd: {"learning_rate": 1e-2},
    sgd_momentum: {"learning_rate": 1e-2, "momentum": 0.9},
    nesterov_momentum: {"learning_rate": 1e-2, "momentum": 0.9},
    adagrad: {"learning_rate": 1e-2, "epsilon": 1e-8},
    rmsprop: {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    adam: {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE = {
    sgd: (),
    sgd_momentum: ("velocity",),
    nesterov_momentum: ("velocity",),
    adagrad: ("cache",),
    rmsprop: ("cache",),
    adam: ("m", "v"),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_defaults_and_state_keys(rule):
    w, dw = np.ones((2, 3)), np.full((2, 3), 0.5)
    next_w, config = rule(w, dw)
    for key, value in DEFAULTS[rule].items():
        assert config[key] == value, key
    for key in STATE[rule]:
        assert config[key].shape == w.shape and config[key].dtype == np.float64
    if rule is adam:
        assert config["t"] == 1  # default 0, incremented before the bias correction
    assert next_w.shape == w.shape and next_w.dtype == np.float64
    assert np.all(next_w < w)  # a step against a positive gradient


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_rules_are_exported_by_name(rule):
    assert getattr(optim, rule.__name__) is rule


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_inputs_and_old_state_not_modified(rule):
    rng = np.random.default_rng(0)
    w, dw = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _, config = rule(w, dw, {"learning_rate": 0.1})
    old_state = copy.deepcopy(config)
    state_arrays = {k: v for k, v in config.items() if isinstance(v, np.ndarray)}
    w_before, dw_before = w.copy(), dw.copy()
    next_w, config2 = rule(w, dw, config)
    assert config2 is config
    assert next_w is not w
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(dw, dw_before)
    for k, arr in state_arrays.items():  # the previous state arrays are replaced, not mutated
        np.testing.assert_array_equal(arr, old_state[k])


def test_sgd_formula():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    next_w, _ = sgd(w, dw, {"learning_rate": 0.1})
    np.testing.assert_allclose(next_w, [0.95, -2.025])


def test_momentum_zero_reduces_to_sgd():
    rng = np.random.default_rng(1)
    w, dw = rng.standard_normal(5), rng.standard_normal(5)
    for rule in (sgd_momentum, nesterov_momentum):
        cfg = {"learning_rate": 0.3, "momentum": 0.0}
        w1, cfg = rule(w, dw, cfg)
        w2, cfg = rule(w1, dw, cfg)
        np.testing.assert_allclose(w2, w - 0.6 * dw, rtol=1e-14)


def test_nesterov_formula_two_steps():
    w, dw = np.array([1.0]), np.array([2.0])
    cfg = {"learning_rate": 0.1, "momentum": 0.9}
    w1, cfg = nesterov_momentum(w, dw, cfg)
    # v = -0.2; w1 = 1 - 0.9*0 + 1.9*(-0.2)
    np.testing.assert_allclose(w1, [0.62])
    np.testing.assert_allclose(cfg["velocity"], [-0.2])
    w2, cfg = nesterov_momentum(w1, dw, cfg)
    # v = 0.9*(-0.2) - 0.2 = -0.38; w2 = 0.62 + 0.18 + 1.9*(-0.38)
    np.testing.assert_allclose(cfg["velocity"], [-0.38])
    np.testing.assert_allclose(w2, [0.62 + 0.18 - 0.722])


def test_adagrad_first_step_is_learning_rate_times_sign():
    dw = np.array([3.0, -0.001, 100.0])
    next_w, cfg = adagrad(np.zeros(3), dw, {"learning_rate": 0.5})
    np.testing.assert_allclose(next_w, -0.5 * np.sign(dw), rtol=1e-4)  # eps/|dw| <= 1e-5
    np.testing.assert_allclose(cfg["cache"], dw**2)


def test_adam_bias_correction_makes_first_step_learning_rate_sized():
    dw = np.array([1e-3, -5.0])
    next_w, cfg = adam(np.zeros(2), dw, {"learning_rate": 0.01})
    np.testing.assert_allclose(next_w, -0.01 * np.sign(dw), rtol=1e-4)
    assert cfg["t"] == 1


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_rules_minimise_a_quadratic(rule):
    target = np.array([1.0, -2.0, 3.0])
    lr = {sgd: 0.1, sgd_momentum: 0.05, nesterov_momentum: 0.05, adagrad: 0.5, rmsprop: 0.01}
    w, config = np.zeros(3), {"learning_rate": lr.get(rule, 0.05)}
    for _ in range(1000):
        w, config = rule(w, w - target, config)
    np.testing.assert_allclose(w, target, atol=0.05)


@settings(max_examples=25, deadline=None, database=None)
@given(
    w=arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)),
    dw=arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)),
    rule=st.sampled_from(RULES),
)
def test_updates_are_finite(w, dw, rule):
    next_w, config = rule(w, dw, {})
    next_w, config = rule(next_w, dw, config)
    assert np.all(np.isfinite(next_w))
