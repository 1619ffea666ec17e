"""Weight penalties (regularization.py): L2 with CS231n's 0.5, L1, elastic net, and a model-wide
penalty that must leave biases and normalization parameters alone."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from grader.context import Context, require
from grader.gradcheck import numeric_gradient, sample_indices
from grader.gradients import check_loss_gradient
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

INPLACE_HINT = "compute new arrays (e.g. reg * W) instead of modifying the caller's arrays"
BIAS_HINT = ("regularize weights only: params_penalty must skip b*, gamma* and beta* (their "
             "gradient entries are zeros)")


def weights(rng: np.random.Generator, shape: tuple[int, ...] = (6, 5)) -> np.ndarray:
    # |w| >= 0.05 keeps |w| away from its kink at 0 for the numeric gradient.
    w = rng.standard_normal(shape)
    return np.where(np.abs(w) < 0.05, np.sign(w + 1e-12) * 0.05, w)


def model_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {"W1": weights(rng, (4, 3)), "b1": rng.standard_normal(3),
            "gamma1": rng.uniform(0.5, 2, 3), "beta1": rng.standard_normal(3),
            "W2": weights(rng, (3, 2)), "b2": rng.standard_normal(2)}


PENALTIES = {"l2_penalty": (), "l1_penalty": (), "elastic_net_penalty": (0.3,)}


def _penalty_checks(fn: str, extra: tuple) -> tuple:
    @check(Kind.OUTPUT, targets=(fn,))
    def output(ctx: Context) -> None:
        W, reg = weights(ctx.rng), 0.7
        result = ctx.student.call(fn, W, reg, *extra)
        require(result, "(penalty, dW)", fn)
        ctx.compare("penalty", result[0], lambda ref: getattr(ref, fn)(W, reg, *extra)[0])
        ctx.compare("dW", result[1], lambda ref: getattr(ref, fn)(W, reg, *extra)[1])

    @check(Kind.GRADIENT, targets=(fn,))
    def gradient(ctx: Context) -> None:
        check_loss_gradient(ctx, fn=fn, args=(weights(ctx.rng), 0.7, *extra), label="dW")

    output.__doc__ = f"{fn} gives the reference's penalty and dW"
    gradient.__doc__ = f"{fn}'s dW agrees with the numeric gradient of its penalty"
    return output, gradient


l2_penalty_output, l2_penalty_gradient = _penalty_checks("l2_penalty", ())
l1_penalty_output, l1_penalty_gradient = _penalty_checks("l1_penalty", ())
elastic_net_output, elastic_net_gradient = _penalty_checks("elastic_net_penalty", (0.3,))


@check(Kind.PROPERTY, targets=("l2_penalty", "l1_penalty", "elastic_net_penalty"))
def penalties_property(ctx: Context) -> None:
    """penalties are even in W, L2 grows as c**2 and L1 as |c|, elastic net spans L1..L2"""

    @property_check(st.integers(0, 2**20), st.floats(-5, 5), st.floats(0.0, 3.0),
                    max_examples=8)
    def prop(seed: int, c: float, reg: float) -> None:
        W = weights(np.random.default_rng(seed), (3, 4))
        l2, d2 = ctx.student.call("l2_penalty", W, reg)
        l1, d1 = ctx.student.call("l1_penalty", W, reg)
        l2c, _ = ctx.student.call("l2_penalty", c * W, reg)
        l1c, _ = ctx.student.call("l1_penalty", c * W, reg)
        l2n, d2n = ctx.student.call("l2_penalty", -W, reg)
        ctx.ensure(l2 >= 0 and l1 >= 0, f"negative penalty for reg={reg}")
        ctx.ensure(np.isclose(l2c, c * c * l2, rtol=1e-9, atol=1e-12),
                   f"l2_penalty(c*W) = {l2c!r} is not c**2 * l2_penalty(W) = {c * c * l2!r}")
        ctx.ensure(np.isclose(l1c, abs(c) * l1, rtol=1e-9, atol=1e-12),
                   f"l1_penalty(c*W) = {l1c!r} is not |c| * l1_penalty(W) = {abs(c) * l1!r}")
        ctx.ensure(np.isclose(l2n, l2, rtol=1e-12) and np.allclose(d2n, -np.asarray(d2)),
                   "l2_penalty is not even in W (R(-W) = R(W), dR(-W) = -dR(W))")
        for ratio, same, name in ((1.0, (l1, d1), "l1"), (0.0, (l2, d2), "l2")):
            e, de = ctx.student.call("elastic_net_penalty", W, reg, ratio)
            ctx.ensure(np.isclose(e, same[0], rtol=1e-9, atol=1e-12) and
                       np.allclose(de, same[1], rtol=1e-9, atol=1e-12),
                       f"elastic_net_penalty with l1_ratio={ratio} differs from {name}_penalty")

    prop()


def _params_expected(params: dict, reg: float, which: str = "l2_penalty"):
    return lambda ref: ref.params_penalty(params, reg, getattr(ref, which))


@check(Kind.OUTPUT, targets=("params_penalty",), points=1.5)
def params_penalty_output(ctx: Context) -> None:
    """params_penalty sums the penalty over W1, W2 only and returns a gradient for every key"""
    params, reg = model_params(ctx.rng), 0.4
    result = ctx.student.call("params_penalty", params, reg)
    require(result, "(penalty, grads)", "params_penalty")
    ctx.compare("penalty", result[0], lambda ref: _params_expected(params, reg)(ref)[0])
    ctx.compare("grads", result[1], lambda ref: _params_expected(params, reg)(ref)[1])


@check(Kind.OUTPUT, targets=("l1_penalty", "params_penalty"), variant="penalty_fn", points=0.5)
def params_penalty_with_l1(ctx: Context) -> None:
    """params_penalty applies the penalty_fn it is given (here l1_penalty)"""
    params, reg = model_params(ctx.rng), 0.4
    l1 = ctx.student.get("l1_penalty")  # the student's own function, by handle
    result = ctx.student.call("params_penalty", params, reg, l1)
    require(result, "(penalty, grads)", "params_penalty")
    ctx.compare("penalty", result[0], lambda ref: _params_expected(params, reg, "l1_penalty")(ref)[0])
    ctx.compare("grads", result[1], lambda ref: _params_expected(params, reg, "l1_penalty")(ref)[1])


@check(Kind.GRADIENT, targets=("params_penalty",))
def params_penalty_gradient(ctx: Context) -> None:
    """params_penalty's grads agree with the numeric gradient of its penalty, key by key"""
    params, reg = model_params(ctx.rng), 0.4
    result = ctx.student.call("params_penalty", params, reg)
    require(result, "(penalty, grads)", "params_penalty")
    grads = result[1]
    for name in ("W1", "b1", "gamma1"):
        if not isinstance(grads, dict) or name not in grads:
            ctx.fail(f"grads has no entry {name!r}; it needs one for every key of params")
        idx = sample_indices(params[name].shape, 8, ctx.rng)

        def many(values: list[np.ndarray], name: str = name) -> list[Any]:
            sets = [({**params, name: v}, reg) for v in values]
            return [float(v) for v in ctx.student.map("params_penalty", sets, pick=0)]

        numeric = numeric_gradient(many, params[name], None, indices=idx)
        got = np.asarray(grads[name], dtype=float)
        if got.shape != params[name].shape:
            ctx.fail(f"grads[{name!r}] has shape {got.shape}, params[{name!r}] {params[name].shape}")
        for i in idx:
            if abs(got[i] - numeric[i]) > 1e-6 * (abs(got[i]) + abs(numeric[i])) + 1e-8:
                ctx.fail(f"grads[{name!r}] at {list(i)} is {got[i]:.6g}, numeric {numeric[i]:.6g}",
                         hint=BIAS_HINT if not name.startswith("W") else None)


