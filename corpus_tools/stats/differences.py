"""Tests of a difference: is a term's rate different in two texts or two groups?

A claim that two rates differ should come from a test of the difference,
not from two intervals that do not overlap (non-overlap is far stricter than
a 5% test, and overlap does not mean "no difference"; Schenker & Gentleman
2001, "On judging the significance of differences by examining the overlap
between confidence intervals", The American Statistician 55(3): 182-186).
Which test:

======================  ==================================================
data                    test
======================  ==================================================
two token counts, no    :func:`rate_ratio_test`: exact conditional test of
units (two corpora or   two Poisson rates. Treats tokens as independent:
two whole documents)    too liberal for a bursty term (simulated with the
                        seeds' burstiness, its 5% test rejected 10-11% of
                        equal-rate documents at 8 per 1,000, and 17-43% of
                        equal-rate groups of documents).
two groups of units     :func:`quasi_poisson_test`: quasi-Poisson GLM with a
(paragraphs of two      log-token offset, dispersion from the units, F test.
documents; documents    Any group sizes with at least 3 units in all. The
of two groups)          default when the groups are small or unequal.
two groups of           :func:`permutation_test`: distribution-free, exact
documents, each >= 3    when all splits can be enumerated. Its p cannot go
                        below 2 / C(n1 + n2, n1) for equal groups (0.1 for
                        3 vs 3), so it needs ~5 or more documents a group.
keyness of one term in  :func:`exact_keyness_pvalue` when an expected count
two corpora             is below 5; :func:`keyness_pvalue` chooses between
                        it and G2.
======================  ==================================================
"""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np
from scipy.stats import f as f_dist

from ..errors import ParameterError
from .checks import nonneg_array
from .exact import binom_test_two_sided, clopper_pearson, fisher_exact_two_sided, integer_array
from .keyness import g2_pvalue, log_likelihood_g2

__all__ = [
    "RateRatioTest",
    "rate_ratio_test",
    "QuasiPoissonTest",
    "quasi_poisson_test",
    "PermutationTest",
    "permutation_test",
    "exact_keyness_pvalue",
    "keyness_pvalue",
    "EXPECTED_MIN",
]

#: Cochran's rule: below this expected count the chi-squared reference of G2
#: (and of X2) is unreliable; use the exact test (Cochran 1954, "Some methods
#: for strengthening the common chi2 tests", Biometrics 10(4): 417-451).
EXPECTED_MIN = 5.0


def _check_ci(ci: float) -> None:
    if not (0.0 < ci < 1.0):
        raise ParameterError(f"ci={ci!r}: give the coverage as a number in (0, 1), e.g. 0.95")


# ---------------------------------------------------------------------------
# Exact conditional test of two Poisson rates
# ---------------------------------------------------------------------------


class RateRatioTest(NamedTuple):
    """Result of :func:`rate_ratio_test`; arrays of the inputs' broadcast shape."""

    rate_ratio: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray


