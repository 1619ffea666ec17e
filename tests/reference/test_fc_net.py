"""reference/fc_net.py: TwoLayerNet and FullyConnectedNet gradients and structure.

Gradient checks run in float64 as CS231n's do. Two metrics are used per parameter:
- CS231n's elementwise rel_error. Whole-network losses are ~2-7, so central differences carry
  ~eps*loss/h ~ 1e-10 of absolute roundoff; entries whose true gradient is ~1e-6 therefore show
  elementwise relative errors up to ~1e-5 even for a correct implementation (CS231n's notebooks
  accept "1e-6 or less", W "up to 1e-4"). The bound here is 2e-5.
- the normwise error max|numeric - analytic| / max|numeric|, which has no such noise: < 1e-6.
The data seeds are chosen so that no ReLU input lies within reach of the h=1e-5 perturbations
(a kink there gives rel_error ~1 for a correct implementation).
Biases feeding a batchnorm layer have a true gradient of exactly 0 (batchnorm removes any
per-feature shift), so they are checked to be ~0 instead.
"""

import re

import numpy as np
import pytest

from grader.gradcheck import eval_numerical_gradient, rel_error
from reference.fc_net import FullyConnectedNet, TwoLayerNet


def check_model_gradients(model, X, y, rel_bound=2e-5, norm_bound=1e-6):
    _, grads = model.loss(X, y)
    assert set(grads) == set(model.params)
    for name, analytic in grads.items():
        assert analytic.shape == model.params[name].shape, name
        numeric = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name])
        feeds_batchnorm = (
            getattr(model, "normalization", None) == "batchnorm"
            and re.fullmatch(r"b\d+", name)
            and int(name[1:]) < model.num_layers
        )
        if feeds_batchnorm:
            assert np.max(np.abs(analytic)) < 1e-10, name
            assert np.max(np.abs(numeric)) < 1e-8, name
            continue
        assert rel_error(numeric, analytic) < rel_bound, name
        assert np.max(np.abs(numeric - analytic)) <= norm_bound * np.max(np.abs(numeric)), name


def test_two_layer_net_gradients():
    np.random.seed(0)
    N, D, H, C = 3, 5, 50, 7
    X = np.random.randn(N, D)
    y = np.random.randint(C, size=N)
    # CS231n uses weight_scale=1e-3, where some of the 150 hidden pre-activations fall within
    # h*|x| ~ 1e-5 of the ReLU kink for most seeds; 1e-1 keeps them all clear of it.
    model = TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=1e-1)
    assert np.min(np.abs(X @ model.params["W1"])) > 1e-4
    for reg in (0.0, 0.7):
        model.reg = reg
        check_model_gradients(model, X, y)


@pytest.mark.parametrize("seed", [0, 2])
@pytest.mark.parametrize("normalization", [None, "batchnorm", "layernorm"])
@pytest.mark.parametrize("keep", [1, 0.5])
@pytest.mark.parametrize("reg", [0.0, 3.14])
def test_fully_connected_net_gradients(seed, normalization, keep, reg):
    rng = np.random.default_rng(seed)
    N, D, H1, H2, C = 5, 15, 20, 30, 10
    X = rng.standard_normal((N, D))
    y = rng.integers(C, size=N)
    np.random.seed(seed)
    model = FullyConnectedNet(
        [H1, H2],
        input_dim=D,
        num_classes=C,
        reg=reg,
        weight_scale=5e-2,
        dtype=np.float64,
        normalization=normalization,
        dropout_keep_ratio=keep,
        seed=123,
    )
    check_model_gradients(model, X, y)


def test_two_layer_net_structure_and_regularization():
    np.random.seed(0)
    model = TwoLayerNet(input_dim=12, hidden_dim=8, num_classes=4, weight_scale=1e-2, reg=0.0)
    assert {k: v.shape for k, v in model.params.items()} == {
        "W1": (12, 8),
        "b1": (8,),
        "W2": (8, 4),
        "b2": (4,),
    }
    X = np.random.randn(6, 3, 4)  # (N, d1, d2) is flattened like affine_forward
    y = np.array([0, 1, 2, 3, 0, 1])
    assert model.loss(X).shape == (6, 4)
    loss0, _ = model.loss(X, y)
    model.reg = 2.0
    loss2, _ = model.loss(X, y)
    w2 = sum(np.sum(model.params[k] ** 2) for k in ("W1", "W2"))
    assert loss2 - loss0 == pytest.approx(0.5 * 2.0 * w2, rel=1e-10)
    assert loss0 == pytest.approx(np.log(4), abs=0.01)


