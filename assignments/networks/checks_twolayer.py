"""TwoLayerNet (affine - relu - affine - softmax): the notebook's numbers, init statistics,
numeric gradients, shape/regularization properties, input safety."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.networks.common import (
    BIAS_INIT_HINT,
    NOTEBOOK_LOSS,
    NOTEBOOK_REG_LOSS,
    WEIGHT_SCALE_HINT,
    notebook_case,
    reference_model,
    reg_hint,
    student_model,
)
from grader.context import Context, require
from grader.gradients import check_model_gradient
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind


def _loss_tuple(ctx: Context, result: object) -> tuple[float, dict]:
    require(result, "(loss, grads)", ctx.target)
    if not isinstance(result, tuple | list) or len(result) != 2 or not isinstance(result[1], dict):
        ctx.fail("loss(X, y) should return a tuple (loss, grads) with grads a dict")
    return float(result[0]), result[1]


def check_init_statistics(ctx: Context, params: dict, shapes: dict[str, tuple[int, ...]],
                          weight_scale: float) -> None:
    """Keys and shapes exact; biases zero; weights with mean ~0 and std ~weight_scale."""
    ctx.ensure(isinstance(params, dict), "params should be a dict")
    ctx.ensure(set(params) == set(shapes),
               f"params has keys {sorted(params)}, expected {sorted(shapes)}")
    for name, shape in shapes.items():
        value = np.asarray(params[name])
        ctx.ensure(value.shape == shape, f"params[{name!r}] has shape {value.shape}, expected {shape}")
        if name.startswith("b"):
            ctx.ensure(bool(np.all(value == 0)), f"params[{name!r}] is not all zeros "
                       f"(max |b| = {np.abs(value).max():.3g})", hint=BIAS_INIT_HINT)
        elif name.startswith("W"):
            std, mean = float(value.std()), float(value.mean())
            # std of n Gaussian draws has relative sd 1/sqrt(2n): 20% is > 6 sd for n >= 500
            ctx.ensure(abs(std / weight_scale - 1) < 0.2,
                       f"params[{name!r}] has std {std:.3g}, expected about weight_scale = "
                       f"{weight_scale:g}", hint=WEIGHT_SCALE_HINT)
            ctx.ensure(abs(mean) < 6 * weight_scale / np.sqrt(value.size),
                       f"params[{name!r}] has mean {mean:.3g}, expected about 0 (std "
                       f"{weight_scale:g})", hint=WEIGHT_SCALE_HINT)
    ctx.note("keys, shapes, zero biases and weight std all as expected")


@check(Kind.OUTPUT, targets=("TwoLayerNet.__init__",), points=1)
def two_layer_init(ctx: Context) -> None:
    """TwoLayerNet.__init__ creates W1, b1, W2, b2 with zero biases and weights of std weight_scale"""
    D, H, C, ws = 40, 30, 20, 0.05
    model = ctx.student.new("TwoLayerNet", input_dim=D, hidden_dim=H, num_classes=C,
                            weight_scale=ws)
    params = ctx.student.get(model["params"])
    check_init_statistics(ctx, params, {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}, ws)


@check(Kind.OUTPUT, targets=("TwoLayerNet.loss",), points=2)
def two_layer_loss_output(ctx: Context) -> None:
    """TwoLayerNet.loss reproduces the notebook's scores, loss 3.4702243556 and reg=1.0 loss 26.5948426952"""
    params, X, y = notebook_case()
    dims = {"input_dim": 5, "hidden_dim": 50, "num_classes": 7}
    model = student_model(ctx, "TwoLayerNet", params, **dims)
    scores = ctx.student.method(model, "loss", X)
    ctx.compare("scores", scores,
                lambda ref: reference_model(ref, "TwoLayerNet", params, **dims).loss(X),
                rtol=1e-7, atol=1e-8, context="test-time scores, loss(X) without y")
    loss, _ = _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
    ctx.compare("loss", loss,
                lambda ref: reference_model(ref, "TwoLayerNet", params, **dims).loss(X, y)[0],
                rtol=1e-9, atol=1e-10, context=f"reg=0; the notebook's value is {NOTEBOOK_LOSS}")
    model = student_model(ctx, "TwoLayerNet", params, reg=1.0, **dims)
    reg_loss, _ = _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
    ctx.compare("reg loss", reg_loss, lambda ref: reference_model(
        ref, "TwoLayerNet", params, reg=1.0, **dims).loss(X, y)[0], rtol=1e-9, atol=1e-10,
        context=f"reg=1.0; the notebook's value is {NOTEBOOK_REG_LOSS}")
    ctx.note(f"loss {loss:.10f} (notebook {NOTEBOOK_LOSS}), reg=1.0 loss {reg_loss:.10f} "
             f"(notebook {NOTEBOOK_REG_LOSS})")


