# %% [markdown]
# # Networks, babysitting the learning process, and hyperparameter search
#
# You have layers, losses and update rules. This notebook puts them together into networks
# (`TwoLayerNet`, `FullyConnectedNet`), trains them with the `Solver`, and walks through the
# lecture's recipe for *babysitting* training and for searching hyperparameters.
#
# Everything runs on the small embedded toy dataset (3x8x8 images, 10 classes), so each cell
# takes well under a second.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

import matplotlib.pyplot as plt
import numpy as np

data = S.data.load_toy_dataset(num_train=1000, num_val=200, num_test=0)
data = {k: v for k, v in data.items() if not k.endswith("_test")}
print({k: v.shape for k, v in data.items()})

# %% [markdown]
# ## Part 1: TwoLayerNet
#
# Implement `TwoLayerNet.__init__` and `TwoLayerNet.loss` in `fc_net.py`
# (affine - relu - affine - softmax, L2 term `0.5 * reg * sum(W**2)` on the weights only).
# The notebook's fixed model below must give loss 3.4702243556, and 26.5948426952 with reg=1.0.

# %%
N, D, H, C = 3, 5, 50, 7
model = S.fc_net.TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=1e-2)
model.params["W1"] = np.linspace(-0.7, 0.3, num=D * H).reshape(D, H)
model.params["b1"] = np.linspace(-0.1, 0.9, num=H)
model.params["W2"] = np.linspace(-0.3, 0.4, num=H * C).reshape(H, C)
model.params["b2"] = np.linspace(-0.9, 0.1, num=C)
X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
y = np.array([0, 5, 1])
print("loss", model.loss(X, y)[0], "(expected 3.4702243556)")
model.reg = 1.0
print("reg loss", model.loss(X, y)[0], "(expected 26.5948426952)")

# %%
check("networks")

# %% [markdown]
# ## Part 2: babysitting the learning process
#
# The lecture's sanity checks, *before* spending time on real training:
#
# 1. **Initial loss.** With small weights every score is about 0, softmax is uniform, and the
#    loss is $-\ln(1/C) = \ln C$: 2.30 for 10 classes (9 for the multiclass SVM with margin 1).
#    Anything else is a bug in the loss.
# 2. **Crank up regularization**: the loss must go up.
# 3. **Overfit a tiny subset** (20 examples, reg 0): a correct model reaches 100% training
#    accuracy and a loss near 0. If it cannot, do not bother with the full data.
# 4. **Find a learning rate** with a little regularization: *loss barely changing* means the
#    learning rate is too low; *loss exploding / NaN* means too high. Rough ranges to try are
#    1e-5 .. 1e-3 for real images; our toy data likes larger values.
#
# Implement `expected_softmax_initial_loss`, `expected_svm_initial_loss`, `check_initial_loss`,
# `loss_with_and_without_reg`, `diagnose_learning_rate`, `update_to_weight_ratios` and
# `sgd_update_ratios` in `babysitting.py`.

# %%
model = S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, num_classes=10, weight_scale=1e-3)
expected = S.babysitting.expected_softmax_initial_loss(10)
print("initial loss and ok:", S.babysitting.check_initial_loss(model, data["X_train"][:200],
                                                                data["y_train"][:200], expected))
print("reg 0 vs 1e3:", S.babysitting.loss_with_and_without_reg(model, data["X_train"][:200],
                                                                data["y_train"][:200]))
acc, solver = S.babysitting.overfit_small_subset(
    S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2), data, seed=0)
print("train accuracy on 20 examples:", acc)
plt.plot(solver.loss_history)
plt.xlabel("iteration"); plt.ylabel("loss"); plt.title("overfitting 20 examples")
plt.show()

# %% [markdown]
# ### Learning rates: too low, too high, about right
#
# The Solver stops by itself when the loss becomes NaN or exceeds 3x its first value, and says
# why in `solver.stop_reason`.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3))
for ax, lr in zip(axes, (1e-4, 1e-1, 1e2)):
    verdict, solver = S.babysitting.try_learning_rate(
        S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2), data, lr, seed=0)
    ax.plot(solver.loss_history)
    ax.set_title(f"lr {lr:g}: {verdict.name}")
    print(f"lr {lr:g}: {verdict.value}; stop_reason = {solver.stop_reason}")
