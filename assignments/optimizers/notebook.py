"""Percent-format source of the optimizers notebook (built by `grade build`)."""

# %% [markdown]
# # Optimizers: from SGD to Adam
#
# Training a network means walking downhill on a loss surface with only local information: the
# gradient of a mini-batch. Vanilla SGD, `w -= learning_rate * dw`, has three well-known
# problems, and each optimizer of this notebook answers one of them:
#
# 1. **Zig-zag on ill-conditioned surfaces.** When the loss changes fast along one direction and
#    slowly along another (a large condition number of the Hessian), the gradient points mostly
#    across the narrow valley instead of along it. SGD jitters from wall to wall and crawls
#    along the floor.
# 2. **Local minima and saddle points.** Where the gradient is zero, SGD stops. In high
#    dimensions saddle points (uphill in some directions, downhill in others) are far more
#    common than local minima, and the gradient is also tiny *near* them, so progress stalls.
# 3. **Noise.** Mini-batch gradients are noisy estimates of the true gradient, so the path
#    wanders.
#
# You implement six update rules in `optim.py`, all with the CS231n interface
# `next_w, config = rule(w, dw, config)`; `config` holds the hyperparameters *and* the state
# (velocity, cache, moments, step count) that the Solver passes back on the next step.
# Run `check("optimizers")` at any time to grade this part.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %%
import matplotlib.pyplot as plt
import numpy as np

from grader.notebook_support import rel_error

# %% [markdown]
# ## A surface to optimize
#
# A quadratic bowl $f(x, y) = \frac12 (x^2 + 20 y^2)$ is the simplest ill-conditioned problem:
# its curvature is 20 times larger along y than along x. `run` applies an update rule for a few
# steps, feeding the returned config back in exactly as the Solver does.

# %%
CURVATURE = np.array([1.0, 20.0])


def bowl_grad(p):
    return CURVATURE * p


def run(rule, config, steps=60, start=(-9.0, 2.0), grad=bowl_grad, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    p, path = np.array(start), [np.array(start)]
    for _ in range(steps):
        g = grad(p) + noise * rng.standard_normal(2)
        p, config = rule(p, g, config)
        path.append(np.array(p))
    return np.array(path)


def contours(ax, f=lambda x, y: 0.5 * (x**2 + 20 * y**2), span=(-10, 10, -3, 3)):
    xs, ys = np.meshgrid(np.linspace(*span[:2], 200), np.linspace(*span[2:], 200))
    ax.contour(xs, ys, f(xs, ys), levels=20, cmap="Greys", linewidths=0.6)

# %% [markdown]
# ## SGD
#
# Implement `sgd`. With a learning rate small enough to be stable along y (below 2/20 = 0.1)
# it crawls along x; a little larger and it zig-zags across the valley.

# %%
fig, ax = plt.subplots(figsize=(9, 3))
contours(ax)
for lr in (0.02, 0.09):
    path = run(S.optim.sgd, {"learning_rate": lr})
    ax.plot(*path.T, ".-", label=f"sgd, lr {lr}")
ax.legend()
ax.set_title("SGD on an ill-conditioned bowl: slow along x, zig-zag along y")
plt.show()

# %% [markdown]
# ## Momentum and Nesterov momentum
#
# Momentum keeps a running velocity, a decaying sum of past gradients, and steps along it:
#
# ```
# v = momentum * v - learning_rate * dw
# w = w + v
# ```
#
# Gradients that keep pointing the same way (along the valley) add up; those that flip sign
# (across it) cancel. The velocity also carries the point through saddle points and small
# local minima, and averages away some gradient noise. `momentum` (often 0.9) acts like
# friction. Be careful with the form: `v = mu * v + dw; w -= lr * v` stores a differently
# scaled velocity, and the expected numbers (and the Solver) assume the form above.
#
# **Nesterov momentum** evaluates the gradient at the look-ahead point w + mu * v instead of
# at w. Rewritten in terms of the look-ahead variable (CS231n notes), the update only needs
# the gradient at the current point:
#
# ```
# v_prev = v
# v = momentum * v - learning_rate * dw
# w = w - momentum * v_prev + (1 + momentum) * v
# ```
#
# Implement `sgd_momentum` and `nesterov_momentum`. The relative error of momentum on the
# CS231n test case should be around 1e-8 or less.

# %%
N, D = 4, 5
w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
v = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)

