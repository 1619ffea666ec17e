"""Classic wrong update rules (each with the hint it earns) and correct rules written differently.

The wrong ones come from the CS231n notes' pitfalls: momentum in the "v = mu*v + dw" form,
RMSProp/AdaGrad without the square root, Adam without (or with half, or mistimed) bias
correction.
"""

from __future__ import annotations

import numpy as np

from grader.registry import Alternative, Mistake

# ---------------------------------------------------------------------------- mistakes


def sgd_momentum_other_sign_form(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v + dw
    next_w = w - config["learning_rate"] * v
    config["velocity"] = v
    return next_w, config


def sgd_momentum_velocity_not_stored(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    new_v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + new_v
    config["velocity"] = v
    return next_w, config


def nesterov_as_plain_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def adagrad_without_sqrt(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    cache = config["cache"] + dw**2
    next_w = w - config["learning_rate"] * dw / (cache + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def rmsprop_without_sqrt(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    cache = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw**2
    next_w = w - config["learning_rate"] * dw / (cache + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def rmsprop_eps_inside_sqrt(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    cache = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw**2
    next_w = w - config["learning_rate"] * dw / np.sqrt(cache + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def adam_without_bias_correction(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                       ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw**2
    next_w = w - config["learning_rate"] * m / (np.sqrt(v) + config["epsilon"])
    config["m"], config["v"], config["t"] = m, v, config["t"] + 1
    return next_w, config


def adam_t_incremented_after(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                       ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2, t = config["beta1"], config["beta2"], config["t"]
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw**2
    with np.errstate(divide="ignore", invalid="ignore"):
        next_w = w - config["learning_rate"] * (m / (1 - b1**t)) / (
            np.sqrt(v / (1 - b2**t)) + config["epsilon"])
    config["m"], config["v"], config["t"] = m, v, t + 1
    return next_w, config


def adam_corrects_m_only(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                       ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2, t = config["beta1"], config["beta2"], config["t"] + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw**2
    next_w = w - config["learning_rate"] * (m / (1 - b1**t)) / (np.sqrt(v) + config["epsilon"])
    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config


def adam_t_not_stored(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                       ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2, t = config["beta1"], config["beta2"], config["t"] + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw**2
    next_w = w - config["learning_rate"] * (m / (1 - b1**t)) / (
        np.sqrt(v / (1 - b2**t)) + config["epsilon"])
    config["m"], config["v"] = m, v
    return next_w, config


MISTAKES = (
    Mistake("sgd_momentum", "v = mu*v + dw form", "momentum must be v = mu * v - "
            "learning_rate * dw followed by w + v; the form v = mu * v + dw, w -= "
            "learning_rate * v keeps a differently scaled velocity", sgd_momentum_other_sign_form),
    Mistake("sgd_momentum", "velocity not stored", "the new velocity is never written back "
            "to config['velocity'], so momentum never accumulates across steps",
            sgd_momentum_velocity_not_stored),
    Mistake("nesterov_momentum", "plain momentum", "this is plain momentum: Nesterov steps "
            "from the look-ahead point, next_w = w - mu * v_prev + (1 + mu) * v",
            nesterov_as_plain_momentum),
    Mistake("adagrad", "no sqrt", "AdaGrad divides by the square root of the summed squared "
            "gradients, sqrt(cache) + epsilon, not by cache itself", adagrad_without_sqrt),
    Mistake("rmsprop", "no sqrt", "RMSProp divides by sqrt(cache) + epsilon: without the "
            "square root the step scales like 1/|dw| instead of being normalized",
            rmsprop_without_sqrt),
    Mistake("rmsprop", "epsilon inside sqrt", "epsilon goes outside the square root, "
            "sqrt(cache) + epsilon; sqrt(cache + epsilon) damps small gradients far too much",
            rmsprop_eps_inside_sqrt),
    Mistake("adam", "no bias correction", "Adam must bias-correct both moments, m / (1 - "
            "beta1**t) and v / (1 - beta2**t): without it the first steps are mis-scaled",
            adam_without_bias_correction),
    Mistake("adam", "t incremented after use", "increment t BEFORE the bias correction "
            "(the first step uses t = 1); using t and incrementing afterwards is one step off",
            adam_t_incremented_after),
    Mistake("adam", "only m corrected", "Adam bias-corrects the second moment too: divide by "
            "sqrt(v / (1 - beta2**t)) + epsilon, not sqrt(v) + epsilon", adam_corrects_m_only),
    Mistake("adam", "t not stored", "the incremented t is never written back to config['t'], "
            "so every step bias-corrects as if it were the first", adam_t_not_stored),
)

# ---------------------------------------------------------------------------- alternatives


def sgd_in_place(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw
    return w, config


def sgd_momentum_in_place_extra_key(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v *= config["momentum"]
    v -= config["learning_rate"] * dw
    w += v
    config["velocity"] = v
    config["steps"] = config.get("steps", 0) + 1
    return w, config


def nesterov_momentum_lookahead_form(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    mu, lr = config["momentum"], config["learning_rate"]
    v = mu * config.get("velocity", np.zeros_like(w)) - lr * dw
    next_w = w + mu * v - lr * dw
    config["velocity"] = v
    return next_w, config


def adagrad_in_place_cache(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    config["cache"] += dw * dw
    next_w = w - config["learning_rate"] * dw / (config["cache"] ** 0.5 + config["epsilon"])
    return next_w, config


def adam_corrected_learning_rate(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                       ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    config["t"] += 1
    b1, b2, t = config["beta1"], config["beta2"], config["t"]
    config["m"] = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    config["v"] = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw**2
    correction = np.sqrt(1 - b2**t)
    lr_t = config["learning_rate"] * correction / (1 - b1**t)
    config["m_hat_scale"] = 1 / (1 - b1**t)
    next_w = w - lr_t * config["m"] / (np.sqrt(config["v"]) + config["epsilon"] * correction)
    return next_w, config


ALTERNATIVES = (
    Alternative("sgd", "in-place w update", sgd_in_place),
    Alternative("sgd_momentum", "in-place velocity and w, extra config key",
                sgd_momentum_in_place_extra_key),
    Alternative("nesterov_momentum", "w + mu * v - lr * dw form",
                nesterov_momentum_lookahead_form),
    Alternative("adagrad", "cache updated in place", adagrad_in_place_cache),
    Alternative("adam", "bias correction folded into the learning rate",
                adam_corrected_learning_rate),
)
