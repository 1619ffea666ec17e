"""Classic wrong activation code, each with the hint it earns when a student's output matches."""

from __future__ import annotations

import numpy as np

from assignments.activations.checks import SIGMOID_OVERFLOW_HINT
from grader.registry import Mistake


def relu_backward_ignores_dout(dout, cache):
    return (cache > 0).astype(float)


def relu_forward_abs(x):
    return np.abs(x), x


def leaky_relu_forward_slope_on_positive(x, alpha=0.01):
    return np.where(x > 0, alpha * x, x), (x, alpha)


def prelu_backward_dalpha_not_summed(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    return dx, np.where(x > 0, 0.0, dout * x)


def elu_backward_missing_alpha(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)))


def sigmoid_forward_naive(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out


MISTAKES = (
    Mistake("relu_backward", "ignores dout", "relu_backward must multiply the upstream gradient "
            "dout by the mask (x > 0); returning the mask alone ignores dout",
            relu_backward_ignores_dout),
    Mistake("relu_forward", "abs", "ReLU is max(x, 0), not |x|: negative inputs must become 0",
            relu_forward_abs),
    Mistake("sigmoid_forward", "naive exp", SIGMOID_OVERFLOW_HINT, sigmoid_forward_naive),
    Mistake("leaky_relu_forward", "slope on positive side", "leaky ReLU keeps x for x > 0 and "
            "scales only negative inputs by alpha", leaky_relu_forward_slope_on_positive),
    Mistake("prelu_backward", "dalpha not summed", "alpha is shared by every row of the batch, "
            "so dalpha must be summed over axis 0 to shape (D,)", prelu_backward_dalpha_not_summed),
    Mistake("elu_backward", "missing alpha", "for x <= 0 the ELU derivative is alpha * exp(x): "
            "the factor alpha is missing", elu_backward_missing_alpha),
)
