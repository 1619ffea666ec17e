# ruff: noqa: F821 - extract_features_mutates_bn_params runs pasted into transfer.py (its imports)
"""Classic wrong CNN-arithmetic and transfer-learning code, with the hint each earns; and
correct code written differently."""

from __future__ import annotations

import numpy as np

from assignments.transfer_cnn.checks_cnn import INT_DIV_HINT
from assignments.transfer_cnn.checks_transfer import BN_MUTATED_HINT, FROZEN_HINT
from grader.registry import Alternative, Mistake


def conv_output_size_no_padding(W, K, P=0, S=1):
    return (W - K) // S + 1


def conv_output_size_single_padding(W, K, P=0, S=1):
    return (W - K + P) // S + 1


def conv_output_size_floor(W, K, P=0, S=1):
    return (W - K + 2 * P) // S + 1


def conv_output_size_divmod(W, K, P=0, S=1):
    steps, rest = divmod(W + 2 * P - K, S)
    if rest or steps < 0:
        raise ValueError(f"filter {K} with padding {P} and stride {S} does not tile width {W}")
    return int(steps) + 1


def conv_param_count_no_bias(K, C_in, C_out, bias=True):
    return K * K * C_in * C_out


def pool_param_count_like_conv(K, C):
    return K * K * C


def stacked_conv_receptive_field_plus_two(n, K=3):
    return n + 2


def extract_features_train_mode(model, X):
    L = sum(1 for k in model.params if k.startswith("W"))
    h = np.reshape(X, (X.shape[0], -1)).astype(np.float64)
    for i in range(1, L):
        h = h @ model.params[f"W{i}"] + model.params[f"b{i}"]
        if getattr(model, "normalization", None) == "batchnorm":
            h = (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + 1e-5)
            h = model.params[f"gamma{i}"] * h + model.params[f"beta{i}"]
        h = np.maximum(h, 0)
    return h


def extract_features_mutates_bn_params(model, X):
    L = sum(1 for k in model.params if k.startswith("W"))
    h = X
    for i in range(1, L):
        h, _ = affine_forward(h, model.params[f"W{i}"], model.params[f"b{i}"])
        if getattr(model, "normalization", None) == "batchnorm":
            bn_param = model.bn_params[i - 1]
            bn_param["mode"] = "test"
            h, _ = batchnorm_forward(h, model.params[f"gamma{i}"], model.params[f"beta{i}"],
                                     bn_param)
        h, _ = relu_forward(h)
    return np.asarray(h, dtype=np.float64)


def extract_features_numpy(model, X):
    # Correct, written with numpy only; eps 1e-5 is the bn_param default.
    n_layers = len([k for k in model.params if k[0] == "W" and k[1:].isdigit()])
    norm = getattr(model, "normalization", None)
    h = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    for i in range(1, n_layers):
        p = model.params
        h = h.dot(p[f"W{i}"]) + p[f"b{i}"]
        if norm == "batchnorm":
            bn = model.bn_params[i - 1]
            eps = bn.get("eps", 1e-5)
            h = (h - bn["running_mean"]) / np.sqrt(bn["running_var"] + eps)
            h = h * p[f"gamma{i}"] + p[f"beta{i}"]
        elif norm == "layernorm":
            eps = model.bn_params[i - 1].get("eps", 1e-5)
            h = (h - h.mean(axis=1, keepdims=True)) / np.sqrt(h.var(axis=1, keepdims=True) + eps)
            h = h * p[f"gamma{i}"] + p[f"beta{i}"]
        h = np.where(h > 0, h, 0.0)
    return h


def linear_loss_logsumexp(self, X, y=None):
    x = np.reshape(X, (len(X), -1))
    scores = x @ self.params["W"] + self.params["b"]
    if y is None:
        return scores
    lse = np.logaddexp.reduce(scores, axis=1)
    N = len(y)
    loss = np.mean(lse - scores[np.arange(N), y]) + 0.5 * self.reg * np.sum(self.params["W"] ** 2)
    d = np.exp(scores - lse[:, None])
    d[np.arange(N), y] -= 1.0
    d /= N
    return loss, {"W": x.T @ d + self.reg * self.params["W"], "b": d.sum(axis=0)}


def top_layers_loss_stale_params(self, X, y=None):
    if y is None:
        return self.model.loss(X)
    loss, grads = self.model.loss(X, y)
    return loss, {k: grads[k] for k in self.params}


def top_layers_init_everything_trainable(self, model, trainable):
    self.model = model
    self.params = model.params


MISTAKES = (
    Mistake("conv_output_size", "no padding term", "the output size is (W - K + 2P)/S + 1: "
            "the padding term 2P is missing", conv_output_size_no_padding),
    Mistake("conv_output_size", "P instead of 2P", "padding is added on both sides: the "
            "formula has 2P, not P", conv_output_size_single_padding),
    Mistake("conv_output_size", "integer division", INT_DIV_HINT, conv_output_size_floor),
    Mistake("conv_param_count", "no bias", "each filter also has one bias: K*K*C_in*C_out + "
            "C_out (760 for ten 5x5x3 filters)", conv_param_count_no_bias),
    Mistake("pool_param_count", "pool with params", "pooling applies a fixed max/mean: it has "
            "no learnable parameters (0)", pool_param_count_like_conv),
    Mistake("stacked_conv_receptive_field", "n + 2", "each 3x3 layer widens the receptive field "
            "by 2 (K - 1): n layers see 1 + 2n, not n + 2", stacked_conv_receptive_field_plus_two),
    Mistake("extract_features", "batchnorm in train mode", "features of a frozen net are "
            "test-time features: batchnorm must use the running statistics (mode 'test'), not "
            "the batch's", extract_features_train_mode),
    Mistake("extract_features", "mutates bn_params", BN_MUTATED_HINT,
            extract_features_mutates_bn_params),
    Mistake("TopLayersModel.loss", "stale params", "the Solver replaces the arrays in "
            "self.params: copy them into the wrapped model (self.model.params.update(self.params))"
            " before computing the loss", top_layers_loss_stale_params),
    Mistake("TopLayersModel.__init__", "all params trainable", FROZEN_HINT,
            top_layers_init_everything_trainable),
)

ALTERNATIVES = (
    Alternative("conv_output_size", "divmod", conv_output_size_divmod),
    Alternative("extract_features", "numpy only", extract_features_numpy),
    Alternative("LinearSoftmaxClassifier.loss", "logaddexp", linear_loss_logsumexp),
)
