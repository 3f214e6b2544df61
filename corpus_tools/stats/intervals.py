"""Intervals for rates per N tokens.

Three intervals, from the one a notebook should use to the ones kept for
contrast:

* :func:`rate_ci` (``method="quasi"``, the default): a rate estimated from
  **units** (the paragraphs of one document, or the documents of a group),
  honest when a term clusters in a few units. It is a gamma (scaled Poisson)
  interval whose dispersion is the jackknife variance of the rate over the
  units, calibrated with Student's t on n_units - 1 degrees of freedom, and
  never narrower than the exact Poisson interval. Its coverage was measured
  by simulation with paragraph lengths and burstiness estimated from the seed
  articles (``benchmarks/coverage.py``; table in ``benchmarks/README.md``).
* :func:`poisson_rate_ci`: Garwood's (1936) exact Poisson interval, for a
  count over a known exposure when tokens can be treated as independent
  (they cannot for a bursty term in few paragraphs: it is then too narrow).
* :func:`bootstrap_rate_ci`: the percentile bootstrap over units. Kept for
  comparison; it covers far less than its nominal level with fewer than ~25
  units and gives [0, 0] for a zero count.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.stats import chi2, gamma, norm
from scipy.stats import t as student_t

from ..errors import ParameterError
from .checks import nonneg_array

__all__ = ["bootstrap_rate_ci", "poisson_rate_ci", "rate_ci", "RateInterval", "FEW_UNITS"]

#: Below this many units (paragraphs or documents) a dispersion estimated from
#: them is itself very uncertain; :func:`rate_ci` flags such rates
#: (``few_units``) so that a notebook can say so beside the interval.
FEW_UNITS = 10


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


# ---------------------------------------------------------------------------
# 6. Garwood (1936): exact Poisson interval
# ---------------------------------------------------------------------------


def _check_level(ci: float, per: float) -> None:
    if not (0.0 < ci < 1.0):
        raise ParameterError(f"ci={ci!r}: give the interval's coverage as a number in (0, 1), e.g. 0.95")
    if not np.isfinite(per) or per <= 0:
        raise ParameterError(f"per={per!r}: give the rate scale as a positive number (1000.0 = per 1,000 tokens)")


def _gamma_interval(count, exposure, tail):
    """Bounds of the gamma-form Poisson interval for a (possibly non-integer) count.

    low = Gamma(count).ppf(tail) / exposure (0 when count == 0) and
    high = Gamma(count + 1).isf(tail) / exposure, each tail of mass ``tail``.
    For an integer count this is Garwood's interval (chi2(2y)/2 = Gamma(y));
    for a scaled count y/phi over exposure E/phi it is Fay & Feuer's (1997)
    gamma interval with variance phi * y and largest weight phi. ``isf`` (not
    ``ppf(1 - tail)``) keeps tails far below 1e-16 exact.
    """
    count = np.asarray(count, dtype=np.float64)
    exposure = np.asarray(exposure, dtype=np.float64)
    pos = count > 0
    low = np.where(pos, gamma.ppf(tail, np.where(pos, count, 1.0)), 0.0) / exposure
    high = gamma.isf(tail, count + 1.0) / exposure
    return low, high


def poisson_rate_ci(count, exposure, *, ci: float = 0.95, per: float = 1000.0):
    """Rate per ``per`` tokens with Garwood's exact Poisson interval.

    Garwood, F. (1936). "Fiducial limits for the Poisson distribution."
    Biometrika 28(3/4): 437-442. With y events in E tokens and
    a = 1 - ci::

        low  = chi2.ppf(a/2, 2y) / 2 / E        (0 when y = 0)
        high = chi2.ppf(1 - a/2, 2y + 2) / 2 / E

    Each tail holds at most a/2 for every true rate (the interval is exact,
    hence conservative for a discrete count). A zero count gives
    [0, -ln(a/2) / E]: for a = 0.05 the upper bound is 3.689 / E, never 0.

    It treats every token as an independent chance for the term, which is
    right for a count over a whole corpus but too narrow for a term that
    clusters in a few paragraphs; use :func:`rate_ci` with the units then.

    Parameters
    ----------
    count : array_like
        Non-negative event counts (integers; the gamma form used for
        non-integers is the continuous extension of the same formula).
    exposure : array_like, broadcastable to ``count``
        Tokens observed. Zero gives NaN (a rate needs tokens).
    ci : float, keyword-only, default 0.95
        Coverage, in (0, 1).
    per : float, keyword-only, default 1000.0
        Rate scale (per 1,000 tokens).

    Returns
    -------
    estimate, low, high : ndarray, the broadcast shape of the inputs
        ``estimate = per * count / exposure``.

    Raises
    ------
    ParameterError (a ValueError)
        On negative or non-finite input, or a bad ``ci`` / ``per``.

    Example: 3 occurrences in 1,000 tokens, ci=0.95 -> 3.0 per 1,000, interval
    [0.6187, 8.7673] (chi2 quantiles 1.2374 on 6 df and 17.5345 on 8 df, halved).
    """
    _check_level(ci, per)
    y, e = np.broadcast_arrays(nonneg_array(count, "count"), nonneg_array(exposure, "exposure"))
    tail = (1.0 - ci) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(e > 0, y / np.where(e > 0, e, 1.0), np.nan) * per
        pos = y > 0
        # chi2 quantiles as in Garwood; Gamma(y) = chi2(2y)/2 is the same number.
        low = np.where(pos, chi2.ppf(tail, 2.0 * np.where(pos, y, 1.0)) / 2.0, 0.0)
        high = chi2.isf(tail, 2.0 * y + 2.0) / 2.0
        low = np.where(e > 0, low / np.where(e > 0, e, 1.0), np.nan) * per
        high = np.where(e > 0, high / np.where(e > 0, e, 1.0), np.nan) * per
    return est, low, high


# ---------------------------------------------------------------------------
# 7. A rate from units, honest under overdispersion
# ---------------------------------------------------------------------------


class RateInterval(NamedTuple):
    """What :func:`rate_ci` returns: arrays with one entry per term (0-d for one term).

    ``estimate, low, high`` are rates per ``per`` tokens; ``dispersion`` is the
    variance of the rate relative to a Poisson count (1 = tokens behave as
    independent; NaN when it cannot be estimated: fewer than two units or a
    zero count); ``n_units`` counts units with tokens; ``few_units`` is
    ``n_units < FEW_UNITS``.
    """

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    dispersion: np.ndarray
    n_units: int
    few_units: bool


def rate_ci(counts, totals, *, ci: float = 0.95, per: float = 1000.0, method: str = "quasi") -> RateInterval:
    """Rate per ``per`` tokens of a text made of units, with an interval that survives burstiness.

    The units are the paragraphs of one document (a document's rate) or the
    documents of a group (a group's rate). The estimate is the ratio
    ``per * sum(counts) / sum(totals)``.

    ``method="quasi"`` (default), in three steps:

    1. **Dispersion.** The jackknife variance of the ratio estimator over the
       units (Quenouille 1956; Tukey 1958; for ratio estimators Cochran 1977,
       *Sampling Techniques*, 3rd ed., sec. 6.16), v_J = (n-1)/n * sum_i
       (R_(-i) - mean R_(-i))^2 with R_(-i) the rate without unit i, divided
       by the Poisson variance Y / T^2 of the same rate:
       phi = v_J * T^2 / Y. phi = 1 when the term is spread as if tokens were
       independent, larger when it clusters (Church & Gale 1995, "Poisson
       mixtures", Natural Language Engineering 1(2): 163-190). The jackknife,
       unlike Pearson's X^2 / (n - 1), also holds when long and short units
       differ in variability (a leverage-weighted, HC3-like estimate).
    2. **Gamma interval on the effective count** Y / phi over the effective
       exposure T / phi: the quasi-Poisson interval in Fay & Feuer's (1997)
       gamma form ("Confidence intervals for directly standardized rates: a
       method based on the gamma distribution", Statistics in Medicine 16:
       791-801), so it stays skewed and positive for small counts.
    3. **Few units.** phi comes from n units, so each tail is taken at the
       normal tail matching Student's t on n - 1 df (as for any quasi-
       likelihood estimate with a dispersion estimated on n - 1 df;
       McCullagh & Nelder 1989, *Generalized Linear Models*, 2nd ed.,
       sec. 9.2); and the result is widened, where needed, to contain
       Garwood's exact Poisson interval (:func:`poisson_rate_ci`), so it is
       never narrower than treating tokens as independent.

    A zero count therefore gets [0, Garwood upper bound > 0], never [0, 0],
    and no interval has zero width.

    Why this one (design by simulation, ``benchmarks/coverage.py``, 10,000
    replicates a cell): with paragraph lengths and burstiness estimated from
    the seeds (7-25 paragraphs, rates 1-8 per 1,000), the percentile
    bootstrap covered 0.34-0.90 (up to 65% of its intervals of zero width)
    and Garwood on pooled tokens 0.89-0.98 (worst at 8 per 1,000, where
    clustering matters); this interval covered 0.954-0.996, and 0.944-0.995
    with twice the seeds' burstiness. Pearson's X2/(n-1) in place of the
    jackknife, or the normal in place of t, covered less with documents as
    units. With documents as units (groups of 3-30 built like the seeds) it
    covers 0.934-0.978; with strongly skewed between-document rates (gamma
    shape 1) 0.917-0.964, lowest at 3-10 documents and 8 per 1,000. See the
    Coverage section of ``benchmarks/README.md``.

    ``method="poisson"``: Garwood's interval on the pooled count, ignoring
    the units (``dispersion`` is 1).

    Parameters
    ----------
    counts : array_like, shape (n_units,) or (n_units, n_terms)
        Non-negative term counts per unit.
    totals : array_like, shape (n_units,)
        Tokens per unit; each count must be <= its unit's total. Units with
        no tokens are dropped (they carry no information on a rate).
    ci : float, keyword-only, default 0.95
    per : float, keyword-only, default 1000.0
    method : ``"quasi"`` or ``"poisson"``, keyword-only

    Returns
    -------
    RateInterval
        ``(estimate, low, high, dispersion, n_units, few_units)``; the first
        four are 0-d arrays if ``counts`` is 1-D, else shape (n_terms,).
        ``low <= estimate <= high`` and ``low < high`` always; NaN everywhere
        when there are no tokens.

    Raises
    ------
    ParameterError (a ValueError)
        On bad shapes, negative or non-finite values, a count above its
        unit's total, or a bad ``ci`` / ``per`` / ``method``.
    """
    _check_level(ci, per)
    if method not in ("quasi", "poisson"):
        raise ParameterError(f"method={method!r}: use 'quasi' (units, the default) or 'poisson' (pooled tokens)")
    C = nonneg_array(counts, "counts")
    t = nonneg_array(totals, "totals")
    if C.ndim not in (1, 2):
        raise ParameterError("counts must have shape (n_units,) or (n_units, n_terms)")
    if t.ndim != 1 or t.shape[0] != C.shape[0]:
        raise ParameterError(f"totals must have shape ({C.shape[0]},), got {t.shape}")
    scalar = C.ndim == 1
    C2 = C[:, None] if scalar else C
    if np.any(C2 > t[:, None]):
        raise ParameterError("a unit's term count exceeds its token total")
    keep = t > 0
    C2, t = C2[keep], t[keep]
    n = int(t.shape[0])
    V = C2.shape[1]

    def shape(x):
        return x.reshape(()) if scalar else x

    if n == 0:
        nan = np.full(V, np.nan)
        return RateInterval(shape(nan), shape(nan.copy()), shape(nan.copy()), shape(nan.copy()), 0, True)

    T = t.sum()
    Y = C2.sum(axis=0)
    tail = (1.0 - ci) / 2.0
    est = Y / T * per
    low, high = _gamma_interval(Y, T, tail)
    phi = np.ones(V) if method == "poisson" else np.full(V, np.nan)
    if method == "quasi" and n >= 2:
        # Leave-one-out rates; T - t_i > 0 because every kept unit has tokens.
        loo = (Y[None, :] - C2) / (T - t)[:, None]
        v_jack = (n - 1) / n * ((loo - loo.mean(axis=0)) ** 2).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.where(Y > 0, v_jack * T**2 / np.where(Y > 0, Y, 1.0), np.nan)
        usable = np.isfinite(phi) & (phi > 0)
        # The normal tail whose quantile is Student's t quantile on n - 1 df.
        t_tail = norm.sf(student_t.isf(tail, n - 1))
        p = np.where(usable, phi, 1.0)
        q_low, q_high = _gamma_interval(Y / p, T / p, t_tail)
        low = np.where(usable, np.minimum(low, q_low), low)
        high = np.where(usable, np.maximum(high, q_high), high)
    low = np.minimum(low * per, est)
    high = np.maximum(high * per, est)
    return RateInterval(shape(est), shape(low), shape(high), shape(phi), n, n < FEW_UNITS)
