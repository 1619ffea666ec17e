# GENERATED from reference/data.py by `grade build`: edit the reference, not this file.
"""Data for the "Training Neural Networks" assignments (given code: nothing to implement here).

Two sources, both returning float64 images and int64 labels:

- `load_toy_dataset(...)`: a small, deterministic 10-class image dataset built in code (no
  download). Every class has a prototype image made from a few patterns shared by all classes,
  and each example is its prototype plus a random brightness shift and pixel noise. It is easy
  enough that a two-layer net gets far above chance in a second, hard enough that it does not get
  100% on validation, and because the patterns are shared, features learned on some classes help
  with the others (which `transfer.py` relies on).
- `load_cifar10(root)` / `get_cifar10_data(root, ...)`: the real CIFAR-10 from a local copy of the
  official "python version" (the folder `cifar-10-batches-py` that holds data_batch_1..5,
  test_batch and batches.meta). Nothing is ever downloaded.

Layouts, as in CS231n: `load_cifar10` returns images as (N, 32, 32, 3) (height, width, channel:
how the pixels are usually viewed); `get_cifar10_data` and `load_toy_dataset` return (N, C, H, W)
(channels first: how the layers and the convolution code of the course expect them).
"""

import os
import pickle

import numpy as np

CIFAR10_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_FILE = "test_batch"
CIFAR10_META_FILE = "batches.meta"
CIFAR10_IMAGES_PER_FILE = 10000


def load_toy_dataset(
    num_train=2000,
    num_val=500,
    num_test=500,
    num_classes=10,
    image_shape=(3, 8, 8),
    separation=0.3,
    noise=1.0,
    num_patterns=None,
    subtract_mean=True,
    seed=0,
):
    """
    Build a small synthetic image dataset, deterministically, laid out like CS231n's
    get_CIFAR10_data.

    Each image is  offset[c] + separation * prototype[y] + brightness + noise * randn:
    - offset: a fixed per-channel level (like the different average R, G and B of photos), so
      that raw data is not zero-centred and preprocessing has something to do;
    - prototype[y]: class y's image (root-mean-square 1), a random mix of a few smooth patterns
      shared by all classes (as many patterns as half the classes plus one, so that any half of
      the classes already shows all of them: features learned on classes 0-4 help with 5-9);
      `separation` sets how far apart the classes are;
    - brightness: one random number per image (a global lighting change that carries no label);
    - noise: independent pixel noise of standard deviation `noise`.

    Inputs:
    - num_train, num_val, num_test: sizes of the three splits
    - num_classes: number of classes C; labels are 0..C-1, balanced within each split up to
      rounding
    - image_shape: (C_img, H, W), e.g. (3, 8, 8) (default, fast) or (3, 32, 32) (CIFAR-sized)
    - separation: amplitude of the class prototypes; smaller is harder
    - noise: standard deviation of the pixel noise; larger is harder (with the defaults a
      nearest-class-mean classifier gets about 80% of the 8x8 validation images right)
    - num_patterns: number of shared patterns (None: num_classes // 2 + 1)
    - subtract_mean: if True, subtract the mean TRAINING image from all three splits (what
      get_CIFAR10_data does); if False, return the raw images
    - seed: the dataset is a pure function of its arguments; the same seed gives the same data

    Returns a dict with:
    - X_train, X_val, X_test: float64 arrays of shape (N, C_img, H, W)
    - y_train, y_val, y_test: int64 arrays of shape (N,)
    """
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    for name, n in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test)):
        if n < 0:
            raise ValueError(f"{name} must be non-negative, got {n}")
    if len(image_shape) != 3:
        raise ValueError(f"image_shape must be (C, H, W), got {image_shape}")

    rng = np.random.default_rng(seed)
    c_img, h, w = image_shape
    num_patterns = num_patterns if num_patterns is not None else max(num_classes // 2 + 1, 2)

    # Smooth patterns: random low-frequency cosines, so images have spatial structure (nearby
    # pixels are correlated, which PCA picks up) instead of being white noise.
    yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
    patterns = np.empty((num_patterns, c_img, h, w))
    for k in range(num_patterns):
        for ch in range(c_img):
            fy, fx = rng.uniform(0.5, 3.0, size=2)
            py, px = rng.uniform(0, 2 * np.pi, size=2)
            patterns[k, ch] = np.cos(2 * np.pi * fy * yy + py) * np.cos(2 * np.pi * fx * xx + px)
    patterns /= np.sqrt(np.mean(patterns**2, axis=(1, 2, 3), keepdims=True))

    # Each class mixes the same few shared patterns with its own weights: classes differ, yet
    # share building blocks.
    mix = rng.standard_normal((num_classes, num_patterns))
    prototypes = np.tensordot(mix, patterns, axes=1)
    prototypes /= np.sqrt(np.mean(prototypes**2, axis=(1, 2, 3), keepdims=True))
    channel_offset = rng.uniform(1.0, 3.0, size=c_img).reshape(1, c_img, 1, 1)

    def make_split(n):
        y = np.arange(n, dtype=np.int64) % num_classes
        y = y[rng.permutation(n)]
        brightness = 0.5 * rng.standard_normal((n, 1, 1, 1))
        X = channel_offset + separation * prototypes[y] + brightness
        X = X + noise * rng.standard_normal((n, c_img, h, w))
        return X.astype(np.float64), y

    X_train, y_train = make_split(num_train)
    X_val, y_val = make_split(num_val)
    X_test, y_test = make_split(num_test)

    if subtract_mean and num_train > 0:
        mean_image = X_train.mean(axis=0)
        X_train = X_train - mean_image
        X_val = X_val - mean_image
        X_test = X_test - mean_image

    return {
        "X_train": X_train,
        "y_train": y_train,
        "X_val": X_val,
        "y_val": y_val,
        "X_test": X_test,
        "y_test": y_test,
    }


def _require_cifar10_files(root):
    if not os.path.isdir(root):
        raise FileNotFoundError(f"cifar-10 folder {root} does not exist")
    for name in CIFAR10_TRAIN_FILES + (CIFAR10_TEST_FILE,):
        if not os.path.isfile(os.path.join(root, name)):
            raise FileNotFoundError(
                f"cifar-10 folder {root} lacks {name} (expected the official python version: "
                "data_batch_1..data_batch_5 and test_batch, as in cifar-10-batches-py)"
            )


def _unpickle_cifar10(path):
    # The official files are Python 2 pickles; encoding="bytes" keeps their keys as b'data'.
    # Only ever call this on files you trust: unpickling can run code.
    with open(path, "rb") as f:
        entry = pickle.load(f, encoding="bytes")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in entry.items()}


