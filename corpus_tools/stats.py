"""Published corpus statistics, implemented with numpy/scipy only.

Every function here is a direct transcription of a formula from the
literature; each docstring cites its source.  All term-level functions are
vectorised: pass arrays with one entry per term and get arrays back, with no
Python loop over terms.  Where scipy already implements the published method
correctly we call it rather than re-deriving it (BH adjustment, Jensen-Shannon,
Hungarian assignment, chi-squared tail).

Invalid input raises :class:`corpus_tools.errors.ParameterError`, which is a
``ValueError`` subclass, so callers may catch either.

Functions
---------
dirichlet_prior, log_odds_dirichlet
    Monroe, Colaresi & Quinn (2008) "Fightin' Words" log-odds with an
    informative Dirichlet prior.
log_likelihood_g2, g2_pvalue
    Dunning (1993) / Rayson & Garside (2000) log-likelihood keyness.
log_ratio
    Hardie (2014) Log Ratio effect size.
bh_adjust
    Benjamini & Hochberg (1995) adjusted p-values.
bootstrap_rate_ci
    Efron & Tibshirani (1993) percentile bootstrap of a per-N-tokens rate.
relevance
    Sievert & Shirley (2014) LDAvis term relevance.
jaccard, match_topics
    Jaccard (1912) set similarity and Kuhn (1955) Hungarian matching.
jensen_shannon_divergence, pairwise_jsd
    Lin (1991) Jensen-Shannon divergence, in bits.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon, pdist, squareform
from scipy.stats import chi2, false_discovery_control

from .errors import ParameterError

__all__ = [
    "dirichlet_prior",
    "log_odds_dirichlet",
    "log_likelihood_g2",
    "g2_pvalue",
    "log_ratio",
    "bh_adjust",
    "bootstrap_rate_ci",
    "relevance",
    "jaccard",
    "match_topics",
    "jensen_shannon_divergence",
    "pairwise_jsd",
]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _float_array(x, name: str) -> np.ndarray:
    """Convert to a float64 array and reject NaN/inf.

    Counts and probabilities with NaN or inf in them are always an upstream
    bug; failing loudly here is better than propagating NaN into a ranking.
    """
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite (no NaN or inf)")
    return arr


def _nonneg_array(x, name: str) -> np.ndarray:
    arr = _float_array(x, name)
    if np.any(arr < 0):
        raise ParameterError(f"{name} must be non-negative")
    return arr


# ---------------------------------------------------------------------------
# 1. Monroe, Colaresi & Quinn (2008): log-odds with informative Dirichlet prior
# ---------------------------------------------------------------------------


def dirichlet_prior(background_counts, *, alpha0: float | None = None) -> np.ndarray:
    """Informative Dirichlet prior a_w from background (corpus) term counts.

    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). "Fightin' Words:
    Lexical Feature Selection and Evaluation for Identifying the Content of
    Political Conflict." Political Analysis 16(4): 372-403 (the model with an
    informative Dirichlet prior, feeding eq. 16).  The prior is proportional to the
    background term distribution, a_w = alpha0 * background_w / sum(background).

    Choice of alpha0 (documented because it matters): by default alpha0 is the
    background total, i.e. ``alpha == background_counts`` exactly.  This is the
    common use of Monroe et al.'s method with the full-corpus counts as the
    prior.  It is a *strong* prior (as many pseudo-counts as the corpus has
    tokens), so deltas are shrunk heavily for rare terms; pass a smaller
    ``alpha0`` for a weaker prior with the same shape.

    Parameters
    ----------
    background_counts : array_like, shape (V,)
        Non-negative term counts of the background corpus.  Every entry must be
        > 0: a Dirichlet parameter of 0 is invalid and would make the log-odds
        of an unseen term log(0).  Drop terms absent from the background first.
    alpha0 : float, optional, keyword-only
        Desired total prior mass sum(alpha).  Default: background_counts.sum().

    Returns
    -------
    alpha : ndarray, shape (V,)
        Per-term prior, summing to alpha0.

    Raises
    ------
    ParameterError (a ValueError)
        If counts are not 1-D, not finite, contain a value <= 0, or alpha0 <= 0.
    """
    bg = _nonneg_array(background_counts, "background_counts")
    if bg.ndim != 1:
        raise ParameterError("background_counts must be 1-D (one entry per term)")
    if bg.size == 0 or np.any(bg <= 0):
        raise ParameterError(
            "background_counts must be non-empty and strictly positive; "
            "drop terms with zero background count (Dirichlet parameters must be > 0)"
        )
    total = bg.sum()
    if alpha0 is None:
        # Return the counts themselves rather than bg * total / total, so the
        # default is exactly the background counts with no rounding.
        return bg.copy()
    if not np.isfinite(alpha0) or alpha0 <= 0:
        raise ParameterError("alpha0 must be a positive finite number")
    return bg * (float(alpha0) / total)


def log_odds_dirichlet(y_i, y_j, alpha) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds ratio with informative Dirichlet prior ("Fightin' Words").

    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). "Fightin' Words:
    Lexical Feature Selection and Evaluation for Identifying the Content of
    Political Conflict." Political Analysis 16(4): 372-403.

    * eq. 16, point estimate::

        delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
                - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))

    * eqs. 18/20, approximate variance::

        var_w ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w)

    * eq. 22, z-score: z_w = delta_w / sqrt(var_w).

    with a0 = sum(alpha), n_i = sum(y_i), n_j = sum(y_j).  Positive delta/z
    means the term is over-represented in group i relative to group j.

    Parameters
    ----------
    y_i, y_j : array_like, shape (V,) or (G, V)
        Non-negative term counts of group i and group j (typically a group and
        the rest of the corpus).  Sums n_i, n_j are taken along the last axis,
        so a (G, V) stack computes G independent comparisons at once.
    alpha : array_like, shape (V,) (or broadcastable to y_i)
        Strictly positive Dirichlet prior per term, e.g. from
        :func:`dirichlet_prior`.

    Returns
    -------
    delta, variance, z : ndarray, each the broadcast shape of the inputs

    Raises
    ------
    ParameterError (a ValueError)
        On shape mismatch, negative or non-finite counts, alpha <= 0, or if a
        "rest of vocabulary" denominator n + a0 - y - a is <= 0 (only possible
        with a single-term vocabulary, where the odds are undefined).
    """
    yi = _nonneg_array(y_i, "y_i")
    yj = _nonneg_array(y_j, "y_j")
    a = _float_array(alpha, "alpha")
    if yi.shape != yj.shape:
        raise ParameterError(f"y_i and y_j must have the same shape, got {yi.shape} and {yj.shape}")
    if yi.ndim == 0:
        raise ParameterError("y_i and y_j must be arrays over terms, not scalars")
    if np.any(a <= 0):
        raise ParameterError("alpha must be strictly positive (Dirichlet parameters)")
    try:
        yi, yj, a = np.broadcast_arrays(yi, yj, a)
    except ValueError as exc:
        raise ParameterError(f"alpha of shape {np.shape(alpha)} does not match counts {yi.shape}") from exc

    # Totals along the term axis; keepdims so they broadcast against each term.
    a0 = a.sum(axis=-1, keepdims=True)
    n_i = yi.sum(axis=-1, keepdims=True)
    n_j = yj.sum(axis=-1, keepdims=True)

    # Numerator: smoothed count of the term; denominator: smoothed count of
    # every *other* term.  Their ratio is the posterior-mean odds of w (eq. 16).
    num_i = yi + a
    den_i = n_i + a0 - yi - a
    num_j = yj + a
    den_j = n_j + a0 - yj - a
    if np.any(den_i <= 0) or np.any(den_j <= 0):
        raise ParameterError(
            "odds denominator n + a0 - y_w - a_w <= 0; need at least two terms with mass"
        )

    delta = (np.log(num_i) - np.log(den_i)) - (np.log(num_j) - np.log(den_j))
    # Eq. 18/20: the variance approximation keeps only the two "this term"
    # cells, which dominate because the "other terms" cells are large.
    variance = 1.0 / num_i + 1.0 / num_j
    z = delta / np.sqrt(variance)
    return delta, variance, z


