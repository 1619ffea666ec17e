"""The reference against independent implementations written here in a different way.

Each independent version uses explicit Python loops and scalar math (and, for batch/layer norm
backward, the explicit Jacobian of the normalization instead of the chain of intermediates).
Inputs: random, and extreme (huge and tiny magnitudes, N=1, D=1, ties, constant columns).
Comparisons are relative to the largest magnitude in the expected array, since sums evaluated in
different orders legitimately differ by a few ulps of that magnitude.
"""

import math

import numpy as np
import pytest

from reference import layers as L
from reference import optim as O

RTOL = 1e-9


def close(actual, expected, rtol=RTOL):
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    assert actual.shape == expected.shape
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale + 1e-300)


def fsum_dot(a, b):
    return math.fsum(float(u) * float(v) for u, v in zip(a, b, strict=True))


# --- independent layers ----------------------------------------------------------------------


def ind_affine(x, w, b, dout):
    N = x.shape[0]
    X = x.reshape(N, -1)
    D, M = w.shape
    out = np.array([[fsum_dot(X[n], w[:, m]) + b[m] for m in range(M)] for n in range(N)])
    dX = np.array([[fsum_dot(dout[n], w[d]) for d in range(D)] for n in range(N)])
    dw = np.array([[fsum_dot(X[:, d], dout[:, m]) for m in range(M)] for d in range(D)])
    db = np.array([math.fsum(dout[:, m]) for m in range(M)])
    return out, dX.reshape(x.shape), dw, db


def elementwise(fn, *arrays):
    flat = [np.asarray(a, dtype=np.float64).ravel() for a in arrays]
    return np.array([fn(*vals) for vals in zip(*flat, strict=True)]).reshape(arrays[0].shape)


def ind_sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v) if v > -745 else 0.0
    return e / (1.0 + e)


ACTIVATIONS = {
    # name: (forward(x), backward(x, dout), reference forward, reference backward)
    "relu": (lambda v: v if v > 0 else 0.0, lambda v, d: d if v > 0 else 0.0),
    "sigmoid": (ind_sigmoid, lambda v, d: d * ind_sigmoid(v) * (1 - ind_sigmoid(v))),
    "tanh": (math.tanh, lambda v, d: d * (1 - math.tanh(v) ** 2)),
    "leaky_relu": (lambda v: v if v > 0 else 0.01 * v, lambda v, d: d if v > 0 else 0.01 * d),
    "elu": (
        lambda v: v if v > 0 else math.expm1(v),
        lambda v, d: d if v > 0 else d * math.exp(v),
    ),
}
REF_ACT = {
    "relu": (L.relu_forward, L.relu_backward),
    "sigmoid": (L.sigmoid_forward, L.sigmoid_backward),
    "tanh": (L.tanh_forward, L.tanh_backward),
    "leaky_relu": (L.leaky_relu_forward, L.leaky_relu_backward),
    "elu": (L.elu_forward, L.elu_backward),
}


def ind_prelu(x, alpha, dout):
    N, D = x.shape
    out, dx, dalpha = np.zeros((N, D)), np.zeros((N, D)), np.zeros(D)
    for n in range(N):
        for j in range(D):
            if x[n, j] > 0:
                out[n, j], dx[n, j] = x[n, j], dout[n, j]
            else:
                out[n, j], dx[n, j] = alpha[j] * x[n, j], alpha[j] * dout[n, j]
                dalpha[j] += dout[n, j] * x[n, j]
    return out, dx, dalpha


