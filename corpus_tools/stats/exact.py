"""Exact two-sided p-values and the Clopper-Pearson interval, vectorised.

scipy computes these one table at a time (``scipy.stats.binomtest``,
``scipy.stats.fisher_exact``); a keyness table asks for thousands at once.
The functions here give the same numbers for whole arrays: the same
probability functions (``scipy.stats.binom``, ``scipy.stats.hypergeom``), the
same "as or less likely than the observed table" rule with scipy's relative
tolerances, and a bisection over every entry at once in place of scipy's
per-table binary search. The tests compare them value for value with scipy.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import beta, binom, hypergeom

from ..errors import ParameterError
from .checks import nonneg_array

__all__ = ["binom_test_two_sided", "fisher_exact_two_sided", "clopper_pearson", "integer_array"]

# scipy.stats.binomtest counts outcomes with pmf <= d * (1 + 1e-7) as "as
# extreme"; fisher_exact uses (1 + 1e-14) and a strict "<". Same here.
_BINOM_RERR = 1.0 + 1e-7
_FISHER_EPS = 1e-14


def integer_array(x, name: str) -> np.ndarray:
    """A non-negative, finite, integer-valued float64 array (counts), or ParameterError."""
    arr = nonneg_array(x, name)
    if np.any(arr != np.floor(arr)):
        raise ParameterError(f"{name} must be whole numbers (counts of tokens)")
    return arr


def _first_index(pred, lo, hi):
    """Smallest i in [lo, hi] with pred(i) true, for pred monotone (False...True) on [lo, hi].

    All arrays at once: each bisection step halves every interval; pred(hi)
    must be true (callers pass a sentinel). ~log2(max(hi - lo)) steps.
    """
    lo = np.array(lo, dtype=np.float64, copy=True)
    hi = np.array(hi, dtype=np.float64, copy=True)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = np.floor((lo + hi) / 2.0)
        ok = pred(np.where(active, mid, lo))
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1.0, lo)


def binom_test_two_sided(k, n, p) -> np.ndarray:
    """Two-sided exact binomial test p-value, equal to ``scipy.stats.binomtest(k, n, p).pvalue``.

    The p-value sums the probabilities of every outcome no more likely than
    the observed one (the "minimum-likelihood" two-sided test; Zar 2010,
    *Biostatistical Analysis*, 5th ed., sec. 24.5; the rule scipy uses,
    with its tolerance pmf <= pmf(k) * (1 + 1e-7)).

    Parameters
    ----------
    k, n : array_like of whole numbers, broadcastable; 0 <= k <= n
        Successes and trials. n = 0 gives p = 1 (nothing observed).
    p : array_like in [0, 1]
        Success probability under the null.

    Returns
    -------
    ndarray of p-values in [0, 1], the broadcast shape.

    Raises
    ------
    ParameterError (a ValueError)
        On negative, non-integer or non-finite counts, k > n, or p outside [0, 1].
    """
    k, n, p = np.broadcast_arrays(integer_array(k, "k"), integer_array(n, "n"), np.asarray(p, dtype=np.float64))
    if np.any(k > n):
        raise ParameterError("k must not exceed n")
    if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ParameterError("p must lie in [0, 1]")
    k, n, p = (np.array(a, dtype=np.float64) for a in (k, n, p))
    d = binom.pmf(k, n, p)
    thr = d * _BINOM_RERR
    pn = p * n
    out = np.ones(k.shape)
    below = k < pn
    above = k > pn  # k == p * n gives 1 (scipy's shortcut)
    if below.any():
        # Outcomes at or above ceil(p n) no more likely than k: pmf is
        # non-increasing there, so they are the tail from the first x with
        # pmf(x) <= thr up to n (n + 1 is a sentinel: nothing there).
        kb, nb, pb, tb = k[below], n[below], p[below], thr[below]
        first = _first_index(
            lambda x: (x > nb) | (binom.pmf(x, nb, pb) <= tb), np.ceil(pb * nb), nb + 1.0
        )
        out[below] = binom.cdf(kb, nb, pb) + binom.sf(first - 1.0, nb, pb)
    if above.any():
        # Outcomes at or below floor(p n) no more likely than k: pmf is
        # non-decreasing there; they run from 0 to the last x with pmf(x) <= thr.
        ka, na, pa, ta = k[above], n[above], p[above], thr[above]
        first_more = _first_index(
            lambda x: (x > np.floor(pa * na)) | (binom.pmf(x, na, pa) > ta), np.zeros_like(ka), np.floor(pa * na) + 1.0
        )
        out[above] = binom.cdf(first_more - 1.0, na, pa) + binom.sf(ka - 1.0, na, pa)
    return np.minimum(out, 1.0)


def fisher_exact_two_sided(a, b, c, d) -> np.ndarray:
    """Two-sided Fisher exact test of the 2x2 table [[a, b], [c, d]], equal to ``scipy.stats.fisher_exact``.

    Fisher, R. A. (1935). "The logic of inductive inference." JRSS 98(1):
    39-82. Conditional on both margins, a is hypergeometric; the p-value sums
    the probabilities of tables no more likely than the observed one, with
    scipy's rules (relative tolerance 1e-14; p = 1 when the observed table is
    the most likely one; p = 1 when a row or column sums to zero).

    Parameters
    ----------
    a, b, c, d : array_like of whole numbers, broadcastable
        The cells, row by row.

    Returns
    -------
    ndarray of p-values in [0, 1], the broadcast shape.

    Raises
    ------
    ParameterError (a ValueError)
        On negative, non-integer or non-finite cells.
    """
    arrs = np.broadcast_arrays(*(integer_array(v, name) for v, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d"))))
    a, b, c, d = (np.array(v, dtype=np.float64) for v in arrs)
    n1 = a + b  # first row
    n2 = c + d
    n = a + c  # first column
    M = n1 + n2
    out = np.ones(a.shape)
    valid = (n1 > 0) & (n2 > 0) & (n > 0) & (b + d > 0)
    if not valid.any():
        return out
    a, n1, n2, n, M = a[valid], n1[valid], n2[valid], n[valid], M[valid]
    mode = np.floor((n + 1) * (n1 + 1) / (n1 + n2 + 2))
    pexact = hypergeom.pmf(a, M, n1, n)
    pmode = hypergeom.pmf(mode, M, n1, n)
    thr = pexact * (1.0 + _FISHER_EPS)
    p = np.ones(a.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        at_mode = np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= _FISHER_EPS
    low = ~at_mode & (a < mode)
    high = ~at_mode & (a >= mode)
    if low.any():
        al, Ml, n1l, nl, tl, ml = a[low], M[low], n1[low], n[low], thr[low], mode[low]
        plower = hypergeom.cdf(al, Ml, n1l, nl)
        # Tables above the mode less likely than the observed: x from the
        # first one with pmf < thr up to n (pmf non-increasing there).
        first = _first_index(lambda x: (x > nl) | (hypergeom.pmf(x, Ml, n1l, nl) < tl), ml, nl + 1.0)
        p[low] = plower + hypergeom.sf(first - 1.0, Ml, n1l, nl)
    if high.any():
        ah, Mh, n1h, nh, th, mh = a[high], M[high], n1[high], n[high], thr[high], mode[high]
        pupper = hypergeom.sf(ah - 1.0, Mh, n1h, nh)
        # Tables below the mode less likely than the observed: x from 0 to
        # the last one with pmf < thr (pmf non-decreasing there).
        first_not = _first_index(
            lambda x: (x > mh) | (hypergeom.pmf(x, Mh, n1h, nh) >= th), np.zeros_like(ah), mh + 1.0
        )
        p[high] = pupper + hypergeom.cdf(first_not - 1.0, Mh, n1h, nh)
    out[valid] = np.minimum(p, 1.0)
    return out


def clopper_pearson(k, n, *, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson exact interval for a binomial proportion k / n.

    Clopper, C. J. & Pearson, E. S. (1934). "The use of confidence or fiducial
    limits illustrated in the case of the binomial." Biometrika 26(4):
    404-413. With a = 1 - ci: low = Beta(k, n - k + 1).ppf(a/2) (0 if k = 0),
    high = Beta(k + 1, n - k).isf(a/2) (1 if k = n); the same interval as
    ``scipy.stats.binomtest(k, n).proportion_ci(ci, method="exact")``.

    Returns ``(low, high)`` arrays of the broadcast shape; NaN where n = 0.

    Raises ParameterError on non-integer, negative or non-finite counts,
    k > n, or ``ci`` outside (0, 1).
    """
    if not (0.0 < ci < 1.0):
        raise ParameterError(f"ci={ci!r}: give the coverage as a number in (0, 1)")
    k, n = np.broadcast_arrays(integer_array(k, "k"), integer_array(n, "n"))
    if np.any(k > n):
        raise ParameterError("k must not exceed n")
    tail = (1.0 - ci) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, beta.ppf(tail, np.maximum(k, 1.0), n - k + 1.0), 0.0)
        high = np.where(k < n, beta.isf(tail, k + 1.0, np.maximum(n - k, 1.0)), 1.0)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)
