"""Tests for corpus_tools.stats against values worked out by hand.

Every expected number below is derived in the adjacent comment from the
published formula, not copied from the implementation's output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import power_divergence

from corpus_tools.stats import (
    bh_adjust,
    bootstrap_rate_ci,
    dirichlet_prior,
    g2_pvalue,
    jaccard,
    jensen_shannon_divergence,
    log_likelihood_g2,
    log_odds_dirichlet,
    log_ratio,
    match_topics,
    pairwise_jsd,
    relevance,
)

LN2 = math.log(2.0)


# ---------------------------------------------------------------------------
# Log-likelihood G2 (Dunning 1993; Rayson & Garside 2000)
# ---------------------------------------------------------------------------


def test_g2_worked_example():
    # a=10, b=5, c=1000, d=2000
    # E1 = c(a+b)/(c+d) = 1000*15/3000 = 5
    # E2 = d(a+b)/(c+d) = 2000*15/3000 = 10
    # G2 = 2*(10 ln(10/5) + 5 ln(5/10)) = 2*(10 ln2 - 5 ln2) = 10 ln2
    #    = 6.931471805599453
    g2 = log_likelihood_g2(10, 5, 1000, 2000)
    assert g2 == pytest.approx(6.931471805599453, abs=1e-6)
    assert g2 == pytest.approx(10 * LN2, abs=1e-12)


def test_g2_zero_count_in_one_corpus():
    # a=0, b=10, c=d=1000: E1 = E2 = 1000*10/2000 = 5
    # G2 = 2*(0*ln(0/5) + 10 ln(10/5)) with 0 ln 0 := 0
    #    = 20 ln2 = 13.862943611198906
    assert log_likelihood_g2(0, 10, 1000, 1000) == pytest.approx(13.862943611198906, abs=1e-6)


def test_g2_vectorised_and_edge_cases():
    # Term 0: the 10/5 example (10 ln2). Term 1: a=10, b=20 with c=1000,
    # d=2000 -> same relative frequency 0.01 in both; E1=10, E2=20, so both
    # logs are ln(1)=0 and G2=0.  Term 2: absent from both -> no evidence, 0.
    g2 = log_likelihood_g2(np.array([10, 10, 0]), np.array([5, 20, 0]), 1000, 2000)
    np.testing.assert_allclose(g2, [10 * LN2, 0.0, 0.0], atol=1e-12)
    assert np.all(g2 >= 0)


def test_g2_symmetry_property():
    # Swapping the corpora (a<->b, c<->d) must not change G2.
    rng = np.random.default_rng(3)
    a = rng.integers(0, 50, 100)
    b = rng.integers(0, 50, 100)
    np.testing.assert_allclose(
        log_likelihood_g2(a, b, 5000, 8000), log_likelihood_g2(b, a, 8000, 5000), rtol=1e-12
    )


def test_g2_matches_scipy_power_divergence():
    # Independent route: G2 is the log-likelihood power divergence of the
    # observed (a, b) against expected (E1, E2).  a=37, b=12, c=4000, d=6000:
    # E1 = 4000*49/10000 = 19.6, E2 = 6000*49/10000 = 29.4.
    ref = power_divergence([37, 12], [19.6, 29.4], lambda_="log-likelihood")
    assert log_likelihood_g2(37, 12, 4000, 6000) == pytest.approx(ref.statistic, rel=1e-12)
    assert g2_pvalue(log_likelihood_g2(37, 12, 4000, 6000)) == pytest.approx(ref.pvalue, rel=1e-9)


def test_g2_pvalue_critical_value():
    # chi2(1) 95% critical value is 3.841458820694124 -> p = 0.05; G2=0 -> p=1.
    np.testing.assert_allclose(g2_pvalue([3.841458820694124, 0.0]), [0.05, 1.0], rtol=1e-9)


def test_g2_rejects_bad_input():
    with pytest.raises(ValueError):
        log_likelihood_g2(5, 1, 0, 100)  # empty corpus 1
    with pytest.raises(ValueError):
        log_likelihood_g2(-1, 1, 10, 100)
    with pytest.raises(ValueError):
        log_likelihood_g2(11, 1, 10, 100)  # count > corpus size
    with pytest.raises(ValueError):
        g2_pvalue(-1.0)


# ---------------------------------------------------------------------------
# Log-odds with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)
# ---------------------------------------------------------------------------


def test_log_odds_three_term_worked_example():
    # y_i = [5, 3, 2], y_j = [1, 4, 5], alpha = [2, 1, 1]
    # a0 = 4, n_i = 10, n_j = 10, so n + a0 = 14 for both groups.
    #
    # term 0: odds_i = (5+2)/(14-5-2) = 7/7 = 1
    #         odds_j = (1+2)/(14-1-2) = 3/11
    #         delta  = ln(1) - ln(3/11) = ln(11/3) = 1.2992829841302609
    #         var    = 1/7 + 1/3 = 10/21 = 0.47619047619047616
    #         z      = 1.2992829841302609 / sqrt(10/21) = 1.8828399222944883
    # term 1: odds_i = (3+1)/(14-3-1) = 4/10 = 0.4
    #         odds_j = (4+1)/(14-4-1) = 5/9
    #         delta  = ln(0.4) - ln(5/9) = ln(0.72) = -0.3285040669720361
    #         var    = 1/4 + 1/5 = 0.45
    #         z      = -0.3285040669720361 / sqrt(0.45) = -0.4897049497564108
    # term 2: odds_i = (2+1)/(14-2-1) = 3/11
    #         odds_j = (5+1)/(14-5-1) = 6/8 = 0.75
    #         delta  = ln(3/11) - ln(3/4) = ln(4/11) = -1.0116009116784799
    #         var    = 1/3 + 1/6 = 0.5
    #         z      = -1.0116009116784799 / sqrt(0.5) = -1.4306197290046936
    delta, var, z = log_odds_dirichlet([5, 3, 2], [1, 4, 5], [2, 1, 1])
    np.testing.assert_allclose(
        delta, [1.2992829841302609, -0.3285040669720361, -1.0116009116784799], rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(var, [10 / 21, 0.45, 0.5], rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        z, [1.8828399222944883, -0.4897049497564108, -1.4306197290046936], rtol=0, atol=1e-9
    )


def test_log_odds_antisymmetric_and_stacked():
    # Swapping the groups flips delta and z and keeps the variance.
    yi, yj, a = np.array([5, 3, 2]), np.array([1, 4, 5]), np.array([2.0, 1, 1])
    d1, v1, z1 = log_odds_dirichlet(yi, yj, a)
    d2, v2, z2 = log_odds_dirichlet(yj, yi, a)
    np.testing.assert_allclose(d1, -d2, atol=1e-12)
    np.testing.assert_allclose(v1, v2, atol=1e-12)
    np.testing.assert_allclose(z1, -z2, atol=1e-12)
    # A (G, V) stack gives the same rows as separate calls.
    d, v, z = log_odds_dirichlet(np.stack([yi, yj]), np.stack([yj, yi]), a)
    np.testing.assert_allclose(d, np.stack([d1, d2]), atol=1e-12)
    np.testing.assert_allclose(z, np.stack([z1, z2]), atol=1e-12)


def test_log_odds_rejects_bad_input():
    with pytest.raises(ValueError):
        log_odds_dirichlet([1, 2], [1, 2], [0.0, 1.0])  # alpha must be > 0
    with pytest.raises(ValueError):
        log_odds_dirichlet([1, 2], [1, 2, 3], [1, 1])
    with pytest.raises(ValueError):
        log_odds_dirichlet([3], [4], [1])  # one term: "other terms" odds undefined


def test_dirichlet_prior():
    # Default: alpha is exactly the background counts.
    np.testing.assert_array_equal(dirichlet_prior([6, 4]), [6.0, 4.0])
    # alpha0=5 rescales to sum 5 with the same shape: 5*6/10 = 3, 5*4/10 = 2.
    np.testing.assert_allclose(dirichlet_prior([6, 4], alpha0=5), [3.0, 2.0], atol=1e-12)
    with pytest.raises(ValueError):
        dirichlet_prior([6, 0])  # Dirichlet parameters must be > 0
    with pytest.raises(ValueError):
        dirichlet_prior([6, 4], alpha0=0)


# ---------------------------------------------------------------------------
# Log Ratio (Hardie 2014)
# ---------------------------------------------------------------------------


def test_log_ratio_no_zeros():
    # (20/10000) / (5/10000) = 4 -> log2(4) = 2
    assert log_ratio(20, 5, 10000, 10000) == pytest.approx(2.0, abs=1e-12)
    # Reverse direction is negative: log2(1/4) = -2
    assert log_ratio(5, 20, 10000, 10000) == pytest.approx(-2.0, abs=1e-12)


def test_log_ratio_zero_count_correction():
    # a=10, c=1000, b=0, d=2000: b is zero so it becomes 0.5 (c, d untouched)
    # (10/1000) / (0.5/2000) = 0.01 / 0.00025 = 40 -> log2(40) = 5.321928094887363
    assert log_ratio(10, 0, 1000, 2000) == pytest.approx(5.321928094887363, abs=1e-12)
    # Only zero counts are corrected: a=10 stays 10, not 10.5.
    # Term absent from both corpora -> NaN (0/0), not log2(d/c).
    lr = log_ratio(np.array([10, 0]), np.array([0, 0]), 1000, 2000)
    assert lr[0] == pytest.approx(5.321928094887363, abs=1e-12)
    assert np.isnan(lr[1])
    # Custom correction: b -> 0.1: (10/1000)/(0.1/2000) = 200 -> log2(200)
    assert log_ratio(10, 0, 1000, 2000, correction=0.1) == pytest.approx(math.log2(200), abs=1e-12)
    with pytest.raises(ValueError):
        log_ratio(1, 0, 10, 10, correction=0)


# ---------------------------------------------------------------------------
# Benjamini & Hochberg (1995)
# ---------------------------------------------------------------------------


def test_bh_small_hand_example():
    # p = [0.01, 0.04, 0.03, 0.005], m = 4
    # sorted: 0.005 (r1), 0.01 (r2), 0.03 (r3), 0.04 (r4)
    # p*m/r:  0.005*4/1 = 0.02, 0.01*4/2 = 0.02, 0.03*4/3 = 0.04, 0.04*4/4 = 0.04
    # cumulative min from the top: r4 0.04, r3 0.04, r2 0.02, r1 0.02
    # back to input order: [0.02, 0.04, 0.04, 0.02]
    np.testing.assert_allclose(bh_adjust([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02], atol=1e-15)


def test_bh_cumulative_min_matters():
    # p = [0.01, 0.02, 0.025, 0.5], m = 4
    # p*m/r: 0.04, 0.04, 0.025*4/3 = 0.0333..., 0.5*4/4 = 0.5
    # cummin from top: 0.5, 0.0333..., min(0.04, 0.0333) = 0.0333..., same
    np.testing.assert_allclose(
        bh_adjust([0.01, 0.02, 0.025, 0.5]), [0.1 / 3, 0.1 / 3, 0.1 / 3, 0.5], atol=1e-15
    )


def test_bh_paper_example_section_3_2():
    # The 15 p-values of Benjamini & Hochberg (1995), section 3.2.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    # 15*p_(j)/j for j = 1..15:
    #   0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0695, 0.0638571..., 0.0645,
    #   0.0765, 0.486, 0.5811818..., 0.714875, 0.7532307..., 0.8132142..., 1.0
    # cumulative min from the top changes only rank 6: min(0.0695, 0.0638571) .
    expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 15 * 0.0298 / 7, 15 * 0.0298 / 7,
                0.0645, 0.0765, 0.486, 15 * 0.4262 / 11, 0.714875, 15 * 0.6528 / 13,
                15 * 0.7590 / 14, 1.0]
    q = bh_adjust(p)
    np.testing.assert_allclose(q, expected, rtol=1e-12)
    # The paper's conclusion at q = 0.05: the four smallest are rejected.
    assert (q <= 0.05).sum() == 4 and np.all(q[:4] <= 0.05)


def test_bh_nan_and_empty():
    # NaN stays NaN and does not count in m: non-NaN are [0.01, 0.04], m = 2
    # 0.01*2/1 = 0.02, 0.04*2/2 = 0.04
    q = bh_adjust([0.01, np.nan, 0.04])
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], [0.02, 0.04], atol=1e-15)
    assert bh_adjust([]).shape == (0,)
    assert np.all(np.isnan(bh_adjust([np.nan, np.nan])))
    with pytest.raises(ValueError):
        bh_adjust([0.5, 1.5])


# ---------------------------------------------------------------------------
# Bootstrap rate CI (Efron & Tibshirani 1993)
# ---------------------------------------------------------------------------


def test_bootstrap_point_estimate_and_reproducible():
    counts = np.array([[1, 0], [4, 2], [0, 0], [5, 1]])
    totals = np.array([100, 200, 50, 150])
    # estimate = column sums / 500 tokens * 1000 = [10, 3] / 500 * 1000 = [20, 6]
    r1 = bootstrap_rate_ci(counts, totals, n_boot=300, seed=7)
    r2 = bootstrap_rate_ci(counts, totals, n_boot=300, seed=7)
    np.testing.assert_allclose(r1[0], [20.0, 6.0], atol=1e-12)
    for x, y in zip(r1, r2):
        np.testing.assert_array_equal(x, y)
    # A different seed gives (almost surely) a different interval.
    r3 = bootstrap_rate_ci(counts, totals, n_boot=300, seed=8)
    assert not np.array_equal(r1[1], r3[1]) or not np.array_equal(r1[2], r3[2])


def test_bootstrap_zero_count_term_is_zero_not_nan():
    # Term 1 never occurs: estimate 0/300*1000 = 0 and every replicate is 0.
    est, low, high = bootstrap_rate_ci([[3, 0], [1, 0]], [100, 200], n_boot=100)
    assert (est[1], low[1], high[1]) == (0.0, 0.0, 0.0)
    est, low, high = bootstrap_rate_ci([0, 0, 0], [10, 20, 30], n_boot=100)
    assert (float(est), float(low), float(high)) == (0.0, 0.0, 0.0)


def test_bootstrap_identical_units_collapse():
    # Every unit has 3 hits in 100 tokens, so every resample has rate
    # 3k / 100k * 1000 = 30 exactly (integer sums are exact in float64).
    est, low, high = bootstrap_rate_ci([3, 3, 3, 3, 3], [100] * 5, n_boot=200)
    assert float(est) == 30.0 and float(low) == 30.0 and float(high) == 30.0


def test_bootstrap_no_tokens_gives_nan():
    for counts, totals in (([], []), ([0, 0], [0, 0])):
        est, low, high = bootstrap_rate_ci(counts, totals, n_boot=10)
        assert np.isnan(est) and np.isnan(low) and np.isnan(high)
    est, low, high = bootstrap_rate_ci(np.zeros((0, 3)), np.zeros(0), n_boot=10)
    assert est.shape == (3,) and np.all(np.isnan(est)) and np.all(np.isnan(high))


def test_bootstrap_zero_token_units_are_ignored():
    # A zero-token unit changes neither the rate nor any replicate's
    # denominator sign: est = (2+6)/(100+300)*1000 = 20, and no NaN appears.
    est, low, high = bootstrap_rate_ci([2, 0, 6], [100, 0, 300], n_boot=200)
    assert float(est) == pytest.approx(20.0)
    assert np.isfinite(low) and np.isfinite(high)


def test_bootstrap_rejects_bad_input():
    with pytest.raises(ValueError):
        bootstrap_rate_ci([5], [4])  # count > total
    with pytest.raises(ValueError):
        bootstrap_rate_ci([1, 2], [10])  # shape mismatch
    with pytest.raises(ValueError):
        bootstrap_rate_ci([1], [10], ci=95)
    with pytest.raises(ValueError):
        bootstrap_rate_ci([1], [10], n_boot=0)


@st.composite
def _units(draw):
    n_units = draw(st.integers(1, 12))
    n_terms = draw(st.integers(1, 3))
    totals = np.array(draw(st.lists(st.integers(0, 60), min_size=n_units, max_size=n_units)))
    fracs = np.array(
        draw(st.lists(st.floats(0, 1), min_size=n_units * n_terms, max_size=n_units * n_terms))
    ).reshape(n_units, n_terms)
    counts = np.floor(fracs * totals[:, None])
    return counts, totals


@settings(max_examples=60, deadline=None)
@given(_units(), st.integers(0, 2**32 - 1))
def test_bootstrap_interval_contains_estimate(data, seed):
    counts, totals = data
    est, low, high = bootstrap_rate_ci(counts, totals, n_boot=50, seed=seed)
    if totals.sum() == 0:
        assert np.all(np.isnan(est)) and np.all(np.isnan(low)) and np.all(np.isnan(high))
    else:
        assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
        assert np.all(low <= est) and np.all(est <= high)
        assert np.all(low >= 0)


# ---------------------------------------------------------------------------
# Relevance (Sievert & Shirley 2014)
# ---------------------------------------------------------------------------

PHI = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
# p_w for two equally weighted topics: ((0.5+0.1)/2, (0.3+0.1)/2, (0.2+0.8)/2)
P_W = np.array([0.3, 0.2, 0.5])


def test_relevance_lambda_one_is_log_phi():
    # lam=1: r = log(phi)
    #   topic 0: ln0.5 = -0.6931471805599453, ln0.3, ln0.2
    np.testing.assert_allclose(relevance(PHI, P_W, lam=1.0), np.log(PHI), atol=1e-15)
    assert relevance(PHI, P_W, lam=1.0)[0, 0] == pytest.approx(-0.6931471805599453, abs=1e-12)


def test_relevance_lambda_zero_is_log_lift():
    # lam=0: r = log(phi/p_w)
    #   topic 0: ln(0.5/0.3)=ln(5/3)=0.5108256237659907, ln(1.5)=0.4054651081081644,
    #            ln(0.4)=-0.916290731874155
    #   topic 1: ln(1/3)=-1.0986122886681098, ln(0.5)=-0.6931471805599453,
    #            ln(1.6)=0.47000362924573563
    expected = [[0.5108256237659907, 0.4054651081081644, -0.916290731874155],
                [-1.0986122886681098, -0.6931471805599453, 0.47000362924573563]]
    np.testing.assert_allclose(relevance(PHI, P_W, lam=0.0), expected, atol=1e-12)


def test_relevance_intermediate_lambda():
    # lam=0.6, topic 0 term 0: 0.6*ln0.5 + 0.4*ln(5/3)
    #   = 0.6*(-0.6931471805599453) + 0.4*0.5108256237659907 = -0.21155805882957088
    assert relevance(PHI, P_W, lam=0.6)[0, 0] == pytest.approx(-0.21155805882957088, abs=1e-12)
    # phi = 0 gives -inf, not NaN, even at lam = 1.
    r = relevance(np.array([[0.0, 1.0]]), np.array([0.5, 0.5]), lam=1.0)
    assert r[0, 0] == -np.inf
    with pytest.raises(ValueError):
        relevance(PHI, P_W, lam=1.5)


# ---------------------------------------------------------------------------
# Jaccard and Hungarian topic matching
# ---------------------------------------------------------------------------


def test_jaccard_values():
    # {1,2,3} & {2,3,4} = {2,3} (2); union {1,2,3,4} (4) -> 0.5
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert jaccard({"a"}, set()) == 0.0
    assert jaccard(set(), set()) == 1.0  # documented convention


def test_match_topics_beats_greedy():
    # B0 = {1,2,3,4}, B1 = {3,4,5}, A0 = {1,2,3,4,5}, A1 = {1,2}, A2 = {99}
    # J(A0,B0) = 4/5 = 0.8   J(A0,B1) = 3/5 = 0.6
    # J(A1,B0) = 2/4 = 0.5   J(A1,B1) = 0/5 = 0.0
    # J(A2,*)  = 0
    # Greedy (best pair first) takes (A0,B0)=0.8, leaving (A1,B1)=0 -> total 0.8.
    # Optimal: (A0,B1)=0.6 + (A1,B0)=0.5 -> total 1.1. A2 stays unmatched.
    sets_a = [{1, 2, 3, 4, 5}, {1, 2}, {99}]
    sets_b = [{1, 2, 3, 4}, {3, 4, 5}]
    result = match_topics(sets_a, sets_b)
    assert [(i, j) for i, j, _ in result] == [(0, 1), (1, 0)]
    assert [s for _, _, s in result] == pytest.approx([0.6, 0.5], abs=1e-12)
    # Same pairs with the longer list on the other side.
    flipped = match_topics(sets_b, sets_a)
    assert [(i, j) for i, j, _ in flipped] == [(0, 1), (1, 0)]
    assert match_topics([], sets_b) == []


def test_match_topics_identity_permutation():
    # Topics of run B are run A's in reverse order with one word changed.
    # J({a,b,c},{a,b,c}) = 1; J({d,e,f},{d,e,x}) = 2/4 = 0.5
    sets_a = [["a", "b", "c"], ["d", "e", "f"]]
    sets_b = [["d", "e", "x"], ["c", "b", "a"]]
    assert match_topics(sets_a, sets_b) == [(0, 1, 1.0), (1, 0, 0.5)]


# ---------------------------------------------------------------------------
# Jensen-Shannon divergence (Lin 1991), in bits
# ---------------------------------------------------------------------------


def test_jsd_identical_and_disjoint():
    assert jensen_shannon_divergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == pytest.approx(0.0, abs=1e-12)
    # Disjoint: M = [0.5, 0.5]; KL(P||M) = 1*log2(1/0.5) = 1 = KL(Q||M); JSD = 1 bit
    assert jensen_shannon_divergence([1, 0], [0, 1]) == pytest.approx(1.0, abs=1e-12)


def test_jsd_hand_example_and_counts():
    # P = [1, 0], Q = [0.5, 0.5], M = [0.75, 0.25]
    # KL(P||M) = log2(1/0.75) = 0.41503749927884376
    # KL(Q||M) = 0.5*log2(0.5/0.75) + 0.5*log2(0.5/0.25) = 0.20751874963942185
    # JSD = (0.41503749927884376 + 0.20751874963942185)/2 = 0.3112781244591328
    # (check: H(M) - (H(P)+H(Q))/2 = 0.8112781244591328 - 0.5)
    assert jensen_shannon_divergence([1, 0], [0.5, 0.5]) == pytest.approx(0.3112781244591328, abs=1e-12)
    # Raw counts are normalised first: [2, 0] ~ P, [3, 3] ~ Q.
    assert jensen_shannon_divergence([2, 0], [3, 3]) == pytest.approx(0.3112781244591328, abs=1e-12)
    with pytest.raises(ValueError):
        jensen_shannon_divergence([0, 0], [1, 1])


def test_pairwise_jsd():
    # Rows: [1,0], [0,1], [1,1]  ->  JSD(0,1) = 1 (disjoint),
    # JSD(0,2) = JSD(1,2) = 0.3112781244591328 (hand example above, by symmetry)
    D = pairwise_jsd([[1, 0], [0, 1], [1, 1]])
    h = 0.3112781244591328
    np.testing.assert_allclose(D, [[0, 1, h], [1, 0, h], [h, h, 0]], atol=1e-12)
    np.testing.assert_array_equal(D, D.T)
    np.testing.assert_array_equal(np.diag(D), 0.0)
    # Agrees with the one-pair function on random count rows.
    rng = np.random.default_rng(0)
    M = rng.integers(0, 20, size=(5, 30)) + 1
    D = pairwise_jsd(M)
    assert D[1, 3] == pytest.approx(float(jensen_shannon_divergence(M[1], M[3])), rel=1e-10)
    assert pairwise_jsd(np.ones((1, 4))).shape == (1, 1)
