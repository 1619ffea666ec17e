"""Data preprocessing: mean image, per-channel mean, standardization, PCA and whitening.

The property every method must have: statistics come from the TRAINING set, and every split is
transformed with them unchanged. So centring the training set gives mean 0, and a test set that
is the training set shifted by s must still be shifted by s afterwards; a function that
recomputes statistics on the data it is given fails that.

Eigenvectors are judged by what they do (orthonormal, C v = lambda v), never entry by entry: an
eigenvector's sign is arbitrary, and eigh, svd and eig each pick their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from grader.context import CheckFailed, Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

TEST_STATS_HINT = ("transform every split with the statistics fitted on the TRAINING set (the "
                   "arguments you are given); recomputing them from the data at hand erases the "
                   "difference between test and training data")
CHANNEL_AXIS_HINT = ("images are (N, C, H, W): the channel mean averages over axes 0, 2 and 3 "
                     "and keeps one number per channel, shape (C,)")
CONSTANT_FEATURE_HINT = "a feature that is constant on the training set has std 0; store 1 for it"


def expect(condition: bool, fn: str, message: str, hint: str | None = None) -> None:
    """ctx.ensure for checks of several functions: the message names the one at fault."""
    if not condition:
        raise CheckFailed(f"{fn}: {message}", hint=hint)


def array_result(ctx: Context, value: Any, what: str, fn: str) -> np.ndarray:
    require(value, what, fn)
    expect(isinstance(value, np.ndarray), fn,
           f"{what} should be a numpy array, got {type(value).__name__}")
    return value.astype(np.float64)


def images(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Positive, pixel-like values with a different offset per channel."""
    offsets = rng.uniform(50, 200, size=(1, shape[1]) + (1,) * (len(shape) - 2))
    return offsets + 20 * rng.standard_normal(shape)


def correlated(rng: np.random.Generator, n: int, scales: Sequence[float]) -> np.ndarray:
    """n rows whose covariance has well separated eigenvalues ~ scales**2, off the axes."""
    d = len(scales)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return rng.standard_normal((n, d)) * np.asarray(scales) @ q.T + rng.uniform(-3, 3, d)


def unchanged(ctx: Context, fn: str, sent: Sequence[Any], after: Sequence[Any],
              labels: Sequence[str]) -> None:
    for label, a, b in zip(labels, sent, after, strict=False):
        if isinstance(a, np.ndarray) and not (isinstance(b, np.ndarray) and a.shape == b.shape
                                              and np.array_equal(a, b)):
            expect(False, fn, f"modified its input {label} in place; callers reuse it (the "
                   "same training set is fitted once and transformed again)",
                   hint="X -= mean changes the caller's array; write out = X - mean")


# ------------------------------------------------------------------------- mean image


@check(Kind.OUTPUT, targets=("fit_mean_image",))
def fit_mean_image_output(ctx: Context) -> None:
    """fit_mean_image averages over the examples, one mean per pixel"""
    X = images(ctx.rng, (6, 3, 4, 5))
    ctx.compare("mean_image", ctx.student.call("fit_mean_image", X),
                lambda ref: ref.fit_mean_image(X))


@check(Kind.OUTPUT, targets=("subtract_mean_image",), points=0.5)
def subtract_mean_image_output(ctx: Context) -> None:
    """subtract_mean_image subtracts the mean image it is given"""
    X, mean_image = images(ctx.rng, (4, 3, 4, 5)), images(ctx.rng, (1, 3, 4, 5))[0]
    ctx.compare("out", ctx.student.call("subtract_mean_image", X, mean_image),
                lambda ref: ref.subtract_mean_image(X, mean_image))


def _shift_survives(out: np.ndarray, want: np.ndarray, method: str) -> None:
    expect(out.shape == want.shape, method, f"returned shape {out.shape}, expected {want.shape}")
    expect(bool(np.allclose(out, want, rtol=1e-9, atol=1e-9 * (1 + np.abs(want).max()))), method,
           "a test set equal to training rows shifted by a constant lost its shift: it must "
           "be transformed with the training statistics given as arguments", hint=TEST_STATS_HINT)


