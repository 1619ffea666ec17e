"""Percent-format source of the regularization notebook (built by `grade build`)."""

# %% [markdown]
# # Regularization: dropout, weight penalties, augmentation, ensembles
#
# The lecture's common pattern: **add randomness (or a penalty) at training time, average it
# out at test time**, so the network cannot overfit the training set by memorizing it. You
# implement inverted dropout in `layers.py`, weight penalties in `regularization.py`, data
# augmentation in `augmentation.py` and ensembles / Polyak averaging in `ensembles.py`.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

# %%
import matplotlib.pyplot as plt
import numpy as np

from grader.notebook_support import eval_numerical_gradient_array, rel_error
from reference.data import load_toy_dataset

rng = np.random.default_rng(231)
data = load_toy_dataset(num_train=500, num_val=500, num_test=10)
X_train, y_train = data["X_train"].reshape(500, -1), data["y_train"]
X_val, y_val = data["X_val"].reshape(500, -1), data["y_val"]

# %% [markdown]
# ## Inverted dropout
#
# In train mode, keep each unit with probability p (CS231n's p is the KEEP probability) and
# zero the rest. At test time we want the *expected* train-time output, which is p * x. Vanilla
# dropout multiplies by p at test time; inverted dropout divides the kept units by p at train
# time instead, so test time is the plain identity and the prediction code needs no change.

# %%
x = rng.standard_normal((200, 200)) + 10
for p in (0.25, 0.4, 0.7):
    out_train, _ = S.layers.dropout_forward(x, {"mode": "train", "p": p})
    out_test, _ = S.layers.dropout_forward(x, {"mode": "test", "p": p})
    print(f"p={p}: zeroed {np.mean(out_train == 0):.3f} (expected {1 - p:.2f}), "
          f"train mean {out_train.mean():.3f}, test mean {out_test.mean():.3f}, "
          f"input mean {x.mean():.3f}")

# %% [markdown]
# The backward pass sends gradient only through the units that were kept. With a fixed seed
# the mask is the same on every call, which is what makes a numeric gradient check possible.

# %%
x = rng.standard_normal((10, 10)) + 10
dout = rng.standard_normal((10, 10))
param = {"mode": "train", "p": 0.2, "seed": 123}
_, cache = S.layers.dropout_forward(x, param)
dx = S.layers.dropout_backward(dout, cache)
dx_num = eval_numerical_gradient_array(lambda x: S.layers.dropout_forward(x, param)[0], x, dout)
print("dx error:", rel_error(dx, dx_num))

# %% [markdown]
# ## L2 and L1 penalties
#
# L2 (0.5 * reg * sum W**2, gradient reg * W) prefers many small weights: it spreads the
# reliance over all inputs. L1 (reg * sum |W|, gradient reg * sign W) pushes with constant force
# however small a weight gets, so many weights end at (almost) exactly zero. Train a linear
# softmax classifier on the toy data with each penalty and compare the weights.
#
# Write `sparsity(W)`: the fraction of weights whose magnitude is below `tol`.

# %%
def sparsity(W, tol=1e-3):
    # BEGIN SOLUTION
    return float(np.mean(np.abs(W) < tol))
    # END SOLUTION


def train_linear(penalty, reg, steps=80, lr=0.5, seed=0, subset=None):
    X, y = (X_train, y_train) if subset is None else (X_train[subset], y_train[subset])
    W = 0.001 * np.random.default_rng(seed).standard_normal((X.shape[1], 10))
    b = np.zeros(10)
    for _ in range(steps):
        scores, cache = S.layers.affine_forward(X, W, b)
        _, dscores = S.layers.softmax_loss(scores, y)
        _, dW, db = S.layers.affine_backward(dscores, cache)
        _, dR = penalty(W, reg)
        W, b = W - lr * (dW + dR), b - lr * db
    return W, b


fits = {"L2": train_linear(S.regularization.l2_penalty, 0.02),
        "L1": train_linear(S.regularization.l1_penalty, 0.002)}
for name, (W, b) in fits.items():
    acc = np.mean(np.argmax(X_val @ W + b, axis=1) == y_val)
    print(f"{name}: val accuracy {acc:.3f}, {sparsity(W):.1%} of weights below 1e-3")
    plt.hist(W.ravel(), bins=80, alpha=0.6, label=name)
plt.legend()
plt.title("weights after training")
plt.show()

# %% [markdown]
# `params_penalty` applies a penalty to every weight matrix of a model and leaves biases and
# batchnorm's gamma / beta alone: they do not multiply inputs, so shrinking them does not make
# the function smoother, it only fights the data loss.

# %%
penalty, grads = S.regularization.params_penalty({"W1": np.ones((2, 2)), "b1": np.ones(2)}, 0.1)
print(penalty, {k: v.tolist() for k, v in grads.items()})

# %% [markdown]
# ## Data augmentation
#
# Transformations that keep the label (a mirrored or slightly shifted cat is still a cat)
# multiply the training data. Here are a few toy images, flipped and randomly shifted by
# padding 2 pixels and cropping back to 8x8.

# %%
images = data["X_train"][:4]
aug_rng = np.random.default_rng(0)
rows = [images, S.augmentation.horizontal_flip(images),
        S.augmentation.random_crop(images, 8, aug_rng, padding=2),
        S.augmentation.center_crop(images, 6)]
fig, axes = plt.subplots(len(rows), 4, figsize=(6, 6))
for r, batch in enumerate(rows):
    for c in range(4):
        img = batch[c].transpose(1, 2, 0)
        axes[r, c].imshow((img - img.min()) / (np.ptp(img) + 1e-12))
        axes[r, c].axis("off")
plt.show()

# %% [markdown]
# ## Ensembles and Polyak averaging
#
# Several independently trained models make partly independent errors, so averaging their
# predicted probabilities usually helps a little (the lecture: about 2%). A cheaper cousin is
# Polyak averaging: keep a running average of ONE model's parameters during training and
# evaluate with the average.

# %%
class Linear:
    """The Solver's model API: params, and loss(X) returning scores."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}

    def loss(self, X):
        return X @ self.params["W"] + self.params["b"]


# Each member sees a different random half of the training set (bagging), so their errors
# differ more than if only the initialization did.
halves = [np.random.default_rng(s).permutation(500)[:250] for s in range(3)]
models = [Linear(*train_linear(S.regularization.l2_penalty, 0.02, steps=40, seed=s, subset=h))
          for s, h in enumerate(halves)]
for i, m in enumerate(models):
    print(f"model {i}: val accuracy {np.mean(np.argmax(m.loss(X_val), 1) == y_val):.3f}")
probs, y_pred = S.ensembles.ensemble_predict(models, X_val)
print(f"ensemble: val accuracy {np.mean(y_pred == y_val):.3f}")

avg, params = None, dict(models[0].params)
batch_rng = np.random.default_rng(1)
for _ in range(60):
    idx = batch_rng.choice(500, 20)
    scores, cache = S.layers.affine_forward(X_train[idx], params["W"], params["b"])
    _, dscores = S.layers.softmax_loss(scores, y_train[idx])
    _, dW, db = S.layers.affine_backward(dscores, cache)
    params = {"W": params["W"] - 2.0 * dW, "b": params["b"] - 2.0 * db}
    avg = S.ensembles.polyak_update(avg, params, decay=0.9)
for name, p in (("live parameters", params), ("Polyak average", avg)):
    print(f"{name}: val accuracy {np.mean(np.argmax(Linear(**p).loss(X_val), 1) == y_val):.3f}")

# %%
check("dropout_regularization")
