"""Hidden checks: Xavier under ReLU, and whitening with k < D and a custom eps."""

from __future__ import annotations

import numpy as np

from assignments.initialization.checks_experiment import (
    LECTURE_DIMS,
    _stds,
    lecture_batch,
    run_experiment,
)
from grader.context import Context
from grader.registry import check
from grader.result import Kind, Visibility


@check(Kind.CHECKPOINT, targets=("xavier_init", "activation_statistics"), variant="xavier-relu",
       visibility=Visibility.HIDDEN)
def xavier_halves_relu(ctx: Context) -> None:
    """Xavier with ReLU: the std shrinks by about 1/sqrt(2) per layer (why He doubles it)"""
    stats = run_experiment(ctx, lecture_batch(ctx), LECTURE_DIMS, "xavier_init",
                           "relu_activation", 5)
    stds = stats[:, 1]
    ratio = float(np.exp(np.mean(np.log(stds[1:] / stds[:-1]))))
    ctx.ensure(abs(ratio - 1 / np.sqrt(2)) < 0.08,
               f"with xavier_init and ReLU the layer stds {_stds(stats)} shrink by {ratio:.3f} "
               "per layer on average; ReLU halves the variance, so about 0.707 is expected")
    ctx.note(f"mean shrink factor {ratio:.3f}")


@check(Kind.OUTPUT, targets=("pca_whiten",), variant="top-k", visibility=Visibility.HIDDEN)
def pca_whiten_top_k(ctx: Context) -> None:
    """pca_whiten keeps the top k components and uses the eps it is given"""
    X = ctx.rng.standard_normal((5, 2, 3))
    mean = ctx.rng.standard_normal(6)
    eigvecs = np.linalg.qr(ctx.rng.standard_normal((6, 6)))[0]
    eigvals = np.array([5.0, 2.0, 1.0, 0.3, 0.01, 0.0])
    ctx.compare("out", ctx.student.call("pca_whiten", X, mean, eigvals, eigvecs, k=3, eps=0.1),
                lambda ref: ref.pca_whiten(X, mean, eigvals, eigvecs, k=3, eps=0.1))
