"""Classic wrong affine and loss code, each with the hint it earns; and correct variants."""

from __future__ import annotations

import numpy as np

from assignments.affine_losses.checks import AFFINE_RESHAPE_HINT, DX_RESHAPE_HINT
from assignments.affine_losses.loss_checks import (
    SOFTMAX_INPLACE_HINT,
    SOFTMAX_LOG_HINT,
    SOFTMAX_OVERFLOW_HINT,
)
from grader.registry import Alternative, Mistake


def affine_forward_no_reshape(x, w, b):
    return x.dot(w) + b, (x, w, b)


def affine_backward_dx_flat(dout, cache):
    x, w, _ = cache
    return dout @ w.T, x.reshape(x.shape[0], -1).T @ dout, dout.sum(axis=0)


def affine_backward_db_not_summed(dout, cache):
    x, w, _ = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout


def softmax_loss_naive(x, y):
    probs = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    return loss, dx / N


def softmax_loss_dx_not_divided(x, y):
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    probs[np.arange(N), y] -= 1
    return loss, probs


def softmax_loss_summed(x, y):
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y]))
    probs[np.arange(N), y] -= 1
    return loss, probs / N


def softmax_loss_in_place(x, y):
    N = x.shape[0]
    x -= np.max(x, axis=1, keepdims=True)
    probs = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    probs[np.arange(N), y] -= 1
    return loss, probs / N


def svm_loss_counts_correct_class(x, y):
    N = x.shape[0]
    margins = np.maximum(0, x - x[np.arange(N), y][:, None] + 1.0)
    loss = margins.sum() / N
    positive = (margins > 0).astype(float)
    positive[np.arange(N), y] -= positive.sum(axis=1)
    return loss, positive / N


def svm_loss_dx_not_divided(x, y):
    N = x.shape[0]
    margins = np.maximum(0, x - x[np.arange(N), y][:, None] + 1.0)
    margins[np.arange(N), y] = 0
    positive = (margins > 0).astype(float)
    positive[np.arange(N), y] -= positive.sum(axis=1)
    return margins.sum() / N, positive


def affine_forward_dot(x, w, b):
    return np.dot(np.reshape(x, (x.shape[0], np.prod(x.shape[1:]))), w) + b, (x, w, b)


def affine_backward_einsum(dout, cache):
    x, w, _ = cache
    x2 = x.reshape(len(x), -1)
    return (np.einsum("nm,dm->nd", dout, w).reshape(x.shape), np.einsum("nd,nm->dm", x2, dout),
            np.einsum("nm->m", dout))


def softmax_loss_log_of_probs(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def softmax_loss_rows(x, y):
    N = x.shape[0]
    loss, dx = 0.0, np.empty_like(x)
    for i in range(N):
        m = np.max(x[i])
        log_z = m + np.log(np.sum(np.exp(x[i] - m)))
        loss -= x[i, y[i]] - log_z
        dx[i] = np.exp(x[i] - log_z)
        dx[i, y[i]] -= 1.0
    return loss / N, dx / N


def svm_loss_loops(x, y):
    N, C = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1
            if margin > 0:
                loss += margin
                dx[i, j] += 1
                dx[i, y[i]] -= 1
    return loss / N, dx / N


MISTAKES = (
    Mistake("affine_forward", "no reshape", AFFINE_RESHAPE_HINT, affine_forward_no_reshape),
    Mistake("affine_backward", "dx not reshaped", DX_RESHAPE_HINT, affine_backward_dx_flat),
    Mistake("affine_backward", "db not summed", "b is added to every row of the batch, so db "
            "must sum dout over axis 0 (shape (M,))", affine_backward_db_not_summed),
    Mistake("softmax_loss", "log of probabilities", SOFTMAX_LOG_HINT, softmax_loss_log_of_probs),
    Mistake("softmax_loss", "no max subtraction", SOFTMAX_OVERFLOW_HINT, softmax_loss_naive),
    Mistake("softmax_loss", "dx not divided by N", "the loss is a mean over the batch, so dx "
            "must be divided by N as well", softmax_loss_dx_not_divided),
    Mistake("softmax_loss", "loss summed", "the loss must be averaged over the N examples, not "
            "summed", softmax_loss_summed),
    Mistake("softmax_loss", "in place", SOFTMAX_INPLACE_HINT, softmax_loss_in_place),
    Mistake("svm_loss", "counts correct class", "the SVM sum runs over j != y[i]: the correct "
            "class's own margin (always 1) must not be counted", svm_loss_counts_correct_class),
    Mistake("svm_loss", "dx not divided by N", "the loss is a mean over the batch, so dx must be "
            "divided by N as well", svm_loss_dx_not_divided),
)

ALTERNATIVES = (
    Alternative("affine_forward", "np.dot with explicit D", affine_forward_dot),
    Alternative("affine_backward", "einsum", affine_backward_einsum),
    Alternative("softmax_loss", "row by row log-sum-exp", softmax_loss_rows),
    Alternative("svm_loss", "loops", svm_loss_loops),
)
