"""Tests for reference/data.py: the embedded toy dataset and the CIFAR-10 loader."""

import pickle
import time

import numpy as np
import pytest

from reference.data import (
    get_cifar10_data,
    load_cifar10,
    load_cifar10_batch,
    load_cifar10_label_names,
    load_toy_dataset,
)

SPLITS = ("train", "val", "test")


def test_toy_dataset_has_cs231n_layout():
    """Does load_toy_dataset return the six arrays of get_CIFAR10_data, channels first?"""
    data = load_toy_dataset(num_train=100, num_val=20, num_test=30)
    assert set(data) == {f"{p}_{s}" for p in "Xy" for s in SPLITS}
    for split, n in zip(SPLITS, (100, 20, 30), strict=True):
        X, y = data[f"X_{split}"], data[f"y_{split}"]
        assert X.shape == (n, 3, 8, 8) and X.dtype == np.float64
        assert y.shape == (n,) and y.dtype == np.int64
        assert y.min() >= 0 and y.max() <= 9


def test_toy_dataset_is_deterministic_and_seeded():
    """Does the same seed give the same data, and another seed different data?"""
    a, b, c = load_toy_dataset(seed=3), load_toy_dataset(seed=3), load_toy_dataset(seed=4)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.allclose(a["X_train"], c["X_train"])


def test_toy_dataset_is_fast():
    """Is building the default dataset fast enough to do in every test?"""
    load_toy_dataset()
    start = time.perf_counter()
    load_toy_dataset()
    assert time.perf_counter() - start < 0.2


def test_toy_dataset_classes_are_balanced_and_learnable():
    """Are the classes balanced, and does a nearest-class-mean rule beat chance by far?"""
    data = load_toy_dataset()
    counts = np.bincount(data["y_train"], minlength=10)
    assert counts.min() == counts.max() == 200
    X = data["X_train"].reshape(len(data["X_train"]), -1)
    Xv = data["X_val"].reshape(len(data["X_val"]), -1)
    means = np.stack([X[data["y_train"] == c].mean(axis=0) for c in range(10)])
    pred = np.argmin(((Xv[:, None, :] - means[None]) ** 2).sum(axis=-1), axis=1)
    accuracy = np.mean(pred == data["y_val"])
    assert 0.5 < accuracy < 1.0


def test_toy_dataset_mean_subtraction_uses_training_mean():
    """With subtract_mean, is the TRAINING mean image subtracted from every split?"""
    raw = load_toy_dataset(subtract_mean=False, seed=1)
    centred = load_toy_dataset(subtract_mean=True, seed=1)
    mean_image = raw["X_train"].mean(axis=0)
    np.testing.assert_allclose(centred["X_train"].mean(axis=0), 0, atol=1e-12)
    for split in SPLITS:
        np.testing.assert_allclose(centred[f"X_{split}"], raw[f"X_{split}"] - mean_image)
    # raw images are not centred: per-channel offsets give the preprocessing something to do
    assert np.all(raw["X_train"].mean(axis=(0, 2, 3)) > 0.5)


def test_toy_dataset_cifar_sized_images():
    """Can the toy dataset produce 3x32x32 images?"""
    data = load_toy_dataset(num_train=10, num_val=2, num_test=2, image_shape=(3, 32, 32))
    assert data["X_train"].shape == (10, 3, 32, 32)


def test_toy_dataset_rejects_bad_arguments():
    """Are impossible sizes rejected with a message naming the argument?"""
    with pytest.raises(ValueError, match="num_classes"):
        load_toy_dataset(num_classes=1)
    with pytest.raises(ValueError, match="num_val"):
        load_toy_dataset(num_val=-1)


# ---- CIFAR-10 in the official python format, written by the test ----------------------------

PER_FILE = 4


def _fake_images(rng, n):
    return rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)


def _write_official_batch(path, data, labels):
    # exactly what the official files hold: a pickled dict with bytes keys
    entry = {
        b"batch_label": b"fake batch",
        b"labels": list(map(int, labels)),
        b"data": data,
        b"filenames": [b"img_%d.png" % i for i in range(len(labels))],
    }
    with open(path, "wb") as f:
        pickle.dump(entry, f, protocol=2)


