"""Classic wrong dropout / regularization / augmentation / ensemble code with the hints they earn,
and correct variants. Dropout replacements keep the reference's cache (dropout_param, mask) with
the mask already scaled by 1/p, so each can be swapped in alone."""

from __future__ import annotations

import numpy as np

from assignments.dropout_regularization.augmentation_checks import (
    CROP_RANGE_HINT,
    FLIP_PER_IMAGE_HINT,
)
from assignments.dropout_regularization.checks import (
    BACKWARD_MASK_HINT,
    DROP_PROB_HINT,
    NOT_INVERTED_HINT,
    SHARED_MASK_HINT,
    TEST_TIME_HINT,
)
from assignments.dropout_regularization.ensemble_checks import (
    POLYAK_DECAY_HINT,
    POLYAK_INPLACE_HINT,
)
from assignments.dropout_regularization.regularization_checks import BIAS_HINT
from grader.registry import Alternative, Mistake


def dropout_forward_drop_prob(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) >= p) / (1 - p)
        out = x * mask
    else:
        out = x.copy()
    return out, (dropout_param, mask)


def dropout_forward_vanilla(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p).astype(float)
        out = x * mask
    else:
        out = x * p
    return out, (dropout_param, mask)


def dropout_forward_at_test_time(x, dropout_param):
    p = dropout_param["p"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = (np.random.rand(*x.shape) < p) / p
    return x * mask, (dropout_param, mask)


def dropout_forward_shared_mask(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape[1:]) < p) / p
        out = x * mask
    else:
        out = x.copy()
    return out, (dropout_param, mask)


def dropout_backward_ignores_mask(dout, cache):
    return dout


