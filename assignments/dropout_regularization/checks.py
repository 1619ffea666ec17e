"""dropout_forward / dropout_backward, judged by statistics of their random masks.

Any correct random draw must pass, so nothing is compared elementwise with the reference: the
forward pass is judged by the fraction of zeros (within 6 binomial standard deviations), by its
survivors being exactly x / p, and by its mean; the backward pass by reusing the forward pass's
own mask. Inputs are nonzero, so out == 0 means "dropped".
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.layer_checks import input_safety, layer_gradient
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

DROP_PROB_HINT = ("dropout_param['p'] is the probability of KEEPING a unit (CS231n since 2018): "
                  "keep where np.random.rand(*x.shape) < p")
NOT_INVERTED_HINT = ("inverted dropout divides the kept units by p at TRAIN time (out = x * mask "
                     "/ p) so that test time is the identity, with no scaling")
TEST_TIME_HINT = ("in test mode dropout_forward must return x unchanged: no mask, no scaling "
                  "(inverted dropout already rescaled at train time)")
SHARED_MASK_HINT = ("draw one mask entry per element of x (np.random.rand(*x.shape)), not one "
                    "row of mask shared by the whole batch")
BACKWARD_MASK_HINT = ("dropout_backward must reuse the forward pass's mask and its 1/p: dx = "
                      "dout * mask / p")
KEEP_PROBS = (0.25, 0.4, 0.7)


def _stats(ctx: Context, x: np.ndarray, p: float) -> None:
    out, _ = ctx.student.call("dropout_forward", x, {"mode": "train", "p": p}, keep=(1,))
    require(out, "out", "dropout_forward")
    out = np.asarray(out, dtype=float)
    ctx.ensure(out.shape == x.shape, f"out has shape {out.shape} for x of shape {x.shape}")
    kept = out != 0
    same_as_row0 = int(np.sum(np.all(kept == kept[0], axis=1)))
    ctx.ensure(same_as_row0 < len(x), f"all {len(x)} rows of the batch share one mask (p={p})",
               hint=SHARED_MASK_HINT)
    n = x.size
    frac = 1.0 - float(kept.mean())
    tol = 6.0 * np.sqrt(p * (1 - p) / n)
    if abs(frac - (1 - p)) > tol:
        ctx.fail(f"with p={p} (keep probability) {frac:.4f} of {n} units were zeroed; expected "
                 f"{1 - p:.3f} +- {tol:.4f}", hint=DROP_PROB_HINT if abs(frac - p) <= tol else None)
    ratio = out[kept] / x[kept]
    if not np.allclose(ratio, 1.0 / p, rtol=1e-12, atol=0):
        ctx.fail(f"with p={p} the kept units are x * {np.median(ratio):.6g}; inverted dropout "
                 f"gives x / p = x * {1 / p:.6g}", hint=NOT_INVERTED_HINT)
    mean_tol = 6.0 * np.sqrt(np.mean(x**2) * (1 - p) / p / n)
    ctx.ensure(abs(out.mean() - x.mean()) <= mean_tol,
               f"with p={p} the mean of out is {out.mean():.5f}, the mean of x {x.mean():.5f}; "
               f"inverted dropout keeps the expected activation (+- {mean_tol:.4f})")
    ctx.note(f"p={p}: {frac:.4f} zeroed (expected {1 - p:.2f}), mean {out.mean():.4f} vs "
             f"{x.mean():.4f}")


@check(Kind.OUTPUT, targets=("dropout_forward",), points=2)
def dropout_forward_statistics(ctx: Context) -> None:
    """train mode keeps a fraction p of the units, scales them by 1/p and draws a mask per row"""
    x = ctx.rng.uniform(1.0, 2.0, size=(300, 250))
    for p in KEEP_PROBS:
        _stats(ctx, x, p)


@check(Kind.OUTPUT, targets=("dropout_forward",), variant="test-mode")
def dropout_forward_test_mode(ctx: Context) -> None:
    """test mode returns x unchanged"""
    x = ctx.rng.uniform(1.0, 2.0, size=(40, 30))
    for p in KEEP_PROBS:
        out, _ = ctx.student.call("dropout_forward", x, {"mode": "test", "p": p}, keep=(1,))
        require(out, "out", "dropout_forward")
        out = np.asarray(out, dtype=float)
        if out.shape == x.shape and np.array_equal(out, x):
            continue
        if out.shape == x.shape and np.allclose(out, x * p):
            ctx.fail(f"test mode returned x * p (p={p}): that is vanilla dropout's test-time "
                     "scaling", hint=NOT_INVERTED_HINT)
        zeros = int(np.sum(out == 0)) if out.shape == x.shape else 0
        ctx.fail(f"test mode with p={p} changed x" + (f" ({zeros} units zeroed)" if zeros else ""),
                 hint=TEST_TIME_HINT if zeros else None)


@check(Kind.PROPERTY, targets=("dropout_forward",), points=1.5)
def dropout_forward_property(ctx: Context) -> None:
    """each unit is either 0 or x / p, and the same seed gives the same mask (another seed does not)"""

    @property_check(st.integers(1, 6), st.integers(1, 6), st.floats(0.05, 0.95),
                    st.integers(0, 2**20), max_examples=10)
    def prop(n: int, d: int, p: float, seed: int) -> None:
        x = np.random.default_rng(seed).uniform(-2.0, 2.0, size=(n, d)) + 3.0
        # A seeded call: hypothesis replays each example and needs the same mask every time.
        out, _ = ctx.student.call("dropout_forward", x, {"mode": "train", "p": p, "seed": seed},
                                  keep=(1,))
        require(out, "out", "dropout_forward")
        out = np.asarray(out, dtype=float)
        ctx.ensure(out.shape == x.shape, f"out has shape {out.shape} for x of shape {x.shape}")
        ok = (out == 0) | np.isclose(out, x / p, rtol=1e-12, atol=0)
        unscaled = bool(np.all((out == 0) | (out == x)))
        ctx.ensure(bool(ok.all()), f"with p={p:.4g} some units are neither 0 nor x / p",
                   hint=NOT_INVERTED_HINT if unscaled else None)

    prop()
    x = ctx.rng.uniform(1.0, 2.0, size=(20, 20))
    outs = []
    for seed in (123, 123, 124):
        out, _ = ctx.student.call("dropout_forward", x, {"mode": "train", "p": 0.5, "seed": seed},
                                  keep=(1,))
        outs.append(np.asarray(out, dtype=float))
    ctx.ensure(np.array_equal(outs[0], outs[1]), "two calls with dropout_param['seed'] = 123 gave "
               "different masks; seed np.random with it on every call when it is present")
    ctx.ensure(not np.array_equal(outs[0], outs[2]), "seeds 123 and 124 gave the same mask")


@check(Kind.OUTPUT, targets=("dropout_forward", "dropout_backward"), points=1.5)
def dropout_backward_output(ctx: Context) -> None:
    """dropout_backward passes dout through the forward pass's own mask, scaled by 1/p"""
    x = ctx.rng.uniform(1.0, 2.0, size=(50, 40))
    p = 0.3
    out, cache = ctx.student.call("dropout_forward", x, {"mode": "train", "p": p}, keep=(1,))
    require(out, "out", "dropout_forward")
    dout = ctx.rng.standard_normal(x.shape)
    dx = ctx.student.call("dropout_backward", dout, cache)
    require(dx, "dx", "dropout_backward")
    dx = np.asarray(dx, dtype=float)
    want = dout * np.asarray(out, dtype=float) / x  # = dout * mask / p for the student's mask
    if dx.shape != x.shape or not np.allclose(dx, want, rtol=1e-10, atol=1e-12):
        if dx.shape == x.shape and np.allclose(dx, dout):
            detail = "dx equals dout: the mask was ignored"
        elif dx.shape == x.shape and np.allclose(dx, dout * (want != 0)):
            detail = "dx is dout * mask without the 1/p"
        else:
            detail = f"dx (shape {dx.shape}) differs from dout * mask / p"
        ctx.fail(f"{detail} (p={p}, train mode)", hint=BACKWARD_MASK_HINT)
    _, cache = ctx.student.call("dropout_forward", x, {"mode": "test", "p": p}, keep=(1,))
    dx = ctx.student.call("dropout_backward", dout, cache)
    ctx.ensure(np.array_equal(np.asarray(dx), dout), "in test mode dx must equal dout")


def seeded(rng: np.random.Generator) -> tuple:
    return rng.uniform(-2.0, 2.0, size=(6, 7)), {"mode": "train", "p": 0.6, "seed": 231}


dropout_backward_gradient = layer_gradient("dropout_forward", "dropout_backward", inputs=seeded,
                                           wrt={0: ("dx", None)})
dropout_safety = input_safety("dropout_forward", "dropout_backward", inputs=seeded,
                              labels=("x",))