@check(Kind.OUTPUT, targets=("TwoLayerNet.loss",), points=1, variant="grads")
def two_layer_grads_output(ctx: Context) -> None:
    """TwoLayerNet.loss returns the reference's grads for the notebook model at reg 0 and 0.7"""
    params, X, y = notebook_case()
    dims = {"input_dim": 5, "hidden_dim": 50, "num_classes": 7}
    for reg in (0.0, 0.7):
        model = student_model(ctx, "TwoLayerNet", params, reg=reg, **dims)
        _, grads = _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
        ctx.compare(f"grads at reg={reg}", grads, lambda ref, reg=reg: reference_model(
            ref, "TwoLayerNet", params, reg=reg, **dims).loss(X, y)[1], rtol=1e-6, atol=1e-9)


@check(Kind.GRADIENT, targets=("TwoLayerNet.loss",), points=2)
def two_layer_gradient(ctx: Context) -> None:
    """TwoLayerNet.loss grads agree with central differences (float64, reg 0.3)"""
    N, D, H, C = 4, 5, 6, 3
    params = {"W1": ctx.rng.standard_normal((D, H)), "b1": 0.3 * ctx.rng.standard_normal(H),
              "W2": ctx.rng.standard_normal((H, C)), "b2": 0.3 * ctx.rng.standard_normal(C)}
    model = student_model(ctx, "TwoLayerNet", params, input_dim=D, hidden_dim=H, num_classes=C,
                          reg=0.3)
    X, y = ctx.rng.standard_normal((N, D)), ctx.rng.integers(C, size=N)
    check_model_gradient(ctx, model=model, X=X, y=y, names=("W1", "b1", "W2", "b2"),
                         rtol=1e-5, atol=1e-8)


@check(Kind.PROPERTY, targets=("TwoLayerNet.loss",), points=1.5)
def two_layer_property(ctx: Context) -> None:
    """TwoLayerNet.loss: scores are (N, C), grads match params, reg adds exactly 0.5*reg*sum(W**2)"""

    @property_check(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(2, 4),
                    st.floats(0.01, 10.0), st.integers(0, 2**16), max_examples=15)
    def prop(N: int, D: int, H: int, C: int, reg: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        params = {"W1": rng.standard_normal((D, H)), "b1": rng.standard_normal(H),
                  "W2": rng.standard_normal((H, C)), "b2": rng.standard_normal(C)}
        X, y = rng.standard_normal((N, D)), rng.integers(C, size=N)
        dims = {"input_dim": D, "hidden_dim": H, "num_classes": C}
        plain = student_model(ctx, "TwoLayerNet", params, **dims)
        scores = ctx.student.method(plain, "loss", X)
        require(scores, "scores", ctx.target)
        ctx.ensure(np.shape(scores) == (N, C), f"loss(X) returned shape {np.shape(scores)} for "
                   f"N={N}, C={C}; expected the scores, shape (N, C)")
        loss0, grads = _loss_tuple(ctx, ctx.student.method(plain, "loss", X, y))
        ctx.ensure(set(grads) == set(params),
                   f"grads has keys {sorted(grads)}, params has {sorted(params)}")
        for k, v in params.items():
            ctx.ensure(np.shape(grads[k]) == v.shape,
                       f"grads[{k!r}] has shape {np.shape(grads[k])}, params {v.shape}")
        regd = student_model(ctx, "TwoLayerNet", params, reg=reg, **dims)
        loss_r, _ = _loss_tuple(ctx, ctx.student.method(regd, "loss", X, y))
        diff = loss_r - loss0
        want = 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
        ctx.ensure(abs(diff - want) <= 1e-7 * max(want, 1.0),
                   f"reg={reg:.4g} raised the loss by {diff:.6g}, expected 0.5*reg*sum(W**2) = "
                   f"{want:.6g} (N={N}, D={D}, H={H}, C={C})", hint=reg_hint(diff, reg, params))

    prop()


@check(Kind.INPUT_SAFETY, targets=("TwoLayerNet.loss",), points=0.5)
def two_layer_input_safety(ctx: Context) -> None:
    """TwoLayerNet.loss leaves X and y unchanged"""
    X, y = ctx.rng.standard_normal((4, 2, 3)), np.array([0, 2, 1, 2])
    model = ctx.student.new("TwoLayerNet", input_dim=6, hidden_dim=5, num_classes=3,
                            weight_scale=0.5)
    for args in ((X,), (X, y)):
        result, after = ctx.student.call(model, *args, method="loss", echo_args=True)
        require(result, "its result", ctx.target)
        for label, a, b in zip(("X", "y"), args, after, strict=False):
            ctx.ensure(isinstance(b, np.ndarray) and b.shape == a.shape and np.array_equal(a, b),
                       f"loss modified its input {label} in place; work on copies",
                       hint="in-place operations such as X -= ... or reshaping into X change "
                            "the caller's array")