def load_cifar10_batch(path):
    """
    Load one file of the official CIFAR-10 python version.

    Inputs:
    - path: path of data_batch_i or test_batch (a pickled dict with b'data', a uint8 array of
      shape (N, 3072) holding the red, then green, then blue 32x32 planes of each image, and
      b'labels', a list of N ints in 0..9)

    Returns a tuple of:
    - X: float64 array of shape (N, 32, 32, 3)
    - y: int64 array of shape (N,)
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"cifar-10 batch file {path} does not exist")
    entry = _unpickle_cifar10(path)
    for key in ("data", "labels"):
        if key not in entry:
            raise ValueError(f"cifar-10 batch file {path} has no {key!r} entry")
    data = np.asarray(entry["data"])
    y = np.asarray(entry["labels"], dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(f"cifar-10 batch file {path}: data has shape {data.shape}, "
                         "expected (N, 3072)")
    if y.shape != (data.shape[0],):
        raise ValueError(f"cifar-10 batch file {path}: {data.shape[0]} images but "
                         f"{y.shape[0]} labels")
    X = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)
    return X, y


def load_cifar10(root):
    """
    Load all of CIFAR-10 from a local folder in the official python format (CS231n's
    load_CIFAR10).

    Inputs:
    - root: the folder holding data_batch_1..data_batch_5 and test_batch

    Returns a tuple of:
    - X_train: float64 array of shape (N_train, 32, 32, 3), pixel values 0..255
    - y_train: int64 array of shape (N_train,)
    - X_test: float64 array of shape (N_test, 32, 32, 3)
    - y_test: int64 array of shape (N_test,)

    Raises FileNotFoundError naming the first missing file when the folder is wrong.
    """
    root = os.fspath(root)
    _require_cifar10_files(root)
    parts = [load_cifar10_batch(os.path.join(root, name)) for name in CIFAR10_TRAIN_FILES]
    X_train = np.concatenate([X for X, _ in parts])
    y_train = np.concatenate([y for _, y in parts])
    X_test, y_test = load_cifar10_batch(os.path.join(root, CIFAR10_TEST_FILE))
    return X_train, y_train, X_test, y_test


def load_cifar10_label_names(root):
    """
    Read the class names from batches.meta.

    Inputs:
    - root: the CIFAR-10 folder

    Returns:
    - names: list of 10 str ('airplane', 'automobile', ...)
    """
    path = os.path.join(os.fspath(root), CIFAR10_META_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"cifar-10 folder {root} lacks {CIFAR10_META_FILE}")
    meta = _unpickle_cifar10(path)
    return [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in meta["label_names"]]


def get_cifar10_data(root, num_training=49000, num_validation=1000, num_test=1000,
                     subtract_mean=True):
    """
    Load CIFAR-10 and prepare it as CS231n's get_CIFAR10_data does: validation split taken
    from the end of the training set, mean training image subtracted, channels moved first.

    Inputs:
    - root: the CIFAR-10 folder
    - num_training, num_validation: the first num_training training images are the training
      split, the next num_validation the validation split (their sum must be <= 50000 for the
      real data)
    - num_test: the first num_test test images
    - subtract_mean: subtract the mean TRAINING image from every split

    Returns a dict with X_train, y_train, X_val, y_val, X_test, y_test; images are float64 of
    shape (N, 3, 32, 32).
    """
    X_all, y_all, X_test_all, y_test_all = load_cifar10(root)
    if num_training + num_validation > X_all.shape[0]:
        raise ValueError(f"num_training + num_validation = {num_training + num_validation} but "
                         f"{root} has only {X_all.shape[0]} training images")
    if num_test > X_test_all.shape[0]:
        raise ValueError(f"num_test = {num_test} but {root} has only {X_test_all.shape[0]} "
                         "test images")
    X_train, y_train = X_all[:num_training], y_all[:num_training]
    X_val = X_all[num_training:num_training + num_validation]
    y_val = y_all[num_training:num_training + num_validation]
    X_test, y_test = X_test_all[:num_test], y_test_all[:num_test]
    if subtract_mean:
        mean_image = X_train.mean(axis=0)
        X_train, X_val, X_test = X_train - mean_image, X_val - mean_image, X_test - mean_image
    to_chw = (0, 3, 1, 2)
    return {
        "X_train": np.ascontiguousarray(X_train.transpose(to_chw)),
        "y_train": y_train,
        "X_val": np.ascontiguousarray(X_val.transpose(to_chw)),
        "y_val": y_val,
        "X_test": np.ascontiguousarray(X_test.transpose(to_chw)),
        "y_test": y_test,
    }
