"""Hidden edge cases: a batch of one, and scores so far apart that probabilities underflow."""

from __future__ import annotations

import numpy as np

from assignments.affine_losses.checks import shape_errors_fail
from grader.context import Context, require
from grader.registry import check
from grader.result import Kind, Visibility


@check(Kind.OUTPUT, targets=("softmax_loss",), variant="log-sum-exp", points=0.5,
       visibility=Visibility.HIDDEN)
def softmax_loss_far_apart(ctx: Context) -> None:
    """softmax_loss stays finite when the correct class scores 1e4 below the best one"""
    x = np.array([[0.0, 1e4, -3.0], [2.0, -1e4, 1.0]])
    y = np.array([0, 1])
    result = ctx.student.call("softmax_loss", x, y)
    require(result, "(loss, dx)", "softmax_loss")
    ctx.compare("loss", result[0], lambda ref: ref.softmax_loss(x, y)[0],
                context="scores [[0, 1e4, -3], [2, -1e4, 1]], labels [0, 1]")
    ctx.compare("dx", result[1], lambda ref: ref.softmax_loss(x, y)[1])


@check(Kind.OUTPUT, targets=("affine_forward", "affine_backward"), variant="single",
       points=0.5,
       visibility=Visibility.HIDDEN)
@shape_errors_fail
def affine_backward_single_example(ctx: Context) -> None:
    """affine_backward handles a batch of one image-shaped example"""
    x = ctx.rng.standard_normal((1, 3, 2, 2))
    w, b = ctx.rng.standard_normal((12, 4)), ctx.rng.standard_normal(4)
    out, cache = ctx.student.call("affine_forward", x, w, b, keep=(1,))
    ctx.compare("out", out, lambda ref: ref.affine_forward(x, w, b)[0])
    dout = ctx.rng.standard_normal((1, 4))
    grads = ctx.student.call("affine_backward", dout, cache)
    require(grads, "(dx, dw, db)", "affine_backward")
    for i, name in enumerate(("dx", "dw", "db")):
        ctx.compare(name, grads[i], lambda ref, i=i: ref.affine_backward(
            dout, ref.affine_forward(x, w, b)[1])[i])