def rate_ratio_test(count1, exposure1, count2, exposure2, *, ci: float = 0.95) -> RateRatioTest:
    """Exact conditional test that two Poisson rates are equal, with the rate ratio and its exact CI.

    Given the total n = count1 + count2, count1 is Binomial(n, p) with
    p = r1 e1 / (r1 e1 + r2 e2); under equal rates p0 = e1 / (e1 + e2)
    (Przyborowski & Wilenski 1940, Biometrika 31: 313-323; the "C-test" of
    Krishnamoorthy & Thomson 2004, J. Stat. Plan. Inference 119: 23-35).

    * ``p_value``: the two-sided exact binomial p-value of count1 against
      p0, equal to ``scipy.stats.binomtest(count1, n, p0).pvalue``; 1 when
      n = 0.
    * ``rate_ratio = (count1 / exposure1) / (count2 / exposure2)`` (0 when
      count1 = 0, inf when count2 = 0, NaN when both are 0).
    * ``low, high``: the exact conditional interval, the Clopper-Pearson
      interval [pL, pU] of count1 / n mapped to the ratio,
      rho = p / (1 - p) * exposure2 / exposure1 (low = 0 when count1 = 0,
      high = inf when count2 = 0).

    Vectorised: pass arrays of shape (terms,) or (terms, groups) with
    exposures broadcastable to them (one table per entry).

    Parameters
    ----------
    count1, count2 : array_like of whole numbers
        The term's count in text 1 and text 2.
    exposure1, exposure2 : array_like, > 0
        Tokens in text 1 and text 2 (swapping them with the counts changes
        the answer: the exposures set p0).
    ci : float, keyword-only, default 0.95

    Returns
    -------
    RateRatioTest ``(rate_ratio, low, high, p_value)``.

    Raises
    ------
    ParameterError (a ValueError)
        On negative or non-integer counts, non-positive exposures, or a bad ``ci``.
    """
    _check_ci(ci)
    y1, e1, y2, e2 = np.broadcast_arrays(
        integer_array(count1, "count1"), nonneg_array(exposure1, "exposure1"),
        integer_array(count2, "count2"), nonneg_array(exposure2, "exposure2"),
    )
    if np.any(e1 <= 0) or np.any(e2 <= 0):
        raise ParameterError("exposures must be > 0 (tokens in each text)")
    n = y1 + y2
    p0 = e1 / (e1 + e2)
    p = binom_test_two_sided(y1, n, p0)
    scale = e2 / e1
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (y1 / e1) / (y2 / e2)
        pl, pu = clopper_pearson(y1, n, ci=ci)
        low = pl / (1.0 - pl) * scale
        high = np.where(pu < 1.0, pu / (1.0 - pu), np.inf) * scale
    return RateRatioTest(rr, low, high, p)


# ---------------------------------------------------------------------------
# Quasi-Poisson GLM for two groups of units
# ---------------------------------------------------------------------------


class QuasiPoissonTest(NamedTuple):
    """Result of :func:`quasi_poisson_test`; arrays with one entry per term (0-d for one term)."""

    rate_ratio: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_value: np.ndarray
    dispersion: np.ndarray
    df: int


def _units(counts, totals, label):
    C = nonneg_array(counts, f"counts{label}")
    t = nonneg_array(totals, f"totals{label}")
    if C.ndim not in (1, 2):
        raise ParameterError(f"counts{label} must have shape (n_units,) or (n_units, n_terms)")
    if t.ndim != 1 or t.shape[0] != C.shape[0]:
        raise ParameterError(f"totals{label} must have shape ({C.shape[0]},), got {t.shape}")
    C2 = C[:, None] if C.ndim == 1 else C
    if np.any(C2 > t[:, None]):
        raise ParameterError(f"a unit's term count exceeds its token total (group {label})")
    keep = t > 0  # a unit without tokens says nothing about a rate
    return C2[keep], t[keep], C.ndim == 1


def _two_groups(counts1, totals1, counts2, totals2):
    C1, t1, s1 = _units(counts1, totals1, "1")
    C2, t2, s2 = _units(counts2, totals2, "2")
    if C1.shape[1] != C2.shape[1] or s1 != s2:
        raise ParameterError(f"counts1 and counts2 must cover the same terms, got {C1.shape[1]} and {C2.shape[1]}")
    return C1, t1, C2, t2, s1


def _binomial_lr(y1, y2, p):
    """G2 of y1 ~ Binomial(y1 + y2, p): 2 [y1 ln(y1 / (N p)) + y2 ln(y2 / (N (1 - p)))], 0 ln 0 = 0."""
    N = y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(y1 > 0, y1 * np.log(np.where(y1 > 0, y1, 1.0) / (N * p)), 0.0)
        t2 = np.where(y2 > 0, y2 * np.log(np.where(y2 > 0, y2, 1.0) / (N * (1.0 - p))), 0.0)
    return 2.0 * (t1 + t2)


