"""Model ensembles and Polyak averaging (ensembles.py).

ensemble_predict gets worker-side linear models (loss(X) = X @ W) of very different scales, so
averaging raw scores instead of probabilities gives visibly different predictions.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from hypothesis import strategies as st

from assignments.dropout_regularization.regularization_checks import unchanged
from assignments.dropout_regularization.worker_objects import linear_models
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

POLYAK_INPLACE_HINT = ("polyak_update must build a new dict of new arrays: avg_params[k] *= decay "
                       "changes the caller's running average")
POLYAK_DECAY_HINT = ("the average keeps `decay` of its OLD value: avg = decay * avg + (1 - decay) "
                     "* params")


def _reference_models(weights: list[np.ndarray]) -> list[Any]:
    return [SimpleNamespace(params={"W": W}, loss=lambda X, W=W: X @ W) for W in weights]


def ensemble_case(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    return [s * rng.standard_normal((6, 4)) for s in (0.3, 1.0, 6.0)], rng.standard_normal((12, 6))


@check(Kind.OUTPUT, targets=("ensemble_predict",), points=1.5)
def ensemble_predict_output(ctx: Context) -> None:
    """ensemble_predict averages the models' softmax probabilities and takes the argmax"""
    weights, X = ensemble_case(ctx.rng)
    result = ctx.student.call("ensemble_predict", linear_models(ctx, weights), X)
    require(result, "(probs, y_pred)", "ensemble_predict")
    if not isinstance(result, tuple | list) or len(result) != 2:
        ctx.fail("should return a tuple (probs, y_pred)")
    ctx.compare("probs", result[0],
                lambda ref: ref.ensemble_predict(_reference_models(weights), X)[0])
    ctx.compare("y_pred", result[1],
                lambda ref: ref.ensemble_predict(_reference_models(weights), X)[1])


@check(Kind.PROPERTY, targets=("ensemble_predict",))
def ensemble_predict_property(ctx: Context) -> None:
    """probabilities are finite rows summing to 1 even for huge scores; one model = its argmax"""

    @property_check(st.integers(1, 3), st.floats(1e-3, 1e4), st.integers(0, 2**20),
                    max_examples=8)
    def prop(m: int, scale: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        weights = [scale * rng.standard_normal((3, 5)) for _ in range(m)]
        X = rng.standard_normal((4, 3))
        probs, y_pred = ctx.student.call("ensemble_predict",
                                         linear_models(ctx, weights), X)
        probs = np.asarray(probs, dtype=float)
        ctx.ensure(probs.shape == (4, 5), f"probs has shape {probs.shape}, expected (4, 5)")
        ctx.ensure(bool(np.all(np.isfinite(probs)) and np.all(probs >= 0)),
                   f"probs has NaN, inf or negative entries for scores of scale {scale:g}",
                   hint="subtract each row's maximum score before exponentiating")
        ctx.ensure(bool(np.allclose(probs.sum(axis=1), 1.0, atol=1e-9)),
                   "rows of probs do not sum to 1")
        if m == 1:
            ctx.ensure(np.array_equal(np.asarray(y_pred), np.argmax(X @ weights[0], axis=1)),
                       "with one model y_pred is not the argmax of its scores")

    prop()


@check(Kind.INPUT_SAFETY, targets=("ensemble_predict", "polyak_update"), points=0.5)
def ensembles_safety(ctx: Context) -> None:
    """ensemble_predict leaves X unchanged and polyak_update never modifies its inputs"""
    weights, X = ensemble_case(ctx.rng)
    models = linear_models(ctx, weights)
    result, after = ctx.student.call("ensemble_predict", models, X, echo_args=True)
    require(result, "(probs, y_pred)", "ensemble_predict")
    unchanged(ctx, "ensemble_predict", (None, X), after, ("models", "X"))
    avg, params = polyak_case(ctx.rng)
    result, after = ctx.student.call("polyak_update", avg, params, 0.9, echo_args=True)
    require(result, "new_avg", "polyak_update")
    unchanged(ctx, "polyak_update", (avg, params), after, ("avg_params", "params"),
              hint=POLYAK_INPLACE_HINT)


def polyak_case(rng: np.random.Generator) -> tuple[dict, dict]:
    avg = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4)}
    return avg, {k: v + rng.standard_normal(v.shape) for k, v in avg.items()}


@check(Kind.OUTPUT, targets=("polyak_update",))
def polyak_update_output(ctx: Context) -> None:
    """polyak_update starts from a copy of params and then takes avg = decay*avg + (1-decay)*params"""
    avg, params = polyak_case(ctx.rng)
    first = ctx.student.call("polyak_update", None, params, 0.9)
    ctx.compare("first", first, lambda ref: ref.polyak_update(None, params, 0.9),
                context="avg_params=None: the average starts as a copy of params")
    step = ctx.student.call("polyak_update", avg, params, 0.9)
    ctx.compare("step", step, lambda ref: ref.polyak_update(avg, params, 0.9),
                context="decay 0.9")


@check(Kind.STATE, targets=("polyak_update",))
def polyak_update_state(ctx: Context) -> None:
    """25 updates along a noisy parameter trajectory give the reference's running average"""
    start = {"W": ctx.rng.standard_normal((2, 3))}
    trajectory = [{"W": start["W"] + 0.1 * t + ctx.rng.standard_normal((2, 3))}
                  for t in range(25)]

    def simulate(ref: Any) -> dict:
        avg = None
        for params in trajectory:
            avg = ref.polyak_update(avg, params, 0.8)
        return avg

    avg = None
    for params in trajectory:
        avg = ctx.student.call("polyak_update", avg, params, 0.8)
        require(avg, "new_avg", "polyak_update")
    ctx.compare("average", avg, simulate, context="after 25 updates with decay 0.8")


@check(Kind.PROPERTY, targets=("polyak_update",))
def polyak_update_property(ctx: Context) -> None:
    """each update moves the average toward params by exactly (1 - decay) of the gap"""

    @property_check(st.floats(0.0, 0.999), st.integers(0, 2**20), max_examples=12)
    def prop(decay: float, seed: int) -> None:
        avg, params = polyak_case(np.random.default_rng(seed))
        new = ctx.student.call("polyak_update", avg, params, decay)
        require(new, "new_avg", "polyak_update")
        ctx.ensure(isinstance(new, dict) and set(new) == set(params),
                   f"the result should be a dict with keys {sorted(params)}")
        for k in params:
            moved, gap = np.asarray(new[k]) - avg[k], params[k] - avg[k]
            ctx.ensure(bool(np.allclose(moved, (1 - decay) * gap, rtol=1e-9, atol=1e-12)),
                       f"with decay={decay:.4g}, new[{k!r}] - avg moved {np.abs(moved).mean():.4g} "
                       f"on average instead of (1 - decay) * gap = "
                       f"{(1 - decay) * np.abs(gap).mean():.4g}", hint=POLYAK_DECAY_HINT)

    prop()
