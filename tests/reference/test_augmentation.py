"""Tests for reference/augmentation.py: flips and crops of (N, C, H, W) batches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.augmentation import (
    augment_batch,
    center_crop,
    horizontal_flip,
    random_crop,
    random_horizontal_flip,
)

seeds = st.integers(0, 2**32 - 1)


@st.composite
def image_batches(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(seeds))
    return rng.standard_normal((n, c, h, w))


@settings(max_examples=40, deadline=None, database=None)
@given(image_batches())
def test_flip_is_an_involution(X):
    """Does flipping twice give back the original batch (and not modify the input)?"""
    before = X.copy()
    once = horizontal_flip(X)
    np.testing.assert_array_equal(horizontal_flip(once), X)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(once[:, :, :, 0], X[:, :, :, -1])


@settings(max_examples=40, deadline=None, database=None)
@given(image_batches(), seeds)
def test_random_flip_flips_whole_images(X, seed):
    """Is every image either unchanged or exactly mirrored, and X left untouched?"""
    before = X.copy()
    out = random_horizontal_flip(X, np.random.default_rng(seed))
    assert out.shape == X.shape
    for n in range(len(X)):
        assert np.array_equal(out[n], X[n]) or np.array_equal(out[n], X[n, :, :, ::-1])
    np.testing.assert_array_equal(X, before)


def test_random_flip_rate_and_reproducibility():
    """Are about p of the images flipped, one decision per image, reproducibly by seed?"""
    X = np.arange(2000 * 2, dtype=np.float64).reshape(2000, 1, 1, 2)
    out = random_horizontal_flip(X, np.random.default_rng(0), p=0.3)
    flipped = out[:, 0, 0, 0] > X[:, 0, 0, 0]
    assert abs(flipped.mean() - 0.3) < 0.04
    again = random_horizontal_flip(X, np.random.default_rng(0), p=0.3)
    np.testing.assert_array_equal(out, again)
    np.testing.assert_array_equal(random_horizontal_flip(X, np.random.default_rng(1), p=0.0), X)
    np.testing.assert_array_equal(
        random_horizontal_flip(X, np.random.default_rng(1), p=1.0), X[..., ::-1]
    )


@st.composite
def crop_cases(draw):
    X = draw(image_batches())
    pad = draw(st.integers(0, 3))
    H, W = X.shape[2], X.shape[3]
    crop = (draw(st.integers(1, H + 2 * pad)), draw(st.integers(1, W + 2 * pad)))
    return X, crop, pad


@settings(max_examples=60, deadline=None, database=None)
@given(crop_cases(), seeds)
def test_crops_have_the_right_shape_and_come_from_the_padded_image(case, seed):
    """Is each crop crop_size big and an exact window of its own zero-padded image?"""
    X, (ch, cw), pad = case
    out = random_crop(X, (ch, cw), np.random.default_rng(seed), padding=pad)
    assert out.shape == (X.shape[0], X.shape[1], ch, cw)
    padded = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    for n in range(len(X)):
        windows = [
            (t, left)
            for t in range(padded.shape[2] - ch + 1)
            for left in range(padded.shape[3] - cw + 1)
            if np.array_equal(padded[n, :, t : t + ch, left : left + cw], out[n])
        ]
        assert windows, f"crop {n} is not a window of its padded image"


def test_crop_positions_cover_all_offsets():
    """Are all valid crop offsets drawn (uniformly), independently per image?"""
    # one marked pixel; its position in the crop reveals the offset
    X = np.zeros((3000, 1, 4, 4))
    X[:, 0, 0, 0] = 1.0
    out = random_crop(X, 4, np.random.default_rng(0), padding=1)
    positions = [tuple(np.argwhere(o[0] == 1.0)[0]) if o.any() else None for o in out]
    counts = {p: positions.count(p) for p in set(positions)}
    # offsets (top, left) in {0,1,2}^2; the pixel is visible at (1-top, 1-left) unless cut off
    assert len(counts) == 5  # 4 visible positions + "cut off"
    assert abs(counts[(1, 1)] / 3000 - 1 / 9) < 0.03


def test_crop_without_padding_to_full_size_is_identity():
    """With no padding and crop size = image size, is the crop the image itself?"""
    X = np.random.default_rng(0).standard_normal((3, 2, 5, 6))
    np.testing.assert_array_equal(random_crop(X, (5, 6), np.random.default_rng(1)), X)


def test_crop_rejects_windows_that_do_not_fit():
    """Is a crop larger than the padded image refused with a clear message?"""
    X = np.zeros((1, 1, 4, 4))
    with pytest.raises(ValueError, match="does not fit"):
        random_crop(X, 7, np.random.default_rng(0), padding=1)
    with pytest.raises(ValueError, match="does not fit"):
        center_crop(X, 5)


def test_center_crop_takes_the_middle():
    """Is the deterministic centre crop the middle window?"""
    X = np.arange(36, dtype=np.float64).reshape(1, 1, 6, 6)
    np.testing.assert_array_equal(center_crop(X, 2)[0, 0], [[14, 15], [20, 21]])
    np.testing.assert_array_equal(center_crop(X, (3, 6))[0, 0], X[0, 0, 1:4])


def test_augment_batch_keeps_shape_and_is_reproducible():
    """Does the shift-and-flip recipe keep the batch shape and depend only on the rng?"""
    X = np.random.default_rng(0).standard_normal((8, 3, 8, 8))
    a = augment_batch(X, np.random.default_rng(5), padding=2)
    b = augment_batch(X, np.random.default_rng(5), padding=2)
    assert a.shape == X.shape
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, X)
