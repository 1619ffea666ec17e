"""Tests for reference/hyperparams.py: log-uniform sampling, random/grid/coarse-to-fine search."""

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.hyperparams import (
    ParamRange,
    best_result,
    coarse_to_fine_search,
    grid_points,
    grid_search,
    log_uniform,
    narrow_space,
    one_important_dimension_objective,
    random_search,
    sample_hyperparams,
)

SPACE = {"learning_rate": ParamRange(1e-6, 1e-1), "reg": ParamRange(1e-5, 1e1)}


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.floats(-8, 2), st.floats(0.1, 6))
def test_log_uniform_stays_in_range(seed, log_low, decades):
    """Are log-uniform samples inside [low, high], float64, with the requested size?"""
    low, high = 10.0**log_low, 10.0 ** (log_low + decades)
    x = log_uniform(low, high, 50, np.random.default_rng(seed))
    assert x.shape == (50,) and x.dtype == np.float64
    assert np.all((x >= low) & (x <= high))


def test_log_uniform_gives_each_decade_the_same_share():
    """Does every factor of ten get about the same number of samples (unlike uniform)?"""
    x = log_uniform(1e-5, 1e-1, 40000, np.random.default_rng(0))
    counts = np.histogram(np.log10(x), bins=[-5, -4, -3, -2, -1])[0] / len(x)
    np.testing.assert_allclose(counts, 0.25, atol=0.015)
    uniform = np.random.default_rng(0).uniform(1e-5, 1e-1, 40000)
    assert np.mean(uniform < 1e-3) < 0.02  # plain uniform almost never tries small values


def test_log_uniform_is_reproducible_and_validates():
    """Same generator state, same samples; non-positive bounds refused?"""
    a = log_uniform(1e-4, 1e-2, (3, 2), np.random.default_rng(7))
    b = log_uniform(1e-4, 1e-2, (3, 2), np.random.default_rng(7))
    assert a.shape == (3, 2)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="0 < low < high"):
        log_uniform(0.0, 1.0, 3, np.random.default_rng(0))


def test_param_range_validates():
    """Does ParamRange refuse empty or non-positive log ranges?"""
    with pytest.raises(ValueError, match="low < high"):
        ParamRange(1.0, 1.0)
    with pytest.raises(ValueError, match="low > 0"):
        ParamRange(0.0, 1.0)
    ParamRange(0.0, 1.0, log=False)


def test_sample_hyperparams_uses_each_range_scale():
    """Are log ranges sampled log-uniformly and linear ranges uniformly, per hyperparameter?"""
    space = {"learning_rate": ParamRange(1e-6, 1e-2), "keep": ParamRange(0.2, 0.8, log=False)}
    samples = sample_hyperparams(space, 4000, np.random.default_rng(0))
    assert len(samples) == 4000 and set(samples[0]) == {"learning_rate", "keep"}
    lr = np.array([s["learning_rate"] for s in samples])
    keep = np.array([s["keep"] for s in samples])
    assert abs(np.median(np.log10(lr)) + 4) < 0.1
    assert abs(np.median(keep) - 0.5) < 0.02 and keep.min() >= 0.2 and keep.max() <= 0.8


def test_grid_points_on_log_and_linear_scales():
    """Are grid values evenly spaced on the range's own scale, bounds included?"""
    np.testing.assert_allclose(grid_points(ParamRange(1e-4, 1e-2), 3), [1e-4, 1e-3, 1e-2])
    np.testing.assert_allclose(
        grid_points(ParamRange(0.0, 1.0, log=False), 5), [0, 0.25, 0.5, 0.75, 1]
    )
    np.testing.assert_allclose(grid_points(ParamRange(1e-4, 1e-2), 1), [1e-3])


def test_grid_search_evaluates_every_combination():
    """Does grid search run points_per_dim ** num_params trials covering the full grid?"""
    calls = []
    results = grid_search(lambda p: calls.append(p) or -p["reg"], SPACE, 3)
    assert len(results) == len(calls) == 9
    assert len({r[0]["learning_rate"] for r in results}) == 3
    assert best_result(results)[0]["reg"] == pytest.approx(1e-5)


def test_random_search_records_params_and_scores():
    """Does random search return (params, score) pairs from the objective, in order?"""
    results = random_search(one_important_dimension_objective, SPACE, 12, np.random.default_rng(0))
    assert len(results) == 12
    for params, score in results:
        assert score == one_important_dimension_objective(params)
        assert 1e-6 <= params["learning_rate"] <= 1e-1


def test_best_result_ignores_nan():
    """Are diverged (NaN) trials never reported as best?"""
    results = [({"a": 1}, float("nan")), ({"a": 2}, 0.3), ({"a": 3}, 0.5)]
    assert best_result(results) == ({"a": 3}, 0.5)
    with pytest.raises(ValueError, match="finite"):
        best_result([({"a": 1}, float("nan"))])


def test_random_search_explores_the_important_dimension_better_than_grid():
    """With the same budget (9), does random search find better learning rates than a 3x3 grid?

    Only the learning rate matters, and where its optimum lies is unknown (drawn at random
    here); a grid tries 3 distinct values of it, random search 9.
    """
    grid_bests, random_bests = [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        objective = functools.partial(
            one_important_dimension_objective, peak_learning_rate=10 ** rng.uniform(-5.5, -1.5)
        )
        grid = grid_search(objective, SPACE, 3)
        assert len({p["learning_rate"] for p, _ in grid}) == 3
        results = random_search(objective, SPACE, 9, rng)
        assert len({p["learning_rate"] for p, _ in results}) == 9
        grid_bests.append(best_result(grid)[1])
        random_bests.append(best_result(results)[1])
    grid_bests, random_bests = np.array(grid_bests), np.array(random_bests)
    assert random_bests.mean() > grid_bests.mean() + 0.2
    assert np.mean(random_bests > grid_bests) > 0.7


def test_narrow_space_shrinks_around_the_best_trials():
    """Are the new ranges inside the old ones and around the top trials (log scale)?"""
    results = [
        ({"learning_rate": lr, "reg": 1e-3}, -abs(np.log10(lr) + 4))
        for lr in (1e-6, 1e-5, 10**-4.2, 10**-3.9, 1e-3, 1e-2)
    ]
    new = narrow_space(results, SPACE, top_k=3, margin=0.5)
    lo, hi = new["learning_rate"].low, new["learning_rate"].high
    assert new["learning_rate"].log
    assert SPACE["learning_rate"].low <= lo < 10**-4.2 and 10**-3.9 < hi <= 1e-1
    # top 3 span log10 in [-5, -3.9]: width 1.1 decades, widened by 0.55 on each side
    np.testing.assert_allclose(np.log10([lo, hi]), [-5.55, -3.35])
    # all top trials share reg = 1e-3: the range keeps some width and contains it
    assert new["reg"].low < 1e-3 < new["reg"].high


def test_coarse_to_fine_finds_the_peak():
    """Do the ranges shrink round after round, ending near the true optimum?"""
    results, spaces = coarse_to_fine_search(
        one_important_dimension_objective,
        SPACE,
        np.random.default_rng(0),
        num_rounds=3,
        trials_per_round=10,
    )
    assert len(results) == 30 and len(spaces) == 3
    widths = [np.log10(s["learning_rate"].high / s["learning_rate"].low) for s in spaces]
    assert widths[0] > widths[1] > widths[2]
    params, score = best_result(results)
    assert abs(np.log10(params["learning_rate"]) + 3.7) < 0.15
    assert score > 0.85
