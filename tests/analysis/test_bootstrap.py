"""The bootstrap draws and interval shared by the reliability coefficients."""

import numpy as np
import pytest

from peacekeeping_interviews.analysis.bootstrap import percentile_interval, resample_weights


def test_resample_weights_draw_every_unit_count_once_per_resample():
    weights = resample_weights(7, 500, np.random.default_rng(1))
    assert weights.shape == (500, 7) and (weights.sum(axis=1) == 7).all()
    assert weights.mean() == pytest.approx(1, abs=0.05)
    # The same resamples as drawing all unit indices at once from the same seed.
    draws = np.random.default_rng(1).integers(0, 7, size=(500, 7))
    counted = np.stack([np.bincount(row, minlength=7) for row in draws])
    np.testing.assert_array_equal(weights, counted)


def test_percentile_interval_ignores_undefined_resamples():
    alphas = np.array([np.nan, *np.linspace(0, 1, 101), np.nan])
    assert percentile_interval(alphas, 0.9) == pytest.approx((0.05, 0.95))
    assert percentile_interval(np.array([np.nan, np.inf]), 0.95) is None
