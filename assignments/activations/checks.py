"""Activation functions: ReLU, sigmoid, tanh, leaky ReLU, PReLU, ELU and maxout.

Inputs stay away from the kinks at 0 (|x| >= 0.05) so central differences are exact enough to
demand 1e-6 relative agreement, as the CS231n notes advise for checks near non-differentiable
points.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from assignments.layer_checks import backward_output, forward_output, input_safety, layer_gradient
from grader.context import Context
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind


def away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, np.sign(x + 1e-12) * 0.05, x)


def one_x(rng: np.random.Generator) -> tuple[np.ndarray]:
    return (away_from_kinks(rng, (4, 3, 5)),)


def x_and_alpha(rng: np.random.Generator) -> tuple[np.ndarray, float]:
    return away_from_kinks(rng, (6, 7)), 0.1


def prelu_inputs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return away_from_kinks(rng, (8, 5)), rng.uniform(0.05, 0.5, size=5)


def maxout_inputs(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    # Pieces differ by a clear margin somewhere so the max is not a tie anywhere.
    x = rng.standard_normal((4, 2, 3))
    w1, w2 = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    b1, b2 = rng.standard_normal(5), rng.standard_normal(5) + 0.5
    return x, w1, b1, w2, b2


def wide(rng: np.random.Generator) -> tuple[np.ndarray]:
    """Huge magnitudes: the naive sigmoid overflows exp(-x) here."""
    return (np.concatenate([np.linspace(-1e4, 1e4, 41), rng.standard_normal(9) * 800]),)


ELEMENTWISE = {
    "relu": (one_x, ("x",)),
    "sigmoid": (one_x, ("x",)),
    "tanh": (one_x, ("x",)),
    "leaky_relu": (x_and_alpha, ("x", "alpha")),
    "elu": (x_and_alpha, ("x", "alpha")),
}

relu_forward_output = forward_output("relu_forward", inputs=one_x)
relu_backward_output = backward_output("relu_forward", "relu_backward", inputs=one_x, names=("dx",))
relu_backward_gradient = layer_gradient("relu_forward", "relu_backward", inputs=one_x,
                                        wrt={0: ("dx", None)})
relu_safety = input_safety("relu_forward", "relu_backward", inputs=one_x, labels=("x",))

sigmoid_forward_output = forward_output("sigmoid_forward", inputs=one_x)
SIGMOID_OVERFLOW_HINT = ("1/(1+exp(-x)) overflows exp for large negative x; write sigmoid with "
                         "exp(-|x|), which never exceeds 1")


@check(Kind.OUTPUT, targets=("sigmoid_forward",), variant="stability")
def sigmoid_forward_stable(ctx: Context) -> None:
    """sigmoid_forward is exact and warning-free for |x| up to 1e4"""
    (x,) = wide(ctx.rng)
    out, _ = ctx.student.call("sigmoid_forward", x, keep=(1,))
    overflow = [w for w in ctx.student.warnings if "overflow" in w or "invalid" in w]
    ctx.compare("out", out, lambda ref: ref.sigmoid_forward(x)[0], atol=1e-12)
    if overflow:
        ctx.fail(f"numpy warned '{overflow[0]}' for inputs as large as 1e4",
                 hint=SIGMOID_OVERFLOW_HINT)
sigmoid_backward_output = backward_output("sigmoid_forward", "sigmoid_backward", inputs=one_x,
                                          names=("dx",))
sigmoid_backward_gradient = layer_gradient("sigmoid_forward", "sigmoid_backward", inputs=one_x,
                                           wrt={0: ("dx", None)})
sigmoid_safety = input_safety("sigmoid_forward", "sigmoid_backward", inputs=one_x, labels=("x",))

tanh_forward_output = forward_output("tanh_forward", inputs=one_x)
tanh_backward_output = backward_output("tanh_forward", "tanh_backward", inputs=one_x,
                                       names=("dx",))
tanh_backward_gradient = layer_gradient("tanh_forward", "tanh_backward", inputs=one_x,
                                        wrt={0: ("dx", None)})
tanh_safety = input_safety("tanh_forward", "tanh_backward", inputs=one_x, labels=("x",))

leaky_relu_forward_output = forward_output("leaky_relu_forward", inputs=x_and_alpha)
leaky_relu_backward_output = backward_output("leaky_relu_forward", "leaky_relu_backward",
                                             inputs=x_and_alpha, names=("dx",))
leaky_relu_backward_gradient = layer_gradient("leaky_relu_forward", "leaky_relu_backward",
                                              inputs=x_and_alpha, wrt={0: ("dx", None)})
leaky_relu_safety = input_safety("leaky_relu_forward", "leaky_relu_backward",
                                 inputs=x_and_alpha, labels=("x",))

prelu_forward_output = forward_output("prelu_forward", inputs=prelu_inputs)
prelu_backward_output = backward_output("prelu_forward", "prelu_backward", inputs=prelu_inputs,
                                        names=("dx", "dalpha"))
prelu_backward_gradient = layer_gradient("prelu_forward", "prelu_backward", inputs=prelu_inputs,
                                         wrt={0: ("dx", 0), 1: ("dalpha", 1)})
prelu_safety = input_safety("prelu_forward", "prelu_backward", inputs=prelu_inputs,
                            labels=("x", "alpha"))

elu_forward_output = forward_output("elu_forward", inputs=x_and_alpha)
elu_backward_output = backward_output("elu_forward", "elu_backward", inputs=x_and_alpha,
                                      names=("dx",))
elu_backward_gradient = layer_gradient("elu_forward", "elu_backward", inputs=x_and_alpha,
                                       wrt={0: ("dx", None)})
elu_safety = input_safety("elu_forward", "elu_backward", inputs=x_and_alpha, labels=("x",))

maxout_forward_output = forward_output("maxout_forward", inputs=maxout_inputs)
maxout_backward_output = backward_output("maxout_forward", "maxout_backward",
                                         inputs=maxout_inputs,
                                         names=("dx", "dw1", "db1", "dw2", "db2"))
maxout_backward_gradient = layer_gradient(
    "maxout_forward", "maxout_backward", inputs=maxout_inputs,
    wrt={0: ("dx", 0), 1: ("dw1", 1), 2: ("db1", 2), 3: ("dw2", 3), 4: ("db2", 4)})
maxout_safety = input_safety("maxout_forward", "maxout_backward", inputs=maxout_inputs,
                             labels=("x", "w1", "b1", "w2", "b2"))


def _arrays(low: float, high: float):
    return hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
                      elements=st.floats(low, high, allow_nan=False, width=64))


@check(Kind.PROPERTY, targets=("relu_forward",))
def relu_forward_property(ctx: Context) -> None:
    """relu_forward keeps positives, zeroes negatives, and preserves the shape"""

    @property_check(_arrays(-1e6, 1e6))
    def prop(x: np.ndarray) -> None:
        out, _ = ctx.student.call("relu_forward", x, keep=(1,))
        ctx.ensure(np.shape(out) == x.shape, f"out has shape {np.shape(out)} for x of shape {x.shape}")
        ctx.ensure(bool(np.all(out >= 0)), "out has negative entries")
        ctx.ensure(bool(np.all(np.where(x > 0, out == x, out == 0))),
                   "out is not max(x, 0) everywhere")

    prop()


@check(Kind.PROPERTY, targets=("sigmoid_forward",))
def sigmoid_forward_property(ctx: Context) -> None:
    """sigmoid_forward stays in [0, 1], is finite for |x| up to 1e300 and has s(-x) = 1 - s(x)"""

    @property_check(_arrays(-1e300, 1e300))
    def prop(x: np.ndarray) -> None:
        out, _ = ctx.student.call("sigmoid_forward", x, keep=(1,))
        neg, _ = ctx.student.call("sigmoid_forward", -x, keep=(1,))
        out, neg = np.asarray(out, dtype=float), np.asarray(neg, dtype=float)
        ctx.ensure(bool(np.all(np.isfinite(out))), "out has NaN or inf entries",
                   hint="compute sigmoid from exp(-|x|) so that exp never overflows")
        ctx.ensure(bool(np.all((out >= 0) & (out <= 1))), "out leaves [0, 1]")
        ctx.ensure(bool(np.allclose(out + neg, 1.0, atol=1e-12)), "sigmoid(-x) != 1 - sigmoid(x)")

    prop()


@check(Kind.PROPERTY, targets=("tanh_forward",))
def tanh_forward_property(ctx: Context) -> None:
    """tanh_forward is odd, bounded by 1 and finite for huge inputs"""

    @property_check(_arrays(-1e300, 1e300))
    def prop(x: np.ndarray) -> None:
        out, _ = ctx.student.call("tanh_forward", x, keep=(1,))
        neg, _ = ctx.student.call("tanh_forward", -x, keep=(1,))
        out, neg = np.asarray(out, dtype=float), np.asarray(neg, dtype=float)
        ctx.ensure(bool(np.all(np.isfinite(out))), "out has NaN or inf entries")
        ctx.ensure(bool(np.all(np.abs(out) <= 1)), "|out| exceeds 1")
        ctx.ensure(bool(np.allclose(out, -neg, atol=1e-12)), "tanh(-x) != -tanh(x)")

    prop()


@check(Kind.PROPERTY, targets=("leaky_relu_forward", "elu_forward"))
def elu_forward_property(ctx: Context) -> None:
    """leaky ReLU and ELU are the identity for x > 0, never below -alpha (ELU), finite"""

    @property_check(_arrays(-1e300, 1e300), st.floats(0.01, 2.0))
    def prop(x: np.ndarray, alpha: float) -> None:
        for fn in ("leaky_relu_forward", "elu_forward"):
            out, _ = ctx.student.call(fn, x, alpha, keep=(1,))
            out = np.asarray(out, dtype=float)
            ctx.ensure(bool(np.all(np.isfinite(out))), f"{fn} gives NaN or inf",
                       hint="evaluate exp only on min(x, 0) so it cannot overflow")
            ctx.ensure(bool(np.all(out[x > 0] == x[x > 0])), f"{fn} changes positive inputs")
        elu, _ = ctx.student.call("elu_forward", x, alpha, keep=(1,))
        ctx.ensure(bool(np.all(np.asarray(elu) >= -alpha - 1e-12)), "elu_forward goes below -alpha")

    prop()