def _expit(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def quasi_poisson_test(
    counts1, totals1, counts2, totals2, *, ci: float = 0.95, dispersion_method: str = "jackknife"
) -> QuasiPoissonTest:
    """Rate ratio of two groups of units with a quasi-Poisson F test and interval.

    The model is the quasi-Poisson GLM log E[y_i] = log(t_i) + b0 + b1 [i in
    group 1], Var(y_i) = phi E[y_i] (Wedderburn 1974, "Quasi-likelihood
    functions, generalized linear models, and the Gauss-Newton method",
    Biometrika 61(3): 439-447; McCullagh & Nelder 1989, *Generalized Linear
    Models*, 2nd ed., ch. 9), fitted in closed form (the MLE of each group's
    rate is its pooled rate; the tests check it against statsmodels' GLM):

    * ``dispersion`` phi, floored at 1 (so the test is never more confident
      than the exact Poisson one when a few units look underdispersed by
      chance), on df = n1 + n2 - 2. ``dispersion_method="jackknife"``
      (default): the jackknife variance of each group's pooled rate over its
      units, as in :func:`corpus_tools.stats.rate_ci`, relative to Poisson:
      phi = (v_J1 T1^2 + v_J2 T2^2) / (Y1 + Y2). ``"pearson"``: Pearson's
      X2 / df, the textbook quasi-Poisson estimate (statsmodels'
      ``scale="X2"``). Pearson weights every unit alike; when long units
      carry more of the variation (as documents of unequal length do) it
      understates the variance of pooled rates. Simulated under the null
      with the seeds' burstiness (benchmarks/coverage.py's model; 7-25
      paragraphs a document, or 3-30 documents a group; rates 1-8 per
      1,000; 1,500-3,000 data sets a cell), the 5% test rejected 0.3-6.9%
      of the time with the jackknife and 0.8-9.3% with Pearson.
    * ``p_value``: F = (D0 - D1) / phi on (1, df) degrees of freedom, the
      quasi-likelihood F test (McCullagh & Nelder sec. 9.3; R's
      ``anova(glm(..., family = quasipoisson), test = "F")``). D0 - D1 is
      the two-cell G2 of the group totals.
    * ``rate_ratio`` = rate1 / rate2 and ``low, high``: the profile
      quasi-likelihood interval {rho : G2(rho) / phi <= F(1, df).ppf(ci)},
      which, unlike a Wald interval, exists with a zero count (low = 0 when
      group 1 has none, high = inf when group 2 has none).

    Use it for the paragraphs of two documents or the documents of two
    groups, whenever the units could cluster a term (see the module
    docstring for the other tests).

    Parameters
    ----------
    counts1, counts2 : array_like, shape (n_units,) or (n_units, n_terms)
        Term counts per unit of group 1 and group 2 (same terms).
    totals1, totals2 : array_like, shape (n_units,)
        Tokens per unit. Units with no tokens are dropped.
    ci : float, keyword-only, default 0.95

    Returns
    -------
    QuasiPoissonTest ``(rate_ratio, low, high, p_value, dispersion, df)``.
    A term absent from both groups gets rate_ratio NaN and p = 1.

    Raises
    ------
    ParameterError (a ValueError)
        On bad shapes or values, an empty group, fewer than 3 units in all
        (no degree of freedom left for the dispersion), or an unknown
        ``dispersion_method``.
    """
    _check_ci(ci)
    if dispersion_method not in ("jackknife", "pearson"):
        raise ParameterError(f"dispersion_method={dispersion_method!r}: use 'jackknife' or 'pearson'")
    C1, t1, C2, t2, scalar = _two_groups(counts1, totals1, counts2, totals2)
    n1, n2 = t1.shape[0], t2.shape[0]
    if n1 == 0 or n2 == 0:
        raise ParameterError("each group needs at least one unit with tokens")
    df = n1 + n2 - 2
    if df < 1:
        raise ParameterError(
            "quasi_poisson_test needs at least 3 units in all (one degree of freedom for the dispersion); "
            "with one unit a side use rate_ratio_test"
        )
    Y1, Y2 = C1.sum(axis=0), C2.sum(axis=0)
    T1, T2 = t1.sum(), t2.sum()
    R1, R2 = Y1 / T1, Y2 / T2
    with np.errstate(divide="ignore", invalid="ignore"):
        if dispersion_method == "pearson":
            x2 = 0.0
            for C, t, R in ((C1, t1, R1), (C2, t2, R2)):
                mu = t[:, None] * R[None, :]
                x2 = x2 + np.where(mu > 0, (C - mu) ** 2 / np.where(mu > 0, mu, 1.0), 0.0).sum(axis=0)
            raw = x2 / df
        else:
            spread = 0.0  # sum over groups of v_J * T^2; a one-unit group adds nothing
            for C, t in ((C1, t1), (C2, t2)):
                n, Y, T = t.shape[0], C.sum(axis=0), t.sum()
                if n >= 2:
                    loo = (Y[None, :] - C) / (T - t)[:, None]
                    spread = spread + (n - 1) / n * ((loo - loo.mean(axis=0)) ** 2).sum(axis=0) * T**2
            raw = spread / (Y1 + Y2)
        phi = np.maximum(1.0, np.where(np.isfinite(raw), raw, 1.0))
        rr = R1 / R2
    g2 = log_likelihood_g2(Y1, Y2, T1, T2)
    p = np.where(Y1 + Y2 > 0, f_dist.sf(g2 / phi, 1, df), 1.0)

    # Profile interval: in p-space, p(rho) = rho T1 / (rho T1 + T2) and the
    # constrained G2 is the binomial LR of Y1 given Y1 + Y2, decreasing then
    # increasing around p_hat = Y1 / (Y1 + Y2); bisect each side in logit p.
    crit = phi * f_dist.ppf(ci, 1, df)
    N = Y1 + Y2
    safe_N = np.where(N > 0, N, 1.0)
    p_hat = Y1 / safe_N
    with np.errstate(divide="ignore"):
        centre = np.clip(np.log(p_hat) - np.log1p(-p_hat), -60.0, 60.0)

    def bound(lo, hi, side):
        # side -1: find the lower root in [lo, centre]; +1: upper root in [centre, hi].
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            inside = _binomial_lr(Y1, Y2, _expit(mid)) <= crit
            if side < 0:
                hi, lo = np.where(inside, mid, hi), np.where(inside, lo, mid)
            else:
                lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
        return 0.5 * (lo + hi)

    lo_logit = bound(np.full_like(centre, -60.0), centre, -1)
    hi_logit = bound(centre, np.full_like(centre, 60.0), +1)
    to_rr = T2 / T1
    with np.errstate(over="ignore"):
        low = np.where(Y1 > 0, np.exp(lo_logit) * to_rr, 0.0)
        high = np.where(Y2 > 0, np.exp(hi_logit) * to_rr, np.inf)
    empty = N == 0
    low, high = np.where(empty, np.nan, low), np.where(empty, np.nan, high)

    def shape(x):
        return x.reshape(()) if scalar else x

    return QuasiPoissonTest(shape(rr), shape(low), shape(high), shape(p), shape(phi), int(df))


# ---------------------------------------------------------------------------
# Permutation test of documents
# ---------------------------------------------------------------------------


class PermutationTest(NamedTuple):
    """Result of :func:`permutation_test`; arrays with one entry per term (0-d for one term)."""

    statistic: np.ndarray
    p_value: np.ndarray
    n_resamples: int
    exact: bool


#: Rows of the split matrix built at once when sampling (bounds memory:
#: rows * n_documents doubles; the random stream does not depend on it).
_CHUNK_CELLS = 1 << 22


def permutation_test(
    counts1, totals1, counts2, totals2, *, n_resamples: int = 9999, seed=0, per: float = 1000.0
) -> PermutationTest:
    """Permutation test of a term's rate difference between two groups of documents.

    The statistic is the difference of pooled rates,
    ``per * (sum counts1 / sum totals1 - sum counts2 / sum totals2)``.
    Under the null that group labels are exchangeable, every split of the
    n1 + n2 documents into groups of n1 and n2 is equally likely (Fisher
    1935, *The Design of Experiments*, sec. 21; Good 2005, *Permutation,
    Parametric, and Bootstrap Tests of Hypotheses*, 3rd ed.). Two-sided p:
    the share of splits whose |statistic| is at least the observed one
    (relative tolerance 1e-12 for floating-point ties).

    * **Exact** when C(n1 + n2, n1) <= ``n_resamples``: every split, in
      ``itertools.combinations`` order; p = (splits as extreme) / C, which
      includes the observed split, so p >= 1 / C.
    * **Sampled** otherwise: ``n_resamples`` random splits from
      ``numpy.random.default_rng(seed)``. Split b takes
      ``rng.random(n1 + n2)`` and puts the documents with the n1 smallest
      keys (``argsort``, stable) in group 1; the keys of all splits come from
      one stream in order, so results do not depend on how the work is
      chunked. p = (1 + as extreme) / (1 + n_resamples), which is never 0
      and keeps the test valid (Phipson & Smyth 2010, "Permutation p-values
      should never be zero", Stat. Appl. Genet. Mol. Biol. 9(1): 39).

    Needs at least 3 documents with tokens in each group. The smallest
    attainable p is 1 / C(n1 + n2, n1), and 2 / C(n1 + n2, n1) when
    n1 = n2 (a split and its mirror give the same |statistic|): 0.1 for 3 vs
    3, 0.008 for 5 vs 5. So below ~5 documents a group prefer
    :func:`quasi_poisson_test`, whose p is not bounded that way.

    Parameters
    ----------
    counts1, counts2 : array_like, shape (n_docs,) or (n_docs, n_terms)
    totals1, totals2 : array_like, shape (n_docs,)
        Tokens per document; documents with none are dropped.
    n_resamples : int, keyword-only, default 9999
    seed : int, SeedSequence or Generator, keyword-only, default 0
        Passed to ``numpy.random.default_rng``; same seed, same p.
    per : float, keyword-only, default 1000.0

    Returns
    -------
    PermutationTest ``(statistic, p_value, n_resamples, exact)``;
    ``n_resamples`` is the number of splits used (C when exact).

    Raises
    ------
    ParameterError (a ValueError)
        On bad shapes or values, fewer than 3 documents in a group, or a bad
        ``n_resamples`` / ``per``.
    """
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 1:
        raise ParameterError(f"n_resamples={n_resamples!r}: give a positive whole number of random splits")
    if not np.isfinite(per) or per <= 0:
        raise ParameterError(f"per={per!r}: give the rate scale as a positive number")
    C1, t1, C2, t2, scalar = _two_groups(counts1, totals1, counts2, totals2)
    n1, n2 = t1.shape[0], t2.shape[0]
    if n1 < 3 or n2 < 3:
        raise ParameterError(
            f"permutation_test needs at least 3 documents with tokens in each group (got {n1} and {n2}); "
            "with fewer, use quasi_poisson_test"
        )
    C = np.vstack([C1, C2])
    t = np.concatenate([t1, t2])
    n = n1 + n2
    Ctot, Ttot = C.sum(axis=0), t.sum()

    def stat(W):
        # W: (rows, n) 0/1 membership of group 1 -> (rows, n_terms) rate differences.
        c1, s1 = W @ C, W @ t
        return (c1 / s1[:, None] - (Ctot - c1) / (Ttot - s1)[:, None]) * per

    observed = stat(np.r_[np.ones(n1), np.zeros(n2)][None, :])[0]
    threshold = np.abs(observed) * (1.0 - 1e-12)
    n_splits = math.comb(n, n1)
    exact = n_splits <= n_resamples
    hits = np.zeros(C.shape[1])
    if exact:
        rows = max(1, _CHUNK_CELLS // n)
        combos = itertools.combinations(range(n), n1)
        while True:
            block = list(itertools.islice(combos, rows))
            if not block:
                break
            W = np.zeros((len(block), n))
            W[np.repeat(np.arange(len(block)), n1), np.asarray(block).ravel()] = 1.0
            hits += (np.abs(stat(W)) >= threshold).sum(axis=0)
        p = hits / n_splits
        used = n_splits
    else:
        rng = np.random.default_rng(seed)
        rows = max(1, _CHUNK_CELLS // n)
        done = 0
        while done < n_resamples:
            b = min(rows, n_resamples - done)
            keys = rng.random((b, n))
            members = np.argsort(keys, axis=1, kind="stable")[:, :n1]
            W = np.zeros((b, n))
            np.put_along_axis(W, members, 1.0, axis=1)
            hits += (np.abs(stat(W)) >= threshold).sum(axis=0)
            done += b
        p = (1.0 + hits) / (1.0 + n_resamples)
        used = int(n_resamples)

    def shape(x):
        return x.reshape(()) if scalar else x

    return PermutationTest(shape(observed), shape(p), used, bool(exact))


# ---------------------------------------------------------------------------
# Exact keyness for small counts
# ---------------------------------------------------------------------------


def exact_keyness_pvalue(a, b, c, d, *, method: str = "binomial") -> np.ndarray:
    """Exact two-sided p-value that a term is equally frequent in two corpora, per term.

    For counts too small for G2's chi-squared reference (an expected count
    below 5; e.g. 5 vs 0), where G2 overstates the evidence several-fold.

    * ``method="binomial"`` (default): conditional on a + b, a is
      Binomial(a + b, c / (c + d)) under equal rates -- the exact conditional
      test of two Poisson rates (:func:`rate_ratio_test`); equal to
      ``scipy.stats.binomtest(a, a + b, c / (c + d)).pvalue``.
    * ``method="fisher"``: Fisher's exact test of the 2x2 table
      [[a, b], [c - a, d - b]] (term vs other tokens, corpus 1 vs 2), which
      also conditions on the corpus sizes; equal to
      ``scipy.stats.fisher_exact``. Nearly the same as the binomial when
      a << c and b << d.

    Parameters
    ----------
    a, b : array_like of whole numbers
        The term's count in corpus 1 and corpus 2.
    c, d : array_like of whole numbers, > 0
        Tokens in corpus 1 and corpus 2 (a <= c, b <= d).
    method : ``"binomial"`` or ``"fisher"``, keyword-only

    Returns
    -------
    ndarray of p-values, the broadcast shape; 1 for a term absent from both.

    Raises
    ------
    ParameterError (a ValueError)
        On negative, non-integer or non-finite input, c or d <= 0, a > c,
        b > d, or an unknown method.
    """
    a, b, c, d = np.broadcast_arrays(
        integer_array(a, "a"), integer_array(b, "b"), integer_array(c, "c"), integer_array(d, "d")
    )
    if np.any(c <= 0) or np.any(d <= 0):
        raise ParameterError("corpus sizes c and d must be > 0")
    if np.any(a > c) or np.any(b > d):
        raise ParameterError("term counts cannot exceed corpus sizes (a <= c, b <= d)")
    if method == "binomial":
        return binom_test_two_sided(a, a + b, c / (c + d))
    if method == "fisher":
        return fisher_exact_two_sided(a, b, c - a, d - b)
    raise ParameterError(f"method={method!r}: use 'binomial' or 'fisher'")


def keyness_pvalue(a, b, c, d, *, exact_below: float = EXPECTED_MIN, method: str = "binomial"):
    """Keyness p-value per term: exact where an expected count is small, G2 elsewhere.

    The expected counts are Rayson & Garside's E1 = c (a + b) / (c + d) and
    E2 = d (a + b) / (c + d). Where min(E1, E2) < ``exact_below`` (Cochran's
    rule, 5) the p-value is :func:`exact_keyness_pvalue`; elsewhere G2 is
    referred to chi-squared(1) (:func:`log_likelihood_g2`,
    :func:`g2_pvalue`).

    Returns
    -------
    p_value, exact : ndarray, ndarray of bool
        The p-values and which of them are exact.

    Raises
    ------
    ParameterError (a ValueError)
        As :func:`exact_keyness_pvalue`, or a negative ``exact_below``.
    """
    if not np.isfinite(exact_below) or exact_below < 0:
        raise ParameterError(f"exact_below={exact_below!r}: give a non-negative expected count (5 by Cochran's rule)")
    a, b, c, d = np.broadcast_arrays(
        integer_array(a, "a"), integer_array(b, "b"), integer_array(c, "c"), integer_array(d, "d")
    )
    if np.any(c <= 0) or np.any(d <= 0):
        raise ParameterError("corpus sizes c and d must be > 0")
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    exact = np.minimum(e1, e2) < exact_below
    p = g2_pvalue(log_likelihood_g2(a, b, c, d))
    if exact.any():
        p = np.array(p, dtype=np.float64, copy=True)
        p[exact] = exact_keyness_pvalue(a[exact], b[exact], c[exact], d[exact], method=method)
    return p, exact
