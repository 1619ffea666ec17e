"""Gradient checks against a submission's own forward function, named argument by argument.

The numeric gradient is computed HERE, in the trusted process, from many forward evaluations
the worker runs in one batch (`Student.map`); the analytic gradient is what the student's
backward returned. Only sampled coordinates are probed for large inputs (CS231n's sparse check).
A coordinate fails when |analytic - numeric| > rtol * (|analytic| + |numeric|) + atol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grader.context import Context, require
from grader.gradcheck import numeric_gradient, sample_indices

__all__ = ["check_layer_gradient", "check_loss_gradient", "check_model_gradient"]


def _compare(ctx: Context, label: str, analytic: Any, numeric: np.ndarray,
             indices: Sequence[tuple[int, ...]], of: str, rtol: float, atol: float) -> None:
    require(analytic, label, ctx.target)
    a_arr = np.asarray(analytic, dtype=np.float64) if isinstance(analytic, np.ndarray | float | int | np.generic) else None
    if a_arr is None:
        ctx.fail(f"{label} should be an array, got {type(analytic).__name__}")
    if a_arr.shape != numeric.shape:
        ctx.fail(f"{label} has shape {a_arr.shape}, expected {numeric.shape} (the shape of its input)")
    worst, worst_excess = None, 0.0
    for idx in indices:
        a, n = float(a_arr[idx]), float(numeric[idx])
        err = abs(a - n)
        bound = rtol * (abs(a) + abs(n)) + atol
        if not np.isfinite(a) or err > bound:
            excess = np.inf if not np.isfinite(a) else err / bound
            if worst is None or excess > worst_excess:
                worst, worst_excess = idx, excess
    if worst is not None:
        a, n = float(a_arr[worst]), float(numeric[worst])
        rel = abs(a - n) / max(abs(a) + abs(n), 1e-8)
        ctx.fail(f"{label} disagrees with the numeric gradient of {of} at index {list(worst)}: "
                 f"analytic {a:.6g}, numeric {n:.6g}, rel error {rel:.2e}")
    ctx.note(f"{label} matches central differences on {len(indices)} coordinates")


def check_layer_gradient(ctx: Context, *, forward: str, backward: str, args: Sequence[Any],
                         wrt: Mapping[int, tuple[str, int | None]], rtol: float = 1e-6,
                         atol: float = 1e-8, max_coords: int = 24, h: float = 1e-5) -> None:
    """`wrt`: forward-argument position -> (label, index of that gradient in backward's result,
    or None when backward returns the single array `dx`)."""
    args = tuple(args)
    out, cache = ctx.student.call(forward, *args, keep=(1,))
    require(out, "out", forward)
    dout = ctx.rng.standard_normal(np.shape(out))
    grads = ctx.student.call(backward, dout, cache)
    require(grads, "its gradients", backward)
    for pos, (label, gi) in wrt.items():
        if gi is None:
            analytic = grads
        else:
            if not isinstance(grads, tuple | list) or len(grads) <= gi:
                ctx.fail(f"should return a tuple with {label} at position {gi}")
            analytic = grads[gi]
        x = np.asarray(args[pos], dtype=np.float64)
        indices = sample_indices(x.shape, max_coords, ctx.rng)

        def many(xs: list[np.ndarray], pos: int = pos) -> list[Any]:
            sets = [args[:pos] + (xi,) + args[pos + 1:] for xi in xs]
            return ctx.student.map(forward, sets, pick=0)

        numeric = numeric_gradient(many, x, dout, indices=indices, h=h)
        _compare(ctx, label, analytic, numeric, indices, forward, rtol, atol)


def check_loss_gradient(ctx: Context, *, fn: str, args: Sequence[Any], pos: int = 0,
                        label: str = "dx", rtol: float = 1e-6, atol: float = 1e-8,
                        max_coords: int = 24, h: float = 1e-5) -> None:
    """For `fn(*args) -> (loss, grad)`: grad against central differences of loss."""
    args = tuple(args)
    result = ctx.student.call(fn, *args)
    require(result, "(loss, dx)", fn)
    if not isinstance(result, tuple | list) or len(result) != 2:
        ctx.fail("should return a tuple (loss, dx)")
    x = np.asarray(args[pos], dtype=np.float64)
    indices = sample_indices(x.shape, max_coords, ctx.rng)

    def many(xs: list[np.ndarray]) -> list[Any]:
        return [float(v) for v in ctx.student.map(fn, [args[:pos] + (xi,) + args[pos + 1:]
                                                       for xi in xs], pick=0)]

    numeric = numeric_gradient(many, x, None, indices=indices, h=h)
    _compare(ctx, label, result[1], numeric, indices, f"{fn}'s loss", rtol, atol)


def check_model_gradient(ctx: Context, *, model: Any, X: np.ndarray, y: np.ndarray,
                         names: Sequence[str], rtol: float = 1e-6, atol: float = 1e-8,
                         max_coords: int = 12, h: float = 1e-5, method: str = "loss") -> None:
    """grads[name] of `model.loss(X, y)` against central differences over model.params[name]."""
    result = ctx.student.method(model, method, X, y)
    require(result, "(loss, grads)", ctx.target)
    if not isinstance(result, tuple | list) or len(result) != 2 or not isinstance(result[1], dict):
        ctx.fail("loss(X, y) should return a tuple (loss, grads) with grads a dict")
    grads = result[1]
    for name in names:
        if name not in grads:
            ctx.fail(f"grads lacks {name!r}")
        where = model["params"][name]
        w0 = np.asarray(ctx.student.get(where), dtype=np.float64)
        indices = sample_indices(w0.shape, max_coords, ctx.rng)

        def many(ws: list[np.ndarray], where: Any = where) -> list[float]:
            return [float(v) for v in ctx.student.sweep(model, method, where, ws, X, y, pick=0)]

        numeric = numeric_gradient(many, w0, None, indices=indices, h=h)
        ctx.student.set(where, w0)
        _compare(ctx, f"grads[{name!r}]", grads[name], numeric, indices, f"{ctx.target}'s loss",
                 rtol, atol)
