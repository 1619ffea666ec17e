# %% [markdown]
# # Transfer learning and CNN arithmetic
#
# **Transfer learning.** You rarely train a big network from scratch: train (or download) one on a
# large dataset (task A), then reuse it for your task B. What to do depends on how much data
# task B has and how similar it is to task A:
#
# | | similar data | very different data |
# |---|---|---|
# | **little data** | linear classifier on the top layer's features | trouble: try a linear classifier on features from lower layers |
# | **a lot of data** | fine-tune a few top layers | fine-tune more (or all) layers |
#
# Fine-tune with a learning rate several times smaller than for training from scratch, so the
# pretrained features are adjusted rather than destroyed.
#
# Here task A is classes 0-4 of the toy data, task B classes 5-9 with only 3 training images
# per class. The classes share building blocks, so features learned on A help with B.

# %%
from grader.notebook_support import check, load_student

S = load_student()  # your layers.py, optim.py, ... as S.layers, S.optim, ...

import matplotlib.pyplot as plt
import numpy as np

data = S.data.load_toy_dataset(num_train=2000, num_val=500, num_test=0)
data = {k: v for k, v in data.items() if not k.endswith("_test")}
task_a = S.transfer.select_classes(data, range(5))
task_b = S.transfer.select_classes(data, range(5, 10), max_train_per_class=3)
print({k: v.shape for k, v in task_b.items()})

# %% [markdown]
# ## Part 1: pretrain on task A, extract frozen features
#
# Implement `extract_features` (test-time behaviour: batchnorm with its running statistics, no
# change to the net) and `LinearSoftmaxClassifier.loss` in `transfer.py`.

# %%
np.random.seed(0)
net = S.fc_net.TwoLayerNet(input_dim=192, hidden_dim=50, num_classes=5, weight_scale=1e-2,
                           reg=1e-3)
solver = S.solver.Solver(net, task_a, update_rule="sgd", optim_config={"learning_rate": 0.1},
                         num_epochs=5, batch_size=50, verbose=False)
solver.train()
print("task A val accuracy", solver.best_val_acc)

clf, clf_solver = S.transfer.train_classifier_on_features(net, task_b, seed=0)
feats = S.transfer.extract_features(net, task_b["X_val"])
acc_feat = np.mean(np.argmax(clf.loss(feats), axis=1) == task_b["y_val"])

raw = {k: (v.reshape(len(v), -1) if k.startswith("X") else v) for k, v in task_b.items()}
baseline = S.transfer.LinearSoftmaxClassifier(192, 5, reg=1e-3, seed=0)
S.solver.Solver(baseline, raw, update_rule="sgd", optim_config={"learning_rate": 1e-2},
                num_epochs=30, batch_size=15, verbose=False).train()
acc_raw = np.mean(np.argmax(baseline.loss(raw["X_val"]), axis=1) == raw["y_val"])
plt.bar(["raw pixels", "frozen features"], [acc_raw, acc_feat])
plt.ylabel("task B val accuracy"); plt.show()

# %%
check("transfer_cnn")

# %% [markdown]
# ## Part 2: fine-tuning only the top layers
#
# Implement `TopLayersModel.loss`: the Solver only sees (and updates) the trainable params.

# %%
net_b = S.fc_net.FullyConnectedNet([50], input_dim=192, num_classes=5, weight_scale=1e-2)
net_b.params.update({k: net.params[k].astype(net_b.dtype) for k in ("W1", "b1")})
S.transfer.replace_top_layer(net_b, 5, seed=0)
frozen = net_b.params["W1"].copy()
ft = S.transfer.fine_tune(net_b, task_b, num_top_layers=1, learning_rate=1e-2, seed=0)
print("W1 unchanged:", np.array_equal(frozen, net_b.params["W1"]))
plt.plot(ft.loss_history); plt.xlabel("iteration"); plt.ylabel("task B loss"); plt.show()

# %%
check("transfer_cnn")

# %% [markdown]
# ## Part 3: CNN arithmetic
#
# Output size of a conv layer: $(W - K + 2P)/S + 1$. A 7x7 input with a 3x3 filter gives 5x5 at
# stride 1 and 3x3 at stride 2; stride 3 does not fit (2.33 is not an integer), and the
# function must say so rather than round. A 32x32x3 input with ten 5x5 filters, stride 1, pad 2
# stays 32x32x10 and has $(5 \cdot 5 \cdot 3 + 1) \cdot 10 = 760$ parameters. Pooling has none.
# Three stacked 3x3 convs see a 7x7 window (like one 7x7 conv, with fewer parameters and more
# nonlinearities): $1 + 2n$ for $n$ layers.
#
# Implement the functions of `cnn_arithmetic.py`.

# %%
A = S.cnn_arithmetic
print([A.conv_output_size(7, 3, 0, s) for s in (1, 2)])
try:
    A.conv_output_size(7, 3, 0, 3)
except ValueError as e:
    print("stride 3:", e)
print(A.conv_output_shape((3, 32, 32), 10, 5, 2, 1), A.conv_param_count(5, 3, 10))


# %%
def alexnet_conv1():
    """227x227x3 input, 96 11x11 filters at stride 4: (output shape, parameter count)."""
    # BEGIN SOLUTION
    return A.conv_output_shape((3, 227, 227), 96, 11, 0, 4), A.conv_param_count(11, 3, 96)
    # END SOLUTION


print(alexnet_conv1())
ns = np.arange(1, 8)
plt.plot(ns, [A.stacked_conv_receptive_field(n) for n in ns], "o-")
plt.xlabel("stacked 3x3 layers"); plt.ylabel("receptive field"); plt.show()

# %%
check("transfer_cnn")