# ---------------------------------------------------------------------------
# 2. Dunning (1993) / Rayson & Garside (2000): log-likelihood G2 keyness
# ---------------------------------------------------------------------------


def log_likelihood_g2(a, b, c, d) -> np.ndarray:
    """Log-likelihood (G2) keyness statistic, two-cell form.

    Dunning, T. (1993). "Accurate Methods for the Statistics of Surprise and
    Coincidence." Computational Linguistics 19(1): 61-74.
    Rayson, P. & Garside, R. (2000). "Comparing Corpora using Frequency
    Profiling." Proceedings of the Workshop on Comparing Corpora (ACL 2000),
    pp. 1-6.  This is Rayson & Garside's formulation::

        E1 = c * (a + b) / (c + d)
        E2 = d * (a + b) / (c + d)
        G2 = 2 * (a * ln(a / E1) + b * ln(b / E2)),  with 0 * ln(0) = 0

    NOTE: this is the two-cell statistic used in corpus-linguistics keyness
    (and by Rayson's log-likelihood calculator).  Dunning's full 2x2 G2 also
    includes the cells c - a and d - b; the two agree closely when a << c and
    b << d but are not identical (e.g. a=10, b=5, c=1000, d=2000 gives 6.9315
    here vs 6.9692 for the full table).

    Sign convention: G2 is returned NON-NEGATIVE; it measures how surprising
    the difference is, not its direction.  Use the sign of :func:`log_ratio`
    (or of a/c - b/d) to tell over-use in corpus 1 (positive) from under-use.

    Parameters
    ----------
    a, b : array_like
        Term counts in corpus 1 and corpus 2 (broadcastable; typically (V,)).
    c, d : array_like
        Total tokens in corpus 1 and corpus 2 (typically scalars). Must be > 0.

    Returns
    -------
    g2 : ndarray, broadcast shape of the inputs, >= 0.  A term with a = b = 0
        gets G2 = 0 (no evidence of any difference).

    Raises
    ------
    ParameterError (a ValueError)
        If any input is negative or non-finite, c or d <= 0, a > c or b > d.
    """
    a, b, c, d = np.broadcast_arrays(
        _nonneg_array(a, "a"), _nonneg_array(b, "b"), _nonneg_array(c, "c"), _nonneg_array(d, "d")
    )
    if np.any(c <= 0) or np.any(d <= 0):
        raise ParameterError("corpus sizes c and d must be > 0")
    if np.any(a > c) or np.any(b > d):
        raise ParameterError("term counts cannot exceed corpus sizes (a <= c, b <= d)")

    n = c + d
    e1 = c * (a + b) / n
    e2 = d * (a + b) / n
    # 0 * ln(0 / E) is defined as 0 (its limit).  Compute the log only where
    # the count is positive; E is then positive too (E >= count * size / n > 0).
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0) / np.where(a > 0, e1, 1.0)), 0.0)
        t2 = np.where(b > 0, b * np.log(np.where(b > 0, b, 1.0) / np.where(b > 0, e2, 1.0)), 0.0)
    g2 = 2.0 * (t1 + t2)
    # G2 >= 0 mathematically (it is a KL divergence); rounding can leave
    # ~-1e-15 when a/c == b/d, so clip to keep the documented guarantee.
    return np.maximum(g2, 0.0)