@check(Kind.PROPERTY, targets=("fit_mean_image", "subtract_mean_image"))
def mean_image_property(ctx: Context) -> None:
    """centring with the training mean image: train mean 0, a shifted test set stays shifted"""

    @property_check(st.integers(0, 2**16), st.integers(2, 6), st.floats(-50, 50),
                    max_examples=12)
    def prop(seed: int, n: int, shift: float) -> None:
        X = images(np.random.default_rng(seed), (n, 2, 3, 3))
        mean = array_result(ctx, ctx.student.call("fit_mean_image", X), "mean_image",
                            "fit_mean_image")
        expect(mean.shape == X.shape[1:], "fit_mean_image",
               f"returned shape {mean.shape} for X of shape {X.shape}")
        centred = array_result(ctx, ctx.student.call("subtract_mean_image", X, mean), "out",
                               "subtract_mean_image")
        expect(centred.shape == X.shape, "subtract_mean_image", "changed the shape")
        expect(bool(np.all(np.abs(centred.mean(axis=0)) < 1e-9 * np.abs(X).max())),
               "fit_mean_image", "the training set centred with its mean image does not have "
               "mean 0 at every pixel")
        test = X[: n - 1] + shift
        out = array_result(ctx, ctx.student.call("subtract_mean_image", test, mean), "out",
                           "subtract_mean_image")
        _shift_survives(out, centred[: n - 1] + shift, "subtract_mean_image")

    prop()


# ----------------------------------------------------------------------- channel mean


@check(Kind.OUTPUT, targets=("fit_channel_mean",))
def fit_channel_mean_output(ctx: Context) -> None:
    """fit_channel_mean gives one mean per colour channel, shape (C,)"""
    X = images(ctx.rng, (5, 3, 4, 6))
    ctx.compare("channel_mean", ctx.student.call("fit_channel_mean", X),
                lambda ref: ref.fit_channel_mean(X))


@check(Kind.OUTPUT, targets=("subtract_channel_mean",), points=0.5)
def subtract_channel_mean_output(ctx: Context) -> None:
    """subtract_channel_mean subtracts each channel's mean from that channel"""
    X, channel_mean = images(ctx.rng, (4, 3, 5, 6)), ctx.rng.uniform(50, 200, 3)
    ctx.compare("out", ctx.student.call("subtract_channel_mean", X, channel_mean),
                lambda ref: ref.subtract_channel_mean(X, channel_mean))


@check(Kind.PROPERTY, targets=("fit_channel_mean", "subtract_channel_mean"))
def channel_mean_property(ctx: Context) -> None:
    """per-channel centring: every training channel has mean 0; test crops of another size
    keep their shift"""

    @property_check(st.integers(0, 2**16), st.integers(2, 5), st.integers(2, 4),
                    st.integers(2, 5), st.floats(-50, 50), max_examples=12)
    def prop(seed: int, n: int, h: int, w: int, shift: float) -> None:
        X = images(np.random.default_rng(seed), (n, 3, h, w))
        cm = array_result(ctx, ctx.student.call("fit_channel_mean", X), "channel_mean",
                          "fit_channel_mean")
        expect(cm.shape == (3,), "fit_channel_mean", f"returned shape {cm.shape} for images "
               f"of shape {X.shape}", hint=CHANNEL_AXIS_HINT)
        centred = array_result(ctx, ctx.student.call("subtract_channel_mean", X, cm), "out",
                               "subtract_channel_mean")
        expect(centred.shape == X.shape, "subtract_channel_mean", "changed the shape")
        expect(bool(np.all(np.abs(centred.mean(axis=(0, 2, 3))) < 1e-9 * np.abs(X).max())),
               "fit_channel_mean", "a training channel centred with it does not have mean 0",
               hint=CHANNEL_AXIS_HINT)
        crop = X[:, :, 1:, :-1] + shift
        out = array_result(ctx, ctx.student.call("subtract_channel_mean", crop, cm), "out",
                           "subtract_channel_mean")
        _shift_survives(out, centred[:, :, 1:, :-1] + shift, "subtract_channel_mean")

    prop()


