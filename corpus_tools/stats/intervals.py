"""Intervals for rates per N tokens."""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .checks import nonneg_array

__all__ = ["bootstrap_rate_ci"]


# ---------------------------------------------------------------------------
# 5. Efron & Tibshirani (1993): percentile bootstrap of a rate
# ---------------------------------------------------------------------------


def bootstrap_rate_ci(
    counts,
    totals,
    *,
    n_boot: int = 1000,
    seed: int | None = 0,
    ci: float = 0.95,
    per: float = 1000.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate per ``per`` tokens with a unit-resampling percentile bootstrap CI.

    Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap.
    Chapman & Hall, ch. 13 (the percentile interval).  Units (e.g. the
    paragraphs of one document) are resampled with replacement, so the
    interval reflects how unevenly a term is spread over units rather than
    treating every token as independent (which would make it far too narrow
    for "bursty" words).

    estimate = counts.sum(0) / totals.sum() * per   (a ratio estimator)

    Each bootstrap replicate draws n_units unit indices with replacement; all
    replicates are drawn at once as an (n_boot, n_units) index matrix from
    ``numpy.random.default_rng(seed)``, turned into a multiplicity matrix W,
    and the replicate rates are (W @ counts) / (W @ totals) * per -- one matrix
    product, no loop over replicates or terms.  Memory is
    O(n_boot * (n_units + n_terms)) floats: with n_boot=1000 and 50,000 terms the
    replicate matrix alone is 400 MB, so pass only the terms you need.

    Documented conventions / guarantees:

    * Units with zero tokens are dropped before resampling.  They add nothing
      to either numerator or denominator of the rate, and keeping them could
      produce replicates with zero tokens (rate 0/0).  So every replicate is
      well defined.
    * ``low <= estimate <= high`` always: in degenerate cases (very few or very
      skewed units, or floating-point rounding when all units are identical)
      the percentile interval can exclude the point estimate; the bounds are
      then clipped to the estimate (low = min(low, est), high = max(high, est)).
    * A term with zero count in every unit gives estimate 0 and interval
      [0, 0] (never NaN).
    * Zero units, or zero total tokens, give NaN estimate and NaN interval:
      a rate per token is undefined without tokens.
    * Same ``seed`` -> identical results.  ``seed=None`` draws fresh entropy.

    Parameters
    ----------
    counts : array_like, shape (n_units,) or (n_units, n_terms)
        Non-negative term counts per unit.
    totals : array_like, shape (n_units,)
        Token totals per unit; each count must be <= its unit's total.
    n_boot : int, keyword-only, default 1000
        Number of bootstrap replicates (>= 1).
    seed : int or None, keyword-only, default 0
    ci : float, keyword-only, default 0.95
        Central coverage of the percentile interval, in (0, 1).
    per : float, keyword-only, default 1000.0
        Rate scale (per thousand tokens by default). Must be > 0.

    Returns
    -------
    estimate, low, high : ndarray
        0-d arrays if ``counts`` is 1-D, else shape (n_terms,).

    Raises
    ------
    ParameterError (a ValueError)
        On bad shapes, negative/non-finite values, counts > totals, or invalid
        n_boot / ci / per.
    """
    C = nonneg_array(counts, "counts")
    t = nonneg_array(totals, "totals")
    if C.ndim not in (1, 2):
        raise ParameterError("counts must have shape (n_units,) or (n_units, n_terms)")
    if t.ndim != 1 or t.shape[0] != C.shape[0]:
        raise ParameterError(f"totals must have shape ({C.shape[0]},), got {t.shape}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError("n_boot must be a positive integer")
    if not (0.0 < ci < 1.0):
        raise ParameterError("ci must be in (0, 1)")
    if not np.isfinite(per) or per <= 0:
        raise ParameterError("per must be a positive finite number")

    scalar = C.ndim == 1
    C2 = C[:, None] if scalar else C  # (n_units, n_terms)
    if np.any(C2 > t[:, None]):
        raise ParameterError("a unit's term count exceeds its token total")

    def _shape(x: np.ndarray) -> np.ndarray:
        return x.reshape(()) if scalar else x

    total = t.sum()
    if C2.shape[0] == 0 or total == 0:
        nan = np.full(C2.shape[1], np.nan)
        return _shape(nan), _shape(nan.copy()), _shape(nan.copy())

    # Same operation order (sum, divide, scale) as the replicates below, so
    # identical units reproduce the estimate bit-for-bit.
    estimate = C2.sum(axis=0) / total * per

    keep = t > 0
    Ck, tk = C2[keep], t[keep]
    n = tk.shape[0]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    # Multiplicity matrix W[b, u] = how often unit u was drawn in replicate b,
    # built with one bincount over offset indices (no loop over replicates).
    offsets = (np.arange(n_boot) * n)[:, None]
    W = np.bincount((idx + offsets).ravel(), minlength=n_boot * n).reshape(n_boot, n)
    W = W.astype(np.float64)
    boot_counts = W @ Ck  # (n_boot, n_terms)
    boot_totals = W @ tk  # (n_boot,) all > 0 because zero-token units were dropped
    rates = boot_counts / boot_totals[:, None] * per

    tail = (1.0 - ci) / 2.0
    low, high = np.quantile(rates, [tail, 1.0 - tail], axis=0)
    # Guarantee low <= estimate <= high (see docstring).
    low = np.minimum(low, estimate)
    high = np.maximum(high, estimate)
    return _shape(estimate), _shape(low), _shape(high)
