# ruff: noqa: F821 - fcn_loss_keeps_extra_state runs pasted into fc_net.py (its imports)
"""Classic wrong networks/babysitting/search code with the hint each earns, and correct code
written differently that must keep full marks."""

from __future__ import annotations

import numpy as np

from assignments.networks import mistakes_fcn as fcn
from assignments.networks.checks_tools import LOG_UNIFORM_HINT
from assignments.networks.common import (
    BIAS_INIT_HINT,
    DROPOUT_TEST_HINT,
    DROPOUT_TRAIN_HINT,
    LAST_LAYER_NORM_HINT,
    NO_NORM_HINT,
    REG_BIAS_HINT,
    REG_GAMMA_HINT,
    REG_HALF_HINT,
    SHARED_CONFIG_HINT,
    WEIGHT_SCALE_HINT,
)
from grader.registry import Alternative, Mistake

SOFTMAX_N_HINT = ("the softmax gradient must be divided by N like the loss (the loss is a mean "
                  "over the batch)")


def two_layer_loss_reg_without_half(self, X, y=None):
    W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
    x = X.reshape(X.shape[0], -1)
    h = np.maximum(0, x @ W1 + b1)
    scores = h @ W2 + b2
    if y is None:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(p[np.arange(N), y])) + self.reg * (np.sum(W1**2) + np.sum(W2**2))
    d = p.copy()
    d[np.arange(N), y] -= 1
    d /= N
    dh = (d @ W2.T) * (h > 0)
    grads = {"W2": h.T @ d + 2 * self.reg * W2, "b2": d.sum(0),
             "W1": x.T @ dh + 2 * self.reg * W1, "b1": dh.sum(0)}
    return loss, grads


def two_layer_loss_regularizes_biases(self, X, y=None):
    W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
    x = X.reshape(X.shape[0], -1)
    h = np.maximum(0, x @ W1 + b1)
    scores = h @ W2 + b2
    if y is None:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(p[np.arange(N), y]))
    loss += 0.5 * self.reg * sum(np.sum(v**2) for v in (W1, b1, W2, b2))
    d = p.copy()
    d[np.arange(N), y] -= 1
    d /= N
    dh = (d @ W2.T) * (h > 0)
    grads = {"W2": h.T @ d + self.reg * W2, "b2": d.sum(0) + self.reg * b2,
             "W1": x.T @ dh + self.reg * W1, "b1": dh.sum(0) + self.reg * b1}
    return loss, grads


def two_layer_loss_grads_not_divided_by_n(self, X, y=None):
    W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
    x = X.reshape(X.shape[0], -1)
    h = np.maximum(0, x @ W1 + b1)
    scores = h @ W2 + b2
    if y is None:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(p[np.arange(N), y])) + 0.5 * self.reg * (np.sum(W1**2) + np.sum(W2**2))
    d = p.copy()
    d[np.arange(N), y] -= 1
    dh = (d @ W2.T) * (h > 0)
    grads = {"W2": h.T @ d + self.reg * W2, "b2": d.sum(0),
             "W1": x.T @ dh + self.reg * W1, "b1": dh.sum(0)}
    return loss, grads


def two_layer_loss_logsumexp(self, X, y=None):
    W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
    x = np.reshape(X, (len(X), -1))
    pre = x @ W1 + b1
    h = pre * (pre > 0)
    scores = h @ W2 + b2
    if y is None:
        return scores
    m = scores.max(axis=1)
    lse = m + np.log(np.exp(scores - m[:, None]).sum(axis=1))
    N = len(y)
    loss = np.sum(lse - scores[np.arange(N), y]) / N
    loss += 0.5 * self.reg * (np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2)
    d = np.exp(scores - lse[:, None]) - np.eye(scores.shape[1])[y]
    d = d / N
    dh = np.where(pre > 0, d @ W2.T, 0.0)
    return loss, {"W1": x.T @ dh + self.reg * W1, "b1": dh.sum(axis=0),
                  "W2": h.T @ d + self.reg * W2, "b2": d.sum(axis=0)}