def g2_pvalue(g2) -> np.ndarray:
    """Upper-tail p-value of G2 under chi-squared with 1 degree of freedom.

    Dunning (1993), Computational Linguistics 19(1): 61-74: G2 is
    asymptotically chi-squared distributed; for a two-corpus comparison of one
    term the table has 1 degree of freedom (Rayson & Garside 2000).  Uses
    scipy.stats.chi2.sf, which is accurate far into the tail (unlike 1 - cdf).

    Parameters
    ----------
    g2 : array_like, non-negative G2 values (e.g. from :func:`log_likelihood_g2`).

    Returns
    -------
    p : ndarray of the same shape, in [0, 1].

    Raises
    ------
    ParameterError (a ValueError)
        If any value is negative or non-finite.
    """
    g = _nonneg_array(g2, "g2")
    return chi2.sf(g, df=1)


# ---------------------------------------------------------------------------
# 3. Hardie (2014): Log Ratio
# ---------------------------------------------------------------------------


def log_ratio(a, b, c, d, *, correction: float = 0.5) -> np.ndarray:
    """Hardie's Log Ratio effect size: log2 of the ratio of relative frequencies.

    Hardie, A. (2014). "Log Ratio - an informal introduction." ESRC Centre
    for Corpus Approaches to Social Science (CASS), Lancaster University
    (online post)::

        LR = log2((a / c) / (b / d))

    Each doubling of relative frequency adds 1.  Positive = more frequent in
    corpus 1.

    Zero correction (exactly what is corrected): following Hardie's
    recommendation, ``correction`` (0.5) REPLACES a term count that is exactly
    zero -- a is replaced if a == 0, b is replaced if b == 0, independently.
    Non-zero counts are left untouched and the corpus sizes c and d are NEVER
    adjusted.  This keeps LR finite for terms found in only one corpus while
    not biasing the ratio of terms found in both.

    If a == b == 0 the term occurs in neither corpus; the ratio is 0/0 and we
    return NaN rather than log2(d / c), which would only reflect corpus sizes.

    Parameters
    ----------
    a, b : array_like
        Term counts in corpus 1 and 2 (broadcastable; typically (V,)).
    c, d : array_like
        Total tokens in corpus 1 and 2. Must be > 0.
    correction : float, keyword-only, default 0.5
        Value substituted for a zero count. Must be > 0.

    Returns
    -------
    lr : ndarray, broadcast shape of the inputs (NaN where a == b == 0).

    Raises
    ------
    ParameterError (a ValueError)
        On negative/non-finite input, c or d <= 0, or correction <= 0.
    """
    if not np.isfinite(correction) or correction <= 0:
        raise ParameterError("correction must be a positive finite number")
    a, b, c, d = np.broadcast_arrays(
        _nonneg_array(a, "a"), _nonneg_array(b, "b"), _nonneg_array(c, "c"), _nonneg_array(d, "d")
    )
    if np.any(c <= 0) or np.any(d <= 0):
        raise ParameterError("corpus sizes c and d must be > 0")
    both_zero = (a == 0) & (b == 0)
    a_adj = np.where(a == 0, correction, a)
    b_adj = np.where(b == 0, correction, b)
    lr = np.log2((a_adj / c) / (b_adj / d))
    return np.where(both_zero, np.nan, lr)


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
    C = _nonneg_array(counts, "counts")
    t = _nonneg_array(totals, "totals")
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
# 6. Sievert & Shirley (2014): LDAvis relevance
# ---------------------------------------------------------------------------


