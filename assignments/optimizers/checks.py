"""Update rules: SGD, momentum, Nesterov momentum, AdaGrad, RMSProp and Adam.

Every rule gets the same five kinds of check:
- output: the CS231n notebook case (w, dw, state from np.linspace; Adam at t=5) against the
  reference, next_w and the state the contract pins (velocity, cache, m, v, t);
- state: several steps with the returned config fed back, as the Solver does, gradients of very
  different sizes (tiny ones expose epsilon in the wrong place);
- defaults: the same with config=None at the first call (CS231n's default hyperparameters);
- property: from fresh state, a zero gradient leaves w unchanged and every coordinate steps
  against its gradient by the rule's analytic first-step size (Adam: about learning_rate);
- input_safety: dw is never modified. Updating w in place is allowed, as in CS231n.

Students may keep extra keys in config; only the pinned keys are read.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from assignments.optimizers.rules import (
    ATOL,
    RTOL,
    RULES,
    notebook_arrays,
    run_student,
    run_trusted,
    state_of,
    unpack,
)
from grader.context import Context
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

GRADIENT_SCALES = (1.0, 1e-4, 0.3, 1e-3, 1.0, 0.05)


def output_check(rule: str):
    r = RULES[rule]

    @check(Kind.OUTPUT, targets=(rule,), points=r.points)
    def output(ctx: Context) -> None:
        a = notebook_arrays()
        config = r.notebook(a)

        def ref_step(ref: Any) -> tuple[Any, Any]:
            return getattr(ref, rule)(a["w"].copy(), a["dw"].copy(), copy.deepcopy(config))

        next_w, returned = unpack(ctx, ctx.student.call(rule, a["w"], a["dw"], config), rule)
        ctx.compare("next_w", next_w, lambda ref: ref_step(ref)[0], rtol=RTOL, atol=ATOL)
        if r.state:
            ctx.compare("config", returned, lambda ref: state_of(ref_step(ref)[1], r), rtol=RTOL,
                        atol=ATOL)

    pinned = f" and config[{', '.join(map(repr, r.state))}]" if r.state else ""
    output.__doc__ = f"{rule} gives the reference's next_w{pinned} on the CS231n notebook case"
    return output


def state_check(rule: str):
    r = RULES[rule]

    @check(Kind.STATE, targets=(rule,), points=r.points)
    def state(ctx: Context) -> None:
        w0 = ctx.rng.standard_normal((3, 4))
        dws = [s * ctx.rng.standard_normal((3, 4)) for s in GRADIENT_SCALES]
        config = {"learning_rate": 1e-2}
        got = run_student(ctx, rule, w0, dws, config)[0]
        ctx.compare("next_w at every step", got,
                    lambda ref: run_trusted(getattr(ref, rule), w0, dws, config), rtol=RTOL,
                    atol=ATOL, context="row k is next_w after step k+1, the returned config "
                                       "fed back each time")

    state.__doc__ = (f"{rule} matches the reference over {len(GRADIENT_SCALES)} steps with its "
                     "returned config fed back")
    return state


def defaults_check(rule: str):
    r = RULES[rule]

    @check(Kind.STATE, targets=(rule,), points=0.5, variant="defaults")
    def defaults(ctx: Context) -> None:
        w0 = ctx.rng.standard_normal((2, 3))
        dws = [ctx.rng.standard_normal((2, 3)) for _ in range(3)]
        got, first = run_student(ctx, rule, w0, dws, None)
        ctx.compare("config after a call with config=None", first,
                    lambda ref: {k: getattr(ref, rule)(w0.copy(), dws[0].copy())[1][k]
                                 for k in r.defaults})
        ctx.compare("next_w at every step", got,
                    lambda ref: run_trusted(getattr(ref, rule), w0, dws, None), rtol=RTOL,
                    atol=ATOL, context="starting from config=None")

    shown = ", ".join(f"{k} {v:g}" for k, v in r.defaults.items())
    defaults.__doc__ = f"{rule} with config=None uses CS231n's defaults ({shown})"
    return defaults


@st.composite
def w_and_dw(draw: Any) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=5))
    w = draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    # Gradients are 0 or at least 1e-3 in size: a step of lr * 1e-300 is lost in rounding.
    size = st.floats(1e-3, 10)
    entry = st.one_of(st.just(0.0), size, size.map(lambda x: -x))
    return w, draw(hnp.arrays(np.float64, shape, elements=entry))


def property_check_for(rule: str):
    r = RULES[rule]

    @check(Kind.PROPERTY, targets=(rule,), points=1.0)
    def prop_check(ctx: Context) -> None:
        @property_check(w_and_dw(), max_examples=15)
        def prop(pair: tuple[np.ndarray, np.ndarray]) -> None:
            w, dw = pair
            next_w, _ = unpack(ctx, ctx.student.call(rule, w, dw), rule)
            next_w = np.asarray(next_w, dtype=np.float64)
            ctx.ensure(next_w.shape == w.shape,
                       f"next_w has shape {next_w.shape} for w of shape {w.shape}")
            step = next_w - w
            zero = dw == 0
            ctx.ensure(bool(np.all(step[zero] == 0)),
                       "a coordinate with zero gradient moved at the first step (fresh state)")
            ctx.ensure(bool(np.all(np.sign(step[~zero]) == -np.sign(dw[~zero]))),
                       "a coordinate did not step against its gradient")
            want = r.first_step(dw[~zero], r.defaults)
            if not np.allclose(np.abs(step[~zero]), want, rtol=1e-4, atol=1e-12):
                ctx.fail(f"first step from fresh state has size {_worst(step[~zero], want)}")

        prop()

    prop_check.__doc__ = f"{rule}: {_FIRST_STEP_TEXT[rule]}"
    return prop_check


def _worst(step: np.ndarray, want: np.ndarray) -> str:
    i = int(np.argmax(np.abs(np.abs(step) - want) / np.maximum(want, 1e-300)))
    return f"{abs(step[i]):.6g} where {want[i]:.6g} was expected"


_FIRST_STEP_TEXT = {
    "sgd": "zero gradient keeps w; each step is -learning_rate * dw",
    "sgd_momentum": "from zero velocity, zero gradient keeps w and the first step is "
                    "-learning_rate * dw",
    "nesterov_momentum": "from zero velocity, zero gradient keeps w and the first step is "
                         "-(1 + momentum) * learning_rate * dw",
    "adagrad": "from an empty cache, zero gradient keeps w and every coordinate first moves "
               "by learning_rate against its gradient",
    "rmsprop": "from an empty cache, zero gradient keeps w and the first step is "
               "learning_rate / sqrt(1 - decay_rate) against the gradient",
    "adam": "from fresh state, zero gradient keeps w and the bias-corrected first step moves "
            "every coordinate by learning_rate against its gradient",
}


def input_safety_check(rule: str):
    r = RULES[rule]

    @check(Kind.INPUT_SAFETY, targets=(rule,), points=0.5)
    def safety(ctx: Context) -> None:
        a = notebook_arrays()
        result, after = ctx.student.call(rule, a["w"], a["dw"], r.notebook(a), echo_args=True)
        unpack(ctx, result, rule)
        ctx.ensure(isinstance(after[1], np.ndarray) and np.array_equal(after[1], a["dw"]),
                   "modified the gradient dw in place; the caller (e.g. a model's grads dict) "
                   "still needs it",
                   hint="compute with new arrays (dw ** 2, lr * dw) instead of dw *= ... or "
                        "dw **= 2")

    safety.__doc__ = (f"{rule} leaves dw unchanged (updating w in place is allowed, as in "
                      "CS231n)")
    return safety


sgd_output = output_check("sgd")
sgd_defaults = defaults_check("sgd")
sgd_property = property_check_for("sgd")
sgd_safety = input_safety_check("sgd")

sgd_momentum_output = output_check("sgd_momentum")
sgd_momentum_state = state_check("sgd_momentum")
sgd_momentum_defaults = defaults_check("sgd_momentum")
sgd_momentum_property = property_check_for("sgd_momentum")
sgd_momentum_safety = input_safety_check("sgd_momentum")

nesterov_momentum_output = output_check("nesterov_momentum")
nesterov_momentum_state = state_check("nesterov_momentum")
nesterov_momentum_defaults = defaults_check("nesterov_momentum")
nesterov_momentum_property = property_check_for("nesterov_momentum")
nesterov_momentum_safety = input_safety_check("nesterov_momentum")

adagrad_output = output_check("adagrad")
adagrad_state = state_check("adagrad")
adagrad_defaults = defaults_check("adagrad")
adagrad_property = property_check_for("adagrad")
adagrad_safety = input_safety_check("adagrad")

rmsprop_output = output_check("rmsprop")
rmsprop_state = state_check("rmsprop")
rmsprop_defaults = defaults_check("rmsprop")
rmsprop_property = property_check_for("rmsprop")
rmsprop_safety = input_safety_check("rmsprop")

adam_output = output_check("adam")
adam_state = state_check("adam")
adam_defaults = defaults_check("adam")
adam_property = property_check_for("adam")
adam_safety = input_safety_check("adam")
