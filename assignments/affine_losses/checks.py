"""affine_forward / affine_backward on the inputs CS231n uses to expose missing reshapes.

x of shape (2, 4, 5, 6) or (10, 2, 3) must be flattened to (N, D) in the forward pass and dx must
come back in x's shape. A student who forgets the reshape gets a numpy shape error, not a wrong
number; the checks turn that error into a failure that says which reshape is missing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from assignments.layer_checks import backward_output, forward_output, layer_gradient
from grader.context import Context, require
from grader.isolation import StudentError, StudentNotImplemented
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

AFFINE_RESHAPE_HINT = ("affine_forward must flatten x of shape (N, d_1, ..., d_k) to (N, D) with "
                       "x.reshape(x.shape[0], -1) before multiplying by w")
DX_RESHAPE_HINT = "affine_backward must return dx in x's original shape: (dout @ w.T).reshape(x.shape)"
INPLACE_HINT = ("in-place operations such as x -= x.max(axis=1, keepdims=True) or x[x < 0] = 0 "
                "change the caller's array; compute into a new array instead")
PUBLISHED_OUT = np.array([[1.49834967, 1.70660132, 1.91485297],
                          [3.25553199, 3.5141327, 3.77273342]])

_SHAPE_WORDS = ("shape", "align", "mismatch", "broadcast", "dimension")


def shape_errors_fail(body: Callable[[Context], None]) -> Callable[[Context], None]:
    """Turn a numpy shape error raised by the student into a failure with the reshape hint."""

    @functools.wraps(body)  # keeps the @check mark of a builder's check
    def run(ctx: Context) -> None:
        try:
            body(ctx)
        except StudentNotImplemented:
            raise
        except StudentError as exc:
            if not any(w in exc.message.lower() for w in _SHAPE_WORDS):
                raise
            ctx.fail(f"{exc.describe()} for x of shape (N, d_1, ..., d_k); a flatten to (N, D) "
                     "is missing", hint=AFFINE_RESHAPE_HINT)

    return run


def x4d(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    return rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((120, 3)), rng.standard_normal(3)


def x3d(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    return rng.standard_normal((10, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)


def unchanged(ctx: Context, fn: str, sent: tuple, after: tuple, labels: tuple[str, ...],
              hint: str = INPLACE_HINT) -> None:
    for label, a, b in zip(labels, sent, after, strict=False):
        if isinstance(a, np.ndarray) and (not isinstance(b, np.ndarray) or a.shape != b.shape
                                          or not np.array_equal(a, b, equal_nan=True)):
            ctx.fail(f"{fn} modified its input {label} in place", hint=hint)


affine_forward_output = shape_errors_fail(forward_output("affine_forward", inputs=x4d))
affine_backward_output = shape_errors_fail(backward_output(
    "affine_forward", "affine_backward", inputs=x3d, names=("dx", "dw", "db"), points=1.5))
affine_backward_gradient = shape_errors_fail(layer_gradient(
    "affine_forward", "affine_backward", inputs=x3d,
    wrt={0: ("dx", 0), 1: ("dw", 1), 2: ("db", 2)}, points=1.5))


@check(Kind.OUTPUT, targets=("affine_forward",), variant="cs231n", points=0.5)
@shape_errors_fail
def affine_forward_published(ctx: Context) -> None:
    """affine_forward reproduces the CS231n notebook's correct_out for the linspace inputs"""
    x = np.linspace(-0.1, 0.5, num=240).reshape(2, 4, 5, 6)
    w = np.linspace(-0.2, 0.3, num=360).reshape(120, 3)
    b = np.linspace(-0.3, 0.1, num=3)
    out, _ = ctx.student.call("affine_forward", x, w, b, keep=(1,))
    # The published numbers are rounded to 8 decimals (rel error ~1e-9), so the exact oracle
    # value is the comparison and the published one is only reported.
    ctx.compare("out", out, lambda ref: ref.affine_forward(x, w, b)[0], rtol=1e-8)
    err = float(np.max(np.abs(np.asarray(out) - PUBLISHED_OUT) / np.abs(PUBLISHED_OUT)))
    ctx.note(f"rel error vs the notebook's published correct_out: {err:.1e} (it says ~1e-9)")


def affine_shapes(ctx: Context, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                  dout: np.ndarray) -> tuple:
    """Shapes the student's affine layer produces, and whether flattening x changes out."""
    out, cache = ctx.student.call("affine_forward", x, w, b, keep=(1,))
    require(out, "out", "affine_forward")
    flat, _ = ctx.student.call("affine_forward", x.reshape(len(x), -1), w, b, keep=(1,))
    same = bool(np.allclose(out, flat, rtol=1e-12, atol=1e-12))
    grads = ctx.student.call("affine_backward", dout, cache)
    require(grads, "(dx, dw, db)", "affine_backward")
    return np.shape(out), same, *(np.shape(g) for g in grads[:3])


@check(Kind.PROPERTY, targets=("affine_forward", "affine_backward"))
@shape_errors_fail
def affine_backward_property(ctx: Context) -> None:
    """affine layers depend on x only through x.reshape(N, -1), and dx has x's shape"""

    @property_check(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3),
                    st.integers(1, 4), st.integers(0, 2**31 - 1), max_examples=15)
    def prop(n: int, dims: list[int], m: int, seed: int) -> None:
        # Every failure leaves through ctx.fail with no exception context, so hypothesis sees
        # one kind of failure and reports its smallest example (not an ExceptionGroup).
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((n, *dims))
        error = None
        try:
            shapes = affine_shapes(ctx, x, rng.standard_normal((x[0].size, m)),
                                   rng.standard_normal(m), rng.standard_normal((n, m)))
        except StudentNotImplemented:
            raise
        except StudentError as exc:
            error = exc
        if error is not None:
            shape_error = any(w in error.message.lower() for w in _SHAPE_WORDS)
            ctx.fail(f"{error.describe()} for x of shape {x.shape}",
                     hint=AFFINE_RESHAPE_HINT if shape_error else None)
        out, flat, dx, dw, db = shapes
        d = x[0].size
        ctx.ensure(out == (n, m), f"out has shape {out} for x of shape {x.shape}; expected "
                   f"{(n, m)}")
        ctx.ensure(flat, f"out for x of shape {x.shape} differs from out for x.reshape({n}, {d})")
        ctx.ensure(dx == x.shape, f"dx has shape {dx}, x has {x.shape}", hint=DX_RESHAPE_HINT)
        ctx.ensure(dw == (d, m) and db == (m,),
                   f"dw/db have shapes {dw}/{db}, expected {(d, m)}/{(m,)}")

    prop()


@check(Kind.INPUT_SAFETY, targets=("affine_forward", "affine_backward"), points=0.5)
@shape_errors_fail
def affine_safety(ctx: Context) -> None:
    """affine_forward and affine_backward leave their input arrays unchanged"""
    args = x3d(ctx.rng)
    result, after = ctx.student.call("affine_forward", *args, keep=(1,), echo_args=True)
    require(result, "(out, cache)", "affine_forward")
    unchanged(ctx, "affine_forward", args, after, ("x", "w", "b"))
    dout = ctx.rng.standard_normal((10, 5))
    _, after = ctx.student.call("affine_backward", dout, result[1], echo_args=True)
    unchanged(ctx, "affine_backward", (dout,), after, ("dout",))
