"""Tests for reference/preprocessing.py: fit on training data, apply unchanged anywhere."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.data import load_toy_dataset
from reference.preprocessing import (
    fit_channel_mean,
    fit_mean_image,
    fit_pca,
    fit_standardization,
    pca_project,
    pca_whiten,
    standardize,
    subtract_channel_mean,
    subtract_mean_image,
)


def _images(seed, n=40, shape=(3, 4, 4)):
    rng = np.random.default_rng(seed)
    # an offset and per-feature scales, so that centring and scaling both have work to do
    return 5.0 + rng.uniform(0.5, 3.0, size=shape) * rng.standard_normal((n, *shape))


def _correlated_data(seed, n=200, d=6):
    rng = np.random.default_rng(seed)
    A = 0.3 * rng.standard_normal((d, d)) + 2 * np.eye(d)  # correlated, well conditioned
    return rng.standard_normal((n, d)) @ A + rng.standard_normal(d)


seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_mean_image_centres_training_data(seed):
    """Is the training data exactly zero-mean per pixel after subtracting its mean image?"""
    X = _images(seed)
    mean = fit_mean_image(X)
    assert mean.shape == X.shape[1:]
    np.testing.assert_allclose(subtract_mean_image(X, mean).mean(axis=0), 0, atol=1e-12)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_test_data_uses_training_mean_image(seed):
    """Is test data shifted by the TRAINING mean (so it is generally not zero-mean itself)?"""
    X_train, X_test = _images(seed), _images(seed + 1, n=7) + 1.0
    mean = fit_mean_image(X_train)
    out = subtract_mean_image(X_test, mean)
    np.testing.assert_allclose(out, X_test - X_train.mean(axis=0))
    assert not np.allclose(out.mean(axis=0), 0)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_channel_mean_centres_each_channel(seed):
    """Does subtracting per-channel means make each channel zero-mean over all its pixels?"""
    X = _images(seed)
    channel_mean = fit_channel_mean(X)
    assert channel_mean.shape == (3,)
    out = subtract_channel_mean(X, channel_mean)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    # only 3 numbers: the same statistic applies to images of another size
    other = _images(seed, n=2, shape=(3, 6, 5))
    np.testing.assert_allclose(
        subtract_channel_mean(other, channel_mean), other - channel_mean[None, :, None, None]
    )


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_standardize_gives_unit_variance_on_training_data(seed):
    """After standardization, is every training feature zero-mean with std 1?"""
    X = _images(seed)
    mean, std = fit_standardization(X)
    out = standardize(X, mean, std)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, rtol=1e-10)
    X_test = _images(seed + 7, n=5)
    np.testing.assert_allclose(standardize(X_test, mean, std), (X_test - mean) / std)


def test_standardize_constant_feature_is_finite():
    """Does a feature that is constant in training stay finite (std stored as 1)?"""
    X = np.random.default_rng(0).standard_normal((10, 3))
    X[:, 1] = 4.0
    mean, std = fit_standardization(X)
    assert std[1] == 1.0
    out = standardize(X, mean, std)
    assert np.all(np.isfinite(out)) and np.all(out[:, 1] == 0)


def test_preprocessing_never_modifies_inputs():
    """Do the fit and apply functions leave their input arrays unchanged?"""
    X = _images(0)
    before = X.copy()
    mean = fit_mean_image(X)
    subtract_mean_image(X, mean)
    subtract_channel_mean(X, fit_channel_mean(X))
    standardize(X, *fit_standardization(X))
    m, vals, vecs = fit_pca(X)
    pca_whiten(X, m, vals, vecs)
    np.testing.assert_array_equal(X, before)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_pca_eigen_decomposition(seed):
    """Are the PCA eigenvalues sorted decreasingly, eigenvectors orthonormal, cov = U L U^T?"""
    X = _correlated_data(seed)
    _, eigvals, eigvecs = fit_pca(X)
    assert eigvals.shape == (6,) and eigvecs.shape == (6, 6)
    assert np.all(np.diff(eigvals) <= 1e-12)
    np.testing.assert_allclose(eigvecs.T @ eigvecs, np.eye(6), atol=1e-10)
    cov = np.cov(X, rowvar=False, bias=True)
    np.testing.assert_allclose(eigvecs @ np.diag(eigvals) @ eigvecs.T, cov, atol=1e-9)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds, st.integers(1, 6))
def test_pca_projection_is_decorrelated(seed, k):
    """Are projected training coordinates uncorrelated with variances = the top-k eigenvalues?"""
    X = _correlated_data(seed)
    mean, eigvals, eigvecs = fit_pca(X)
    Z = pca_project(X, mean, eigvecs, k)
    assert Z.shape == (200, k)
    cov = Z.T @ Z / len(Z)
    np.testing.assert_allclose(cov, np.diag(eigvals[:k]), atol=1e-9 * eigvals[0])


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_whitened_training_data_has_identity_covariance(seed):
    """Does PCA whitening give training data (nearly) identity covariance?"""
    X = _correlated_data(seed)
    mean, eigvals, eigvecs = fit_pca(X)
    eps = 1e-5
    Z = pca_whiten(X, mean, eigvals, eigvecs, eps=eps)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-9)
    cov = Z.T @ Z / len(Z)
    # exactly diag(lambda / (lambda + eps)): the eps is the only departure from the identity
    np.testing.assert_allclose(cov, np.diag(eigvals / (eigvals + eps)), atol=1e-9)
    np.testing.assert_allclose(cov, np.eye(6), atol=1e-4)


@settings(max_examples=25, deadline=None, database=None)
@given(seeds)
def test_whitening_test_data_uses_training_statistics(seed):
    """Is test data whitened with the TRAINING mean, eigenvectors and eigenvalues?"""
    X_train, X_test = _correlated_data(seed), _correlated_data(seed + 1, n=30) * 2.0
    mean, eigvals, eigvecs = fit_pca(X_train)
    Z = pca_whiten(X_test, mean, eigvals, eigvecs, k=3, eps=1e-5)
    expected = (X_test - X_train.mean(axis=0)) @ eigvecs[:, :3] / np.sqrt(eigvals[:3] + 1e-5)
    np.testing.assert_allclose(Z, expected)
    cov = Z.T @ Z / len(Z)
    assert not np.allclose(cov, np.eye(3), atol=1e-2)  # not re-fitted on test data


def test_whitening_eps_bounds_noise_amplification():
    """With a zero-variance direction, does eps keep whitening finite?"""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    X = np.hstack([X, X[:, :1] + X[:, 1:]])  # third feature is redundant: one eigenvalue ~ 0
    mean, eigvals, eigvecs = fit_pca(X)
    assert eigvals[-1] < 1e-10
    Z = pca_whiten(X + 1e-3 * rng.standard_normal(X.shape), mean, eigvals, eigvecs, eps=1e-2)
    assert np.all(np.isfinite(Z)) and np.abs(Z[:, -1]).max() < 1.0


def test_pca_on_images_flattens_examples():
    """Does PCA accept (N, C, H, W) images and work on flattened rows of D = C*H*W?"""
    X = load_toy_dataset(num_train=300, num_val=0, num_test=0, subtract_mean=False)["X_train"]
    mean, eigvals, eigvecs = fit_pca(X)
    assert mean.shape == (192,) and eigvecs.shape == (192, 192)
    Z = pca_project(X, mean, eigvecs, 10)
    assert Z.shape == (300, 10)
    # smooth images: a few components hold a large share of the variance
    assert eigvals[:10].sum() / eigvals.sum() > 0.1
