"""Percent-format source of the initialization notebook (built by `grade build`)."""

# %% [markdown]
# # Data preprocessing and weight initialization
#
# Before the first gradient step two choices decide whether a network trains at all: how the
# input data is scaled, and how the weights are drawn. In this notebook you implement the
# common preprocessing steps in `preprocessing.py`, three weight initializers in
# `initializers.py`, and the lecture's experiment in `weight_init.py` that shows what each
# initializer does to the activations of a deep network.
#
# Run `check("initialization")` at any time to grade this part.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %%
import functools

import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## Part 1: preprocessing
#
# ### Why zero-centre?
#
# A neuron computes $f(\sum_i w_i x_i + b)$, so the gradient on weight $w_i$ is
# $x_i \cdot \partial L / \partial(\text{pre-activation})$. If every input $x_i$ is positive
# (raw pixels are 0..255), all these gradients share the sign of the one upstream number: the
# weights can only all grow or all shrink together, and reaching a point where some grow and
# others shrink takes a zig-zag path. Centring the data removes that constraint.
#
# The demonstration below takes one neuron and a batch of all-positive inputs: every row of
# the weight gradient has a single sign.

# %%
rng = np.random.default_rng(0)
positive_x = rng.uniform(0, 255, size=(1, 6))
upstream = np.array([[-0.3]])  # dL/d(pre-activation) for this example
print("gradient on the weights:", (positive_x.T @ upstream).ravel().round(1))
centred_x = positive_x - 127.5
print("same input centred:     ", (centred_x.T @ upstream).ravel().round(1))

# %% [markdown]
# ### Mean image and per-channel mean
#
# For images CS231n only centres: subtract the mean training *image* (AlexNet; a [3, 32, 32]
# array for CIFAR-10) or the per-*channel* mean (VGGNet; 3 numbers). Normalizing each feature to
# unit variance is unnecessary because all pixels already share one scale.
#
# The statistic is computed once, on the training set, and **the same numbers are subtracted
# from the validation and test sets**. Recomputing a mean on the test set would move the test
# inputs differently from the inputs the network was trained on. Every method below is
# therefore split into a `fit_*` function (training data in, statistics out) and a function
# that applies those statistics to any split.
#
# Implement `fit_mean_image`, `subtract_mean_image`, `fit_channel_mean` and
# `subtract_channel_mean`.

# %%
data = S.data.load_toy_dataset(num_train=500, num_val=100, num_test=100, subtract_mean=False)
X_train, X_val = data["X_train"], data["X_val"]
print("raw per-channel means of the training images:", X_train.mean(axis=(0, 2, 3)).round(2))

mean_image = S.preprocessing.fit_mean_image(X_train)
channel_mean = S.preprocessing.fit_channel_mean(X_train)
for name, centred_train, centred_val in (
        ("mean image", S.preprocessing.subtract_mean_image(X_train, mean_image),
         S.preprocessing.subtract_mean_image(X_val, mean_image)),
        ("channel mean", S.preprocessing.subtract_channel_mean(X_train, channel_mean),
         S.preprocessing.subtract_channel_mean(X_val, channel_mean))):
    print(f"{name:12s}: train mean {centred_train.mean():+.1e}, val mean {centred_val.mean():+.3f}"
          " (small but not 0: the validation set has its own sampling noise)")

# %%
fig, axes = plt.subplots(1, 3, figsize=(8, 2.5))
for c, ax in enumerate(axes):
    ax.imshow(mean_image[c], cmap="gray")
    ax.set_title(f"mean image, channel {c}")
    ax.axis("off")
plt.show()

# %% [markdown]
# ### Standardization, PCA and whitening
#
# For data whose features live on different scales, each feature is also divided by its
# training standard deviation, so that every dimension contributes equally. Beyond that, PCA
# rotates the centred data onto the eigenvectors of its covariance (the components become
# uncorrelated, and keeping the top k reduces the dimension), and *whitening* divides each
# component by the square root of its eigenvalue so that the covariance becomes the identity.
# Add a small eps to every eigenvalue first: components with eigenvalue ~0 are mostly noise,
# and dividing by sqrt(~0) would blow that noise up.
#
# Implement `fit_standardization`, `standardize`, `fit_pca`, `pca_project` and `pca_whiten`.
# Use the biased covariance (divide by N) and remember that `np.linalg.eigh` returns the
# eigenvalues in increasing order.

# %%
rng = np.random.default_rng(1)
cloud = rng.standard_normal((400, 2)) * [3.0, 0.6] @ np.array([[0.8, 0.6], [-0.6, 0.8]]) + [5, 2]
mean, eigvals, eigvecs = S.preprocessing.fit_pca(cloud)
stages = {
    "original": cloud,
    "centred": S.preprocessing.subtract_mean_image(cloud, cloud.mean(axis=0)),
    "decorrelated (PCA)": S.preprocessing.pca_project(cloud, mean, eigvecs, 2),
    "whitened": S.preprocessing.pca_whiten(cloud, mean, eigvals, eigvecs),
}
fig, axes = plt.subplots(1, 4, figsize=(12, 3))
for ax, (name, points) in zip(axes, stages.items(), strict=True):
    ax.scatter(*points.T, s=3)
    ax.set_title(name)
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_aspect("equal", "datalim")
plt.show()
print("eigenvalues:", eigvals.round(3))

# %% [markdown]
# Check the whitening numerically: compute the covariance of the whitened training cloud
# (biased, divide by N). It should be close to the identity.