def ind_maxout(x, w1, b1, w2, b2, dout):
    N = x.shape[0]
    X = x.reshape(N, -1)
    D, M = w1.shape
    out = np.zeros((N, M))
    dX, dw1, dw2 = np.zeros((N, D)), np.zeros((D, M)), np.zeros((D, M))
    db1, db2 = np.zeros(M), np.zeros(M)
    for n in range(N):
        for m in range(M):
            a1 = fsum_dot(X[n], w1[:, m]) + b1[m]
            a2 = fsum_dot(X[n], w2[:, m]) + b2[m]
            if a1 >= a2:  # ties go to the first piece
                out[n, m] = a1
                dX[n] += dout[n, m] * w1[:, m]
                dw1[:, m] += dout[n, m] * X[n]
                db1[m] += dout[n, m]
            else:
                out[n, m] = a2
                dX[n] += dout[n, m] * w2[:, m]
                dw2[:, m] += dout[n, m] * X[n]
                db2[m] += dout[n, m]
    return out, dX.reshape(x.shape), dw1, db1, dw2, db2


def normalize_vector(v, eps):
    """Normalize one vector; return (x_hat, std, Jacobian d x_hat / d v)."""
    n = len(v)
    mean = math.fsum(v) / n
    centered = np.array([u - mean for u in v])
    var = math.fsum(c * c for c in centered) / n
    std = math.sqrt(var + eps)
    x_hat = centered / std
    jac = (np.eye(n) - 1.0 / n) / std - np.outer(centered, centered) / (n * std**3)
    return x_hat, std, jac


def ind_batchnorm(x, gamma, beta, dout, eps=1e-5):
    N, D = x.shape
    out, dx = np.zeros((N, D)), np.zeros((N, D))
    for j in range(D):
        x_hat, _, jac = normalize_vector(x[:, j], eps)
        out[:, j] = gamma[j] * x_hat + beta[j]
        dx[:, j] = jac.T @ (gamma[j] * dout[:, j])
    x_hats = np.column_stack([normalize_vector(x[:, j], eps)[0] for j in range(D)])
    dgamma = np.array([fsum_dot(dout[:, j], x_hats[:, j]) for j in range(D)])
    dbeta = np.array([math.fsum(dout[:, j]) for j in range(D)])
    return out, dx, dgamma, dbeta


def ind_layernorm(x, gamma, beta, dout, eps=1e-5):
    N, D = x.shape
    x_hat, dx = np.zeros((N, D)), np.zeros((N, D))
    for n in range(N):
        x_hat[n], _, jac = normalize_vector(x[n], eps)
        dx[n] = jac.T @ (gamma * dout[n])
    out = x_hat * gamma + beta
    dgamma = np.array([fsum_dot(dout[:, j], x_hat[:, j]) for j in range(D)])
    dbeta = np.array([math.fsum(dout[:, j]) for j in range(D)])
    return out, dx, dgamma, dbeta


def ind_softmax_loss(x, y):
    N, C = x.shape
    total, dx = [], np.zeros((N, C))
    for n in range(N):
        m = max(x[n])
        lse = m + math.log(math.fsum(math.exp(v - m) for v in x[n]))
        total.append(lse - x[n, y[n]])
        for c in range(C):
            dx[n, c] = (math.exp(x[n, c] - lse) - (c == y[n])) / N
    return math.fsum(total) / N, dx


def ind_svm_loss(x, y):
    N, C = x.shape
    total, dx = [], np.zeros((N, C))
    for n in range(N):
        for c in range(C):
            if c == y[n]:
                continue
            margin = x[n, c] - x[n, y[n]] + 1.0
            if margin > 0:
                total.append(margin)
                dx[n, c] += 1.0 / N
                dx[n, y[n]] -= 1.0 / N
    return math.fsum(total) / N, dx


# --- inputs ----------------------------------------------------------------------------------

SCALES = [1.0, 1e-150, 1e100]
SHAPES = [(4, 3), (1, 5), (6, 1), (1, 1)]


def cases(seed=0):
    rng = np.random.default_rng(seed)
    for scale in SCALES:
        for shape in SHAPES:
            yield scale, rng.standard_normal(shape) * scale, rng.standard_normal(shape)


CASE_IDS = [f"{s:g}-{n}x{d}" for s in SCALES for (n, d) in SHAPES]


