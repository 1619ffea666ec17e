"""Percent-format source of the batch / layer normalization notebook (built by `grade build`)."""

# %% [markdown]
# # Batch normalization and layer normalization
#
# Deep networks train badly when the activations of each layer drift to tiny or huge scales.
# Batch normalization (the lecture: "consider a batch of activations at some layer; to make
# each dimension unit gaussian, apply x_hat = (x - E[x]) / sqrt(Var[x])") forces every feature
# to mean 0 and variance 1 over the minibatch, then lets the network undo that with a learned
# scale gamma and shift beta if it wants to ("squash the range if it wants to").
#
# You implement `batchnorm_forward`, `batchnorm_backward`, `batchnorm_backward_alt`,
# `layernorm_forward` and `layernorm_backward` in `layers.py`.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from grader.notebook_support import eval_numerical_gradient_array, rel_error
from reference.data import load_toy_dataset

rng = np.random.default_rng(231)

# %% [markdown]
# ## Train mode: batch statistics
#
# After the forward pass in train mode, each feature of the output should have mean beta and
# standard deviation gamma, whatever the input's scale.

# %%
x = 50 + 12 * rng.standard_normal((200, 3))
gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([0.0, -1.0, 5.0])
out, _ = S.layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
print("means:", out.mean(axis=0), " stds:", out.std(axis=0))

# %% [markdown]
# ## Test mode: running averages
#
# At test time there may be a single example, so there are no batch statistics to use. The
# lecture: "the mean/std are not computed based on the batch. Instead, a single fixed empirical
# mean of activations during training is used." During training every call updates
#
#     running = momentum * running + (1 - momentum) * batch_statistic
#
# and writes it back into `bn_param`, which the network keeps between calls.
#
# Starting from running_mean = 0 with batches whose mean is always mu, the running mean after
# k steps is a closed-form expression. Write it, then compare it with your layer.

# %%
def predicted_running_mean(mu, momentum, k):
    # BEGIN SOLUTION
    return (1 - momentum**k) * mu
    # END SOLUTION


bn_param = {"mode": "train", "momentum": 0.9}
true_mean = np.array([3.0, -2.0])
history = []
for _ in range(60):
    batch = true_mean + rng.standard_normal((64, 2))
    S.layers.batchnorm_forward(batch, np.ones(2), np.zeros(2), bn_param)
    history.append(bn_param["running_mean"].copy())
history = np.array(history)
steps = np.arange(1, 61)
plt.plot(steps, history[:, 0], label="running mean, feature 0")
plt.plot(steps, predicted_running_mean(true_mean[0], 0.9, steps), "--", label="prediction")
plt.axhline(true_mean[0], color="gray", lw=0.5)
plt.xlabel("training step")
plt.legend()
plt.show()

# %% [markdown]
# With the averages in place, test mode on a large batch gives almost what train mode gives;
# on a batch of ONE example, train mode would be meaningless (every feature minus its own mean
# is 0) while test mode still works.

# %%
bn_param["mode"] = "test"
big = true_mean + rng.standard_normal((5000, 2))
test_out, _ = S.layers.batchnorm_forward(big, np.ones(2), np.zeros(2), bn_param)
train_out, _ = S.layers.batchnorm_forward(big, np.ones(2), np.zeros(2), {"mode": "train"})
print("test vs train mode on a big batch, mean |difference|:", np.abs(test_out - train_out).mean())
one, _ = S.layers.batchnorm_forward(big[:1], np.ones(2), np.zeros(2), bn_param)
print("test mode on one example:", one)

# %% [markdown]
# ## Backward pass
#
# Backpropagate through the graph x -> x - mu -> var -> std -> x_hat -> gamma * x_hat + beta.
# `x - mu` feeds both the numerator and the variance: sum the gradients of both branches.
# Then derive the closed form for `batchnorm_backward_alt`; it must accept the SAME cache.

# %%
x = 5 * rng.standard_normal((4, 5)) + 12
gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
dout = rng.standard_normal((4, 5))
_, cache = S.layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})
dx, dgamma, dbeta = S.layers.batchnorm_backward(dout, cache)
f = lambda x: S.layers.batchnorm_forward(x, gamma, beta, {"mode": "train"})[0]
print("dx error:", rel_error(dx, eval_numerical_gradient_array(f, x, dout)))

x = rng.standard_normal((500, 500))
dout = rng.standard_normal((500, 500))
_, cache = S.layers.batchnorm_forward(x, np.ones(500), np.zeros(500), {"mode": "train"})
t0 = time.perf_counter()
plain = S.layers.batchnorm_backward(dout, cache)
t1 = time.perf_counter()
alt = S.layers.batchnorm_backward_alt(dout, cache)
t2 = time.perf_counter()
print(f"dx difference {rel_error(plain[0], alt[0]):.1e}, speedup {(t1 - t0) / (t2 - t1):.1f}x")

# %% [markdown]
# ## Why it helps: activations through a deep tanh network
#
# Ten tanh layers with weights a little too large saturate: most units sit at +-1, where the
# local gradient is 0. Normalizing each layer's input keeps it in tanh's linear range.

# %%
data = load_toy_dataset(num_train=500, num_val=10, num_test=10)
h0 = data["X_train"].reshape(500, -1)
stds = {"plain": [], "batchnorm": []}
for kind in stds:
    h = h0
    layer_rng = np.random.default_rng(0)
    for _ in range(10):
        a = h @ (layer_rng.standard_normal((h.shape[1], 100)) * 0.5)
        if kind == "batchnorm":
            a, _ = S.layers.batchnorm_forward(a, np.ones(100), np.zeros(100), {"mode": "train"})
        h = np.tanh(a)
        stds[kind].append(np.mean(np.abs(h) > 0.99))
for kind, sat in stds.items():
    plt.plot(range(1, 11), sat, marker="o", label=kind)
plt.xlabel("layer")
plt.ylabel("fraction of saturated units")
plt.legend()
plt.show()

# %% [markdown]
# ## Layer normalization
#
# Batch norm ties each example's output to the rest of its batch, which breaks down for small
# batches. Layer norm normalizes each example over its own features instead (axis 1), needs no
# running averages, and behaves identically at train and test time. An example's layer-norm
# output does not depend on which batch it came in:

# %%
x = rng.standard_normal((8, 6))
g, b = np.ones(6), np.zeros(6)
alone, _ = S.layers.layernorm_forward(x[:1], g, b, {"mode": "train"})
batched, _ = S.layers.layernorm_forward(x, g, b, {"mode": "train"})
bn_alone, _ = S.layers.batchnorm_forward(x[:2], g, b, {"mode": "train"})
bn_batched, _ = S.layers.batchnorm_forward(x, g, b, {"mode": "train"})
print("layer norm, example 0 alone vs in a batch:", rel_error(alone[0], batched[0]))
print("batch norm, example 0 in 2 vs 8 examples: ", rel_error(bn_alone[0], bn_batched[0]))
dout = rng.standard_normal((8, 6))
_, cache = S.layers.layernorm_forward(x, g, b, {})
dx, _, _ = S.layers.layernorm_backward(dout, cache)
f = lambda x: S.layers.layernorm_forward(x, g, b, {})[0]
print("layernorm dx error:", rel_error(dx, eval_numerical_gradient_array(f, x, dout)))

# %%
check("normalization")
