"""softmax_loss and svm_loss: values, gradients, numerical stability, and the sanity-check facts
the lecture uses to babysit training (initial loss ln C for softmax and C - 1 for the SVM)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.affine_losses.checks import INPLACE_HINT, unchanged
from grader.context import Context, require
from grader.gradients import check_loss_gradient
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

SOFTMAX_OVERFLOW_HINT = ("exp of large scores overflows to inf (inf/inf = NaN): subtract each "
                         "row's maximum score before exponentiating")
SOFTMAX_LOG_HINT = ("a probability can underflow to 0 and log(0) = -inf: compute log-probabilities "
                    "as shifted - log(sum(exp(shifted))) (log-sum-exp) instead of log(probs)")
SOFTMAX_INPLACE_HINT = ("softmax_loss modified the scores x in place (x -= x.max(...)); write "
                        "shifted = x - x.max(axis=1, keepdims=True) instead")


def scores(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal((20, 7))
    return x, rng.integers(0, 7, size=20)


def svm_scores(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Multiples of 0.3 keep every margin x_j - x_y + 1 at least 0.1 away from the hinge's kink.
    return 0.3 * rng.integers(-5, 6, size=(15, 6)).astype(float), rng.integers(0, 6, size=15)


def huge_scores(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = 5.0 * rng.standard_normal((12, 6)) + np.where(np.arange(12) % 2 == 0, 1e3, -1e3)[:, None]
    return x, rng.integers(0, 6, size=12)


def loss_output(fn: str, inputs, points: float):
    @check(Kind.OUTPUT, targets=(fn,), points=points)
    def output(ctx: Context) -> None:
        x, y = inputs(ctx.rng)
        result = ctx.student.call(fn, x, y)
        require(result, "(loss, dx)", fn)
        if not isinstance(result, tuple | list) or len(result) != 2:
            ctx.fail("should return a tuple (loss, dx)")
        ctx.compare("loss", result[0], lambda ref: getattr(ref, fn)(x, y)[0])
        ctx.compare("dx", result[1], lambda ref: getattr(ref, fn)(x, y)[1])

    output.__doc__ = f"{fn} gives the reference's loss and dx (mean over the batch)"
    return output


def loss_gradient(fn: str, inputs, points: float):
    @check(Kind.GRADIENT, targets=(fn,), points=points)
    def gradient(ctx: Context) -> None:
        check_loss_gradient(ctx, fn=fn, args=inputs(ctx.rng))

    gradient.__doc__ = f"{fn}'s dx agrees with the numeric gradient of its loss"
    return gradient


def loss_safety(fn: str, inputs, hint: str):
    @check(Kind.INPUT_SAFETY, targets=(fn,), points=0.5)
    def safety(ctx: Context) -> None:
        args = inputs(ctx.rng)
        result, after = ctx.student.call(fn, *args, echo_args=True)
        require(result, "(loss, dx)", fn)
        unchanged(ctx, fn, args, after, ("x", "y"), hint=hint)

    safety.__doc__ = f"{fn} leaves the scores x and labels y unchanged"
    return safety


softmax_loss_output = loss_output("softmax_loss", scores, 1.5)
softmax_loss_gradient = loss_gradient("softmax_loss", scores, 1.5)
softmax_loss_safety = loss_safety("softmax_loss", scores, SOFTMAX_INPLACE_HINT)
svm_loss_output = loss_output("svm_loss", svm_scores, 1.5)
svm_loss_gradient = loss_gradient("svm_loss", svm_scores, 1.5)
svm_loss_safety = loss_safety("svm_loss", svm_scores, INPLACE_HINT)


@check(Kind.OUTPUT, targets=("softmax_loss",), variant="stability")
def softmax_loss_stable(ctx: Context) -> None:
    """softmax_loss is exact and warning-free for scores around +-1000"""
    x, y = huge_scores(ctx.rng)
    result = ctx.student.call("softmax_loss", x, y)
    require(result, "(loss, dx)", "softmax_loss")
    loss, dx = result
    trouble = [w for w in ctx.student.warnings if "overflow" in w or "invalid" in w]
    if trouble or not np.isfinite(loss) or not np.all(np.isfinite(dx)):
        ctx.fail(f"scores around +-1000 give loss {loss!r}"
                 + (f" and numpy warned '{trouble[0]}'" if trouble else ""),
                 hint=SOFTMAX_OVERFLOW_HINT)
    ctx.compare("loss", loss, lambda ref: ref.softmax_loss(x, y)[0])
    ctx.compare("dx", dx, lambda ref: ref.softmax_loss(x, y)[1])


def _uniform_and_shift():
    return (st.integers(1, 6), st.integers(2, 10), st.floats(-50.0, 50.0),
            st.integers(0, 2**31 - 1))


@check(Kind.PROPERTY, targets=("softmax_loss",))
def softmax_loss_property(ctx: Context) -> None:
    """softmax_loss is ln C for equal scores and ignores a constant added to every score"""

    @property_check(*_uniform_and_shift(), max_examples=15)
    def prop(n: int, c: int, shift: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        y = rng.integers(0, c, size=n)
        loss, _ = ctx.student.call("softmax_loss", np.full((n, c), shift), y)
        ctx.ensure(abs(loss - np.log(c)) <= 1e-9 * np.log(c),
                   f"equal scores ({shift:g}) over C={c} classes give loss {loss!r}, expected "
                   f"ln C = {np.log(c):.10g} (the initial loss of a small-weight network)")
        x = rng.standard_normal((n, c))
        base, dbase = ctx.student.call("softmax_loss", x, y)
        moved, dmoved = ctx.student.call("softmax_loss", x + shift, y)
        ctx.ensure(abs(moved - base) <= 1e-8 * max(1.0, abs(base)) and
                   np.allclose(dmoved, dbase, rtol=1e-7, atol=1e-10),
                   f"adding {shift:g} to every score changed the loss from {base!r} to {moved!r}")
        ctx.ensure(np.allclose(np.sum(dbase, axis=1), 0.0, atol=1e-12),
                   "the rows of dx do not sum to 0 (softmax probabilities minus one-hot)")

    prop()


@check(Kind.PROPERTY, targets=("svm_loss",))
def svm_loss_property(ctx: Context) -> None:
    """svm_loss is C - 1 for equal scores, ignores a constant shift, and its dx rows sum to 0"""

    @property_check(*_uniform_and_shift(), max_examples=15)
    def prop(n: int, c: int, shift: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        y = rng.integers(0, c, size=n)
        loss, _ = ctx.student.call("svm_loss", np.full((n, c), shift), y)
        ctx.ensure(abs(loss - (c - 1)) <= 1e-9 * c,
                   f"equal scores over C={c} classes give loss {loss!r}, expected C - 1 = {c - 1}"
                   " (every wrong class violates the margin 1 by exactly 1)")
        x = 0.3 * rng.integers(-5, 6, size=(n, c)).astype(float)
        base, dbase = ctx.student.call("svm_loss", x, y)
        moved, _ = ctx.student.call("svm_loss", x + round(shift), y)
        ctx.ensure(abs(moved - base) <= 1e-9 * max(1.0, abs(base)),
                   f"adding {round(shift)} to every score changed the loss from {base!r} to "
                   f"{moved!r}")
        ctx.ensure(np.allclose(np.sum(dbase, axis=1), 0.0, atol=1e-12),
                   "the rows of dx do not sum to 0 (the correct class gets minus the count of "
                   "violating classes)")

    prop()
