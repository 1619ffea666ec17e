"""Percent-format source of the activations notebook (built by `grade build`)."""

# %% [markdown]
# # Activation functions
#
# A neuron computes a weighted sum of its inputs and passes it through a non-linearity. Which
# non-linearity you choose decides whether gradients can flow back through a deep network.
# In this notebook you implement seven of them in `layers.py` (forward and backward), check
# them against numeric gradients, and reproduce the lecture's arguments with small experiments.
#
# Work in `layers.py`; run `check("activations")` at any time to grade this part.

# %%
import matplotlib.pyplot as plt
import numpy as np

from grader.notebook_support import check, eval_numerical_gradient_array, load_student, rel_error

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %% [markdown]
# ## Sigmoid: three problems
#
# $\sigma(x) = 1 / (1 + e^{-x})$ squashes numbers into (0, 1). The lecture lists three problems:
#
# 1. **Saturated neurons kill gradients.** When |x| is large, $\sigma'(x) = \sigma(x)(1-\sigma(x))$
#    is almost 0; by the chain rule every gradient flowing back through that neuron is
#    multiplied by almost 0, and the weights below it stop learning.
# 2. **Outputs are not zero-centred.** If every input to a neuron is positive, the gradients on
#    all its weights have the same sign (the sign of the upstream gradient), so the weights can
#    only all increase or all decrease together: updates zig-zag towards the optimum.
# 3. **exp() is expensive** compared with a comparison.
#
# Implement `sigmoid_forward` and `sigmoid_backward`. Your forward must be *stable*: for
# x = -1e4 the naive formula computes exp(1e4), which overflows. Write it with exp(-|x|).

# %%
x = np.linspace(-10, 10, 201)
s, cache = S.layers.sigmoid_forward(x)
ds = S.layers.sigmoid_backward(np.ones_like(x), cache)
plt.plot(x, s, label="sigmoid(x)")
plt.plot(x, ds, label="local gradient")
plt.axvspan(-10, -5, alpha=0.1, color="red")
plt.axvspan(5, 10, alpha=0.1, color="red", label="saturated: gradient < 0.007")
plt.legend()
plt.title("Sigmoid saturates on both sides")
plt.show()

# %% [markdown]
# How much of a layer is saturated depends on the scale of its inputs. The fraction of units
# whose local gradient is below 1% of its maximum (0.25) grows quickly with the input scale:

# %%
rng = np.random.default_rng(0)
for scale in (0.5, 2, 5, 20):
    pre_activations = rng.standard_normal(10000) * scale
    out, cache = S.layers.sigmoid_forward(pre_activations)
    local = S.layers.sigmoid_backward(np.ones_like(out), cache)
    print(f"input std {scale:5}: {np.mean(local < 0.0025):6.1%} of units saturated")

# %% [markdown]
# ## tanh and ReLU
#
# tanh is zero-centred (problem 2 fixed) but still saturates. ReLU, max(0, x), does not saturate
# for x > 0, is a single comparison, and in practice converges about six times faster than
# sigmoid/tanh (Krizhevsky et al. 2012). Its weakness: a unit whose input is always negative
# never activates and never gets a gradient again (a *dead ReLU*; initialise biases slightly
# positive or use a leaky variant).
#
# Implement `tanh_forward/backward` and `relu_forward/backward`, then check the backward
# passes against central differences. The relative errors should be around 1e-10 or less.

# %%
x = rng.standard_normal((4, 5))
dout = rng.standard_normal((4, 5))
for name in ("relu", "tanh", "sigmoid"):
    forward = getattr(S.layers, f"{name}_forward")
    backward = getattr(S.layers, f"{name}_backward")
    dx_num = eval_numerical_gradient_array(lambda v: forward(v)[0], x, dout)
    dx = backward(dout, forward(x)[1])
    print(f"{name}_backward relative error: {rel_error(dx, dx_num):.2e}")

# %%
check("activations")

# %% [markdown]
# ## Leaky ReLU, PReLU, ELU and maxout
#
# * **Leaky ReLU** keeps a small slope (0.01) for x < 0, so units never die.
# * **PReLU** learns that slope, one per feature: its backward also returns `dalpha`, summed
#   over the batch because every row shares the same alpha.
# * **ELU** is smooth, saturates to -alpha for very negative x (robust to noise) and has
#   outputs closer to zero mean; it costs an exp.
# * **Maxout** takes the max of two linear functions: it generalises ReLU and leaky ReLU, never
#   saturates or dies, but doubles the parameters.

# %%
x = np.linspace(-3, 3, 121)
for name, args in (("relu", ()), ("leaky_relu", (0.1,)), ("elu", (1.0,))):
    out, _ = getattr(S.layers, f"{name}_forward")(x, *args)
    plt.plot(x, out, label=name)
plt.legend()
plt.title("ReLU and friends")
plt.show()

# %% [markdown]
# **Inline question.** Why does the lecture recommend trying ReLU first, leaky ReLU / maxout /
# ELU next, tanh without expecting much, and never sigmoid in hidden layers? Answer in one
# paragraph, referring to the experiments above.

# %%
check("activations")
