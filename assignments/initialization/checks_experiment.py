"""The lecture's weight-initialization experiment, run with the student's own code.

activation_statistics is given the student's initializers and a seeded Generator living in the
worker, so every run is reproducible. The exact check re-draws the same weights from an
identically seeded Generator and recomputes the forward pass here; the checkpoints reproduce the
lecture's four findings on a 10-layer, 500-unit net (thresholds hold for any correct draws with
a wide margin: the numbers vary by a few percent between seeds).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.initialization.checks_initializers import RNG_HINT, draw
from assignments.initialization.worker import partial, student_function
from grader.compare import describe_difference, is_close
from grader.context import CheckFailed, Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

PREACT_HINT = ("record the statistics of the activations nonlinearity(h @ W), which feed the "
               "next layer, not of the pre-activations h @ W")
LECTURE_DIMS = (500,) * 10
FIX_INIT_FIRST = " (if {0}/output fails too, fix {0} first)"
NONLINEARITIES = {"tanh_activation": np.tanh, "relu_activation": lambda a: np.maximum(a, 0.0)}


def lecture_batch(ctx: Context) -> np.ndarray:
    return ctx.rng.standard_normal((100, 500))


def run_experiment(ctx: Context, X: np.ndarray, dims: tuple[int, ...], init: str,
                   nonlinearity: str, seed: int, **init_kwargs: float) -> np.ndarray:
    """activation_statistics(X, dims, init=<student's init>, nonlinearity=<given>, rng=...)."""
    fn = student_function(ctx, init)
    init_handle = partial(ctx, fn, **init_kwargs) if init_kwargs else fn
    stats = ctx.student.call("activation_statistics", X, dims, init=init_handle,
                             nonlinearity=student_function(ctx, nonlinearity),
                             rng=ctx.student.rng(seed))
    require(stats, "stats", "activation_statistics")
    stats = np.asarray(stats, dtype=np.float64) if isinstance(stats, np.ndarray) else stats
    if not isinstance(stats, np.ndarray) or stats.shape != (len(dims), 2):
        ctx.fail(f"should return an array of shape ({len(dims)}, 2) for {len(dims)} layers, got "
                 f"{getattr(stats, 'shape', type(stats).__name__)}")
    if not np.all(np.isfinite(stats)):
        ctx.fail("returned NaN or inf statistics")
    return stats


@check(Kind.OUTPUT, targets=("xavier_init", "activation_statistics"), points=1.5)
def activation_statistics_output(ctx: Context) -> None:
    """activation_statistics records the mean and std of every layer's activations, drawing
    the weights in layer order from rng"""
    X, dims = ctx.rng.standard_normal((40, 30)), (25, 20, 10)
    first, twin = (draw(ctx, "xavier_init", 4, 3, rng=ctx.student.rng(3)) for _ in "ab")
    if not np.array_equal(first, twin):
        ctx.fail("cannot reproduce the weights: xavier_init gives different weights for two "
                 "identically seeded Generators", hint=RNG_HINT)
    for name, nonlinearity in NONLINEARITIES.items():
        rng, weights, fan_in = ctx.student.rng(11), [], X.shape[1]
        for fan_out in dims:  # what activation_statistics draws from an rng seeded alike
            weights.append(draw(ctx, "xavier_init", fan_in, fan_out, rng=rng))
            fan_in = fan_out
        stats = run_experiment(ctx, X, dims, "xavier_init", name, 11)
        h, post, pre = X, [], []
        for W in weights:
            a = h @ W
            h = nonlinearity(a)
            pre.append((a.mean(), a.std()))
            post.append((h.mean(), h.std()))
        diff = describe_difference(stats, np.array(post), what=f"activation_statistics: stats "
                                   f"with {name}", rtol=1e-7, atol=1e-12)
        if diff:
            hint = PREACT_HINT if is_close(stats, np.array(pre), rtol=1e-7, atol=1e-12) else None
            raise CheckFailed(diff + " (row l = (mean, std) of layer l+1's activations)",
                              hint=hint)


def _stds(stats: np.ndarray) -> str:
    return "[" + ", ".join(f"{s:.3g}" for s in stats[:, 1]) + "]"


def _bounded_by_tanh(ctx: Context, stats: np.ndarray) -> None:
    if np.any(stats[:, 1] > 1 + 1e-12):
        ctx.fail(f"tanh outputs lie in (-1, 1), yet the layer stds are {_stds(stats)}",
                 hint=PREACT_HINT)


@check(Kind.CHECKPOINT, targets=("small_random_init", "activation_statistics"),
       variant="small-weights")
def small_weights_collapse(ctx: Context) -> None:
    """0.01 * randn with tanh: activations shrink ~0.22x per layer and collapse toward 0"""
    stats = run_experiment(ctx, lecture_batch(ctx), LECTURE_DIMS, "small_random_init",
                           "tanh_activation", 1)
    _bounded_by_tanh(ctx, stats)
    stds = stats[:, 1]
    ctx.ensure(0.15 < stds[0] < 0.3, f"with small_random_init and tanh, layer 1's std is "
               f"{stds[0]:.3g}; 0.01 * randn over 500 inputs of std 1 gives about 0.01 * "
               f"sqrt(500) = 0.22{FIX_INIT_FIRST.format('small_random_init')}")
    ctx.ensure(bool(np.all(np.diff(stds) < 0)) and stds[-1] < 1e-5,
               f"with small_random_init and tanh the layer stds are {_stds(stats)}; they should "
               "shrink every layer, to below 1e-5 by layer 10")
    ctx.note(f"layer stds {_stds(stats)}")


@check(Kind.CHECKPOINT, targets=("small_random_init", "activation_statistics"),
       variant="unit-weights")
def unit_weights_saturate(ctx: Context) -> None:
    """1.0 * randn with tanh: every layer saturates (std ~0.98, outputs pinned near -1 and +1)"""
    stats = run_experiment(ctx, lecture_batch(ctx), LECTURE_DIMS, "small_random_init",
                           "tanh_activation", 2, scale=1.0)
    _bounded_by_tanh(ctx, stats)
    ctx.ensure(bool(np.all(stats[:, 1] > 0.95)),
               f"with small_random_init(scale=1.0) and tanh the layer stds are {_stds(stats)}; "
               "saturated tanh units (outputs near +-1) have std close to 1"
               f"{FIX_INIT_FIRST.format('small_random_init')}")
    ctx.note(f"layer stds {_stds(stats)}")


@check(Kind.CHECKPOINT, targets=("xavier_init", "activation_statistics"), variant="xavier-tanh")
def xavier_keeps_tanh_healthy(ctx: Context) -> None:
    """Xavier with tanh: every layer's std stays in a healthy band (no collapse, no saturation)"""
    stats = run_experiment(ctx, lecture_batch(ctx), LECTURE_DIMS, "xavier_init",
                           "tanh_activation", 3)
    _bounded_by_tanh(ctx, stats)
    stds = stats[:, 1]
    ctx.ensure(bool(np.all((stds > 0.15) & (stds < 0.8))) and stds[-1] / stds[0] > 0.25,
               f"with xavier_init and tanh the layer stds are {_stds(stats)}; they should stay "
               "between 0.15 and 0.8 and shrink gently (Xavier keeps the variance of h @ W "
               f"equal to that of h){FIX_INIT_FIRST.format('xavier_init')}")
    ctx.note(f"layer stds {_stds(stats)}")


@check(Kind.CHECKPOINT, targets=("he_init", "activation_statistics"), variant="he-relu")
def he_keeps_relu_healthy(ctx: Context) -> None:
    """He with ReLU: every layer's std stays healthy (the factor 2 offsets the halved units)"""
    stats = run_experiment(ctx, lecture_batch(ctx), LECTURE_DIMS, "he_init",
                           "relu_activation", 4)
    stds = stats[:, 1]
    ctx.ensure(bool(np.all(stats[:, 0] >= 0)), "ReLU activations cannot have a negative mean",
               hint=PREACT_HINT)
    ctx.ensure(bool(np.all((stds > 0.4) & (stds < 2.0))),
               f"with he_init and ReLU the layer stds are {_stds(stats)}; they should stay "
               f"between 0.4 and 2 through 10 layers{FIX_INIT_FIRST.format('he_init')}")
    ctx.note(f"layer stds {_stds(stats)}")


@check(Kind.PROPERTY, targets=("activation_statistics",))
def activation_statistics_property(ctx: Context) -> None:
    """activation_statistics gives one finite (mean, std) row per layer for any layer sizes,
    within tanh's and ReLU's ranges"""

    @property_check(st.integers(0, 2**16), st.lists(st.integers(1, 8), min_size=1, max_size=4),
                    st.sampled_from(sorted(NONLINEARITIES)), max_examples=10)
    def prop(seed: int, dims: list[int], name: str) -> None:
        X = np.random.default_rng(seed).standard_normal((5, 3))
        stats = run_experiment(ctx, X, tuple(dims), "xavier_init", name, seed)
        ctx.ensure(bool(np.all(stats[:, 1] >= 0)), "a layer's std is negative")
        if name == "tanh_activation":
            _bounded_by_tanh(ctx, stats)
        else:
            ctx.ensure(bool(np.all(stats[:, 0] >= 0)), "ReLU activations cannot have a negative "
                       "mean", hint=PREACT_HINT)

    prop()


@check(Kind.INPUT_SAFETY, targets=("activation_statistics",), points=0.5)
def activation_statistics_safety(ctx: Context) -> None:
    """activation_statistics leaves the input batch X unchanged"""
    X = ctx.rng.standard_normal((6, 4))
    xavier = student_function(ctx, "xavier_init")
    result, after = ctx.student.call("activation_statistics", X, (3, 2), init=xavier,
                                     nonlinearity=student_function(ctx, "tanh_activation"),
                                     rng=ctx.student.rng(0), echo_args=True)
    require(result, "stats", "activation_statistics")
    ctx.ensure(isinstance(after[0], np.ndarray) and np.array_equal(after[0], X),
               "modified the input batch X in place; the same batch is reused for every "
               "initialization being compared")
