"""PCA, projection and whitening; and input safety for every preprocessing function."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from assignments.initialization.checks_preprocessing import (
    TEST_STATS_HINT,
    _with_constant_feature,
    array_result,
    correlated,
    expect,
    images,
    unchanged,
)
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

EIGH_ORDER_HINT = ("np.linalg.eigh returns eigenvalues in INCREASING order: reverse them, and "
                   "the eigenvector columns with them")
BIASED_COV_HINT = ("the docstring asks for the biased covariance Xc.T @ Xc / N; np.cov divides by "
                   "N - 1 unless bias=True")
EPS = 1e-5  # pca_whiten's default


def fit_pca_result(ctx: Context, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    result = ctx.student.call("fit_pca", X)
    require(result, "(mean, eigvals, eigvecs)", "fit_pca")
    expect(isinstance(result, tuple | list) and len(result) == 3, "fit_pca",
           "should return a tuple (mean, eigvals, eigvecs)")
    return tuple(array_result(ctx, r, w, "fit_pca")  # type: ignore[return-value]
                 for r, w in zip(result, ("mean", "eigvals", "eigvecs"), strict=True))


def judge_eigvecs(X2: np.ndarray, V: np.ndarray) -> None:
    """Orthonormal eigenvectors of the covariance, whatever their signs (eigenvalues are judged
    separately, against the oracle's)."""
    d = X2.shape[1]
    expect(V.shape == (d, d), "fit_pca", f"eigvecs has shape {V.shape}, expected ({d}, {d})")
    expect(bool(np.allclose(V.T @ V, np.eye(d), atol=1e-8)), "fit_pca",
           "the eigenvector columns are not orthonormal (eigvecs.T @ eigvecs != I)")
    Xc = X2 - X2.mean(axis=0)
    cov = Xc.T @ Xc / X2.shape[0]
    rayleigh = np.einsum("ij,ij->j", V, cov @ V)  # v_j^T C v_j: v_j's own eigenvalue
    residual = float(np.abs(cov @ V - V * rayleigh).max())
    expect(residual <= 1e-8 * max(1.0, float(np.abs(rayleigh).max())), "fit_pca",
           f"the columns of eigvecs are not eigenvectors of the covariance (|cov @ v - "
           f"lambda v| up to {residual:.3g})")
    order = np.argsort(-rayleigh, kind="stable")
    expect(bool(np.all(np.diff(rayleigh) <= 1e-9 * max(1.0, float(rayleigh.max())))), "fit_pca",
           f"the eigenvector columns are not sorted by decreasing eigenvalue (column order by "
           f"variance: {order.tolist()})", hint=EIGH_ORDER_HINT)


@check(Kind.OUTPUT, targets=("fit_pca",), points=1.5)
def fit_pca_output(ctx: Context) -> None:
    """fit_pca gives the mean, the covariance's eigenvalues in decreasing order and orthonormal
    eigenvectors matching them"""
    X = correlated(ctx.rng, 50, (3.0, 2.0, 1.2, 0.7, 0.4, 0.1)).reshape(50, 2, 3)
    mean, eigvals, eigvecs = fit_pca_result(ctx, X)
    ctx.compare("mean", mean, lambda ref: ref.fit_pca(X)[0])
    ctx.compare("eigvals", eigvals, lambda ref: ref.fit_pca(X)[1], rtol=1e-8, atol=1e-12)
    judge_eigvecs(X.reshape(50, -1), eigvecs)


def _orthonormal(rng: np.random.Generator, d: int) -> np.ndarray:
    return np.linalg.qr(rng.standard_normal((d, d)))[0]


@check(Kind.OUTPUT, targets=("pca_project",))
def pca_project_output(ctx: Context) -> None:
    """pca_project centres with the given mean and keeps the top-k coordinates"""
    X = ctx.rng.standard_normal((7, 2, 3)) + 2
    mean, eigvecs = ctx.rng.standard_normal(6), _orthonormal(ctx.rng, 6)
    ctx.compare("out", ctx.student.call("pca_project", X, mean, eigvecs, 3),
                lambda ref: ref.pca_project(X, mean, eigvecs, 3))


@check(Kind.OUTPUT, targets=("pca_whiten",))
def pca_whiten_output(ctx: Context) -> None:
    """pca_whiten divides each component by sqrt(eigenvalue + eps), taming a ~0 eigenvalue"""
    X = ctx.rng.standard_normal((6, 4)) * 2
    mean, eigvecs = ctx.rng.standard_normal(4), _orthonormal(ctx.rng, 4)
    eigvals = np.array([4.0, 1.0, 0.25, 1e-7])  # the last is noise: eps must cap its gain
    ctx.compare("out", ctx.student.call("pca_whiten", X, mean, eigvals, eigvecs),
                lambda ref: ref.pca_whiten(X, mean, eigvals, eigvecs))


@check(Kind.PROPERTY, targets=("fit_pca", "pca_project", "pca_whiten"), points=1.5)
def pca_property(ctx: Context) -> None:
    """PCA on training data: sorted eigenvalues, orthonormal components, decorrelated
    projections, whitened covariance ~ identity; test data goes through the training mean"""

    @property_check(st.integers(0, 2**16), st.integers(2, 4), st.integers(0, 6),
                    max_examples=10)
    def prop(seed: int, d: int, extra: int) -> None:
        rng = np.random.default_rng(seed)
        n = 2 * d + 4 + extra
        X = correlated(rng, n, rng.uniform(0.5, 3, d))
        mean, eigvals, V = fit_pca_result(ctx, X)
        expect(mean.shape == (d,) and eigvals.shape == (d,), "fit_pca",
               f"mean and eigvals should have shape ({d},), got {mean.shape} and "
               f"{eigvals.shape}")
        lam = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]
        if not np.allclose(eigvals, lam, rtol=1e-8, atol=1e-12):
            hint = (EIGH_ORDER_HINT if np.allclose(eigvals, lam[::-1], rtol=1e-8) else
                    BIASED_COV_HINT if np.allclose(eigvals, lam * n / (n - 1), rtol=1e-8) else None)
            expect(False, "fit_pca", f"eigvals {eigvals} are not the training covariance's "
                   f"eigenvalues in decreasing order {lam}", hint=hint)
        judge_eigvecs(X, V)
        P = array_result(ctx, ctx.student.call("pca_project", X, mean, V, d), "out",
                         "pca_project")
        expect(P.shape == (n, d), "pca_project", f"returned shape {P.shape}, expected {(n, d)}")
        expect(bool(np.allclose(P.T @ P / n, np.diag(lam), atol=1e-9 * lam.max())),
               "pca_project", "projected training data is not decorrelated with variances "
               "eigvals")
        Wt = array_result(ctx, ctx.student.call("pca_whiten", X, mean, eigvals, V), "out",
                          "pca_whiten")
        expect(Wt.shape == (n, d), "pca_whiten", f"returned shape {Wt.shape}, expected {(n, d)}")
        expect(bool(np.allclose(Wt.T @ Wt / n, np.diag(lam / (lam + EPS)), atol=1e-9)),
               "pca_whiten", "whitened training data does not have covariance "
               "diag(lambda / (lambda + eps)), i.e. nearly the identity")
        shift = rng.uniform(-5, 5, d)
        out = array_result(ctx, ctx.student.call("pca_whiten", X[:3] + shift, mean, eigvals, V),
                           "out", "pca_whiten")
        want = Wt[:3] + (shift @ V) / np.sqrt(eigvals + EPS)
        expect(bool(np.allclose(out, want, atol=1e-9)), "pca_whiten", "shifted test rows "
               "whitened with the training statistics lost their shift", hint=TEST_STATS_HINT)

    prop()


