"""Check builders for the forward/backward layers every assignment of the unit has.

Each builder returns one registered check; an assignment's checks.py reads as a list:

    relu_forward_output = forward_output("relu_forward", inputs=activation_inputs, points=1)

Inputs come from `inputs(rng) -> tuple of arguments`, drawn from the check's own seeded rng, so
the same check gets the same inputs on every regrade. Backward checks compare each side's
backward applied to its OWN cache: any cache layout a student chooses is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from grader.context import Context, require
from grader.gradients import check_layer_gradient
from grader.registry import check
from grader.result import Kind, Visibility

__all__ = ["backward_output", "forward_output", "input_safety", "layer_gradient"]

Inputs = Callable[[np.random.Generator], tuple[Any, ...]]


def forward_output(forward: str, *, inputs: Inputs, points: float = 1.0, rtol: float = 1e-7,
                   atol: float = 1e-9, variant: str | None = None, what: str = "out",
                   visibility: Visibility = Visibility.VISIBLE):
    """`forward(*inputs)[0]` equals the reference's."""

    @check(Kind.OUTPUT, targets=(forward,), points=points, variant=variant, visibility=visibility)
    def output(ctx: Context) -> None:
        args = inputs(ctx.rng)
        result = ctx.student.call(forward, *args, keep=(1,))
        require(result, "(out, cache)", forward)
        if not isinstance(result, tuple) or len(result) != 2:
            ctx.fail("should return a tuple (out, cache)")
        ctx.compare(what, result[0], lambda ref: getattr(ref, forward)(*args)[0], rtol=rtol,
                    atol=atol)

    output.__doc__ = f"{forward} matches the reference" + (f" ({variant})" if variant else "")
    return output


def backward_output(forward: str, backward: str, *, inputs: Inputs, names: Sequence[str],
                    points: float = 1.0, rtol: float = 1e-7, atol: float = 1e-9,
                    variant: str | None = None, visibility: Visibility = Visibility.VISIBLE):
    """`backward(dout, cache)` equals the reference's for the same x and dout.

    `names` labels backward's results ("dx",) or ("dx", "dw", "db"); one name means backward
    returns a single array, as relu_backward does.
    """

    @check(Kind.OUTPUT, targets=(forward, backward), points=points, variant=variant,
           visibility=visibility)
    def output(ctx: Context) -> None:
        args = inputs(ctx.rng)
        out, cache = ctx.student.call(forward, *args, keep=(1,))
        require(out, "out", forward)
        dout = ctx.rng.standard_normal(np.shape(out))
        grads = ctx.student.call(backward, dout, cache)
        require(grads, "its gradients", backward)
        single = len(names) == 1

        def expected(ref: Any) -> Any:
            ref_grads = getattr(ref, backward)(dout, getattr(ref, forward)(*args)[1])
            return ref_grads if single else tuple(ref_grads)

        if not single and (not isinstance(grads, tuple | list) or len(grads) != len(names)):
            ctx.fail(f"should return a tuple ({', '.join(names)})")
        for i, name in enumerate(names):
            got = grads if single else grads[i]
            ctx.compare(name, got, (lambda ref, i=i: expected(ref) if single else expected(ref)[i]),
                        rtol=rtol, atol=atol)

    output.__doc__ = f"{backward} matches the reference for the same upstream gradient"
    return output


def layer_gradient(forward: str, backward: str, *, inputs: Inputs,
                   wrt: Mapping[int, tuple[str, int | None]], points: float = 1.0,
                   rtol: float = 1e-6, atol: float = 1e-8, variant: str | None = None,
                   visibility: Visibility = Visibility.VISIBLE):
    """backward agrees with central differences of the student's own forward."""

    @check(Kind.GRADIENT, targets=(forward, backward), points=points, variant=variant,
           visibility=visibility)
    def gradient(ctx: Context) -> None:
        check_layer_gradient(ctx, forward=forward, backward=backward, args=inputs(ctx.rng),
                             wrt=wrt, rtol=rtol, atol=atol)

    gradient.__doc__ = f"{backward} agrees with the numeric gradient of {forward}"
    return gradient


def _unchanged(ctx: Context, fn: str, sent: Sequence[Any], after: Sequence[Any],
               labels: Sequence[str]) -> None:
    for label, a, b in zip(labels, sent, after, strict=False):
        if isinstance(a, np.ndarray) and (not isinstance(b, np.ndarray) or a.shape != b.shape
                                          or not np.array_equal(a, b, equal_nan=True)):
            ctx.fail(f"{fn} modified its input {label} in place; work on a copy "
                     "(e.g. x.copy() or out = x * mask) so callers' arrays stay intact",
                     hint="in-place operations such as x[x < 0] = 0 or x *= mask change the "
                          "caller's array")


def input_safety(forward: str, backward: str | None, *, inputs: Inputs, labels: Sequence[str],
                 points: float = 0.5, visibility: Visibility = Visibility.VISIBLE):
    """Neither forward nor backward modifies the arrays it is given."""
    targets = (forward,) if backward is None else (forward, backward)

    @check(Kind.INPUT_SAFETY, targets=targets, points=points, visibility=visibility)
    def safety(ctx: Context) -> None:
        args = inputs(ctx.rng)
        result, after = ctx.student.call(forward, *args, keep=(1,), echo_args=True)
        require(result, "(out, cache)", forward)
        _unchanged(ctx, forward, args, after, labels)
        if backward is None:
            return
        out, cache = result
        require(out, "out", forward)
        dout = ctx.rng.standard_normal(np.shape(out))
        _, after = ctx.student.call(backward, dout, cache, echo_args=True)
        _unchanged(ctx, backward, (dout,), after, ("dout",))

    safety.__doc__ = f"{' and '.join(targets)} leave their input arrays unchanged"
    return safety
