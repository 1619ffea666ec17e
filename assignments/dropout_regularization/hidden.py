"""Hidden edge cases: dropout that keeps everything, dropout on image-shaped input, and an
elastic net at its pure-L1 end on weights that include exact zeros."""

from __future__ import annotations

import numpy as np

from grader.context import Context, require
from grader.registry import check
from grader.result import Kind, Visibility


@check(Kind.OUTPUT, targets=("dropout_forward",), variant="keep-all", points=0.5,
       visibility=Visibility.HIDDEN)
def dropout_keep_all(ctx: Context) -> None:
    """dropout with p = 1 keeps x exactly, and image-shaped input keeps its shape"""
    x = ctx.rng.uniform(1.0, 2.0, size=(8, 3, 4, 4))
    out, _ = ctx.student.call("dropout_forward", x, {"mode": "train", "p": 1.0}, keep=(1,))
    require(out, "out", "dropout_forward")
    ctx.ensure(np.array_equal(out, x), "p = 1 must keep every unit unchanged")
    out, _ = ctx.student.call("dropout_forward", x, {"mode": "train", "p": 0.5}, keep=(1,))
    ctx.ensure(np.shape(out) == x.shape, f"out has shape {np.shape(out)} for x of {x.shape}")
    frac = float(np.mean(np.asarray(out) == 0))
    tol = 6 * np.sqrt(0.25 / x.size)
    ctx.ensure(abs(frac - 0.5) <= tol, f"{frac:.3f} of a (8, 3, 4, 4) input zeroed with p=0.5")


@check(Kind.OUTPUT, targets=("l1_penalty",), variant="zeros", points=0.5,
       visibility=Visibility.HIDDEN)
def l1_penalty_at_zero(ctx: Context) -> None:
    """l1_penalty uses gradient 0 at w == 0 (sign(0) = 0)"""
    W = np.array([[0.0, 1.5, -2.0], [0.0, -0.1, 3.0]])
    result = ctx.student.call("l1_penalty", W, 0.5)
    require(result, "(penalty, dW)", "l1_penalty")
    ctx.compare("penalty", result[0], lambda ref: ref.l1_penalty(W, 0.5)[0])
    ctx.compare("dW", result[1], lambda ref: ref.l1_penalty(W, 0.5)[1])