# ---------------------------------------------------------------------- input safety


def _trusted_pca(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lam, V = np.linalg.eigh(np.cov(X.T, bias=True))
    return X.mean(axis=0), lam[::-1].copy(), V[:, ::-1].copy()


def safety_check(fit: str, make: Any, applies: dict[str, tuple[Any, tuple[str, ...]]]):
    """`applies`: function -> (X -> its arguments, computed here, labels of those arguments).

    The transforms get statistics computed on this side, so that a wrong fit function does not
    keep them from being judged."""

    @check(Kind.INPUT_SAFETY, targets=(fit, *applies), points=0.5)
    def safety(ctx: Context) -> None:
        X = make(ctx.rng)
        stats, after = ctx.student.call(fit, X, echo_args=True)
        require(stats, "its statistics", fit)
        unchanged(ctx, fit, (X,), after, ("X",))
        for fn, (arguments, labels) in applies.items():
            args = arguments(X)
            result, after = ctx.student.call(fn, *args, echo_args=True)
            require(result, "out", fn)
            unchanged(ctx, fn, args, after, labels)

    safety.__doc__ = f"{' and '.join((fit, *applies))} leave their input arrays unchanged"
    return safety


mean_image_safety = safety_check(
    "fit_mean_image", lambda rng: images(rng, (4, 3, 2, 2)),
    {"subtract_mean_image": (lambda X: (X, X.mean(axis=0)), ("X", "mean_image"))})
channel_mean_safety = safety_check(
    "fit_channel_mean", lambda rng: images(rng, (4, 3, 2, 2)),
    {"subtract_channel_mean": (lambda X: (X, X.mean(axis=(0, 2, 3))), ("X", "channel_mean"))})
standardization_safety = safety_check(
    "fit_standardization", lambda rng: _with_constant_feature(rng, 6, 3),
    {"standardize": (lambda X: (X, X.mean(axis=0), np.where(X.std(axis=0) > 0, X.std(axis=0),
                                                            1.0)), ("X", "mean", "std"))})
pca_safety = safety_check(
    "fit_pca", lambda rng: correlated(rng, 12, (2.0, 1.0, 0.5)),
    {"pca_project": (lambda X: (X, *_trusted_pca(X)[::2], 2), ("X", "mean", "eigvecs")),
     "pca_whiten": (lambda X: (X, *_trusted_pca(X)), ("X", "mean", "eigvals", "eigvecs"))})
