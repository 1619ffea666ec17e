"""Weight initializers, judged as random functions: by the statistics of their draws.

Any correct implementation passes, whatever numpy call it draws with (rng.standard_normal * std,
rng.normal(0, std, size), a transposed draw...): the checks look at shape, dtype, the sample
mean and standard deviation (within 6 standard errors of the target for the sample size), and
how the draws follow the generator they are given.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from grader.context import CheckFailed, Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

RNG_HINT = ("draw the weights from the Generator passed as rng (rng.standard_normal(...)); "
            "np.random.randn or a new default_rng inside the function ignores it")
TRANSPOSED_HINT = "the weight matrix is (fan_in, fan_out): one row per input, one column per unit"

SIGMAS = 6.0  # a correct implementation fails about once in 5e8 draws


# name -> (fan_in, fan_out, extra kwargs, target std)
INITIALIZERS: dict[str, tuple[int, int, dict[str, float], Callable[[int, int], float]]] = {
    # scale != 0.01 so that ignoring the scale argument shows
    "small_random_init": (400, 300, {"scale": 0.05}, lambda fan_in, fan_out: 0.05),
    "xavier_init": (500, 200, {}, lambda fan_in, fan_out: 1 / np.sqrt(fan_in)),
    # fan_in != fan_out so that using fan_out shows
    "he_init": (400, 100, {}, lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
}
FORMULA = {"small_random_init": "scale", "xavier_init": "1/sqrt(fan_in)",
           "he_init": "sqrt(2/fan_in)"}


def draw(ctx: Context, name: str, fan_in: int, fan_out: int, **kwargs: object) -> np.ndarray:
    """Call initializer `name`; fail (naming it, also in checks of several) on a bad shape/dtype."""
    w = ctx.student.call(name, fan_in, fan_out, **kwargs)
    require(w, "w", name)
    if not isinstance(w, np.ndarray):
        raise CheckFailed(f"{name}: should return a numpy array, got {type(w).__name__}")
    if w.shape != (fan_in, fan_out):
        hint = TRANSPOSED_HINT if w.shape == (fan_out, fan_in) else None
        raise CheckFailed(f"{name}({fan_in}, {fan_out}) returned shape {w.shape}, expected "
                          f"({fan_in}, {fan_out})", hint=hint)
    if w.dtype != np.float64:
        raise CheckFailed(f"{name}: returned dtype {w.dtype}, expected float64")
    if not np.all(np.isfinite(w)):
        raise CheckFailed(f"{name}({fan_in}, {fan_out}) returned NaN or inf")
    return w


def statistics_check(name: str):
    fan_in, fan_out, kwargs, target_of = INITIALIZERS[name]

    @check(Kind.OUTPUT, targets=(name,), points=1.0)
    def statistics(ctx: Context) -> None:
        rng = ctx.student.rng(2019)
        w = draw(ctx, name, fan_in, fan_out, rng=rng, **kwargs)
        target, n = float(target_of(fan_in, fan_out)), w.size
        std, mean = float(w.std()), float(w.mean())
        std_tol = SIGMAS * target / np.sqrt(2 * n)  # standard error of a sample std
        if not np.isfinite(std) or abs(std - target) > std_tol:
            hint = ctx.hint_for(
                "std", std,
                lambda ref: float(getattr(ref, name)(fan_in, fan_out, **kwargs,
                                                     rng=np.random.default_rng(0)).std()),
                close=lambda got, mistaken: abs(got - mistaken) <= SIGMAS * mistaken
                / np.sqrt(2 * n))
            args = ", ".join([str(fan_in), str(fan_out), *(f"{k}={v}" for k, v in kwargs.items())])
            ctx.fail(f"{name}({args}) drew weights with std {std:.5g}; the target "
                     f"{FORMULA[name]} is {target:.5g} (tolerance {std_tol:.2g}, "
                     f"{SIGMAS:g} standard errors for {n} weights)", hint=hint)
        mean_tol = SIGMAS * target / np.sqrt(n)
        ctx.ensure(abs(mean) <= mean_tol,
                   f"the weights' mean is {mean:.3g}, expected 0 within {mean_tol:.2g}")
        ctx.note(f"std {std:.5g} (target {target:.5g}), mean {mean:.2g}")

    statistics.__doc__ = (f"{name} draws zero-mean (fan_in, fan_out) float64 weights with std "
                          f"{FORMULA[name]}")
    return statistics


def rng_check(name: str):
    @check(Kind.STATE, targets=(name,), points=0.5)
    def follows_rng(ctx: Context) -> None:
        first, twin, other = (ctx.student.rng(s) for s in (5, 5, 6))
        a = draw(ctx, name, 30, 20, rng=first)
        ctx.ensure(np.array_equal(a, draw(ctx, name, 30, 20, rng=twin)),
                   "two Generators seeded alike gave different weights", hint=RNG_HINT)
        ctx.ensure(not np.array_equal(a, draw(ctx, name, 30, 20, rng=other)),
                   "Generators with different seeds gave the same weights", hint=RNG_HINT)
        ctx.ensure(not np.array_equal(a, draw(ctx, name, 30, 20, rng=first)),
                   "a second call with the same Generator repeated the first draw: draw from "
                   "it without re-seeding, so that each layer gets new weights", hint=RNG_HINT)
        fresh = draw(ctx, name, 30, 20)
        ctx.ensure(not np.array_equal(fresh, draw(ctx, name, 30, 20)),
                   "two calls with rng=None gave the same weights")

    follows_rng.__doc__ = (f"{name} follows its rng: same seed, same weights; new seed or next "
                           "call, new weights; rng=None works")
    return follows_rng


small_random_init_output = statistics_check("small_random_init")
small_random_init_state = rng_check("small_random_init")
xavier_init_output = statistics_check("xavier_init")
xavier_init_state = rng_check("xavier_init")
he_init_output = statistics_check("he_init")
he_init_state = rng_check("he_init")


@check(Kind.PROPERTY, targets=("small_random_init", "xavier_init", "he_init"))
def initializers_property(ctx: Context) -> None:
    """every initializer returns a finite float64 (fan_in, fan_out) array for any layer size"""

    @property_check(st.integers(1, 40), st.integers(1, 40), max_examples=12)
    def prop(fan_in: int, fan_out: int) -> None:
        for name in INITIALIZERS:
            draw(ctx, name, fan_in, fan_out)

    prop()