# %%
whitened = stages["whitened"]
# BEGIN SOLUTION
covariance = whitened.T @ whitened / len(whitened)
# END SOLUTION
print(covariance.round(4))

# %%
check("initialization")

# %% [markdown]
# ## Part 2: weight initialization
#
# **All zeros?** Every neuron of a layer would compute the same output, receive the same
# gradient and make the same update: the neurons never become different. The symmetry must be
# broken with random weights.
#
# **Small random numbers**, `W = 0.01 * randn(fan_in, fan_out)`, work for small networks, but in
# a deep one each layer multiplies the scale of the activations by about
# 0.01 * sqrt(fan_in) = 0.22 (for 500 inputs), and tanh only shrinks it further. After ten
# layers the activations are ~0, and since the gradient on W is the layer's *input* times the
# upstream gradient, the deep layers barely learn.
#
# **Large random numbers**, `1.0 * randn`, give pre-activations with std ~ sqrt(500) = 22: tanh
# saturates at -1 and +1, its local gradient 1 - tanh^2 is ~0, and nothing learns either.
#
# **Xavier** initialization, `randn(fan_in, fan_out) / sqrt(fan_in)`, keeps the variance of
# h @ W equal to that of h (for linear units, which tanh is near 0). With **ReLU**, half of the
# units output 0, which halves the variance at every layer; **He** initialization,
# `randn(fan_in, fan_out) * sqrt(2 / fan_in)`, compensates with the factor 2.
#
# Implement `small_random_init`, `xavier_init` and `he_init` (draw from the `rng` you are
# given) and `activation_statistics`.

# %%
rng = np.random.default_rng(231)
for name, init in (("small_random_init", S.initializers.small_random_init),
                   ("xavier_init", S.initializers.xavier_init),
                   ("he_init", S.initializers.he_init)):
    W = init(500, 100, rng=rng)
    print(f"{name:18s} shape {W.shape}, std {W.std():.4f}")
print("targets: 0.01, 1/sqrt(500) =", round(1 / np.sqrt(500), 4), ", sqrt(2/500) =",
      round(np.sqrt(2 / 500), 4))

# %% [markdown]
# ### The lecture's experiment
#
# A batch of unit-Gaussian data goes through 10 layers of 500 units. For the histograms we
# need the activations themselves, not only their statistics: complete `layer_activations`,
# the same forward pass as your `activation_statistics`, returning every layer's output.

# %%
def layer_activations(X, hidden_dims, init, nonlinearity, rng):
    """The list of every layer's activations nonlinearity(h @ W), W = init(fan_in, fan_out)."""
    outputs = []
    # BEGIN SOLUTION
    h = X
    for fan_out in hidden_dims:
        h = nonlinearity(h @ init(h.shape[1], fan_out, rng=rng))
        outputs.append(h)
    # END SOLUTION
    return outputs


tanh, relu = S.weight_init.tanh_activation, S.weight_init.relu_activation
X = np.random.default_rng(0).standard_normal((100, 500))
cases = {
    "0.01 * randn, tanh": (S.initializers.small_random_init, tanh),
    "1.0 * randn, tanh": (functools.partial(S.initializers.small_random_init, scale=1.0), tanh),
    "Xavier, tanh": (S.initializers.xavier_init, tanh),
    "Xavier, ReLU": (S.initializers.xavier_init, relu),
    "He, ReLU": (S.initializers.he_init, relu),
}

# %%
SHOWN = (1, 2, 4, 6, 8, 10)  # layers to draw
fig, axes = plt.subplots(len(cases), len(SHOWN), figsize=(11, 1.5 * len(cases)))
fig.subplots_adjust(left=0.16, hspace=0.5)
for row, (name, (init, nonlinearity)) in zip(axes, cases.items(), strict=True):
    outputs = layer_activations(X, (500,) * 10, init, nonlinearity, np.random.default_rng(1))
    span = max(1e-12, max(np.abs(h).max() for h in outputs))
    for ax, layer in zip(row, SHOWN, strict=True):
        values = outputs[layer - 1].ravel()[:5000]  # a sample shows the shape, much faster
        if nonlinearity is relu:  # leave out the exact zeros of the inactive half
            ax.hist(values[values > 0], bins=25, range=(0, span))
        else:
            ax.hist(values, bins=25, range=(-span, span))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"layer {layer}", fontsize=7)
    row[0].set_ylabel(name, rotation=0, ha="right", fontsize=8)
plt.show()

# %% [markdown]
# The same story in numbers, from your `activation_statistics`: the std of every layer's
# activations, on a log scale.

# %%
for name, (init, nonlinearity) in cases.items():
    stats = S.weight_init.activation_statistics(X, init=init, nonlinearity=nonlinearity,
                                                rng=np.random.default_rng(1))
    plt.semilogy(np.arange(1, 11), stats[:, 1], "o-", label=name)
plt.xlabel("layer")
plt.ylabel("std of the activations")
plt.legend(fontsize=8)
plt.show()

# %% [markdown]
# Questions to think about:
# 1. With 0.01 * randn, what do the gradients on the deep layers' weights look like?
# 2. With 1.0 * randn, the activations look "healthy" in std (~0.98). Why are they not?
# 3. Why does Xavier under ReLU still collapse, more slowly than 0.01 * randn?
#
# Proper initialization is an active research area; batch normalization (next assignment)
# makes networks much less sensitive to it.

# %%
check("initialization")
