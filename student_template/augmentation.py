# GENERATED from reference/augmentation.py by `grade build`: edit the reference, not this file.
"""Data augmentation for (N, C, H, W) image batches.

Augmentation transforms training images in ways that keep their label (a cat flipped left to
right is still a cat; so is a slightly shifted one), so the network sees many more distinct
examples and has to become invariant to the change. Like dropout, it adds randomness at training
time and averages it out at test time (there, use the un-augmented image, or average the
predictions over a few fixed crops and flips).

Randomness only through an explicit numpy Generator `rng`, so that a batch is reproducible.
None of these functions modify their input.
"""

import numpy as np


def horizontal_flip(X):
    """
    Mirror every image left to right.

    out[n, c, h, w] = X[n, c, h, W - 1 - w]

    Inputs:
    - X: images of shape (N, C, H, W)

    Returns:
    - out: array of shape (N, C, H, W), a new array
    """
    out = None
    raise NotImplementedError("horizontal_flip")
    return out


def random_horizontal_flip(X, rng, p=0.5):
    """
    Mirror each image independently with probability p.

    Inputs:
    - X: images of shape (N, C, H, W)
    - rng: numpy.random.Generator
    - p: probability of flipping each image

    Returns:
    - out: array of shape (N, C, H, W)
    """
    out = None
    # TODO: draw ONE random decision per image (not one per batch, not one per pixel).
    raise NotImplementedError("random_horizontal_flip")
    return out


def random_crop(X, crop_size, rng, padding=0):
    """
    Cut a random crop_size window out of each image, after zero-padding its borders.

    With padding=P and crop_size equal to the image size (CIFAR's usual "pad 4, crop 32"), this
    shifts each image by up to P pixels in each direction.

    Inputs:
    - X: images of shape (N, C, H, W)
    - crop_size: int or (crop_h, crop_w), at most the padded size (H + 2P, W + 2P)
    - rng: numpy.random.Generator
    - padding: number P of zero pixels added on each side before cropping

    Returns:
    - out: array of shape (N, C, crop_h, crop_w); each out[n] is a window of the padded X[n],
      with its top-left corner drawn uniformly among all valid positions
    """
    crop_h, crop_w = (crop_size, crop_size) if np.isscalar(crop_size) else crop_size
    H, W = X.shape[2], X.shape[3]
    if padding < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    if not (1 <= crop_h <= H + 2 * padding and 1 <= crop_w <= W + 2 * padding):
        raise ValueError(f"crop_size {(crop_h, crop_w)} does not fit in the padded image "
                         f"{(H + 2 * padding, W + 2 * padding)}")
    out = None
    # TODO: pad with np.pad, draw one (top, left) corner per image with rng.integers (upper
    # bound exclusive), then slice.
    raise NotImplementedError("random_crop")
    return out


def center_crop(X, crop_size):
    """
    Cut the central crop_size window out of each image (the deterministic test-time crop).

    When H - crop_h is odd, the extra row goes to the bottom (the top offset rounds down), and
    likewise for columns.

    Inputs:
    - X: images of shape (N, C, H, W)
    - crop_size: int or (crop_h, crop_w), at most (H, W)

    Returns:
    - out: array of shape (N, C, crop_h, crop_w)
    """
    crop_h, crop_w = (crop_size, crop_size) if np.isscalar(crop_size) else crop_size
    H, W = X.shape[2], X.shape[3]
    if not (1 <= crop_h <= H and 1 <= crop_w <= W):
        raise ValueError(f"crop_size {(crop_h, crop_w)} does not fit in the image {(H, W)}")
    out = None
    raise NotImplementedError("center_crop")
    return out


def augment_batch(X, rng, padding=1, flip_p=0.5):
    """
    The usual training-time recipe: random shift (pad, then crop back to the original size)
    followed by a random horizontal flip. Given code built on the functions above.

    Inputs:
    - X: images of shape (N, C, H, W)
    - rng: numpy.random.Generator
    - padding: maximum shift in pixels
    - flip_p: probability of flipping each image

    Returns:
    - out: array of shape (N, C, H, W)
    """
    out = random_crop(X, (X.shape[2], X.shape[3]), rng, padding=padding)
    return random_horizontal_flip(out, rng, p=flip_p)
