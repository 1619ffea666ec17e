"""Classic wrong normalization code, each with the hint it earns; and correct variants.

Every replacement keeps the reference's cache layout, (x, x_hat, mu, var, gamma, eps) for batch
norm and (x_hat, std, gamma) for layer norm, so that it can be swapped in alone.
"""

from __future__ import annotations

import numpy as np

from assignments.normalization.checks import BN_TEST_UPDATE_HINT, BN_WRITE_BACK_HINT
from grader.registry import Alternative, Mistake


def batchnorm_forward_unbiased(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    cache = None
    if mode == "train":
        x_hat = (x - mu) / np.sqrt(var + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / np.sqrt(rv + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train":
        rm, rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    bn_param["running_mean"], bn_param["running_var"] = rm, rv
    return out, cache


def batchnorm_forward_eps_outside(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0)
    cache = None
    if mode == "train":
        x_hat = (x - mu) / (np.sqrt(var) + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / (np.sqrt(rv) + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train":
        rm, rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    bn_param["running_mean"], bn_param["running_var"] = rm, rv
    return out, cache


def batchnorm_forward_updates_in_test(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0)
    cache = None
    if mode == "train":
        x_hat = (x - mu) / np.sqrt(var + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / np.sqrt(rv + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train" or mode == "test":
        rm, rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    bn_param["running_mean"], bn_param["running_var"] = rm, rv
    return out, cache


def batchnorm_forward_no_write_back(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0)
    cache = None
    if mode == "train":
        x_hat = (x - mu) / np.sqrt(var + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / np.sqrt(rv + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train":
        rm, rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    return out, cache


def batchnorm_forward_momentum_swapped(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0)
    cache = None
    if mode == "train":
        x_hat = (x - mu) / np.sqrt(var + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / np.sqrt(rv + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train":
        rm, rv = m * mu + (1 - m) * rm, m * var + (1 - m) * rv
    bn_param["running_mean"], bn_param["running_var"] = rm, rv
    return out, cache


def batchnorm_forward_batch_stats_in_test(x, gamma, beta, bn_param):
    mode, eps = bn_param["mode"], bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(x.shape[1]))
    rv = bn_param.get("running_var", np.zeros(x.shape[1]))
    mu, var = x.mean(axis=0), x.var(axis=0)
    cache = None
    if mode == "train" or mode == "test":
        x_hat = (x - mu) / np.sqrt(var + eps)
        out, cache = gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        out = gamma * (x - rm) / np.sqrt(rv + eps) + beta
    else:
        raise ValueError(mode)
    if mode == "train":
        rm, rv = m * rm + (1 - m) * mu, m * rv + (1 - m) * var
    bn_param["running_mean"], bn_param["running_var"] = rm, rv
    return out, cache


def batchnorm_backward_no_variance_branch(dout, cache):
    _x, x_hat, _mu, var, gamma, eps = cache
    std = np.sqrt(var + eps)
    dxc = dout * gamma / std
    return dxc - dxc.mean(axis=0), np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def batchnorm_backward_no_mean_branch(dout, cache):
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    xc, std = x - mu, np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = -0.5 * np.sum(dx_hat * xc, axis=0) / std**3
    dx = dx_hat / std + 2.0 * xc * dvar / N
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


def batchnorm_backward_dgamma_not_summed(dout, cache):
    x, x_hat, _mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = dout.sum(axis=0)
    dx = gamma / (N * np.sqrt(var + eps)) * (N * dout - dbeta - x_hat * np.sum(dout * x_hat, 0))
    return dx, dout * x_hat, dbeta


def batchnorm_backward_alt_missing_n(dout, cache):
    x, x_hat, _mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta, dgamma = dout.sum(axis=0), np.sum(dout * x_hat, axis=0)
    return gamma / np.sqrt(var + eps) * (N * dout - dbeta - x_hat * dgamma), dgamma, dbeta


def layernorm_forward_axis0(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    std = np.sqrt(x.var(axis=0, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=0, keepdims=True)) / std
    return gamma * x_hat + beta, (x_hat, std, gamma)


def layernorm_forward_eps_outside(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    std = np.sqrt(x.var(axis=1, keepdims=True)) + eps
    x_hat = (x - x.mean(axis=1, keepdims=True)) / std
    return gamma * x_hat + beta, (x_hat, std, gamma)


def layernorm_backward_batch_axis(dout, cache):
    x_hat, std, gamma = cache
    N = x_hat.shape[0]
    dx_hat = dout * gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0)) / (N * std)
    return dx, np.sum(dout * x_hat, axis=0), dout.sum(axis=0)


# ---- correct alternatives -----------------------------------------------------------------


def batchnorm_forward_in_place_running(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    D = x.shape[1]
    bn_param.setdefault("running_mean", np.zeros(D, dtype=x.dtype))
    bn_param.setdefault("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        mu = np.sum(x, axis=0) / x.shape[0]
        var = np.sum((x - mu) ** 2, axis=0) / x.shape[0]
        inv = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv
        for key, stat in (("running_mean", mu), ("running_var", var)):
            bn_param[key] *= momentum
            bn_param[key] += (1 - momentum) * stat
        return gamma * x_hat + beta, (x, x_hat, mu, var, gamma, eps)
    if mode == "test":
        x_hat = (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + eps)
        return gamma * x_hat + beta, None
    raise ValueError(f'Invalid forward batchnorm mode "{mode}"')


def batchnorm_backward_closed_form(dout, cache):
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    inv = 1.0 / np.sqrt(var + eps)
    xc = x - mu
    dx = (gamma * inv / N) * (N * dout - dout.sum(0) - xc * inv**2 * np.sum(dout * xc, 0))
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def batchnorm_backward_alt_einsum(dout, cache):
    x, x_hat, _mu, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = np.einsum("nd->d", dout)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    return (gamma / np.sqrt(var + eps)) * (dout - dbeta / N - x_hat * dgamma / N), dgamma, dbeta


def layernorm_forward_transposed_batchnorm(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    N = x.shape[0]
    bn = batchnorm_forward  # noqa: F821 - the layers.py this is pasted into
    x_hat_t, _ = bn(x.T, np.ones(N), np.zeros(N), {"mode": "train", "eps": eps})
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    return gamma * x_hat_t.T + beta, (x_hat_t.T, std, gamma)


def layernorm_backward_graph(dout, cache):
    x_hat, std, gamma = cache
    D = x_hat.shape[1]
    xc = x_hat * std
    dx_hat = dout * gamma
    dxc = dx_hat / std
    dstd = -np.sum(dx_hat * xc, axis=1, keepdims=True) / std**2
    dvar = dstd / (2 * std)
    dxc = dxc + 2 * xc * dvar / D
    dx = dxc - dxc.sum(axis=1, keepdims=True) / D
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


MISTAKES = (
    Mistake("batchnorm_forward", "unbiased variance", "batch norm uses the biased batch variance "
            "(np.var with ddof=0), not the unbiased one (ddof=1)", batchnorm_forward_unbiased),
    Mistake("batchnorm_forward", "eps outside sqrt", "eps belongs inside the square root: "
            "sqrt(var + eps), not sqrt(var) + eps", batchnorm_forward_eps_outside),
    Mistake("batchnorm_forward", "updates in test", BN_TEST_UPDATE_HINT,
            batchnorm_forward_updates_in_test),
    Mistake("batchnorm_forward", "no write-back", BN_WRITE_BACK_HINT,
            batchnorm_forward_no_write_back),
    Mistake("batchnorm_forward", "momentum swapped", "the running average keeps momentum of the "
            "OLD value: running = momentum * running + (1 - momentum) * batch_stat",
            batchnorm_forward_momentum_swapped),
    Mistake("batchnorm_forward", "batch stats in test", "test mode must normalize with "
            "bn_param's running averages, not with the statistics of the test batch",
            batchnorm_forward_batch_stats_in_test),
    Mistake("batchnorm_backward", "no variance branch", "x - mean feeds both x_hat and the "
            "variance: add the gradient arriving through the variance branch",
            batchnorm_backward_no_variance_branch),
    Mistake("batchnorm_backward", "no mean branch", "x reaches the output through the mean too: "
            "add the gradient through mu (-sum of dxc / N) to dx",
            batchnorm_backward_no_mean_branch),
    Mistake("batchnorm_backward", "dgamma not summed", "gamma is shared by every row of the "
            "batch, so dgamma must be summed over axis 0 to shape (D,)",
            batchnorm_backward_dgamma_not_summed),
    Mistake("batchnorm_backward_alt", "missing 1/N", "the closed form is gamma / (N * std) * "
            "(N * dout - sum(dout) - x_hat * sum(dout * x_hat)): the 1/N is missing",
            batchnorm_backward_alt_missing_n),
    Mistake("layernorm_forward", "normalizes over the batch", "layer norm normalizes each ROW "
            "(axis=1, keepdims=True), not each feature over the batch (axis 0)",
            layernorm_forward_axis0),
    Mistake("layernorm_forward", "eps outside sqrt", "eps belongs inside the square root: "
            "sqrt(var + eps), not sqrt(var) + eps", layernorm_forward_eps_outside),
    Mistake("layernorm_backward", "batch axis", "layer norm's backward sums over each row "
            "(axis=1), not over the batch as batch norm does", layernorm_backward_batch_axis),
)

ALTERNATIVES = (
    Alternative("batchnorm_forward", "in-place running averages",
                batchnorm_forward_in_place_running),
    Alternative("batchnorm_backward", "closed form with x - mu", batchnorm_backward_closed_form),
    Alternative("batchnorm_backward_alt", "einsum", batchnorm_backward_alt_einsum),
    Alternative("layernorm_forward", "transposed batchnorm",
                layernorm_forward_transposed_batchnorm),
    Alternative("layernorm_backward", "computational graph", layernorm_backward_graph),
)