next_w, config = S.optim.sgd_momentum(w, dw, {"learning_rate": 1e-3, "velocity": v})
expected_next_w = np.asarray([
    [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
    [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
    [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
    [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]])
print("sgd_momentum next_w error:", rel_error(next_w, expected_next_w))

# %%
fig, ax = plt.subplots(figsize=(9, 3))
contours(ax)
for name, rule in (("sgd", S.optim.sgd), ("momentum", S.optim.sgd_momentum),
                   ("nesterov", S.optim.nesterov_momentum)):
    path = run(rule, {"learning_rate": 0.02})
    ax.plot(*path.T, ".-", label=name, markersize=3)
ax.legend()
ax.set_title("Momentum builds up speed along the valley; Nesterov overshoots less")
plt.show()

# %% [markdown]
# ### Saddle points
#
# On $f(x, y) = x^2 - y^2$ started almost exactly on the ridge, the gradient along y is tiny.
# SGD barely moves away from the saddle at the origin; momentum accumulates the small push and
# escapes much sooner. Compute, for each rule, the first step at which |y| exceeds 1.

# %%
def saddle_grad(p):
    return np.array([2 * p[0], -2 * p[1]])


escape = {}
for name, rule in (("sgd", S.optim.sgd), ("momentum", S.optim.sgd_momentum)):
    path = run(rule, {"learning_rate": 0.01}, steps=400, start=(1.0, 1e-3), grad=saddle_grad)
    # BEGIN SOLUTION
    escape[name] = int(np.argmax(np.abs(path[:, 1]) > 1))
    # END SOLUTION
print("steps to escape the saddle:", escape)

# %% [markdown]
# ## AdaGrad and RMSProp: per-parameter step sizes
#
# AdaGrad divides every coordinate's step by the square root of the sum of its squared
# gradients so far:
#
# ```
# cache += dw**2
# w -= learning_rate * dw / (sqrt(cache) + epsilon)
# ```
#
# Steep directions (large gradients) get small steps and flat directions get large ones, which
# evens out the progress along x and y. But the cache only grows, so the steps shrink towards
# zero: fine for convex problems, often too early a stop for neural networks.
#
# RMSProp ("leaky AdaGrad") replaces the sum by a moving average, so the step size adapts
# without decaying to zero:
#
# ```
# cache = decay_rate * cache + (1 - decay_rate) * dw**2
# w -= learning_rate * dw / (sqrt(cache) + epsilon)
# ```
#
# The square root matters: without it the step scales like 1/|dw| instead of being
# normalized (on the test case below that gives a relative error of about 1e-2, small enough
# to pass a careless check). Epsilon goes outside the square root.
#
# Implement `adagrad` and `rmsprop`.

# %%
cache = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
next_w, _ = S.optim.rmsprop(w, dw, {"learning_rate": 1e-2, "cache": cache})
expected_next_w = np.asarray([
    [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
    [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
    [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
    [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]])
print("rmsprop next_w error:", rel_error(next_w, expected_next_w))

# %% [markdown]
# ## Adam
#
# Adam combines both ideas: a momentum-like first moment `m` and an RMSProp-like second moment
# `v`. Both start at 0, so in the first steps they are biased towards 0; with beta2 = 0.999 the
# second moment is about 1000 times too small after one step, and dividing by its square root
# would make the first step about 30 times too large. The *bias correction* divides each moment
# by (1 - beta**t):
#
# ```
# t += 1                                   # before anything else
# m = beta1 * m + (1 - beta1) * dw
# v = beta2 * v + (1 - beta2) * dw**2
# w -= learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon)
# ```
#
# Increment `t` *before* using it: with t incremented afterwards the test case is off by only
# 1.5e-3, another error a loose check would miss. Implement `adam`; the error should be around
# 1e-7 or less. Good defaults: beta1 = 0.9, beta2 = 0.999, learning_rate 1e-3 or 5e-4.

# %%
m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
v = np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
next_w, config = S.optim.adam(w, dw, {"learning_rate": 1e-2, "m": m, "v": v, "t": 5})
expected_next_w = np.asarray([
    [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
    [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
    [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
    [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]])
print("adam next_w error:", rel_error(next_w, expected_next_w))
print("t after the step:", config["t"], "(expected 6)")

# %% [markdown]
# What does the bias correction buy? Compute the size of Adam's very first step from fresh
# state for a gradient of 0.5, once with your `adam` and once by hand *without* the bias
# correction (m and v after one step, then learning_rate * m / (sqrt(v) + epsilon)).

# %%
lr, beta1, beta2, eps, g = 1e-3, 0.9, 0.999, 1e-8, 0.5
with_correction = abs(S.optim.adam(np.zeros(1), np.full(1, g), {"learning_rate": lr})[0][0])
# BEGIN SOLUTION
m1, v1 = (1 - beta1) * g, (1 - beta2) * g**2
without_correction = lr * m1 / (np.sqrt(v1) + eps)
# END SOLUTION
print(f"first step with bias correction {with_correction:.2e} (about the learning rate); "
      f"without {without_correction:.2e}")

# %%
fig, ax = plt.subplots(figsize=(9, 3))
contours(ax)
for name, rule, lr in (("sgd", S.optim.sgd, 0.02), ("momentum", S.optim.sgd_momentum, 0.02),
                       ("adagrad", S.optim.adagrad, 1.0), ("rmsprop", S.optim.rmsprop, 0.1),
                       ("adam", S.optim.adam, 0.5)):
    path = run(rule, {"learning_rate": lr})
    ax.plot(*path.T, ".-", label=f"{name} (lr {lr})", markersize=3)
ax.legend(fontsize=7)
ax.set_title("The same bowl: adaptive methods even out the progress along x and y")
plt.show()

# %% [markdown]
# ## Learning-rate decay
#
# With noisy gradients a constant learning rate leaves the parameters bouncing around the
# minimum at a distance set by the step size. Decaying the rate (step decay, e.g. halve it
# every few epochs; exponential decay; 1/t decay) lets the path settle. It matters most for
# SGD with momentum and is a second-order hyperparameter: first find a good constant rate,
# then watch the loss curve and add decay where it flattens. `schedules.py` (given) has the
# three common schedules; the Solver applies one per epoch.

# %%
epochs = np.arange(30)
for schedule in (S.schedules.step_decay(1e-2, drop=0.5, every=10),
                 S.schedules.exponential_decay(1e-2, k=0.1),
                 S.schedules.inverse_time_decay(1e-2, k=0.3)):
    plt.plot(epochs, [schedule(e) for e in epochs], label=type(schedule).__name__)
plt.xlabel("epoch")
plt.ylabel("learning rate")
plt.legend()
plt.show()

# %%
schedule = S.schedules.step_decay(0.05, drop=0.3, every=100)  # here one "epoch" is one step
window = np.ones(20) / 20
for name in ("constant", "step decay"):
    rng = np.random.default_rng(1)
    p, config, loss = np.array([-9.0, 2.0]), {"learning_rate": 0.05}, []
    for k in range(400):
        if name == "step decay":
            config["learning_rate"] = schedule(k)
        p, config = S.optim.sgd(p, bowl_grad(p) + 3 * rng.standard_normal(2), config)
        loss.append(0.5 * (p[0] ** 2 + 20 * p[1] ** 2))
    plt.semilogy(np.convolve(loss, window, mode="valid"), label=name)
plt.xlabel("step")
plt.ylabel("loss (moving average of 20 steps)")
plt.title("Noisy gradients: each decay step lowers the noise floor")
plt.legend()
plt.show()

# %% [markdown]
# ## Check your work

# %%
check("optimizers")
