"""Classic wrong preprocessing, initialization and experiment code, with the hint each earns;
and correct implementations written differently, which must earn full marks."""

from __future__ import annotations

import numpy as np

from assignments.initialization.checks_experiment import PREACT_HINT
from assignments.initialization.checks_initializers import RNG_HINT, TRANSPOSED_HINT
from assignments.initialization.checks_pca import BIASED_COV_HINT, EIGH_ORDER_HINT
from assignments.initialization.checks_preprocessing import CHANNEL_AXIS_HINT, TEST_STATS_HINT
from grader.registry import Alternative, Mistake

# ------------------------------------------------------------------------ preprocessing


def subtract_mean_image_of_the_data(X, mean_image):
    return X - np.mean(X, axis=0)


def standardize_with_own_statistics(X, mean, std):
    std_here = np.std(X, axis=0)
    return (X - np.mean(X, axis=0)) / np.where(std_here > 0, std_here, 1.0)


def fit_channel_mean_channels_last(X):
    return np.mean(X, axis=(0, 1, 2))


def fit_pca_unbiased_covariance(X):
    X2 = np.reshape(X, (X.shape[0], -1)).astype(np.float64)
    mean = X2.mean(axis=0)
    eigvals, eigvecs = np.linalg.eigh(np.cov(X2, rowvar=False))
    order = np.argsort(eigvals)[::-1]
    return mean, np.maximum(eigvals[order], 0.0), eigvecs[:, order]


def fit_pca_increasing_order(X):
    X2 = np.reshape(X, (X.shape[0], -1)).astype(np.float64)
    mean = X2.mean(axis=0)
    Xc = X2 - mean
    eigvals, eigvecs = np.linalg.eigh(Xc.T @ Xc / X2.shape[0])
    return mean, eigvals, eigvecs


def pca_whiten_without_eps(X, mean, eigvals, eigvecs, k=None, eps=1e-5):
    if k is None:
        k = eigvecs.shape[1]
    X2 = np.reshape(X, (X.shape[0], -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X2 - mean) @ eigvecs[:, :k] / np.sqrt(eigvals[:k])


def pca_whiten_by_eigenvalue(X, mean, eigvals, eigvecs, k=None, eps=1e-5):
    if k is None:
        k = eigvecs.shape[1]
    X2 = np.reshape(X, (X.shape[0], -1))
    return (X2 - mean) @ eigvecs[:, :k] / (eigvals[:k] + eps)


# ------------------------------------------------------------------------ initializers


def xavier_init_without_sqrt(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal((fan_in, fan_out)) / fan_in


def xavier_init_transposed(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in)


def he_init_missing_factor_two(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(1.0 / fan_in)


def he_init_fan_out(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_out)


def small_random_init_ignores_scale(fan_in, fan_out, scale=0.01, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return 0.01 * rng.standard_normal((fan_in, fan_out))


def small_random_init_global_rng(fan_in, fan_out, scale=0.01, rng=None):
    return scale * np.random.randn(fan_in, fan_out)


# ------------------------------------------------------------------------ experiment


def activation_statistics_of_preactivations(X, hidden_dims=(500,) * 10, init=None,
                                            nonlinearity=np.tanh, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    stats = np.zeros((len(hidden_dims), 2))
    h = np.asarray(X, dtype=np.float64)
    for layer, fan_out in enumerate(hidden_dims):
        a = h @ init(h.shape[1], fan_out, rng=rng)
        stats[layer] = a.mean(), a.std()
        h = nonlinearity(a)
    return stats


MISTAKES = (
    Mistake("subtract_mean_image", "mean of the data at hand", TEST_STATS_HINT,
            subtract_mean_image_of_the_data),
    Mistake("standardize", "statistics of the data at hand", TEST_STATS_HINT,
            standardize_with_own_statistics),
    Mistake("fit_channel_mean", "channels-last axes", CHANNEL_AXIS_HINT,
            fit_channel_mean_channels_last),
    Mistake("fit_pca", "np.cov (divides by N-1)", BIASED_COV_HINT, fit_pca_unbiased_covariance),
    Mistake("fit_pca", "eigh's increasing order", EIGH_ORDER_HINT, fit_pca_increasing_order),
    Mistake("pca_whiten", "no eps", "whitening divides by sqrt(eigvals + eps): without eps a "
            "near-zero eigenvalue amplifies pure noise enormously (or divides by zero)",
            pca_whiten_without_eps),
    Mistake("pca_whiten", "divides by the eigenvalue", "divide by the square root of the "
            "eigenvalue (the component's std), not by the eigenvalue (its variance)",
            pca_whiten_by_eigenvalue),
    Mistake("xavier_init", "std 1/fan_in", "Xavier's std is 1/sqrt(fan_in) (variance "
            "1/fan_in); dividing by fan_in itself makes the weights far too small",
            xavier_init_without_sqrt),
    Mistake("xavier_init", "(fan_out, fan_in) shape", TRANSPOSED_HINT, xavier_init_transposed),
    Mistake("he_init", "missing factor 2", "He initialization uses std sqrt(2/fan_in): the "
            "factor 2 compensates for ReLU zeroing half the units", he_init_missing_factor_two),
    Mistake("he_init", "fan_out", "He's std is sqrt(2/fan_in): it scales with the number of "
            "INPUTS of the layer, not its outputs", he_init_fan_out),
    Mistake("small_random_init", "ignores scale", "small_random_init must multiply by its "
            "scale argument instead of a hard-coded 0.01", small_random_init_ignores_scale),
    Mistake("small_random_init", "global numpy rng", RNG_HINT, small_random_init_global_rng),
    Mistake("activation_statistics", "pre-activation statistics", PREACT_HINT,
            activation_statistics_of_preactivations),
)

# ------------------------------------------------------------------------ alternatives


def fit_pca_by_svd(X):
    X2 = np.reshape(X, (X.shape[0], -1)).astype(np.float64)
    mean = X2.mean(axis=0)
    _, s, vt = np.linalg.svd(X2 - mean, full_matrices=True)
    eigvals = np.zeros(X2.shape[1])
    eigvals[: s.size] = s**2 / X2.shape[0]
    return mean, eigvals, -vt.T


def xavier_init_transposed_draw(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal((fan_out, fan_in)).T.copy() / np.sqrt(fan_in)


def he_init_normal(fan_in, fan_out, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def fit_channel_mean_two_steps(X):
    return X.mean(axis=(2, 3)).mean(axis=0)


def standardize_reciprocal(X, mean, std):
    return (X - mean) * (1.0 / std)


def activation_statistics_weights_first(X, hidden_dims=(500,) * 10, init=None,
                                        nonlinearity=np.tanh, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    sizes = [np.shape(X)[1], *hidden_dims]
    weights = [init(sizes[i], sizes[i + 1], rng=rng) for i in range(len(hidden_dims))]
    h, rows = np.asarray(X, dtype=np.float64), []
    for W in weights:
        h = nonlinearity(h.dot(W))
        rows.append([np.mean(h), np.sqrt(np.mean((h - np.mean(h)) ** 2))])
    return np.array(rows)


ALTERNATIVES = (
    Alternative("fit_pca", "SVD of the centred data, flipped signs", fit_pca_by_svd),
    Alternative("xavier_init", "transposed draw", xavier_init_transposed_draw),
    Alternative("he_init", "rng.normal with scale", he_init_normal),
    Alternative("fit_channel_mean", "spatial mean, then batch mean", fit_channel_mean_two_steps),
    Alternative("standardize", "multiply by the reciprocal", standardize_reciprocal),
    Alternative("activation_statistics", "all weights drawn first",
                activation_statistics_weights_first),
)