@pytest.fixture
def cifar_folder(tmp_path):
    rng = np.random.default_rng(0)
    written = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data, labels = _fake_images(rng, PER_FILE), rng.integers(0, 10, size=PER_FILE)
        _write_official_batch(tmp_path / name, data, labels)
        written[name] = (data, labels)
    meta = {
        b"label_names": [
            b"airplane",
            b"automobile",
            b"bird",
            b"cat",
            b"deer",
            b"dog",
            b"frog",
            b"horse",
            b"ship",
            b"truck",
        ],
        b"num_cases_per_batch": PER_FILE,
        b"num_vis": 3072,
    }
    with open(tmp_path / "batches.meta", "wb") as f:
        pickle.dump(meta, f, protocol=2)
    return tmp_path, written


def test_load_cifar10_batch_decodes_planes_to_hwc(cifar_folder):
    """Does a row of 3072 bytes (R plane, G plane, B plane) become a 32x32x3 image?"""
    root, written = cifar_folder
    X, y = load_cifar10_batch(root / "data_batch_1")
    data, labels = written["data_batch_1"]
    assert X.shape == (PER_FILE, 32, 32, 3) and X.dtype == np.float64
    np.testing.assert_array_equal(y, labels)
    # pixel (row 5, column 7) of channel c sits at c*1024 + 5*32 + 7
    for c in range(3):
        assert X[2, 5, 7, c] == data[2, c * 1024 + 5 * 32 + 7]


def test_load_cifar10_concatenates_all_training_batches(cifar_folder):
    """Are the five training batches stacked in order, and the test batch kept apart?"""
    root, written = cifar_folder
    X_train, y_train, X_test, y_test = load_cifar10(root)
    assert X_train.shape == (5 * PER_FILE, 32, 32, 3)
    assert X_test.shape == (PER_FILE, 32, 32, 3)
    expected = np.concatenate([written[f"data_batch_{i}"][1] for i in range(1, 6)])
    np.testing.assert_array_equal(y_train, expected)
    np.testing.assert_array_equal(y_test, written["test_batch"][1])
    first = written["data_batch_3"][0][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(X_train[2 * PER_FILE], first)


def test_get_cifar10_data_splits_centres_and_transposes(cifar_folder):
    """Does get_cifar10_data split train/val, subtract the training mean and go channels-first?"""
    root, _ = cifar_folder
    X_all, y_all, X_test_all, _ = load_cifar10(root)
    data = get_cifar10_data(root, num_training=15, num_validation=5, num_test=3)
    assert data["X_train"].shape == (15, 3, 32, 32)
    assert data["X_val"].shape == (5, 3, 32, 32)
    assert data["X_test"].shape == (3, 3, 32, 32)
    mean_image = X_all[:15].mean(axis=0)
    np.testing.assert_allclose(data["X_val"], (X_all[15:20] - mean_image).transpose(0, 3, 1, 2))
    np.testing.assert_allclose(data["X_test"], (X_test_all[:3] - mean_image).transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(data["y_val"], y_all[15:20])
    with pytest.raises(ValueError, match="only 20 training images"):
        get_cifar10_data(root, num_training=20, num_validation=1)


def test_label_names_are_read_from_meta(cifar_folder):
    """Are the class names decoded from batches.meta?"""
    root, _ = cifar_folder
    names = load_cifar10_label_names(root)
    assert names[0] == "airplane" and names[-1] == "truck" and len(names) == 10


def test_missing_batch_is_named(cifar_folder):
    """When a batch file is missing, does the error name the folder and the file?"""
    root, _ = cifar_folder
    (root / "data_batch_3").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks data_batch_3"):
        load_cifar10(root)
    (root / "batches.meta").unlink()
    with pytest.raises(FileNotFoundError, match="lacks batches.meta"):
        load_cifar10_label_names(root)


def test_missing_folder_is_reported(tmp_path):
    """Does a wrong folder give a FileNotFoundError that says so?"""
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_cifar10(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="lacks data_batch_1"):
        load_cifar10(tmp_path)


def test_malformed_batch_is_rejected(tmp_path):
    """Is a batch with the wrong row size rejected with a clear message?"""
    _write_official_batch(tmp_path / "bad", np.zeros((2, 100), dtype=np.uint8), [0, 1])
    with pytest.raises(ValueError, match=r"expected \(N, 3072\)"):
        load_cifar10_batch(tmp_path / "bad")
