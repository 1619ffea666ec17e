"""batchnorm_forward / batchnorm_backward / batchnorm_backward_alt.

Features have very different scales on purpose: one with a standard deviation of 0.05 makes
eps = 1e-5 matter (sqrt(var + eps) and sqrt(var) + eps differ by ~2e-3 there), so misplaced eps
and unbiased variances show up as clear relative errors instead of hiding under the tolerance.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.layer_checks import backward_output, forward_output, input_safety, layer_gradient
from grader.context import Context, require
from grader.isolation import StudentError, StudentNotImplemented
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

SCALES = np.array([0.05, 0.5, 1.0, 3.0, 10.0])
BN_WRITE_BACK_HINT = ("batchnorm_forward must store the updated averages back into the caller's "
                      "dict: bn_param['running_mean'] = running_mean (and running_var)")
BN_TEST_UPDATE_HINT = ("in test mode batchnorm_forward must only READ the running averages; "
                       "update them in train mode only")
BN_MODE_HINT = "an unknown bn_param['mode'] must raise ValueError, as the CS231n stub does"


def features(rng: np.random.Generator, n: int = 16) -> np.ndarray:
    return rng.standard_normal((n, SCALES.size)) * SCALES + rng.uniform(-3, 3, SCALES.size)


def affine_params(rng: np.random.Generator, d: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.5, 2.0, d), rng.standard_normal(d)


def train_inputs(rng: np.random.Generator) -> tuple:
    return (features(rng), *affine_params(rng, SCALES.size), {"mode": "train"})


def test_inputs(rng: np.random.Generator) -> tuple:
    d = SCALES.size
    bn_param = {"mode": "test", "running_mean": rng.standard_normal(d),
                "running_var": rng.uniform(0.002, 2.0, d), "eps": 1e-5}
    return (features(rng), *affine_params(rng, d), bn_param)


batchnorm_forward_output = forward_output("batchnorm_forward", inputs=train_inputs, points=1.5)
batchnorm_forward_test_mode = forward_output("batchnorm_forward", inputs=test_inputs,
                                             variant="test-mode")
batchnorm_forward_test_mode.__doc__ = ("batchnorm_forward in test mode normalizes with the "
                                       "running averages it is given")
batchnorm_backward_output = backward_output("batchnorm_forward", "batchnorm_backward",
                                            inputs=train_inputs, names=("dx", "dgamma", "dbeta"),
                                            points=1.5)
batchnorm_backward_gradient = layer_gradient(
    "batchnorm_forward", "batchnorm_backward", inputs=train_inputs,
    wrt={0: ("dx", 0), 1: ("dgamma", 1), 2: ("dbeta", 2)}, points=2)
batchnorm_backward_alt_output = backward_output("batchnorm_forward", "batchnorm_backward_alt",
                                                inputs=train_inputs,
                                                names=("dx", "dgamma", "dbeta"), points=1.5)
batchnorm_safety = input_safety("batchnorm_forward", "batchnorm_backward", inputs=train_inputs,
                                labels=("x", "gamma", "beta"))
batchnorm_alt_safety = input_safety("batchnorm_forward", "batchnorm_backward_alt",
                                    inputs=train_inputs, labels=("x", "gamma", "beta"))


@check(Kind.OUTPUT, targets=("batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt"),
       variant="agrees")
def batchnorm_backward_alt_agrees(ctx: Context) -> None:
    """batchnorm_backward_alt accepts batchnorm_forward's cache and agrees with batchnorm_backward"""
    args = train_inputs(ctx.rng)
    out, cache = ctx.student.call("batchnorm_forward", *args, keep=(1,))
    require(out, "out", "batchnorm_forward")
    dout = ctx.rng.standard_normal(np.shape(out))
    plain = ctx.student.call("batchnorm_backward", dout, cache)
    require(plain, "(dx, dgamma, dbeta)", "batchnorm_backward")
    alt = ctx.student.call("batchnorm_backward_alt", dout, cache)
    require(alt, "(dx, dgamma, dbeta)", "batchnorm_backward_alt")
    for i, name in enumerate(("dx", "dgamma", "dbeta")):
        a, p = np.asarray(alt[i], dtype=float), np.asarray(plain[i], dtype=float)
        if a.shape != p.shape:
            ctx.fail(f"{name} has shape {a.shape} from batchnorm_backward_alt but {p.shape} "
                     "from batchnorm_backward")
        err = float(np.max(np.abs(a - p) / np.maximum(1e-8, np.abs(a) + np.abs(p))))
        ctx.ensure(err <= 1e-9, f"{name} of batchnorm_backward_alt and batchnorm_backward differ "
                   f"(rel error {err:.2e}, CS231n expects ~1e-12) on the same cache")
        ctx.note(f"{name} rel error between the two backward passes: {err:.1e}")


def _bn_batch():
    return (st.integers(2, 8), st.integers(1, 4), st.floats(-100, 100), st.floats(0.01, 50),
            st.integers(0, 2**31 - 1))


@check(Kind.PROPERTY, targets=("batchnorm_forward",))
def batchnorm_forward_property(ctx: Context) -> None:
    """in train mode every feature of the output has mean beta and std gamma; bad modes raise"""

    @property_check(*_bn_batch(), max_examples=15)
    def prop(n: int, d: int, shift: float, scale: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        x = shift + scale * rng.standard_normal((n, d))
        gamma, beta = rng.uniform(-2, 2, d), rng.standard_normal(d)
        out, _ = ctx.student.call("batchnorm_forward", x, gamma, beta, {"mode": "train"},
                                  keep=(1,))
        require(out, "out", "batchnorm_forward")
        out = np.asarray(out, dtype=float)
        var = x.var(axis=0)
        want_std = np.abs(gamma) * np.sqrt(var / (var + 1e-5))
        mean_err = np.abs(out.mean(axis=0) - beta)
        ctx.ensure(bool(np.all(mean_err <= 1e-8 * (1 + np.abs(beta) + np.abs(gamma)))),
                   f"feature means {out.mean(axis=0)} differ from beta {beta} for a batch of {n}")
        ctx.ensure(bool(np.allclose(out.std(axis=0), want_std, rtol=1e-6, atol=1e-9)),
                   f"feature stds {out.std(axis=0)} differ from |gamma| * sqrt(var/(var+eps)) "
                   f"= {want_std} for a batch of {n}")

    prop()
    x = features(ctx.rng)
    gamma, beta = affine_params(ctx.rng, x.shape[1])
    raised = None
    try:
        ctx.student.call("batchnorm_forward", x, gamma, beta, {"mode": "validate"}, keep=(1,))
    except StudentNotImplemented:
        raise
    except StudentError as exc:
        raised = exc
    if raised is None or raised.type_name != "ValueError":
        got = "returned normally" if raised is None else raised.describe()
        ctx.fail(f"bn_param['mode'] = 'validate' {got}; expected a ValueError", hint=BN_MODE_HINT)
