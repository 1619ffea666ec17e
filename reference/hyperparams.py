"""Hyperparameter search: log-uniform sampling, random search, grid search, coarse-to-fine.

A search runs an `objective`: a callable taking a dict of hyperparameters (e.g.
{"learning_rate": 3e-4, "reg": 1e-2}) and returning a validation accuracy (higher is better). In
the assignment it trains a small net for a few epochs; in tests it is a cheap formula.

A search space is a dict name -> ParamRange(low, high, log). Results are lists of
(params, score) pairs in the order the trials ran.

Why random rather than grid (Bergstra & Bengio, 2012): usually only a few hyperparameters really
matter, and we do not know which. A 3x3 grid tries only 3 distinct values of each; 9 random
trials try 9 distinct values of each, so the important one is explored three times more finely
for the same cost.
"""

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ParamRange:
    """The range searched for one hyperparameter.

    - low, high: bounds, low < high (both > 0 when log is True)
    - log: sample and narrow on a log scale (learning rates, regularization strengths) rather
      than a linear one (e.g. a dropout keep probability)
    """

    low: float
    high: float
    log: bool = True

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"ParamRange needs low < high, got low={self.low}, high={self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale ParamRange needs low > 0, got low={self.low}")


def log_uniform(low, high, size, rng):
    """
    Sample numbers whose logarithm is uniform between log10(low) and log10(high).

    x = 10 ** u,   u ~ Uniform(log10(low), log10(high))

    Why? A learning rate or a regularization strength acts multiplicatively: going from 1e-5 to
    1e-4 matters as much as from 1e-3 to 1e-2. Uniform sampling on [1e-5, 1e-2] would put 90% of
    the samples in [1e-3, 1e-2] and almost never try small values; log-uniform gives each factor
    of ten the same share.

    Inputs:
    - low, high: positive bounds, low < high
    - size: number of samples (int) or output shape
    - rng: numpy.random.Generator

    Returns:
    - x: float64 array of the given size, with low <= x <= high
    """
    if not 0 < low < high:
        raise ValueError(f"log_uniform needs 0 < low < high, got low={low}, high={high}")
    x = None
    # BEGIN SOLUTION
    x = 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=size)
    # clip away floating-point overshoot of 10**log10(bound)
    x = np.clip(x, low, high)
    # END SOLUTION
    return x


def sample_hyperparams(space, num_samples, rng):
    """
    Draw random hyperparameter settings from a search space.

    Inputs:
    - space: dict name -> ParamRange
    - num_samples: number of settings
    - rng: numpy.random.Generator

    Returns:
    - samples: list of num_samples dicts name -> float; each value is drawn independently,
      log-uniformly for log ranges and uniformly otherwise
    """
    samples = None
    # BEGIN SOLUTION
    columns = {}
    for name, r in space.items():
        if r.log:
            columns[name] = log_uniform(r.low, r.high, num_samples, rng)
        else:
            columns[name] = rng.uniform(r.low, r.high, size=num_samples)
    samples = [{name: float(columns[name][i]) for name in space} for i in range(num_samples)]
    # END SOLUTION
    return samples


def grid_points(r, num_points):
    """
    Evenly spaced values covering a range, on the range's scale (log or linear), bounds included.

    Inputs:
    - r: ParamRange
    - num_points: number of values (>= 1; 1 gives the range's midpoint)

    Returns:
    - values: float64 array of shape (num_points,)
    """
    values = None
    # BEGIN SOLUTION
    if num_points == 1:
        values = np.array([np.sqrt(r.low * r.high) if r.log else 0.5 * (r.low + r.high)])
    elif r.log:
        values = np.logspace(np.log10(r.low), np.log10(r.high), num_points)
    else:
        values = np.linspace(r.low, r.high, num_points)
    # END SOLUTION
    return values


def random_search(objective, space, num_trials, rng):
    """
    Evaluate the objective on randomly sampled settings. Given code.

    Inputs:
    - objective: callable dict -> float (validation accuracy, higher is better)
    - space: dict name -> ParamRange
    - num_trials: number of evaluations
    - rng: numpy.random.Generator

    Returns:
    - results: list of (params, score) in trial order
    """
    return [(p, float(objective(p))) for p in sample_hyperparams(space, num_trials, rng)]


