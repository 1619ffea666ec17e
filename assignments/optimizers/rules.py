"""What the checks need to know about each update rule: the CS231n notebook case, the state keys
the contract pins, the default hyperparameters, and the size of a first step from fresh state.

Shared by checks.py and hidden.py; it registers no checks itself.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.context import Context, require

N, D = 4, 5


def notebook_arrays() -> dict[str, np.ndarray]:
    """The inputs of the CS231n FullyConnectedNets notebook's optimizer cells."""
    def grid(lo: float, hi: float) -> np.ndarray:
        return np.linspace(lo, hi, num=N * D).reshape(N, D)

    return {"w": grid(-0.4, 0.6), "dw": grid(-0.6, 0.4), "state": grid(0.6, 0.9),
            "m": grid(0.6, 0.9), "v": grid(0.7, 0.5)}


@dataclass(frozen=True)
class Rule:
    name: str
    points: float
    defaults: dict[str, float]
    state: tuple[str, ...]  # config keys the contract pins (checked after a step)
    notebook: Callable[[dict[str, np.ndarray]], dict[str, Any]]  # config of the notebook case
    first_step: Callable[[np.ndarray, dict[str, float]], np.ndarray]  # |step| from fresh state


def _adam_case(a: dict[str, np.ndarray]) -> dict[str, Any]:
    return {"learning_rate": 1e-2, "m": a["m"], "v": a["v"], "t": 5}


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("sgd", 0.5, {"learning_rate": 1e-2}, (),
         lambda a: {"learning_rate": 1e-3},
         lambda g, c: c["learning_rate"] * np.abs(g)),
    Rule("sgd_momentum", 1.0, {"learning_rate": 1e-2, "momentum": 0.9}, ("velocity",),
         lambda a: {"learning_rate": 1e-3, "velocity": a["state"]},
         lambda g, c: c["learning_rate"] * np.abs(g)),
    Rule("nesterov_momentum", 1.0, {"learning_rate": 1e-2, "momentum": 0.9}, ("velocity",),
         lambda a: {"learning_rate": 1e-3, "velocity": a["state"]},
         lambda g, c: (1 + c["momentum"]) * c["learning_rate"] * np.abs(g)),
    Rule("adagrad", 1.0, {"learning_rate": 1e-2, "epsilon": 1e-8}, ("cache",),
         lambda a: {"learning_rate": 1e-2, "cache": a["state"]},
         lambda g, c: c["learning_rate"] * np.abs(g) / (np.abs(g) + c["epsilon"])),
    Rule("rmsprop", 1.0, {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
         ("cache",),
         lambda a: {"learning_rate": 1e-2, "cache": a["state"]},
         lambda g, c: c["learning_rate"] * np.abs(g)
         / (np.sqrt(1 - c["decay_rate"]) * np.abs(g) + c["epsilon"])),
    Rule("adam", 1.5, {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
         ("m", "v", "t"), _adam_case,
         lambda g, c: c["learning_rate"] * np.abs(g) / (np.abs(g) + c["epsilon"])),
)}

# Rules that leave w unchanged for a zero gradient at the first step whatever the state:
# sgd, adagrad, rmsprop and adam. (Momentum rules would too, from zero velocity.)
# CS231n tolerance: RMSProp without sqrt is 9.3e-3 off and Adam without incrementing t 1.5e-3
# off on the notebook case, so 1e-6 catches both while leaving room for reordered arithmetic.
RTOL, ATOL = 1e-6, 1e-10


def state_of(config: Any, rule: Rule) -> dict[str, Any]:
    """The pinned state keys of a returned config (extra keys a student stores are ignored)."""
    return {k: config[k] for k in rule.state if isinstance(config, dict) and k in config}


def unpack(ctx: Context, result: Any, rule: str) -> tuple[Any, dict[str, Any]]:
    require(result, "(next_w, config)", rule)
    if not isinstance(result, tuple | list) or len(result) != 2:
        ctx.fail("should return a tuple (next_w, config)")
    next_w, config = result
    require(next_w, "next_w", rule)
    if not isinstance(config, dict):
        ctx.fail(f"should return the config dict as its second item, got "
                 f"{type(config).__name__}")
    return next_w, config


def run_trusted(fn: Callable[..., Any], w0: np.ndarray, dws: list[np.ndarray],
                config: dict[str, Any] | None) -> np.ndarray:
    """The sequence of next_w of `fn` (a reference rule or a known mistake), config fed back."""
    w, cfg, seen = w0.copy(), copy.deepcopy(config), []
    for dw in dws:
        w, cfg = fn(w.copy(), dw.copy(), cfg)
        seen.append(np.array(w, dtype=np.float64))
    return np.stack(seen)


def run_student(ctx: Context, rule: str, w0: np.ndarray, dws: list[np.ndarray],
                config: dict[str, Any] | None) -> tuple[np.ndarray, dict[str, Any]]:
    """Feed the student's own next_w and config back in, as the Solver does.

    Returns the sequence of next_w and the config returned by the first call."""
    w, cfg, seen, first = w0, config, [], None
    for step, dw in enumerate(dws):
        args = (w, dw) if cfg is None else (w, dw, cfg)
        w, cfg = unpack(ctx, ctx.student.call(rule, *args), rule)
        first = cfg if first is None else first
        w = np.asarray(w, dtype=np.float64)
        if w.shape != w0.shape:
            ctx.fail(f"next_w has shape {w.shape} at step {step + 1}, expected {w0.shape}")
        seen.append(w)
    return np.stack(seen), first