def two_layer_init_random_biases(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                                 weight_scale=1e-3, reg=0.0):
    self.reg = reg
    self.params = {"W1": weight_scale * np.random.randn(input_dim, hidden_dim),
                   "b1": weight_scale * np.random.randn(hidden_dim),
                   "W2": weight_scale * np.random.randn(hidden_dim, num_classes),
                   "b2": weight_scale * np.random.randn(num_classes)}


def two_layer_init_unscaled(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                            weight_scale=1e-3, reg=0.0):
    self.reg = reg
    self.params = {"W1": np.random.randn(input_dim, hidden_dim), "b1": np.zeros(hidden_dim),
                   "W2": np.random.randn(hidden_dim, num_classes), "b2": np.zeros(num_classes)}


def two_layer_init_w2_first_normal(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                                   weight_scale=1e-3, reg=0.0):
    self.reg = reg
    W2 = np.random.normal(0.0, weight_scale, size=(hidden_dim, num_classes))
    W1 = np.random.normal(0.0, weight_scale, size=(input_dim, hidden_dim))
    self.params = {"b2": np.zeros(num_classes), "W2": W2, "b1": np.zeros(hidden_dim), "W1": W1}


def fcn_loss_keeps_extra_state(self, X, y=None):
    # Correct: stores its caches and last scores on self (extra state a checker must not mind).
    X = X.astype(self.dtype)
    mode = "test" if y is None else "train"
    if self.use_dropout:
        self.dropout_param["mode"] = mode
    if self.normalization == "batchnorm":
        for bn_param in self.bn_params:
            bn_param["mode"] = mode
    self.caches, out, L = {}, X, self.num_layers
    for i in range(1, L):
        out, self.caches[f"affine{i}"] = affine_forward(out, self.params[f"W{i}"],
                                                        self.params[f"b{i}"])
        if self.normalization == "batchnorm":
            out, self.caches[f"norm{i}"] = batchnorm_forward(
                out, self.params[f"gamma{i}"], self.params[f"beta{i}"], self.bn_params[i - 1])
        elif self.normalization == "layernorm":
            out, self.caches[f"norm{i}"] = layernorm_forward(
                out, self.params[f"gamma{i}"], self.params[f"beta{i}"], self.bn_params[i - 1])
        out, self.caches[f"relu{i}"] = relu_forward(out)
        if self.use_dropout:
            out, self.caches[f"drop{i}"] = dropout_forward(out, self.dropout_param)
    self.last_scores, self.caches["top"] = affine_forward(out, self.params[f"W{L}"],
                                                          self.params[f"b{L}"])
    if mode == "test":
        return self.last_scores
    loss, dout = softmax_loss(self.last_scores, y)
    loss += 0.5 * self.reg * sum(np.sum(self.params[f"W{i}"] ** 2) for i in range(1, L + 1))
    grads = {}
    dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, self.caches["top"])
    for i in range(L - 1, 0, -1):
        if self.use_dropout:
            dout = dropout_backward(dout, self.caches[f"drop{i}"])
        dout = relu_backward(dout, self.caches[f"relu{i}"])
        if self.normalization == "batchnorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(
                dout, self.caches[f"norm{i}"])
        elif self.normalization == "layernorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(
                dout, self.caches[f"norm{i}"])
        dout, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, self.caches[f"affine{i}"])
    for i in range(1, L + 1):
        grads[f"W{i}"] += self.reg * self.params[f"W{i}"]
    return loss, grads


def expected_softmax_initial_loss_log10(num_classes):
    return float(np.log10(num_classes))


def update_to_weight_ratios_inverted(params_before, params_after):
    ratios = {}
    for name, before in params_before.items():
        u = np.linalg.norm(params_after[name] - before)
        w = np.linalg.norm(before)
        ratios[name] = float(w / u) if u > 0 else (float("inf") if w > 0 else 0.0)
    return ratios