def grid_search(objective, space, points_per_dim):
    """
    Evaluate the objective on every point of a regular grid. Given code.

    Inputs:
    - objective: callable dict -> float
    - space: dict name -> ParamRange
    - points_per_dim: number of values per hyperparameter; the budget is
      points_per_dim ** len(space)

    Returns:
    - results: list of (params, score)
    """
    names = list(space)
    axes = [grid_points(space[name], points_per_dim) for name in names]
    results = []
    for values in itertools.product(*axes):
        params = {name: float(v) for name, v in zip(names, values, strict=True)}
        results.append((params, float(objective(params))))
    return results


def best_result(results):
    """
    The trial with the highest score. Given code.

    Inputs:
    - results: list of (params, score); NaN scores (diverged runs) are ignored

    Returns:
    - (params, score) of the best trial
    """
    finite = [r for r in results if np.isfinite(r[1])]
    if not finite:
        raise ValueError("no trial has a finite score")
    return max(finite, key=lambda r: r[1])


def narrow_space(results, space, top_k=3, margin=0.5):
    """
    Coarse-to-fine: shrink every range around the best trials found so far.

    For each hyperparameter take the smallest and largest value among the top_k trials (by
    score), then widen that interval by `margin` times its width on each side (on the log scale
    for log ranges, so the widening is a factor, not an offset), and clip to the old range.
    The margin keeps the optimum inside when it lies just beyond the best samples, which is
    common: a range whose best values sit on its edge should be extended in the next round.

    Inputs:
    - results: list of (params, score)
    - space: dict name -> ParamRange, the current ranges
    - top_k: how many of the best trials define the new ranges
    - margin: relative widening on each side (>= 0)

    Returns:
    - new_space: dict name -> ParamRange, each inside the corresponding old range
    """
    finite = [r for r in results if np.isfinite(r[1])]
    if not finite:
        raise ValueError("no trial has a finite score")
    new_space = None
    # TODO: work in log10 units for log ranges. If all top values are equal, the interval has
    # zero width: give it some width anyway (e.g. a small fraction of the old range).
    # BEGIN SOLUTION
    top = sorted(finite, key=lambda r: r[1], reverse=True)[:top_k]
    new_space = {}
    for name, r in space.items():
        to_axis = np.log10 if r.log else (lambda v: v)
        lo_old, hi_old = to_axis(r.low), to_axis(r.high)
        values = [to_axis(p[name]) for p, _ in top]
        lo, hi = min(values), max(values)
        width = max(hi - lo, 0.05 * (hi_old - lo_old))
        lo = max(lo - margin * width, lo_old)
        hi = min(hi + margin * width, hi_old)
        if r.log:
            lo, hi = 10.0**lo, 10.0**hi
        new_space[name] = ParamRange(float(lo), float(hi), r.log)
    # END SOLUTION
    return new_space


def coarse_to_fine_search(objective, space, rng, num_rounds=3, trials_per_round=10, top_k=3):
    """
    Random search in rounds, narrowing the ranges around the best trials after each round.
    Given code built on random_search and narrow_space.

    In practice the first round runs each trial for only a few epochs (a rough idea of what
    works), later rounds for longer.

    Inputs:
    - objective: callable dict -> float
    - space: dict name -> ParamRange, the coarse ranges
    - rng: numpy.random.Generator
    - num_rounds, trials_per_round: the budget is num_rounds * trials_per_round
    - top_k: passed to narrow_space

    Returns a tuple of:
    - results: list of (params, score) over all rounds
    - spaces: list of the num_rounds spaces searched (spaces[0] is the input space)
    """
    results, spaces = [], [space]
    for round_index in range(num_rounds):
        results.extend(random_search(objective, spaces[-1], trials_per_round, rng))
        if round_index < num_rounds - 1:
            spaces.append(narrow_space(results, spaces[-1], top_k=top_k))
    return results, spaces


def one_important_dimension_objective(params, peak_learning_rate=10**-3.7, width=0.25):
    """
    A cheap synthetic "validation accuracy" where only the learning rate really matters.
    Given code, for demonstrations and tests.

    acc = 0.1 + 0.8 * exp(-(log10(lr / peak) / width)**2 / 2) - 0.01 * |log10(reg) + 3| / 3

    The learning rate has a narrow peak (width in decades); the regularization strength barely
    changes anything. This is the situation in which random search beats grid search.

    Inputs:
    - params: dict with "learning_rate" and "reg" (both > 0)
    - peak_learning_rate: the best learning rate
    - width: the peak's width in decades

    Returns:
    - acc: float
    """
    lr, reg = params["learning_rate"], params["reg"]
    bump = np.exp(-0.5 * (np.log10(lr / peak_learning_rate) / width) ** 2)
    return float(0.1 + 0.8 * bump - 0.01 * abs(np.log10(reg) + 3.0) / 3.0)
