"""layernorm_forward / layernorm_backward: batchnorm along the other axis, with no modes.

Rows have very different scales (one with std 0.05) so that eps placement matters, and ln_param
carries 'mode': 'train' as the CS231n notebooks pass it: layer norm must ignore it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.layer_checks import backward_output, forward_output, input_safety, layer_gradient
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

ROW_SCALES = np.array([0.05, 0.3, 1.0, 2.0, 5.0, 20.0])


def ln_inputs(rng: np.random.Generator) -> tuple:
    x = rng.standard_normal((ROW_SCALES.size, 8)) * ROW_SCALES[:, None]
    x += rng.uniform(-3, 3, (ROW_SCALES.size, 1))
    return x, rng.uniform(0.5, 2.0, 8), rng.standard_normal(8), {"mode": "train"}


layernorm_forward_output = forward_output("layernorm_forward", inputs=ln_inputs, points=1.5)
layernorm_backward_output = backward_output("layernorm_forward", "layernorm_backward",
                                            inputs=ln_inputs, names=("dx", "dgamma", "dbeta"),
                                            points=1.5)
layernorm_backward_gradient = layer_gradient(
    "layernorm_forward", "layernorm_backward", inputs=ln_inputs,
    wrt={0: ("dx", 0), 1: ("dgamma", 1), 2: ("dbeta", 2)}, points=2)
layernorm_safety = input_safety("layernorm_forward", "layernorm_backward", inputs=ln_inputs,
                                labels=("x", "gamma", "beta"))


@check(Kind.PROPERTY, targets=("layernorm_forward",))
def layernorm_forward_property(ctx: Context) -> None:
    """every row of (out - beta) / gamma has mean 0 and std ~1, whatever ln_param['mode'] says"""

    @property_check(st.integers(1, 5), st.integers(2, 6), st.floats(-100, 100),
                    st.floats(0.01, 50), st.integers(0, 2**31 - 1), max_examples=15)
    def prop(n: int, d: int, shift: float, scale: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        x = shift + scale * rng.standard_normal((n, d))
        gamma, beta = rng.uniform(0.5, 2.0, d), rng.standard_normal(d)
        outs = []
        for ln_param in ({}, {"mode": "train"}, {"mode": "test", "eps": 1e-5}):
            out, _ = ctx.student.call("layernorm_forward", x, gamma, beta, ln_param, keep=(1,))
            require(out, "out", "layernorm_forward")
            outs.append(np.asarray(out, dtype=float))
        ctx.ensure(all(np.array_equal(outs[0], o) for o in outs[1:]),
                   "the output depends on ln_param['mode']; layer norm behaves the same at "
                   "train and test time")
        z = (outs[0] - beta) / gamma
        var = x.var(axis=1)
        ctx.ensure(bool(np.allclose(z.mean(axis=1), 0.0, atol=1e-8)),
                   f"rows of (out - beta) / gamma have means {z.mean(axis=1)}, expected 0 "
                   f"(x of shape {x.shape})")
        ctx.ensure(bool(np.allclose(z.std(axis=1), np.sqrt(var / (var + 1e-5)), rtol=1e-6,
                                    atol=1e-9)),
                   f"rows of (out - beta) / gamma have stds {z.std(axis=1)}, expected "
                   f"sqrt(var / (var + eps)) = {np.sqrt(var / (var + 1e-5))}")

    prop()
