"""Multiple comparisons: Benjamini & Hochberg (1995) false-discovery-rate adjustment."""
from __future__ import annotations

import numpy as np
from scipy.stats import false_discovery_control

from ..errors import ParameterError

__all__ = ["bh_adjust"]


# ---------------------------------------------------------------------------
# 4. Benjamini & Hochberg (1995)
# ---------------------------------------------------------------------------


def bh_adjust(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), NaN-aware.

    Benjamini, Y. & Hochberg, Y. (1995). "Controlling the False Discovery
    Rate: A Practical and Powerful Approach to Multiple Testing." Journal of
    the Royal Statistical Society, Series B 57(1): 289-300.  The adjusted
    value for the k-th smallest of m p-values is min_{j >= k} (m / j) p_(j),
    capped at 1; rejecting adjusted <= q is the paper's step-up procedure
    (section 3) at FDR level q.  Computed by
    scipy.stats.false_discovery_control(method='bh').

    NaN handling: NaN entries (e.g. untestable terms) stay NaN and do NOT count
    towards m; the remaining values are adjusted among themselves.  (scipy
    itself rejects NaN, hence the masking here.)

    Parameters
    ----------
    p : array_like, any shape
        p-values in [0, 1], NaN allowed.

    Returns
    -------
    q : ndarray, float64, same shape as p.  Empty input gives an empty array.

    Raises
    ------
    ParameterError (a ValueError)
        If any non-NaN value is outside [0, 1] or infinite.
    """
    arr = np.asarray(p, dtype=np.float64)
    out = np.full(arr.shape, np.nan)
    mask = ~np.isnan(arr)
    vals = arr[mask]
    if np.any((vals < 0) | (vals > 1)):
        raise ParameterError("p-values must lie in [0, 1] (NaN allowed)")
    if vals.size:
        out[mask] = false_discovery_control(vals, method="bh")
    return out