plt.show()

# %% [markdown]
# ### Update / weight ratio
#
# A useful number to watch while training: the size of one update relative to the size of the
# weights, about **1e-3** when the learning rate is healthy.

# %%
model = S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2)
_, grads = model.loss(data["X_train"][:100], data["y_train"][:100])
for lr in (1e-4, 1e-2, 1.0):
    ratios = S.babysitting.sgd_update_ratios(model.params, grads, lr)
    print(f"lr {lr:g}: W1 {ratios['W1']:.1e}, W2 {ratios['W2']:.1e}")

# %%
check("networks")

# %% [markdown]
# ## Part 3: FullyConnectedNet with batchnorm / layernorm and dropout
#
# `{affine - [norm] - relu - [dropout]} x (L - 1) - affine - softmax`. The last layer is never
# normalized, gamma/beta are not regularized, dropout is active only in train mode.

# %%
for norm in (None, "batchnorm"):
    np.random.seed(0)
    net = S.fc_net.FullyConnectedNet([50, 50], input_dim=192, normalization=norm,
                                     weight_scale=5e-2)
    solver = S.solver.Solver(net, data, update_rule="sgd", optim_config={"learning_rate": 0.05},
                             num_epochs=3, batch_size=100, verbose=False)
    solver.train()
    plt.plot(solver.train_acc_history, "-o", label=f"train, {norm}")
    plt.plot(solver.val_acc_history, "--o", label=f"val, {norm}")
plt.xlabel("epoch"); plt.ylabel("accuracy"); plt.legend(); plt.show()

# %%
check("networks")

# %% [markdown]
# ## Part 4: hyperparameter search
#
# **Random beats grid.** Usually only one or two hyperparameters matter much, and we do not
# know which. A 4x4 grid tries only 4 values of the important one; 16 random trials try 16.
# Sample learning rates and regularization strengths **log-uniformly** (they act
# multiplicatively), then go **coarse to fine**: a few epochs over wide ranges, narrow around the
# best results, train longer. Watch out for a best value on the edge of its range: extend it.
#
# Implement `log_uniform`, `sample_hyperparams`, `grid_points` and `narrow_space` in
# `hyperparams.py`.

# %%
H = S.hyperparams
rng = np.random.default_rng(0)
space = {"learning_rate": H.ParamRange(1e-6, 1e-1), "reg": H.ParamRange(1e-5, 1e-1)}
objective = H.one_important_dimension_objective
grid = H.grid_search(objective, space, 4)
rand = H.random_search(objective, space, 16, rng)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, (name, results) in zip(axes, (("grid", grid), ("random", rand))):
    lrs = [p["learning_rate"] for p, _ in results]
    regs = [p["reg"] for p, _ in results]
    ax.scatter(lrs, regs, c=[s for _, s in results], cmap="viridis", vmin=0, vmax=0.9)
    ax.set_xscale("log"); ax.set_yscale("log")
    ax.set_title(f"{name}: best {H.best_result(results)[1]:.3f}")
    ax.set_xlabel("learning rate"); ax.set_ylabel("reg")
plt.show()

# %%
results, spaces = H.coarse_to_fine_search(objective, space, rng, num_rounds=3)
for i, sp in enumerate(spaces):
    r = sp["learning_rate"]
    print(f"round {i}: learning rate in [{r.low:.2e}, {r.high:.2e}]")
print("best:", H.best_result(results))

# %% [markdown]
# Your turn: write the search objective for a real (tiny) network.

# %%
def train_and_score(params):
    # BEGIN SOLUTION
    np.random.seed(0)
    net = S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, weight_scale=1e-2,
                               reg=params["reg"])
    solver = S.solver.Solver(net, data, update_rule="sgd",
                             optim_config={"learning_rate": params["learning_rate"]},
                             num_epochs=1, batch_size=100, verbose=False)
    solver.train()
    return solver.best_val_acc
    # END SOLUTION


small_space = {"learning_rate": H.ParamRange(1e-3, 1.0), "reg": H.ParamRange(1e-5, 1e-1)}
print(H.best_result(H.random_search(train_and_score, small_space, 4, rng)))

# %%
check("networks")
