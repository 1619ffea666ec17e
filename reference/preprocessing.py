"""Data preprocessing: zero-centring, normalization, PCA and whitening.

Every method comes as a pair of functions:
- a FIT function that looks only at the TRAINING data and returns the statistics it needs
  (a mean, a standard deviation, eigenvectors...), and
- an APPLY function that transforms any data (training, validation or test) with those stored
  statistics, unchanged.

Why the split matters: the network is trained on data transformed with the training statistics,
so validation and test data must go through exactly the same transformation. Recomputing a mean
on the test set would shift the test inputs differently from the inputs the network learned on
(and would leak information about the test set into the model). The same holds for mini-batches:
subtract the mean of the whole training set, not of the batch.

In practice, for images, CS231n only centres: subtract the mean image (AlexNet) or the per-channel
mean (VGGNet). Normalization, PCA and whitening are common for other kinds of data.

Images are (N, C, H, W) where a function says so; PCA functions flatten every example to a row of
D = C*H*W numbers.
"""

import numpy as np


def fit_mean_image(X):
    """
    Compute the mean training image (AlexNet-style centring).

    mean_image = (1/N) sum_i X[i]

    Inputs:
    - X: training data of shape (N, d_1, ..., d_k), e.g. (N, C, H, W)

    Returns:
    - mean_image: array of shape (d_1, ..., d_k)
    """
    mean_image = None
    # TODO: average over the examples (axis 0) only, keeping one mean per pixel.
    # BEGIN SOLUTION
    mean_image = np.mean(X, axis=0)
    # END SOLUTION
    return mean_image


def subtract_mean_image(X, mean_image):
    """
    Zero-centre data with a mean image computed on the training set.

    Why centre? If every input is positive, the gradients on a neuron's weights all have the same
    sign, so the weights can only all grow or all shrink together: updates zig-zag. Centred data
    removes that constraint.

    out = X - mean_image

    Inputs:
    - X: data of shape (N, d_1, ..., d_k), from any split
    - mean_image: array of shape (d_1, ..., d_k), from fit_mean_image on the TRAINING data

    Returns:
    - out: array of the same shape as X (X itself is not modified)
    """
    out = None
    # BEGIN SOLUTION
    out = X - mean_image
    # END SOLUTION
    return out


def fit_channel_mean(X):
    """
    Compute one mean per colour channel over all training pixels (VGGNet-style centring).

    channel_mean[c] = mean over n, h, w of X[n, c, h, w]

    Only C numbers are stored, so the statistic does not depend on the image size (it still
    works on crops of a different size than the training images).

    Inputs:
    - X: training images of shape (N, C, H, W)

    Returns:
    - channel_mean: array of shape (C,)
    """
    channel_mean = None
    # BEGIN SOLUTION
    channel_mean = np.mean(X, axis=(0, 2, 3))
    # END SOLUTION
    return channel_mean


def subtract_channel_mean(X, channel_mean):
    """
    Zero-centre images channel by channel with means from the training set.

    out[n, c, h, w] = X[n, c, h, w] - channel_mean[c]

    Inputs:
    - X: images of shape (N, C, H, W), from any split
    - channel_mean: array of shape (C,) from fit_channel_mean on the TRAINING data

    Returns:
    - out: array of shape (N, C, H, W)
    """
    out = None
    # TODO: reshape channel_mean so that numpy broadcasting lines it up with axis 1.
    # BEGIN SOLUTION
    out = X - np.reshape(channel_mean, (1, -1, 1, 1))
    # END SOLUTION
    return out


def fit_standardization(X):
    """
    Compute the per-feature mean and standard deviation of the training data.

    A feature that is constant on the training set has std 0; dividing by it would give inf or
    nan, so its std is stored as 1 instead (the feature is then simply centred to 0).

    Inputs:
    - X: training data of shape (N, d_1, ..., d_k)

    Returns a tuple of:
    - mean: array of shape (d_1, ..., d_k)
    - std: array of shape (d_1, ..., d_k), strictly positive
    """
    mean, std = None, None
    # BEGIN SOLUTION
    mean = np.mean(X, axis=0)
    std = np.std(X, axis=0)
    # A constant column can have std 1e-17 from rounding, not 0: test the spread itself.
    std = np.where(np.ptp(X, axis=0) > 0, std, 1.0)
    # END SOLUTION
    return mean, std