def dropout_backward_no_scale(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * (mask != 0)
    return dout


def l2_penalty_no_half(W, reg):
    return float(reg * np.sum(W * W)), 2 * reg * W


def l1_penalty_grad_not_sign(W, reg):
    return float(reg * np.sum(np.abs(W))), reg * W


def params_penalty_all_keys(params, reg, penalty_fn=None):
    penalty, grads = 0.0, {}
    for name, value in params.items():
        p, d = (penalty_fn or l2_penalty)(value, reg)  # noqa: F821 - regularization.py's
        penalty += p
        grads[name] = d
    return float(penalty), grads


def horizontal_flip_vertical(X):
    return X[:, :, ::-1, :].copy()


def random_horizontal_flip_per_batch(X, rng, p=0.5):
    if rng.random() < p:
        return X[..., ::-1].copy()
    return X.copy()


def random_crop_exclusive_bound(X, crop_size, rng, padding=0):
    ch, cw = (crop_size, crop_size) if np.isscalar(crop_size) else crop_size
    N, _, H, W = X.shape
    padded = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    tops = rng.integers(0, max(H + 2 * padding - ch, 1), size=N)
    lefts = rng.integers(0, max(W + 2 * padding - cw, 1), size=N)
    return np.stack([padded[n, :, t:t + ch, left:left + cw]
                     for n, (t, left) in enumerate(zip(tops, lefts, strict=True))])


def center_crop_symmetric_margin(X, crop_size):
    ch, cw = (crop_size, crop_size) if np.isscalar(crop_size) else crop_size
    H, W = X.shape[2], X.shape[3]
    top, left = (H - ch) // 2, (W - cw) // 2
    return X[:, :, top:H - top, left:W - left].copy()


def ensemble_predict_average_scores(models, X):
    scores = sum(np.asarray(m.loss(X), dtype=float) for m in models) / len(models)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, np.argmax(probs, axis=1)


def polyak_update_decay_swapped(avg_params, params, decay=0.99):
    if avg_params is None:
        return {k: np.array(v, dtype=float) for k, v in params.items()}
    return {k: (1 - decay) * avg_params[k] + decay * params[k] for k in params}


def polyak_update_in_place(avg_params, params, decay=0.99):
    if avg_params is None:
        return {k: np.array(v, dtype=float) for k, v in params.items()}
    for k in params:
        avg_params[k] *= decay
        avg_params[k] += (1 - decay) * params[k]
    return avg_params


# ---- correct alternatives -----------------------------------------------------------------


def dropout_forward_binomial(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = np.random.binomial(1, p, size=x.shape) / p
        out = x * mask
    elif mode == "test":
        out = x
    else:
        raise ValueError(mode)
    return out.astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_forward_own_generator(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    rng = np.random.default_rng(dropout_param.get("seed"))
    mask = None
    if mode == "train":
        mask = (rng.random(x.shape) < p) / p
        out = x * mask
    else:
        out = x.copy()
    return out, (dropout_param, mask)


def dropout_backward_where(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return np.where(mask != 0, dout / dropout_param["p"], 0.0)
    return dout


def random_crop_loop(X, crop_size, rng, padding=0):
    ch, cw = (crop_size, crop_size) if np.isscalar(crop_size) else crop_size
    N, C, H, W = X.shape
    out = np.zeros((N, C, ch, cw))
    for n in range(N):
        top = int(rng.integers(H + 2 * padding - ch + 1))
        left = int(rng.integers(W + 2 * padding - cw + 1))
        img = np.zeros((C, H + 2 * padding, W + 2 * padding))
        img[:, padding:padding + H, padding:padding + W] = X[n]
        out[n] = img[:, top:top + ch, left:left + cw]
    return out


def random_horizontal_flip_where(X, rng, p=0.5):
    flip = rng.uniform(size=(X.shape[0], 1, 1, 1)) < p
    return np.where(flip, np.flip(X, axis=3), X)


def elastic_net_penalty_direct(W, reg, l1_ratio=0.5):
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(l1_ratio)
    a, b = reg * l1_ratio, reg * (1 - l1_ratio)
    return float(a * np.abs(W).sum() + 0.5 * b * (W**2).sum()), a * np.sign(W) + b * W


MISTAKES = (
    Mistake("dropout_forward", "p as drop probability", DROP_PROB_HINT, dropout_forward_drop_prob),
    Mistake("dropout_forward", "vanilla dropout", NOT_INVERTED_HINT, dropout_forward_vanilla),
    Mistake("dropout_forward", "dropout at test time", TEST_TIME_HINT,
            dropout_forward_at_test_time),
    Mistake("dropout_forward", "mask shared by the batch", SHARED_MASK_HINT,
            dropout_forward_shared_mask),
    Mistake("dropout_backward", "ignores the mask", BACKWARD_MASK_HINT,
            dropout_backward_ignores_mask),
    Mistake("dropout_backward", "ignores 1/p", BACKWARD_MASK_HINT, dropout_backward_no_scale),
    Mistake("l2_penalty", "no 0.5", "CS231n's L2 penalty is 0.5 * reg * sum(W**2) so that its "
            "gradient is reg * W", l2_penalty_no_half),
    Mistake("l1_penalty", "gradient not sign", "the derivative of reg * |w| is reg * sign(w), "
            "not reg * w", l1_penalty_grad_not_sign),
    Mistake("params_penalty", "penalizes biases", BIAS_HINT, params_penalty_all_keys),
    Mistake("horizontal_flip", "wrong axis", "a horizontal flip reverses the LAST axis (width, "
            "X[..., ::-1]); reversing axis 2 flips images upside down", horizontal_flip_vertical),
    Mistake("random_horizontal_flip", "one decision per batch", FLIP_PER_IMAGE_HINT,
            random_horizontal_flip_per_batch),
    Mistake("random_crop", "exclusive upper bound", CROP_RANGE_HINT, random_crop_exclusive_bound),
    Mistake("center_crop", "symmetric margin", "slice exactly crop_h rows from top "
            "(top:top + crop_h): H - top - top is one too many when H - crop_h is odd",
            center_crop_symmetric_margin),
    Mistake("ensemble_predict", "averages scores", "average the models' softmax PROBABILITIES, "
            "not their raw scores (scores of different scales are not comparable)",
            ensemble_predict_average_scores),
    Mistake("polyak_update", "decay swapped", POLYAK_DECAY_HINT, polyak_update_decay_swapped),
    Mistake("polyak_update", "in place", POLYAK_INPLACE_HINT, polyak_update_in_place),
)

ALTERNATIVES = (
    Alternative("dropout_forward", "np.random.binomial mask", dropout_forward_binomial),
    Alternative("dropout_forward", "own Generator", dropout_forward_own_generator),
    Alternative("dropout_backward", "np.where with 1/p", dropout_backward_where),
    Alternative("random_crop", "loop with manual padding", random_crop_loop),
    Alternative("random_horizontal_flip", "np.where over a per-image draw",
                random_horizontal_flip_where),
    Alternative("elastic_net_penalty", "direct formula", elastic_net_penalty_direct),
)
