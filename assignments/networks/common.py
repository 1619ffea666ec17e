"""Inputs and helpers shared by the networks checks: the notebook's TwoLayerNet, toy data, and
models built identically in the worker (student) and in the oracle (reference)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.codec import Handle
from grader.context import Context

LN10 = float(np.log(10.0))
NOTEBOOK_LOSS = 3.4702243556
NOTEBOOK_REG_LOSS = 26.5948426952

BIAS_INIT_HINT = "biases must start at exactly zero (np.zeros); only the weights are random"
WEIGHT_SCALE_HINT = ("weights must be drawn with standard deviation weight_scale: multiply "
                     "np.random.randn(...) by weight_scale")
LAST_LAYER_NORM_HINT = ("the output layer is never normalized: create gamma/beta only for the "
                        "L-1 hidden layers")
NO_NORM_HINT = ("with normalization='batchnorm' or 'layernorm' every hidden affine output must "
                "go through the norm layer with gamma_i, beta_i before the ReLU")
REG_HALF_HINT = "the L2 term is 0.5 * reg * sum(W**2): the factor 0.5 is missing"
REG_BIAS_HINT = "regularize the weights W only: biases are not part of the L2 penalty"
REG_GAMMA_HINT = ("gamma and beta of batch/layer norm are not regularized: the L2 penalty covers "
                  "the weights W1..WL only")
DROPOUT_TRAIN_HINT = ("dropout must be applied after every hidden ReLU in train mode (loss with "
                      "y): call dropout_forward with self.dropout_param when self.use_dropout")
DROPOUT_TEST_HINT = ("at test time (loss(X) without y) dropout is the identity: inverted dropout "
                     "already scaled at train time, so do not drop or rescale at test time")
SHARED_CONFIG_HINT = ("each parameter needs its own copy of optim_config (Solver._reset): one "
                      "shared dict makes every parameter decay the learning rate and share state")


def notebook_case() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The TwoLayerNet cell of the FullyConnectedNets notebook (N, D, H, C = 3, 5, 50, 7)."""
    N, D, H, C = 3, 5, 50, 7
    params = {"W1": np.linspace(-0.7, 0.3, num=D * H).reshape(D, H),
              "b1": np.linspace(-0.1, 0.9, num=H),
              "W2": np.linspace(-0.3, 0.4, num=H * C).reshape(H, C),
              "b2": np.linspace(-0.9, 0.1, num=C)}
    X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
    return params, X, np.array([0, 5, 1])


def student_model(ctx: Context, cls: str, params: dict[str, np.ndarray] | None = None,
                  **kwargs: Any) -> Handle:
    model = ctx.student.new(cls, **kwargs)
    for name, value in (params or {}).items():
        ctx.student.set(model["params"][name], value)
    return model


def reference_model(ref: Any, cls: str, params: dict[str, np.ndarray] | None = None,
                    **kwargs: Any) -> Any:
    model = getattr(ref, cls)(**kwargs)
    for name, value in (params or {}).items():
        model.params[name] = np.array(value, copy=True)
    return model


def fcn_params(rng: np.random.Generator, dims: list[int], norm: bool,
               scale: float = 0.6) -> dict[str, np.ndarray]:
    """Random parameters away from symmetry (gamma around 1, beta and biases nonzero)."""
    params = {}
    L = len(dims) - 1
    for i in range(1, L + 1):
        params[f"W{i}"] = scale * rng.standard_normal((dims[i - 1], dims[i]))
        params[f"b{i}"] = 0.2 * rng.standard_normal(dims[i])
        if norm and i < L:
            params[f"gamma{i}"] = 1.0 + 0.2 * rng.standard_normal(dims[i])
            params[f"beta{i}"] = 0.2 * rng.standard_normal(dims[i])
    return params


def toy_data(ctx: Context, num_train: int, num_val: int = 0) -> dict[str, np.ndarray]:
    """The embedded toy dataset, made by the submission's (given) data.py: 3x8x8, 10 classes."""
    return ctx.student.call("load_toy_dataset", num_train=num_train, num_val=num_val, num_test=0)


def reg_hint(diff: float, reg: float, params: dict[str, np.ndarray]) -> str | None:
    """Which known regularization mistake explains `loss(reg) - loss(0) == diff`, if any."""
    def sq(prefix: str) -> float:
        return sum(float(np.sum(np.square(v))) for k, v in params.items()
                   if k.startswith(prefix) and k[len(prefix):].isdigit())
    w, b, g, gb = sq("W"), sq("b"), sq("gamma"), sq("gamma") + sq("beta")
    for value, hint in ((reg * w, REG_HALF_HINT), (0.5 * reg * (w + b), REG_BIAS_HINT),
                        (reg * (w + b), REG_BIAS_HINT), (0.5 * reg * (w + g), REG_GAMMA_HINT),
                        (0.5 * reg * (w + gb), REG_GAMMA_HINT), (reg * (w + gb), REG_GAMMA_HINT)):
        if abs(diff - value) <= 1e-6 * max(abs(value), 1e-8):
            return hint
    return None