def relevance(phi, p_w, *, lam: float) -> np.ndarray:
    """Term relevance for topic interpretation (LDAvis).

    Sievert, C. & Shirley, K. E. (2014). "LDAvis: A method for visualizing and
    interpreting topics." Proceedings of the Workshop on Interactive Language
    Learning, Visualization, and Interfaces (ACL 2014), pp. 63-70, section 3.1::

        r(w, k | lam) = lam * log(phi_kw) + (1 - lam) * log(phi_kw / p_w)

    lam = 1 ranks by topic probability; lam = 0 ranks by lift phi_kw / p_w
    (Taddy 2012).  Sievert & Shirley's user study suggested lam ~= 0.6.

    Computed in the algebraically equal form log(phi_kw) - (1 - lam) log(p_w),
    which avoids 0 * (-inf) = NaN at lam = 1 when phi_kw = 0.  Natural log.

    Parameters
    ----------
    phi : array_like, shape (K, V) (or (V,))
        Topic-term probabilities.  phi_kw = 0 gives relevance -inf.
    p_w : array_like, shape (V,)
        Marginal term probability in the corpus; must be > 0.
    lam : float, keyword-only, in [0, 1]

    Returns
    -------
    r : ndarray, same shape as phi.

    Raises
    ------
    ParameterError (a ValueError)
        If lam is outside [0, 1], phi is negative/non-finite, p_w <= 0, or the
        last axis of phi does not match p_w.
    """
    if not (0.0 <= lam <= 1.0):
        raise ParameterError("lam must be in [0, 1]")
    ph = _nonneg_array(phi, "phi")
    pw = _float_array(p_w, "p_w")
    if pw.ndim != 1 or ph.ndim not in (1, 2) or ph.shape[-1] != pw.shape[0]:
        raise ParameterError(f"phi (K, V) and p_w (V,) shapes do not match: {ph.shape}, {pw.shape}")
    if np.any(pw <= 0):
        raise ParameterError("p_w must be strictly positive")
    with np.errstate(divide="ignore"):
        log_phi = np.log(ph)
    return log_phi - (1.0 - lam) * np.log(pw)


