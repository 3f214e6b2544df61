"""Input checks shared by the statistics: arrays of finite, non-negative numbers."""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["finite_array", "nonneg_array"]


def finite_array(x, name: str) -> np.ndarray:
    """Convert to a float64 array and reject NaN/inf.

    Counts and probabilities with NaN or inf in them are always an upstream
    bug; failing loudly here is better than propagating NaN into a ranking.
    """
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite (no NaN or inf)")
    return arr


def nonneg_array(x, name: str) -> np.ndarray:
    """:func:`finite_array`, also rejecting negative values (counts, sizes, probabilities)."""
    arr = finite_array(x, name)
    if np.any(arr < 0):
        raise ParameterError(f"{name} must be non-negative")
    return arr

