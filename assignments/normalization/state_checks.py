"""Running averages: one worker-side bn_param shared by many calls, as a network's layer keeps it.

30 train-mode batches whose feature means differ from 0 (so the averages have somewhere to go),
then test mode on the same dict: its output must use the accumulated averages and leave them
alone. Every value is compared with the reference fed the same sequence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assignments.normalization.checks import (
    BN_TEST_UPDATE_HINT,
    BN_WRITE_BACK_HINT,
    affine_params,
    features,
)
from grader.context import Context, require
from grader.registry import check
from grader.result import Kind

STEPS = 30


def _sequence(ctx: Context) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    batches = [features(ctx.rng, n=12) + 2.0 for _ in range(STEPS)]
    gamma, beta = affine_params(ctx.rng, batches[0].shape[1])
    return batches, features(ctx.rng, n=7) + 2.0, gamma, beta


def _simulate(ref: Any, batches, x_test, gamma, beta) -> dict[str, np.ndarray]:
    bn_param: dict[str, Any] = {"mode": "train", "momentum": 0.8}
    for x in batches:
        ref.batchnorm_forward(x, gamma, beta, bn_param)
    seen = {"running_mean": np.array(bn_param["running_mean"]),
            "running_var": np.array(bn_param["running_var"])}
    bn_param["mode"] = "test"
    seen["test_out"] = ref.batchnorm_forward(x_test, gamma, beta, bn_param)[0]
    seen["running_mean_after_test"] = np.array(bn_param["running_mean"])
    seen["running_var_after_test"] = np.array(bn_param["running_var"])
    return seen


def _running(ctx: Context, bn_param: Any, key: str, when: str) -> np.ndarray:
    if not isinstance(bn_param, dict) or key not in bn_param:
        ctx.fail(f"bn_param has no {key!r} {when}", hint=BN_WRITE_BACK_HINT)
    return bn_param[key]


@check(Kind.STATE, targets=("batchnorm_forward",), points=2)
def batchnorm_forward_state(ctx: Context) -> None:
    """running averages accumulate over 30 train batches in bn_param and drive test mode"""
    batches, x_test, gamma, beta = _sequence(ctx)

    def sim(key: str):
        return lambda ref: _simulate(ref, batches, x_test, gamma, beta)[key]

    handle = ctx.student.put({"mode": "train", "momentum": 0.8})
    for x in batches:
        out, _ = ctx.student.call("batchnorm_forward", x, gamma, beta, handle, keep=(1,))
        require(out, "out", "batchnorm_forward")
    when = f"after {STEPS} train-mode calls sharing it"
    bn_param = ctx.student.get(handle)
    for key in ("running_mean", "running_var"):
        ctx.compare(key, _running(ctx, bn_param, key, when), sim(key),
                    context=f"{when}, momentum 0.8")
    ctx.student.set(handle["mode"], "test")
    out, _ = ctx.student.call("batchnorm_forward", x_test, gamma, beta, handle, keep=(1,))
    ctx.compare("test_out", out, sim("test_out"),
                context="test mode after the train calls: normalize with the running averages")
    bn_param = ctx.student.get(handle)
    for key in ("running_mean", "running_var"):
        got = _running(ctx, bn_param, key, "after a test-mode call")
        try:
            ctx.compare(f"{key}_after_test", got, sim(f"{key}_after_test"),
                        context="a test-mode call changed the running averages")
        except AssertionError as failed:
            failed.hint = getattr(failed, "hint", None) or BN_TEST_UPDATE_HINT
            raise
    ctx.note(f"running_mean after {STEPS} steps: {np.round(bn_param['running_mean'], 4)}")


@check(Kind.STATE, targets=("batchnorm_forward",), variant="one-step")
def batchnorm_forward_one_step(ctx: Context) -> None:
    """one train call sets running = momentum * running + (1 - momentum) * batch statistic"""
    x = features(ctx.rng)
    gamma, beta = affine_params(ctx.rng, x.shape[1])
    d = x.shape[1]
    rm, rv = ctx.rng.standard_normal(d), ctx.rng.uniform(0.5, 2.0, d)

    def fresh() -> dict[str, Any]:
        return {"mode": "train", "momentum": 0.7, "running_mean": rm.copy(),
                "running_var": rv.copy()}

    def after(key: str):
        def compute(ref: Any) -> np.ndarray:
            p = fresh()
            ref.batchnorm_forward(x, gamma, beta, p)
            return p[key]
        return compute

    result, args = ctx.student.call("batchnorm_forward", x, gamma, beta, fresh(), keep=(1,),
                                    echo_args=True)
    require(result, "(out, cache)", "batchnorm_forward")
    for key in ("running_mean", "running_var"):
        ctx.compare(key, _running(ctx, args[3], key, "after a train-mode call"), after(key),
                    context="momentum 0.7, biased batch variance")