def test_fully_connected_net_structure():
    np.random.seed(0)
    model = FullyConnectedNet([6, 7], input_dim=5, num_classes=3, normalization="batchnorm")
    assert sorted(model.params) == sorted(
        ["W1", "b1", "W2", "b2", "W3", "b3", "gamma1", "beta1", "gamma2", "beta2"]
    )
    assert model.params["W2"].shape == (6, 7) and model.params["gamma2"].shape == (7,)
    assert all(v.dtype == np.float32 for v in model.params.values())  # default dtype
    np.testing.assert_array_equal(model.params["gamma1"], np.ones(6))
    np.testing.assert_array_equal(model.params["beta1"], np.zeros(6))
    assert model.bn_params == [{"mode": "train"}, {"mode": "train"}]
    assert model.bn_params[0] is not model.bn_params[1]
    assert model.dropout_param == {} and not model.use_dropout
    scores = model.loss(np.random.randn(4, 5))
    assert scores.shape == (4, 3) and scores.dtype == np.float32

    ln = FullyConnectedNet([6], input_dim=5, num_classes=3, normalization="layernorm")
    assert ln.bn_params == [{}]
    plain = FullyConnectedNet([6], input_dim=5, num_classes=3, dropout_keep_ratio=0.3, seed=9)
    assert not any(k.startswith(("gamma", "beta")) for k in plain.params)
    assert plain.dropout_param == {"mode": "train", "p": 0.3, "seed": 9}
    with pytest.raises(ValueError):
        FullyConnectedNet([6], normalization="groupnorm")


def test_fully_connected_net_modes_and_running_stats():
    np.random.seed(1)
    model = FullyConnectedNet(
        [10],
        input_dim=4,
        num_classes=3,
        normalization="batchnorm",
        dropout_keep_ratio=0.5,
        dtype=np.float64,
    )
    X, y = np.random.randn(8, 4), np.array([0, 1, 2, 0, 1, 2, 0, 1])
    model.loss(X, y)
    assert model.dropout_param["mode"] == "train" and model.bn_params[0]["mode"] == "train"
    running = model.bn_params[0]["running_mean"].copy()
    s1 = model.loss(X)
    s2 = model.loss(X)
    np.testing.assert_array_equal(s1, s2)  # test mode: no dropout, running stats frozen
    np.testing.assert_array_equal(model.bn_params[0]["running_mean"], running)
    assert model.dropout_param["mode"] == "test" and model.bn_params[0]["mode"] == "test"


def test_gamma_beta_are_not_regularized():
    np.random.seed(2)
    model = FullyConnectedNet(
        [5], input_dim=3, num_classes=2, normalization="layernorm", dtype=np.float64, reg=0.0
    )
    model.params["gamma1"] = model.params["gamma1"] * 3
    X, y = np.random.randn(4, 3), np.array([0, 1, 0, 1])
    loss0, g0 = model.loss(X, y)
    model.reg = 1.5
    loss1, g1 = model.loss(X, y)
    w2 = np.sum(model.params["W1"] ** 2) + np.sum(model.params["W2"] ** 2)
    assert loss1 - loss0 == pytest.approx(0.75 * w2, rel=1e-10)
    np.testing.assert_array_equal(g0["gamma1"], g1["gamma1"])
    np.testing.assert_array_equal(g0["b1"], g1["b1"])


def test_initial_loss_is_ln_num_classes():
    np.random.seed(3)
    X = np.random.randn(50, 20)
    y = np.random.randint(10, size=50)
    for norm in (None, "batchnorm", "layernorm"):
        model = FullyConnectedNet(
            [30, 30],
            input_dim=20,
            num_classes=10,
            normalization=norm,
            weight_scale=1e-3,
            dtype=np.float64,
        )
        loss, _ = model.loss(X, y)
        assert loss == pytest.approx(np.log(10), abs=0.01)
