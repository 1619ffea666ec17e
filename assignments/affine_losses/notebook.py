"""Percent-format source of the affine layers and losses notebook (built by `grade build`)."""

# %% [markdown]
# # Affine layers, softmax and SVM losses
#
# Every network in this unit ends with an affine (fully connected) layer producing class
# scores, and a loss that turns scores and labels into one number. In this notebook you
# implement `affine_forward`, `affine_backward`, `softmax_loss` and `svm_loss` in `layers.py`,
# check them numerically, and look at the "sanity check" the lecture recommends before any
# training: with small random weights the initial loss is predictable.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %%
import matplotlib.pyplot as plt
import numpy as np

from grader.notebook_support import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)
from reference.data import load_toy_dataset

# %% [markdown]
# ## Affine forward
#
# An image batch arrives as (N, C, H, W); the affine layer treats each example as one long
# vector of D = C*H*W numbers. Reshape `x` to (N, D), multiply by `w` (D, M) and add `b` (M,).
# CS231n's notebook published the output for these exact inputs; your error should be ~1e-9
# (the published numbers are rounded to 8 decimals).

# %%
x = np.linspace(-0.1, 0.5, num=240).reshape(2, 4, 5, 6)
w = np.linspace(-0.2, 0.3, num=360).reshape(120, 3)
b = np.linspace(-0.3, 0.1, num=3)
out, _ = S.layers.affine_forward(x, w, b)
correct_out = np.array([[1.49834967, 1.70660132, 1.91485297],
                        [3.25553199, 3.5141327, 3.77273342]])
print("difference:", rel_error(out, correct_out))

# %% [markdown]
# ## Affine backward
#
# `dx` must come back in x's ORIGINAL shape (10, 2, 3), because the layer below expects a
# gradient shaped like its own output. `db` sums over the batch: the same b was added to every
# row, so every row's gradient flows into it.

# %%
rng = np.random.default_rng(231)
x, w, b = rng.standard_normal((10, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
dout = rng.standard_normal((10, 5))
_, cache = S.layers.affine_forward(x, w, b)
dx, dw, db = S.layers.affine_backward(dout, cache)
dx_num = eval_numerical_gradient_array(lambda x: S.layers.affine_forward(x, w, b)[0], x, dout)
dw_num = eval_numerical_gradient_array(lambda w: S.layers.affine_forward(x, w, b)[0], w, dout)
db_num = eval_numerical_gradient_array(lambda b: S.layers.affine_forward(x, w, b)[0], b, dout)
print("dx error:", rel_error(dx, dx_num), " dw error:", rel_error(dw, dw_num),
      " db error:", rel_error(db, db_num))

# %% [markdown]
# ## Softmax and SVM losses
#
# Softmax turns scores into probabilities and charges -log(probability of the correct class);
# the multiclass SVM charges max(0, s_j - s_y + 1) for every wrong class j. Both losses are
# *means* over the batch, so `dx` is divided by N too.
#
# Softmax must survive huge scores: exp(1000) overflows to inf, and inf/inf is NaN. Subtracting
# each row's maximum changes nothing mathematically (softmax is invariant to adding a constant
# to all scores) but keeps every exponent <= 0.

# %%
x = 0.001 * rng.standard_normal((50, 10))
y = rng.integers(0, 10, size=50)
for name in ("softmax_loss", "svm_loss"):
    fn = getattr(S.layers, name)
    loss, dx = fn(x, y)
    dx_num = eval_numerical_gradient(lambda x: fn(x, y)[0], x)
    print(f"{name}: loss {loss:.6f}, dx error {rel_error(dx, dx_num):.2e}")
print("softmax with scores around 1000:", S.layers.softmax_loss(x + 1000, y)[0])

# %% [markdown]
# ## Sanity check: the initial loss
#
# With small random weights all scores are nearly equal. Then every class gets probability
# 1/C and the softmax loss is -log(1/C) = ln C; every wrong class violates the SVM margin by
# exactly 1, so the SVM loss is C - 1. If your network's first loss is far from these values,
# something is wrong before training even starts.
#
# Write `expected_initial_losses(C)` returning (softmax loss, SVM loss) for equal scores.

# %%
def expected_initial_losses(num_classes):
    # BEGIN SOLUTION
    return float(np.log(num_classes)), float(num_classes - 1)
    # END SOLUTION


data = load_toy_dataset(num_train=500, num_val=10, num_test=10)
X = data["X_train"].reshape(500, -1)
W = 0.001 * np.random.default_rng(0).standard_normal((X.shape[1], 10))
scores, _ = S.layers.affine_forward(X, W, np.zeros(10))
print("softmax initial loss", S.layers.softmax_loss(scores, data["y_train"])[0],
      "expected", expected_initial_losses(10)[0])
print("svm initial loss    ", S.layers.svm_loss(scores, data["y_train"])[0],
      "expected", expected_initial_losses(10)[1])

# %% [markdown]
# How the two losses treat one example as the correct class's score pulls ahead of the others:
# the SVM is satisfied (zero loss, zero gradient) once the margin exceeds 1, softmax always
# wants a little more.

# %%
margins = np.linspace(-3, 4, 141)
soft, hinge = [], []
for m in margins:
    s = np.array([[m, 0.0, 0.0]])
    soft.append(S.layers.softmax_loss(s, np.array([0]))[0])
    hinge.append(S.layers.svm_loss(s, np.array([0]))[0])
plt.plot(margins, soft, label="softmax")
plt.plot(margins, hinge, label="SVM")
plt.xlabel("correct-class score minus the other scores")
plt.ylabel("loss")
plt.legend()
plt.show()

# %%
check("affine_losses")