def standardize(X, mean, std):
    """
    Normalize every feature to zero mean and unit standard deviation (on the training set).

    out = (X - mean) / std

    Why? It puts all dimensions on the same scale, so that each contributes equally and one
    learning rate suits all weights. For images the pixels already share a scale (0..255), which
    is why CS231n usually stops at centring.

    Inputs:
    - X: data of shape (N, d_1, ..., d_k), from any split
    - mean, std: from fit_standardization on the TRAINING data

    Returns:
    - out: array of the same shape as X
    """
    out = None
    # BEGIN SOLUTION
    out = (X - mean) / std
    # END SOLUTION
    return out


def fit_pca(X):
    """
    Compute the principal components of the training data.

    cov = Xc^T Xc / N with Xc = X - mean; cov = U diag(eigvals) U^T

    The eigenvectors of the covariance are orthogonal directions along which the data varies
    independently (uncorrelated); the eigenvalue of each is the variance along it. Sorting them
    by decreasing eigenvalue puts the most informative directions first.

    Inputs:
    - X: training data of shape (N, d_1, ..., d_k); each example is flattened to D numbers

    Returns a tuple of:
    - mean: array of shape (D,), the mean training example
    - eigvals: array of shape (D,), the covariance's eigenvalues in DECREASING order
    - eigvecs: array of shape (D, D); column j is the unit eigenvector for eigvals[j]
    """
    mean, eigvals, eigvecs = None, None, None
    # TODO: use the biased covariance (divide by N) and np.linalg.eigh (the covariance is
    # symmetric); eigh returns eigenvalues in increasing order.
    # BEGIN SOLUTION
    X2 = np.reshape(X, (X.shape[0], -1)).astype(np.float64)
    mean = X2.mean(axis=0)
    Xc = X2 - mean
    cov = Xc.T @ Xc / X2.shape[0]
    eigvals, eigvecs = np.linalg.eigh(cov)
    order = np.argsort(eigvals)[::-1]
    eigvals = np.maximum(eigvals[order], 0.0)  # round-off can make tiny eigenvalues negative
    eigvecs = eigvecs[:, order]
    # END SOLUTION
    return mean, eigvals, eigvecs


def pca_project(X, mean, eigvecs, k):
    """
    Centre data and project it onto the top-k principal components (dimensionality reduction).

    out = (X - mean) @ eigvecs[:, :k]

    Inputs:
    - X: data of shape (N, d_1, ..., d_k) with D = d_1 * ... * d_k, from any split
    - mean, eigvecs: from fit_pca on the TRAINING data
    - k: number of components to keep, 1 <= k <= D

    Returns:
    - out: array of shape (N, k); column j is the coordinate along the j-th component
    """
    out = None
    # BEGIN SOLUTION
    X2 = np.reshape(X, (X.shape[0], -1))
    out = (X2 - mean) @ eigvecs[:, :k]
    # END SOLUTION
    return out


def pca_whiten(X, mean, eigvals, eigvecs, k=None, eps=1e-5):
    """
    PCA-whiten data: project onto the top-k components and give every component unit variance.

    out = ((X - mean) @ eigvecs[:, :k]) / sqrt(eigvals[:k] + eps)

    On the training set the result has (nearly) identity covariance: the components are
    uncorrelated and all equally scaled. eps matters: directions with eigenvalue ~0 carry almost
    only noise, and dividing by sqrt(~0) would blow that noise up enormously (or divide by zero);
    eps caps the amplification at 1/sqrt(eps).

    Inputs:
    - X: data of shape (N, d_1, ..., d_k), from any split
    - mean, eigvals, eigvecs: from fit_pca on the TRAINING data
    - k: number of components to keep (None: all D)
    - eps: small positive number added to every eigenvalue

    Returns:
    - out: array of shape (N, k)
    """
    out = None
    if k is None:
        k = eigvecs.shape[1]
    # BEGIN SOLUTION
    X2 = np.reshape(X, (X.shape[0], -1))
    out = (X2 - mean) @ eigvecs[:, :k] / np.sqrt(eigvals[:k] + eps)
    # END SOLUTION
    return out