# --- layer comparisons -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 2, 2), (1, 4), (5, 1), (2, 3)])
@pytest.mark.parametrize("scale", SCALES)
def test_affine(shape, scale):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape) * scale
    D = int(np.prod(shape[1:]))
    w, b = rng.standard_normal((D, 3)), rng.standard_normal(3) * scale
    dout = rng.standard_normal((shape[0], 3)) * scale
    out, cache = L.affine_forward(x, w, b)
    expected = ind_affine(x, w, b, dout)
    close(out, expected[0])
    for got, exp in zip(L.affine_backward(dout, cache), expected[1:], strict=True):
        close(got, exp)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations(name):
    fwd, bwd = ACTIVATIONS[name]
    rfwd, rbwd = REF_ACT[name]
    for _, x, dout in cases():
        out, cache = rfwd(x)
        close(out, elementwise(fwd, x))
        close(rbwd(dout, cache), elementwise(bwd, x, dout))
    edges = np.array([0.0, -0.0, 1e-300, -1e-300, 745.0, -745.0, 1e4, -1e4])
    out, cache = rfwd(edges)
    close(out, elementwise(fwd, edges))
    close(rbwd(np.ones_like(edges), cache), elementwise(bwd, edges, np.ones_like(edges)))


def test_elu_and_leaky_relu_custom_alpha():
    for _, x, dout in cases(2):
        out, cache = L.elu_forward(x, alpha=0.3)
        close(out, elementwise(lambda v: v if v > 0 else 0.3 * math.expm1(v), x))
        close(
            L.elu_backward(dout, cache),
            elementwise(lambda v, d: d if v > 0 else 0.3 * d * math.exp(v), x, dout),
        )
        out, cache = L.leaky_relu_forward(x, 0.2)
        close(out, elementwise(lambda v: v if v > 0 else 0.2 * v, x))
        close(
            L.leaky_relu_backward(dout, cache),
            elementwise(lambda v, d: d if v > 0 else 0.2 * d, x, dout),
        )


@pytest.mark.parametrize(("scale", "x", "dout"), list(cases(3)), ids=CASE_IDS)
def test_prelu(scale, x, dout):
    alpha = np.linspace(0.0, 0.5, x.shape[1])
    out, cache = L.prelu_forward(x, alpha)
    e_out, e_dx, e_dalpha = ind_prelu(x, alpha, dout)
    close(out, e_out)
    dx, dalpha = L.prelu_backward(dout, cache)
    close(dx, e_dx)
    close(dalpha, e_dalpha)


@pytest.mark.parametrize("tie", [False, True])
@pytest.mark.parametrize("shape", [(4, 3), (1, 2, 2), (3, 1)])
def test_maxout(shape, tie):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    D = int(np.prod(shape[1:]))
    w1, b1 = rng.standard_normal((D, 4)), rng.standard_normal(4)
    w2, b2 = (
        (w1.copy(), b1.copy()) if tie else (rng.standard_normal((D, 4)), rng.standard_normal(4))
    )
    dout = rng.standard_normal((shape[0], 4))
    out, cache = L.maxout_forward(x, w1, b1, w2, b2)
    expected = ind_maxout(x, w1, b1, w2, b2, dout)
    close(out, expected[0])
    for got, exp in zip(L.maxout_backward(dout, cache), expected[1:], strict=True):
        close(got, exp)


def batchnorm_inputs():
    rng = np.random.default_rng(5)
    yield rng.standard_normal((8, 4)) * 3 + 1
    yield rng.standard_normal((8, 4)) * 1e8 + 1e9  # huge
    yield rng.standard_normal((8, 4)) * 1e-150  # tiny: variance << eps
    yield rng.standard_normal((1, 4))  # N=1: zero variance
    yield rng.standard_normal((6, 1))  # D=1
    x = rng.standard_normal((6, 3))
    x[:, 1] = 2.5  # a constant column
    yield x


