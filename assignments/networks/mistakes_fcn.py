# ruff: noqa: F821 - these bodies run pasted into fc_net.py, which imports the layer functions
"""Wrong FullyConnectedNet code (pasted into fc_net.py by the tests, so it may use the layer
functions fc_net.py imports). In the grading process these names are absent, so the checks name
these mistakes with explicit hints rather than by matching their output."""

from __future__ import annotations

import numpy as np


def fcn_loss_ignores_normalization(self, X, y=None):
    X = X.astype(self.dtype)
    mode = "test" if y is None else "train"
    if self.use_dropout:
        self.dropout_param["mode"] = mode
    caches, out = [], X
    for i in range(1, self.num_layers):
        out, c = affine_relu_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
        d = None
        if self.use_dropout:
            out, d = dropout_forward(out, self.dropout_param)
        caches.append((c, d))
    L = self.num_layers
    scores, sc = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
    if mode == "test":
        return scores
    loss, dout = softmax_loss(scores, y)
    grads = {}
    dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, sc)
    for i in range(L - 1, 0, -1):
        c, d = caches[i - 1]
        if d is not None:
            dout = dropout_backward(dout, d)
        dout, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(dout, c)
    for i in range(1, L + 1):
        W = self.params[f"W{i}"]
        loss += 0.5 * self.reg * np.sum(W * W)
        grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
    return loss, grads


def fcn_init_normalizes_last_layer(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10,
                                   dropout_keep_ratio=1, normalization=None, reg=0.0,
                                   weight_scale=1e-2, dtype=np.float32, seed=None):
    self.normalization = normalization
    self.use_dropout = dropout_keep_ratio != 1
    self.reg = reg
    self.num_layers = 1 + len(hidden_dims)
    self.dtype = dtype
    self.params = {}
    dims = [input_dim, *hidden_dims, num_classes]
    for i in range(1, self.num_layers + 1):
        self.params[f"W{i}"] = weight_scale * np.random.randn(dims[i - 1], dims[i])
        self.params[f"b{i}"] = np.zeros(dims[i])
        if normalization is not None:
            self.params[f"gamma{i}"] = np.ones(dims[i])
            self.params[f"beta{i}"] = np.zeros(dims[i])
    self.dropout_param = {}
    if self.use_dropout:
        self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
        if seed is not None:
            self.dropout_param["seed"] = seed
    self.bn_params = []
    if normalization == "batchnorm":
        self.bn_params = [{"mode": "train"} for _ in range(self.num_layers)]
    if normalization == "layernorm":
        self.bn_params = [{} for _ in range(self.num_layers)]
    for k, v in self.params.items():
        self.params[k] = v.astype(dtype)



def fcn_loss_regularizes_gamma(self, X, y=None):
    X = X.astype(self.dtype)
    mode = "test" if y is None else "train"
    if self.use_dropout:
        self.dropout_param["mode"] = mode
    for bn_param in self.bn_params:
        if self.normalization == "batchnorm":
            bn_param["mode"] = mode
    caches, out, L = [], X, self.num_layers
    for i in range(1, L):
        out, a = affine_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
        n = None
        if self.normalization == "batchnorm":
            out, n = batchnorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        elif self.normalization == "layernorm":
            out, n = layernorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        out, r = relu_forward(out)
        d = None
        if self.use_dropout:
            out, d = dropout_forward(out, self.dropout_param)
        caches.append((a, n, r, d))
    scores, sc = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
    if mode == "test":
        return scores
    loss, dout = softmax_loss(scores, y)
    grads = {}
    dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, sc)
    for i in range(L - 1, 0, -1):
        a, n, r, d = caches[i - 1]
        if d is not None:
            dout = dropout_backward(dout, d)
        dout = relu_backward(dout, r)
        if self.normalization == "batchnorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(dout, n)
        elif self.normalization == "layernorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(dout, n)
        dout, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, a)
    for k, v in self.params.items():
        if k.startswith(("W", "gamma")):
            loss += 0.5 * self.reg * np.sum(v * v)
            grads[k] = grads[k] + self.reg * v
    return loss, grads


def fcn_loss_dropout_at_test_time(self, X, y=None):
    train_dropout, test_dropout = True, True
    X = X.astype(self.dtype)
    mode = "test" if y is None else "train"
    for bn_param in self.bn_params:
        if self.normalization == "batchnorm":
            bn_param["mode"] = mode
    use = self.use_dropout and (train_dropout if mode == "train" else test_dropout)
    dropout_param = dict(self.dropout_param, mode="train")
    caches, out, L = [], X, self.num_layers
    for i in range(1, L):
        out, a = affine_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
        n = None
        if self.normalization == "batchnorm":
            out, n = batchnorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        elif self.normalization == "layernorm":
            out, n = layernorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        out, r = relu_forward(out)
        d = None
        if use:
            out, d = dropout_forward(out, dropout_param)
        caches.append((a, n, r, d))
    scores, sc = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
    if mode == "test":
        return scores
    loss, dout = softmax_loss(scores, y)
    grads = {}
    dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, sc)
    for i in range(L - 1, 0, -1):
        a, n, r, d = caches[i - 1]
        if d is not None:
            dout = dropout_backward(dout, d)
        dout = relu_backward(dout, r)
        if self.normalization == "batchnorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(dout, n)
        elif self.normalization == "layernorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(dout, n)
        dout, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, a)
    for i in range(1, L + 1):
        W = self.params[f"W{i}"]
        loss += 0.5 * self.reg * np.sum(W * W)
        grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
    return loss, grads


def fcn_loss_no_dropout_in_train(self, X, y=None):
    train_dropout, test_dropout = False, False
    X = X.astype(self.dtype)
    mode = "test" if y is None else "train"
    for bn_param in self.bn_params:
        if self.normalization == "batchnorm":
            bn_param["mode"] = mode
    use = self.use_dropout and (train_dropout if mode == "train" else test_dropout)
    dropout_param = dict(self.dropout_param, mode="train")
    caches, out, L = [], X, self.num_layers
    for i in range(1, L):
        out, a = affine_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
        n = None
        if self.normalization == "batchnorm":
            out, n = batchnorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        elif self.normalization == "layernorm":
            out, n = layernorm_forward(out, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                       self.bn_params[i - 1])
        out, r = relu_forward(out)
        d = None
        if use:
            out, d = dropout_forward(out, dropout_param)
        caches.append((a, n, r, d))
    scores, sc = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
    if mode == "test":
        return scores
    loss, dout = softmax_loss(scores, y)
    grads = {}
    dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, sc)
    for i in range(L - 1, 0, -1):
        a, n, r, d = caches[i - 1]
        if d is not None:
            dout = dropout_backward(dout, d)
        dout = relu_backward(dout, r)
        if self.normalization == "batchnorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(dout, n)
        elif self.normalization == "layernorm":
            dout, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(dout, n)
        dout, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, a)
    for i in range(1, L + 1):
        W = self.params[f"W{i}"]
        loss += 0.5 * self.reg * np.sum(W * W)
        grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
    return loss, grads