def update_to_weight_ratios_sqrt_sums(params_before, params_after):
    out = {}
    for k in params_before:
        num = np.sqrt(np.sum(np.square(np.asarray(params_after[k]) - params_before[k])))
        den = np.sqrt(np.sum(np.square(params_before[k])))
        out[k] = float(num / den) if den != 0 else (0.0 if num == 0 else float("inf"))
    return out


def log_uniform_linear(low, high, size, rng):
    return rng.uniform(low, high, size=size)


def log_uniform_natural_log(low, high, size, rng):
    return np.clip(np.exp(rng.uniform(np.log(low), np.log(high), size=size)), low, high)


def solver_reset_shared_config(self):
    self.epoch = 0
    self.best_val_acc = 0
    self.best_params = {}
    self.loss_history = []
    self.train_acc_history = []
    self.val_acc_history = []
    self.stop_reason = None
    self.optim_configs = {p: self.optim_config for p in self.model.params}
    self._apply_lr_schedule()


MISTAKES = (
    Mistake("TwoLayerNet.loss", "L2 without 0.5", REG_HALF_HINT, two_layer_loss_reg_without_half),
    Mistake("TwoLayerNet.loss", "regularizes biases", REG_BIAS_HINT,
            two_layer_loss_regularizes_biases),
    Mistake("TwoLayerNet.loss", "softmax grads not divided by N", SOFTMAX_N_HINT,
            two_layer_loss_grads_not_divided_by_n),
    Mistake("TwoLayerNet.__init__", "random biases", BIAS_INIT_HINT, two_layer_init_random_biases),
    Mistake("TwoLayerNet.__init__", "weights not scaled", WEIGHT_SCALE_HINT,
            two_layer_init_unscaled),
    Mistake("FullyConnectedNet.loss", "ignores normalization", NO_NORM_HINT,
            fcn.fcn_loss_ignores_normalization),
    Mistake("FullyConnectedNet.__init__", "normalizes the last layer", LAST_LAYER_NORM_HINT,
            fcn.fcn_init_normalizes_last_layer),
    Mistake("FullyConnectedNet.loss", "regularizes gamma", REG_GAMMA_HINT,
            fcn.fcn_loss_regularizes_gamma),
    Mistake("FullyConnectedNet.loss", "no dropout in train mode", DROPOUT_TRAIN_HINT,
            fcn.fcn_loss_no_dropout_in_train),
    Mistake("FullyConnectedNet.loss", "dropout at test time", DROPOUT_TEST_HINT,
            fcn.fcn_loss_dropout_at_test_time),
    Mistake("expected_softmax_initial_loss", "log10", "the initial softmax loss is the natural "
            "log ln C (2.30 for C = 10), not log10 C", expected_softmax_initial_loss_log10),
    Mistake("update_to_weight_ratios", "inverted", "the ratio is ||update|| / ||w|| (about 1e-3 "
            "when healthy), not ||w|| / ||update||", update_to_weight_ratios_inverted),
    Mistake("log_uniform", "linear", LOG_UNIFORM_HINT, log_uniform_linear),
    Mistake("Solver._reset", "shared optim config", SHARED_CONFIG_HINT, solver_reset_shared_config),
)

ALTERNATIVES = (
    Alternative("TwoLayerNet.__init__", "W2 first with np.random.normal",
                two_layer_init_w2_first_normal),
    Alternative("TwoLayerNet.loss", "inline log-sum-exp", two_layer_loss_logsumexp),
    Alternative("FullyConnectedNet.loss", "extra cached state", fcn_loss_keeps_extra_state),
    Alternative("update_to_weight_ratios", "sqrt of sums", update_to_weight_ratios_sqrt_sums),
    Alternative("log_uniform", "natural log", log_uniform_natural_log),
)