# ---------------------------------------------------------------------------
# 7. Jaccard similarity and Hungarian topic matching
# ---------------------------------------------------------------------------


def jaccard(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """Jaccard similarity |A & B| / |A | B| of two sets.

    Jaccard, P. (1912). "The distribution of the flora in the alpine zone."
    New Phytologist 11(2): 37-50.

    Convention: two empty sets are identical, so jaccard(set(), set()) = 1.0
    (0/0 otherwise; this matches scipy's all-zero convention for the
    Jaccard distance, which returns 0).

    Parameters
    ----------
    a, b : iterables of hashable items (converted to sets; duplicates ignored)

    Returns
    -------
    float in [0, 1]
    """
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    if union == 0:
        return 1.0
    return len(sa & sb) / union


def _jaccard_matrix(sets_a: Sequence[Iterable[Hashable]], sets_b: Sequence[Iterable[Hashable]]) -> np.ndarray:
    """All pairwise Jaccard similarities via incidence matrices.

    Builds boolean (n_sets, V) incidence matrices over the union vocabulary so
    that intersections are one integer matrix product; the union follows from
    |A| + |B| - |A & B|.
    """
    la = [set(s) for s in sets_a]
    lb = [set(s) for s in sets_b]
    vocab = {tok: i for i, tok in enumerate(dict.fromkeys(x for s in la + lb for x in s))}
    V = len(vocab)

    def incidence(sets: list[set]) -> np.ndarray:
        m = np.zeros((len(sets), V), dtype=np.int64)
        rows = np.fromiter((r for r, s in enumerate(sets) for _ in s), dtype=np.int64)
        cols = np.fromiter((vocab[x] for s in sets for x in s), dtype=np.int64)
        m[rows, cols] = 1
        return m

    A, B = incidence(la), incidence(lb)
    inter = A @ B.T
    union = A.sum(1)[:, None] + B.sum(1)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        J = np.where(union > 0, inter / np.where(union > 0, union, 1), 1.0)
    return J


def match_topics(
    sets_a: Sequence[Iterable[Hashable]], sets_b: Sequence[Iterable[Hashable]]
) -> list[tuple[int, int, float]]:
    """Optimal one-to-one matching of two topic lists by Jaccard similarity.

    Kuhn, H. W. (1955). "The Hungarian method for the assignment problem."
    Naval Research Logistics Quarterly 2(1-2): 83-97, via
    scipy.optimize.linear_sum_assignment(maximize=True), which maximises the
    TOTAL Jaccard similarity over all matched pairs.  Unlike greedy
    best-pair-first matching, this cannot be trapped by one high-similarity
    pair that steals the only good partner of another topic.

    Typical use: compare the top-N term sets of topics from two runs or seeds.

    Parameters
    ----------
    sets_a, sets_b : sequences of iterables of hashable terms.
        Lengths may differ; only min(len(sets_a), len(sets_b)) pairs are
        returned, and the surplus topics of the longer list are unmatched.

    Returns
    -------
    list of (i, j, jaccard) tuples (int, int, float), sorted by i.  When
    several assignments tie on total similarity, which one scipy returns is
    unspecified.  Empty input gives [].
    """
    if len(sets_a) == 0 or len(sets_b) == 0:
        return []
    J = _jaccard_matrix(sets_a, sets_b)
    rows, cols = linear_sum_assignment(J, maximize=True)
    order = np.argsort(rows, kind="stable")
    return [(int(rows[k]), int(cols[k]), float(J[rows[k], cols[k]])) for k in order]


# ---------------------------------------------------------------------------
# 8. Jensen-Shannon divergence
# ---------------------------------------------------------------------------


def _check_distribution_rows(x: np.ndarray, name: str) -> None:
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ParameterError(f"{name} must have at least one term")
    if np.any(x.sum(axis=-1) <= 0):
        raise ParameterError(f"{name} has a distribution with zero total mass")


def jensen_shannon_divergence(p, q) -> np.ndarray:
    """Jensen-Shannon divergence in bits (base 2), in [0, 1].

    Lin, J. (1991). "Divergence measures based on the Shannon entropy."
    IEEE Transactions on Information Theory 37(1): 145-151::

        JSD(P, Q) = 1/2 KL(P || M) + 1/2 KL(Q || M),  M = (P + Q) / 2

    scipy.spatial.distance.jensenshannon returns the Jensen-Shannon DISTANCE,
    i.e. sqrt(JSD); we call it with base=2 and SQUARE the result to get the
    divergence.  Inputs are normalised to sum to 1 along the last axis (scipy
    does this), so raw counts are accepted.  The result is clipped to [0, 1]
    to remove floating-point overshoot.

    Parameters
    ----------
    p, q : array_like, shape (..., V), broadcastable
        Non-negative counts or probabilities; each distribution must have
        positive total.

    Returns
    -------
    jsd : ndarray, shape of the broadcast leading axes (0-d for 1-D inputs).
        0 for identical distributions, 1 for disjoint supports.

    Raises
    ------
    ParameterError (a ValueError)
        On negative/non-finite entries or a zero-mass distribution.
    """
    P = _nonneg_array(p, "p")
    Q = _nonneg_array(q, "q")
    _check_distribution_rows(P, "p")
    _check_distribution_rows(Q, "q")
    P, Q = np.broadcast_arrays(P, Q)
    dist = jensenshannon(P, Q, base=2, axis=-1)
    return np.clip(np.asarray(dist) ** 2, 0.0, 1.0)


def pairwise_jsd(matrix) -> np.ndarray:
    """All pairwise Jensen-Shannon divergences (bits) between rows.

    Lin (1991), IEEE Trans. Inf. Theory 37(1): 145-151; see
    :func:`jensen_shannon_divergence`.  Uses scipy.spatial.distance.pdist with
    the 'jensenshannon' metric, which normalises each row and returns the
    distance in nats; squaring gives the divergence in nats and dividing by
    ln 2 converts to bits.  (pdist's compiled metric does not accept the
    ``base`` keyword, hence the explicit conversion.)

    Parameters
    ----------
    matrix : array_like, shape (G, V)
        Non-negative counts or probabilities, one distribution per row; every
        row must have positive total.

    Returns
    -------
    D : ndarray, shape (G, G)
        Symmetric, zero diagonal, values in [0, 1].

    Raises
    ------
    ParameterError (a ValueError)
        If matrix is not 2-D, has negative/non-finite entries or a zero row.
    """
    M = _nonneg_array(matrix, "matrix")
    if M.ndim != 2:
        raise ParameterError("matrix must be 2-D (G, V)")
    G = M.shape[0]
    if G == 0:
        return np.zeros((0, 0))
    _check_distribution_rows(M, "matrix")
    if G == 1:
        return np.zeros((1, 1))
    condensed = pdist(M, metric="jensenshannon") ** 2 / np.log(2.0)
    # squareform leaves an exact-zero diagonal and is exactly symmetric.
    return squareform(np.clip(condensed, 0.0, 1.0))
