"""reference/initializers.py: shape, dtype, standard deviation and reproducibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.initializers import he_init, small_random_init, xavier_init

INITS = {
    "small_random_init": (small_random_init, lambda fan_in: 0.01),
    "xavier_init": (xavier_init, lambda fan_in: 1 / np.sqrt(fan_in)),
    "he_init": (he_init, lambda fan_in: np.sqrt(2 / fan_in)),
}


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize(("fan_in", "fan_out"), [(500, 400), (3072, 100), (50, 2000)])
def test_std_mean_shape_dtype(name, fan_in, fan_out):
    init, std = INITS[name]
    w = init(fan_in, fan_out, rng=np.random.default_rng(42))
    assert w.shape == (fan_in, fan_out) and w.dtype == np.float64
    n = w.size
    # Sampling error: sd of the sample std is ~std/sqrt(2n), of the mean std/sqrt(n); 6 sigma.
    assert abs(w.std() / std(fan_in) - 1) < 6 / np.sqrt(2 * n)
    assert abs(w.mean()) < 6 * std(fan_in) / np.sqrt(n)


@settings(max_examples=20, deadline=None, database=None)
@given(
    fan_in=st.integers(1, 64),
    fan_out=st.integers(1, 64),
    seed=st.integers(0, 2**32 - 1),
    name=st.sampled_from(sorted(INITS)),
)
def test_reproducible_for_a_seed(fan_in, fan_out, seed, name):
    init, _ = INITS[name]
    a = init(fan_in, fan_out, rng=np.random.default_rng(seed))
    b = init(fan_in, fan_out, rng=np.random.default_rng(seed))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (fan_in, fan_out) and a.dtype == np.float64
    assert np.all(np.isfinite(a))


@pytest.mark.parametrize("name", sorted(INITS))
def test_rng_none_uses_a_fresh_generator(name):
    init, _ = INITS[name]
    state = np.random.get_state()
    a, b = init(30, 30), init(30, 30)
    assert a.shape == (30, 30) and not np.array_equal(a, b)
    assert np.array_equal(np.random.get_state()[1], state[1])  # the global RNG is untouched


def test_small_random_init_scale_argument():
    w = small_random_init(400, 500, scale=3.0, rng=np.random.default_rng(0))
    assert abs(w.std() / 3.0 - 1) < 0.01


def test_he_is_sqrt2_times_xavier_for_the_same_draws():
    a = xavier_init(20, 30, rng=np.random.default_rng(5))
    b = he_init(20, 30, rng=np.random.default_rng(5))
    np.testing.assert_allclose(b, np.sqrt(2) * a, rtol=1e-14)