@pytest.mark.parametrize("k", range(6))
def test_batchnorm_train(k):
    x = list(batchnorm_inputs())[k]
    N, D = x.shape
    rng = np.random.default_rng(k)
    gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
    bn_param = {"mode": "train", "running_mean": np.ones(D), "running_var": np.full(D, 2.0)}
    out, cache = L.batchnorm_forward(x, gamma, beta, bn_param)
    e_out, e_dx, e_dgamma, e_dbeta = ind_batchnorm(x, gamma, beta, dout)
    close(out, e_out, rtol=1e-8)  # huge inputs: mean removal leaves ~1e-16*1e9/1e8 of noise
    for backward in (L.batchnorm_backward, L.batchnorm_backward_alt):
        dx, dgamma, dbeta = backward(dout, cache)
        close(dx, e_dx, rtol=1e-8)
        close(dgamma, e_dgamma, rtol=1e-8)
        close(dbeta, e_dbeta)
    means = [math.fsum(x[:, j]) / N for j in range(D)]
    variances = [math.fsum((v - means[j]) ** 2 for v in x[:, j]) / N for j in range(D)]
    close(bn_param["running_mean"], [0.9 + 0.1 * m for m in means])
    close(bn_param["running_var"], [1.8 + 0.1 * v for v in variances])
    if k == 5:
        np.testing.assert_array_equal(out[:, 1], beta[1])  # a constant column maps to beta


def test_batchnorm_test_mode_with_custom_eps_and_momentum():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 3))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    bn_param = {"mode": "test", "eps": 1e-3, "momentum": 0.5, "running_mean": rm, "running_var": rv}
    out, _ = L.batchnorm_forward(x, gamma, beta, bn_param)
    expected = elementwise(
        lambda v, j: gamma[int(j)] * (v - rm[int(j)]) / math.sqrt(rv[int(j)] + 1e-3) + beta[int(j)],
        x,
        np.tile(np.arange(3.0), (5, 1)),
    )
    close(out, expected)
    bn_param["mode"] = "train"
    L.batchnorm_forward(x, gamma, beta, bn_param)
    close(bn_param["running_mean"], 0.5 * rm + 0.5 * x.mean(axis=0))


@pytest.mark.parametrize("k", range(6))
def test_layernorm(k):
    x = list(batchnorm_inputs())[k].T.copy()  # rows now carry the interesting cases
    N, D = x.shape
    rng = np.random.default_rng(10 + k)
    gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
    out, cache = L.layernorm_forward(x, gamma, beta, {"mode": "test"})
    e_out, e_dx, e_dgamma, e_dbeta = ind_layernorm(x, gamma, beta, dout)
    close(out, e_out, rtol=1e-8)
    dx, dgamma, dbeta = L.layernorm_backward(dout, cache)
    close(dx, e_dx, rtol=1e-8)
    close(dgamma, e_dgamma, rtol=1e-8)
    close(dbeta, e_dbeta)


@pytest.mark.parametrize("p", [0.2, 0.5, 1.0])
def test_dropout_uses_cs231n_mask(p):
    rng = np.random.default_rng(7)
    x, dout = rng.standard_normal((30, 7)), rng.standard_normal((30, 7))
    out, cache = L.dropout_forward(x, {"mode": "train", "p": p, "seed": 42})
    np.random.seed(42)
    keep = np.random.rand(30, 7) < p  # CS231n: seed, then np.random.rand in x's shape
    expected = np.array([[x[i, j] / p if keep[i, j] else 0.0 for j in range(7)] for i in range(30)])
    close(out, expected)
    close(L.dropout_backward(dout, cache), np.where(keep, dout / p, 0.0))