def _unchanged(ctx: Context, fn: str, sent: Any, after: Any, path: str, hint: str) -> None:
    if isinstance(sent, dict):  # recurse: params dicts hold the arrays
        for k, v in sent.items():
            _unchanged(ctx, fn, v, after.get(k) if isinstance(after, dict) else None,
                       f"{path}[{k!r}]", hint)
    elif isinstance(sent, np.ndarray) and (not isinstance(after, np.ndarray)
                                           or not np.array_equal(sent, after)):
        ctx.fail(f"{fn} modified its input {path} in place", hint=hint)


def unchanged(ctx: Context, fn: str, sent: tuple, after: tuple, labels: tuple[str, ...],
              hint: str = INPLACE_HINT) -> None:
    for label, a, b in zip(labels, sent, after, strict=False):
        _unchanged(ctx, fn, a, b, label, hint)


@check(Kind.INPUT_SAFETY, targets=("l2_penalty", "l1_penalty", "elastic_net_penalty",
                                   "params_penalty"), points=0.5)
def penalties_safety(ctx: Context) -> None:
    """the penalties leave W and params unchanged"""
    for fn, extra in PENALTIES.items():
        W = weights(ctx.rng)
        result, after = ctx.student.call(fn, W, 0.5, *extra, echo_args=True)
        require(result, "(penalty, dW)", fn)
        unchanged(ctx, fn, (W,), after, ("W",))
    params = model_params(ctx.rng)
    result, after = ctx.student.call("params_penalty", params, 0.5, echo_args=True)
    require(result, "(penalty, grads)", "params_penalty")
    unchanged(ctx, "params_penalty", (params,), after, ("params",))
