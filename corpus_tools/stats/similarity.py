"""Similarity of terms, topics and distributions: relevance, Jaccard, topic matching, Jensen-Shannon."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon, pdist, squareform

from ..errors import ParameterError
from .checks import finite_array, nonneg_array

__all__ = ["relevance", "jaccard", "match_topics", "jensen_shannon_divergence", "pairwise_jsd"]


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
    ph = nonneg_array(phi, "phi")
    pw = finite_array(p_w, "p_w")
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
    P = nonneg_array(p, "p")
    Q = nonneg_array(q, "q")
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
    M = nonneg_array(matrix, "matrix")
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