@pytest.mark.parametrize("loss_name", ["softmax", "svm"])
def test_losses(loss_name):
    ref = {"softmax": L.softmax_loss, "svm": L.svm_loss}[loss_name]
    ind = {"softmax": ind_softmax_loss, "svm": ind_svm_loss}[loss_name]
    rng = np.random.default_rng(8)
    inputs = [
        rng.standard_normal((6, 5)),
        rng.standard_normal((6, 5)) * 1e4,
        rng.standard_normal((6, 5)) * 1e300,
        rng.standard_normal((6, 5)) * 1e-150,
        rng.standard_normal((1, 3)),
        np.zeros((4, 3)),  # ties everywhere
        np.round(rng.standard_normal((6, 4))),  # svm margins exactly 0 at some entries
    ]
    for x in inputs:
        y = rng.integers(x.shape[1], size=x.shape[0])
        loss, dx = ref(x, y)
        e_loss, e_dx = ind(x, y)
        assert loss == pytest.approx(e_loss, rel=RTOL, abs=1e-300)
        close(dx, e_dx)


# --- optimizers ------------------------------------------------------------------------------


def run_steps(rule, w, grads, config):
    history = []
    for dw in grads:
        w, config = rule(w, dw, config)
        history.append((w.copy(), {k: np.copy(v) for k, v in config.items()}))
    return history


def ind_optimizer(name, w, grads, cfg):
    """Scalar-by-scalar versions of each rule over several steps."""
    w = [float(v) for v in w]
    state = {k: [0.0] * len(w) for k in ("v", "c", "m", "s")}
    t = cfg.get("t", 0)
    lr = cfg["learning_rate"]
    out = []
    for dw in grads:
        t += 1
        for i, g in enumerate(dw):
            g = float(g)
            if name == "sgd":
                w[i] -= lr * g
            elif name == "sgd_momentum":
                state["v"][i] = cfg["momentum"] * state["v"][i] - lr * g
                w[i] += state["v"][i]
            elif name == "nesterov_momentum":
                prev = state["v"][i]
                state["v"][i] = cfg["momentum"] * prev - lr * g
                w[i] += -cfg["momentum"] * prev + (1 + cfg["momentum"]) * state["v"][i]
            elif name == "adagrad":
                state["c"][i] += g * g
                w[i] -= lr * g / (math.sqrt(state["c"][i]) + cfg["epsilon"])
            elif name == "rmsprop":
                r = cfg["decay_rate"]
                state["c"][i] = r * state["c"][i] + (1 - r) * g * g
                w[i] -= lr * g / (math.sqrt(state["c"][i]) + cfg["epsilon"])
            elif name == "adam":
                b1, b2 = cfg["beta1"], cfg["beta2"]
                state["m"][i] = b1 * state["m"][i] + (1 - b1) * g
                state["s"][i] = b2 * state["s"][i] + (1 - b2) * g * g
                m_hat = state["m"][i] / (1 - b1**t)
                v_hat = state["s"][i] / (1 - b2**t)
                w[i] -= lr * m_hat / (math.sqrt(v_hat) + cfg["epsilon"])
        out.append((list(w), {k: list(v) for k, v in state.items()}, t))
    return out


CONFIGS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE_KEY = {
    "sgd_momentum": ("velocity", "v"),
    "nesterov_momentum": ("velocity", "v"),
    "adagrad": ("cache", "c"),
    "rmsprop": ("cache", "c"),
}


@pytest.mark.parametrize("scale", [1.0, 1e-100, 1e100])
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_optimizers_over_several_steps(name, scale):
    rng = np.random.default_rng(9)
    w = rng.standard_normal(6)
    grads = [rng.standard_normal(6) * scale for _ in range(5)]
    grads[2][0] = 0.0  # a zero gradient entry
    rule = getattr(O, name)
    got = run_steps(rule, w, grads, None)  # None: the defaults must equal CONFIGS[name]
    expected = ind_optimizer(name, w, grads, CONFIGS[name])
    for (gw, gcfg), (ew, estate, et) in zip(got, expected, strict=True):
        close(gw, ew, rtol=1e-12)
        if name in STATE_KEY:
            key, ind_key = STATE_KEY[name]
            close(gcfg[key], estate[ind_key], rtol=1e-12)
        if name == "adam":
            close(gcfg["m"], estate["m"], rtol=1e-12)
            close(gcfg["v"], estate["s"], rtol=1e-12)
            assert gcfg["t"] == et
