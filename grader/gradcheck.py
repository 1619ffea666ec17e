"""Numeric gradients and relative errors, as used by the checks and the notebooks.

`numeric_gradient` is the core: it builds every perturbed copy of `x` first and hands them to an
`evaluate_many` callable in batches, so that the engine can evaluate a student function on many
inputs with one remote call. `eval_numerical_gradient` and `eval_numerical_gradient_array` keep
CS231n's names and meaning on top of it, without printing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "directional_derivative_check",
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "numeric_gradient",
    "rel_error",
    "sample_indices",
]

Index = tuple[int, ...]
EvaluateMany = Callable[[list[np.ndarray]], Sequence[Any]]

# Upper bound on the number of float64 entries handed to one evaluate_many call (~32 MB).
_MAX_BATCH_ENTRIES = 1 << 22


def rel_error(x: Any, y: Any, floor: float = 1e-8) -> float:
    """CS231n's relative error: max over entries of |x - y| / max(floor, |x| + |y|).

    `floor` keeps entries where both values are (nearly) zero from dividing by zero. Returns 0.0
    for empty arrays and NaN if either input has a NaN where the other does not match it.
    """
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))
    return float(np.max(err)) if err.size else 0.0


def sample_indices(shape: Sequence[int], max_count: int, rng: np.random.Generator) -> list[Index]:
    """Indices of an array of `shape` to check numerically.

    Every index (in C order) when the array has at most `max_count` entries; otherwise
    `max_count` distinct indices drawn from `rng`, in C order, so the same generator state always
    gives the same sample.
    """
    shape = tuple(int(d) for d in shape)
    size = int(np.prod(shape, dtype=np.int64))
    if size <= max_count:
        return [tuple(int(i) for i in idx) for idx in np.ndindex(*shape)]
    flat = np.sort(rng.choice(size, size=max_count, replace=False))
    return [tuple(int(i) for i in idx) for idx in zip(*np.unravel_index(flat, shape), strict=True)]


def numeric_gradient(
    evaluate_many: EvaluateMany,
    x: Any,
    dout: Any = None,
    *,
    indices: Sequence[Index] | None = None,
    h: float = 1e-5,
    max_batch: int | None = None,
) -> np.ndarray:
    """Central-difference gradient of f at x, in float64.

    With `dout` None, f must return a scalar and the result is d f / d x. Otherwise the result is
    the gradient of sum(f(x) * dout), i.e. what a backward pass given upstream `dout` returns.

    Inputs:
    - evaluate_many: maps a list of arrays shaped like x to the list of f's outputs on them
    - x: the point, any shape; never modified (the perturbed inputs are float64 copies)
    - indices: the entries to differentiate (None = all); every other entry of the result is NaN
    - h: the step of the central difference (f(x + h e_i) - f(x - h e_i)) / 2h
    - max_batch: at most this many perturbed copies per evaluate_many call (None: as many as fit
      in about 32 MB)

    Returns an array shaped like x.
    """
    x0 = np.array(x, dtype=np.float64, copy=True)
    d = None if dout is None else np.asarray(dout, dtype=np.float64)
    idx_list = list(np.ndindex(*x0.shape)) if indices is None else [tuple(i) for i in indices]
    if max_batch is None:
        max_batch = max(2, _MAX_BATCH_ENTRIES // max(1, x0.size))
    pairs_per_call = max(1, int(max_batch) // 2)

    grad = np.full(x0.shape, np.nan)
    for start in range(0, len(idx_list), pairs_per_call):
        chunk = idx_list[start : start + pairs_per_call]
        inputs: list[np.ndarray] = []
        for idx in chunk:
            for sign in (1.0, -1.0):
                xp = x0.copy()
                xp[idx] += sign * h
                inputs.append(xp)
        outputs = list(evaluate_many(inputs))
        if len(outputs) != len(inputs):
            raise ValueError(
                f"evaluate_many returned {len(outputs)} outputs for {len(inputs)} inputs"
            )
        for k, idx in enumerate(chunk):
            f_plus = np.asarray(outputs[2 * k], dtype=np.float64)
            f_minus = np.asarray(outputs[2 * k + 1], dtype=np.float64)
            if d is None:
                if f_plus.size != 1 or f_minus.size != 1:
                    raise ValueError("f must return a scalar when dout is None")
                diff = float(f_plus.reshape(())) - float(f_minus.reshape(()))
            else:
                diff = float(np.sum((f_plus - f_minus) * d))
            grad[idx] = diff / (2.0 * h)
    return grad


def _in_place_evaluator(f: Callable[[np.ndarray], Any], x: np.ndarray) -> EvaluateMany:
    """evaluate_many that writes each input into x itself before calling f(x), then restores x.

    This keeps CS231n's idiom working: `f = lambda _: model.loss(X, y)[0]` with
    `x = model.params['W1']` reads the perturbed parameter through the model, not the argument.
    """

    def evaluate_many(xs: list[np.ndarray]) -> list[np.ndarray]:
        saved = x.copy()
        outputs = []
        try:
            for xp in xs:
                x[...] = xp
                # Copy: f may return (a view of) x, which the next iteration overwrites.
                outputs.append(np.array(f(x), dtype=np.float64, copy=True))
        finally:
            x[...] = saved
        return outputs

    return evaluate_many


def _evaluator(f: Callable[[np.ndarray], Any], x: Any) -> EvaluateMany:
    if isinstance(x, np.ndarray) and x.flags.writeable:
        return _in_place_evaluator(f, x)
    return lambda xs: [np.array(f(xp), dtype=np.float64, copy=True) for xp in xs]


def eval_numerical_gradient(
    f: Callable[[np.ndarray], Any], x: Any, h: float = 1e-5, *, verbose: bool = False
) -> np.ndarray:
    """CS231n's numeric gradient of a scalar function f at x (centered differences).

    As in CS231n, x is perturbed in place while f runs (so f may ignore its argument and read
    model parameters that alias x); it is restored exactly, even if f raises. `verbose` is
    accepted for compatibility with CS231n notebooks and ignored: nothing is printed.
    """
    del verbose
    if isinstance(h, bool):
        raise TypeError("h must be a number; pass verbose= by keyword")
    return numeric_gradient(_evaluator(f, x), x, None, h=h)


def eval_numerical_gradient_array(
    f: Callable[[np.ndarray], Any], x: Any, df: Any, h: float = 1e-5
) -> np.ndarray:
    """CS231n's numeric gradient of sum(f(x) * df) for an array-valued f at x.

    x is perturbed in place while f runs and restored exactly afterwards, as in
    eval_numerical_gradient.
    """
    return numeric_gradient(_evaluator(f, x), x, df, h=h)


def directional_derivative_check(
    evaluate_many: EvaluateMany,
    x: Any,
    analytic_grad: Any,
    dout: Any = None,
    *,
    rng: np.random.Generator,
    num_directions: int = 4,
    h: float = 1e-5,
) -> float:
    """Worst relative error between analytic and numeric derivatives along random directions.

    For each random unit direction u, compares <analytic_grad, u> with
    (g(x + h u) - g(x - h u)) / 2h, where g = f (scalar, dout None) or g = sum(f * dout).
    Costs 2 * num_directions evaluations whatever the size of x, so it suits inputs too large
    for a full numeric gradient. Errors use rel_error's floor.
    """
    x0 = np.array(x, dtype=np.float64, copy=True)
    grad = np.asarray(analytic_grad, dtype=np.float64)
    if grad.shape != x0.shape:
        raise ValueError(f"analytic_grad has shape {grad.shape}, x has {x0.shape}")
    d = None if dout is None else np.asarray(dout, dtype=np.float64)
    directions = []
    inputs: list[np.ndarray] = []
    for _ in range(num_directions):
        u = rng.standard_normal(x0.shape)
        u /= max(float(np.linalg.norm(u)), 1e-300)
        directions.append(u)
        inputs += [x0 + h * u, x0 - h * u]
    outputs = list(evaluate_many(inputs))
    worst = 0.0
    for k, u in enumerate(directions):
        f_plus = np.asarray(outputs[2 * k], dtype=np.float64)
        f_minus = np.asarray(outputs[2 * k + 1], dtype=np.float64)
        diff = np.sum(f_plus - f_minus) if d is None else np.sum((f_plus - f_minus) * d)
        numeric = float(diff) / (2.0 * h)
        worst = max(worst, rel_error(numeric, float(np.sum(grad * u))))
    return worst