# --------------------------------------------------------------------- standardization


def _with_constant_feature(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    X = rng.uniform(-5, 5, d) + rng.uniform(0.1, 10, d) * rng.standard_normal((n, d))
    # An integer constant: its float mean is exact, so its std is exactly 0 (a float constant
    # can leave a std of 1e-16 that no implementation should be asked to treat as 0).
    X[:, rng.integers(d)] = rng.integers(-5, 6)
    return X


@check(Kind.OUTPUT, targets=("fit_standardization",))
def fit_standardization_output(ctx: Context) -> None:
    """fit_standardization gives per-feature mean and std (1 for a constant feature)"""
    X = _with_constant_feature(ctx.rng, 8, 6)
    result = ctx.student.call("fit_standardization", X)
    require(result, "(mean, std)", "fit_standardization")
    if not isinstance(result, tuple | list) or len(result) != 2:
        ctx.fail("should return a tuple (mean, std)")
    ctx.compare("mean", result[0], lambda ref: ref.fit_standardization(X)[0])
    ctx.compare("std", result[1], lambda ref: ref.fit_standardization(X)[1])


@check(Kind.OUTPUT, targets=("standardize",), points=0.5)
def standardize_output(ctx: Context) -> None:
    """standardize computes (X - mean) / std with the statistics it is given"""
    X = ctx.rng.standard_normal((5, 4)) * 3 + 1
    mean, std = ctx.rng.standard_normal(4), ctx.rng.uniform(0.5, 2, 4)
    ctx.compare("out", ctx.student.call("standardize", X, mean, std),
                lambda ref: ref.standardize(X, mean, std))


@check(Kind.PROPERTY, targets=("fit_standardization", "standardize"))
def standardization_property(ctx: Context) -> None:
    """standardized training features have mean 0 and std 1 (constant ones stay finite); test
    data goes through the training statistics"""

    @property_check(st.integers(0, 2**16), st.integers(3, 8), st.integers(1, 5),
                    st.floats(-50, 50), max_examples=12)
    def prop(seed: int, n: int, d: int, shift: float) -> None:
        X = _with_constant_feature(np.random.default_rng(seed), n, d)
        result = ctx.student.call("fit_standardization", X)
        require(result, "(mean, std)", "fit_standardization")
        expect(isinstance(result, tuple | list) and len(result) == 2, "fit_standardization",
               "should return a tuple (mean, std)")
        mean = array_result(ctx, result[0], "mean", "fit_standardization")
        std = array_result(ctx, result[1], "std", "fit_standardization")
        expect(bool(np.all(std > 0)), "fit_standardization", f"returned std {std}",
               hint=CONSTANT_FEATURE_HINT)
        Z = array_result(ctx, ctx.student.call("standardize", X, mean, std), "out",
                         "standardize")
        expect(Z.shape == X.shape and bool(np.all(np.isfinite(Z))), "standardize",
               "standardized training data has the wrong shape or NaN/inf entries")
        varying = X.std(axis=0) > 0
        expect(bool(np.allclose(Z.mean(axis=0), 0, atol=1e-9)), "fit_standardization",
               "training features standardized with its statistics do not have mean 0")
        expect(bool(np.allclose(Z.std(axis=0)[varying], 1, rtol=1e-9)), "fit_standardization",
               "training features standardized with its statistics do not have std 1")
        out = array_result(ctx, ctx.student.call("standardize", X[: n - 1] + shift, mean, std),
                           "out", "standardize")
        _shift_survives(out, Z[: n - 1] + shift / std, "standardize")

    prop()
