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
from scipy.stats import binomtest, fisher_exact, norm, power_divergence
from scipy.stats import f as f_dist
from scipy.stats import gamma as gamma_dist
from scipy.stats import t as student_t

from corpus_tools import stats as cts
from corpus_tools.stats import (
    DEFAULT_PRIOR_SCALE,
    FEW_UNITS,
    MIN_TREND_DATES,
    MIN_TREND_DOCS,
    bh_adjust,
    binom_test_two_sided,
    bootstrap_rate_ci,
    clopper_pearson,
    dirichlet_prior,
    exact_keyness_pvalue,
    fisher_exact_two_sided,
    g2_pvalue,
    jaccard,
    jensen_shannon_divergence,
    keyness_pvalue,
    log_likelihood_g2,
    log_odds_dirichlet,
    log_ratio,
    match_topics,
    natural_spline_basis,
    nb_trend,
    pairwise_jsd,
    permutation_test,
    poisson_rate_ci,
    prior_strength,
    quasi_poisson_test,
    rate_ci,
    rate_ratio_test,
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


# ===========================================================================
# Honest inference at any n: exact and overdispersion-aware intervals, tests
# of differences, the trend model and the log-odds prior strength.
# ===========================================================================


# ---------------------------------------------------------------------------
# Garwood (1936) exact Poisson interval
# ---------------------------------------------------------------------------


def test_poisson_rate_ci_worked_example():
    # 3 events in 1,000 tokens, 95%:
    #   low  = chi2.ppf(0.025, 6) / 2 / 1000 * 1000 = 1.2373442 / 2 = 0.6186721
    #   high = chi2.ppf(0.975, 8) / 2 / 1000 * 1000 = 17.5345461 / 2 = 8.7672731
    est, low, high = poisson_rate_ci(3, 1000)
    assert float(est) == 3.0
    assert float(low) == pytest.approx(0.6186721228956015, rel=1e-12)
    assert float(high) == pytest.approx(8.767273069742323, rel=1e-12)
    # The same numbers as statsmodels' "exact-c" (gamma form), per token.
    from statsmodels.stats.rates import confint_poisson

    sm_low, sm_high = confint_poisson(3, 1000, method="exact-c")
    assert float(low) / 1000 == pytest.approx(sm_low, rel=1e-12)
    assert float(high) / 1000 == pytest.approx(sm_high, rel=1e-12)


def test_poisson_rate_ci_count_zero_and_one():
    # y = 0: low 0, high = chi2.ppf(0.975, 2)/2 = -ln(0.025) = 3.6888794541139363 (never 0).
    # y = 1: low = chi2.ppf(0.025, 2)/2 = -ln(0.975) = 0.0253178079842899,
    #        high = chi2.ppf(0.975, 4)/2 = 5.571643390938898.
    est, low, high = poisson_rate_ci([0, 1], 1000)
    np.testing.assert_allclose(est, [0.0, 1.0])
    np.testing.assert_allclose(low, [0.0, -math.log(0.975)], rtol=1e-12)
    np.testing.assert_allclose(high, [-math.log(0.025), 5.571643390938898], rtol=1e-12)
    # Unequal exposure: the same count over 2,000 tokens halves every number.
    est2, low2, high2 = poisson_rate_ci(1, 2000)
    assert (float(est2), float(low2), float(high2)) == pytest.approx((0.5, low[1] / 2, high[1] / 2), rel=1e-12)
    # No tokens: no rate.
    assert np.isnan(poisson_rate_ci(0, 0)[0])
    with pytest.raises(ValueError):
        poisson_rate_ci(-1, 10)
    with pytest.raises(ValueError):
        poisson_rate_ci(1, 10, ci=95)


# ---------------------------------------------------------------------------
# rate_ci: jackknife quasi-Poisson gamma interval over units
# ---------------------------------------------------------------------------


def test_rate_ci_worked_example():
    # Units: counts [0, 2, 1], tokens [100, 100, 200]; Y = 3, T = 400,
    # estimate 3/400*1000 = 7.5 per 1,000.
    # Leave-one-out rates: 3/300 = 9/900, 1/300 = 3/900, 2/200 = 9/900;
    # mean 7/900; deviations 2/900, -4/900, 2/900; squares sum 24/810000.
    # v_J = (3-1)/3 * 24/810000 = 16/810000.
    # phi = v_J * T^2 / Y = 16/810000 * 160000 / 3 = 256/243 = 1.0534979...
    # t on 2 df: t.isf(0.025, 2) = 4.302652729749464, normal tail 8.4383e-06.
    # Gamma interval on Y/phi over T/phi at that tail: [0.07704, 48.8623] per 1,000;
    # Garwood on 3 in 400: [1.54668, 21.91818]; the union is the first.
    r = rate_ci([0, 2, 1], [100, 100, 200])
    assert float(r.estimate) == pytest.approx(7.5, rel=1e-12)
    assert float(r.dispersion) == pytest.approx(256 / 243, rel=1e-12)
    phi = 256 / 243
    tail = norm.sf(student_t.isf(0.025, 2))
    assert tail == pytest.approx(8.438262934715841e-06, rel=1e-9)
    exp_low = gamma_dist.ppf(tail, 3 / phi) / (400 / phi) * 1000
    exp_high = gamma_dist.isf(tail, 3 / phi + 1) / (400 / phi) * 1000
    assert float(r.low) == pytest.approx(exp_low, rel=1e-12)
    assert float(r.high) == pytest.approx(exp_high, rel=1e-12)
    assert float(r.low) == pytest.approx(0.07704260837153487, rel=1e-9)
    assert float(r.high) == pytest.approx(48.86231722740842, rel=1e-9)
    assert r.n_units == 3 and r.few_units
    # Asymmetric: moving the two hits to the long unit changes phi and the interval.
    r2 = rate_ci([0, 1, 2], [100, 100, 200])
    assert float(r2.estimate) == pytest.approx(7.5)
    assert float(r2.dispersion) != pytest.approx(float(r.dispersion))


def _jackknife_phi_loop(counts, totals):
    """Plain-loop second implementation of rate_ci's dispersion."""
    units = [(c, t) for c, t in zip(counts, totals) if t > 0]
    n = len(units)
    Y = sum(c for c, _ in units)
    T = sum(t for _, t in units)
    loo = []
    for i in range(n):
        loo.append((Y - units[i][0]) / (T - units[i][1]))
    mean = sum(loo) / n
    v = (n - 1) / n * sum((r - mean) ** 2 for r in loo)
    return v * T * T / Y


def test_rate_ci_dispersion_matches_plain_loop():
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(2, 30))
        totals = rng.integers(0, 200, n).astype(float)
        totals[0] = max(totals[0], 1.0)
        totals[1] = max(totals[1], 1.0)
        counts = np.floor(rng.random(n) * 0.05 * totals * rng.gamma(0.5, 2, n)).clip(0, totals)
        if counts.sum() == 0:
            counts[0] = 1
        r = rate_ci(counts, totals)
        assert float(r.dispersion) == pytest.approx(_jackknife_phi_loop(counts, totals), rel=1e-9)


def test_rate_ci_zero_count_and_one_unit():
    # Zero count: [0, Garwood upper] = [0, 3.6888794541139363 / 500 * 1000], never [0, 0].
    r = rate_ci([0, 0, 0, 0], [100, 200, 100, 100])
    assert float(r.estimate) == 0.0 and float(r.low) == 0.0
    assert float(r.high) == pytest.approx(-math.log(0.025) / 500 * 1000, rel=1e-12)
    assert np.isnan(r.dispersion)
    # Count 1 in one of four units: interval strictly above 0 at the top, low > 0.
    r1 = rate_ci([0, 1, 0, 0], [100, 200, 100, 100])
    assert 0.0 < float(r1.low) < float(r1.estimate) == 2.0 < float(r1.high)
    # One unit: nothing to estimate a dispersion from -> Garwood, flagged.
    one = rate_ci([3], [1000])
    assert (float(one.low), float(one.high)) == pytest.approx((0.6186721228956015, 8.767273069742323), rel=1e-12)
    assert np.isnan(one.dispersion) and one.n_units == 1 and one.few_units
    # No tokens: NaN.
    assert np.isnan(rate_ci([0, 0], [0, 0]).estimate)


def test_rate_ci_identical_units_fall_back_to_poisson():
    # Every unit has the same rate: phi = 0 (no extra variation), so the
    # Poisson interval on the pooled count is kept: 5 in 500 tokens.
    r = rate_ci([1, 1, 1, 1, 1], [100] * 5)
    g = poisson_rate_ci(5, 500)
    assert float(r.dispersion) == pytest.approx(0.0, abs=1e-15)
    assert (float(r.low), float(r.high)) == pytest.approx((float(g[1]), float(g[2])), rel=1e-12)


def test_rate_ci_few_units_boundary_and_terms():
    counts = np.column_stack([np.arange(10) % 3, np.zeros(10)])
    totals = np.full(10, 100.0)
    nine = rate_ci(counts[:9], totals[:9])
    ten = rate_ci(counts, totals)
    assert FEW_UNITS == 10
    assert nine.few_units and nine.n_units == 9
    assert not ten.few_units and ten.n_units == 10
    assert ten.estimate.shape == (2,)
    # The zero-count term gets Garwood's upper bound over 1,000 tokens.
    assert ten.high[1] == pytest.approx(-math.log(0.025), rel=1e-12)
    # method="poisson" is Garwood on the pooled counts.
    p = rate_ci(counts, totals, method="poisson")
    g = poisson_rate_ci(counts.sum(axis=0), 1000)
    np.testing.assert_allclose(p.low, g[1], rtol=1e-12)
    np.testing.assert_allclose(p.high, g[2], rtol=1e-12)
    with pytest.raises(ValueError):
        rate_ci(counts, totals, method="bootstrap")
    with pytest.raises(ValueError):
        rate_ci([5], [4])


@settings(max_examples=60, deadline=None)
@given(_units())
def test_rate_ci_never_zero_width(data):
    counts, totals = data
    r = rate_ci(counts, totals)
    if totals.sum() == 0:
        assert np.all(np.isnan(r.estimate))
    else:
        assert np.all(r.low < r.high)
        assert np.all((r.low <= r.estimate) & (r.estimate <= r.high))
        assert np.all(r.low >= 0)
        # Never narrower than Garwood on the pooled count.
        g = poisson_rate_ci(counts.sum(axis=0), totals.sum())
        assert np.all(r.low <= g[1] * (1 + 1e-12)) and np.all(r.high >= g[2] * (1 - 1e-12))


# ---------------------------------------------------------------------------
# Exact tests, vectorised (scipy.stats.binomtest / fisher_exact)
# ---------------------------------------------------------------------------


def test_binom_test_two_sided_matches_scipy():
    rng = np.random.default_rng(5)
    ks, ns, ps = [], [], []
    for n in list(range(1, 31)) + [137, 5000]:
        for p in (0.0, 0.02, 0.175, 1 / 3, 0.5, 0.9, 1.0):
            for k in (range(n + 1) if n <= 30 else rng.integers(0, n + 1, 12)):
                ks.append(int(k)), ns.append(n), ps.append(p)
    mine = binom_test_two_sided(ks, ns, ps)
    ref = [binomtest(k, n, p).pvalue for k, n, p in zip(ks, ns, ps)]
    np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-300)
    # n = 0 (no occurrence anywhere): p = 1.
    assert float(binom_test_two_sided(0, 0, 0.3)) == 1.0
    with pytest.raises(ValueError):
        binom_test_two_sided(3, 2, 0.5)
    with pytest.raises(ValueError):
        binom_test_two_sided(1.5, 2, 0.5)


def test_fisher_exact_two_sided_matches_scipy():
    rng = np.random.default_rng(6)
    cells = [(a, b, c, d) for a in range(5) for b in range(5) for c in range(6) for d in range(6)]
    cells += [tuple(int(v) for v in rng.integers([0, 0, 0, 0], [30, 30, 3000, 9000])) for _ in range(300)]
    cells = np.array(cells)
    mine = fisher_exact_two_sided(*cells.T)
    ref = [fisher_exact([[a, b], [c, d]]).pvalue for a, b, c, d in cells]
    np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-300)


def test_clopper_pearson_matches_scipy():
    for k, n in ((0, 10), (1, 10), (3, 10), (10, 10), (5, 7), (1, 1)):
        low, high = clopper_pearson(k, n)
        ref = binomtest(k, n).proportion_ci(0.95, method="exact")
        assert (float(low), float(high)) == pytest.approx((ref.low, ref.high), rel=1e-9, abs=1e-15)
    assert np.isnan(clopper_pearson(0, 0)[0])


# ---------------------------------------------------------------------------
# rate_ratio_test: exact conditional test of two Poisson rates
# ---------------------------------------------------------------------------


def test_rate_ratio_test_worked_example():
    # 10 in 1,000 tokens vs 5 in 2,000: rates 10 and 2.5 per 1,000, ratio 4.
    # Given 15 occurrences, count1 ~ Binomial(15, p0 = 1000/3000 = 1/3).
    # p = binomtest(10, 15, 1/3).pvalue = 0.010787929700847597.
    # Clopper-Pearson for 10/15: [0.3838037325, 0.8817588966]; ratio = p/(1-p) * 2000/1000:
    #   low  = 0.3838037325 / 0.6161962675 * 2 = 1.2457191087
    #   high = 0.8817588966 / 0.1182411034 * 2 = 14.9145918217
    r = rate_ratio_test(10, 1000, 5, 2000)
    assert float(r.rate_ratio) == pytest.approx(4.0)
    assert float(r.p_value) == pytest.approx(0.010787929700847597, rel=1e-12)
    assert float(r.low) == pytest.approx(1.245719108698715, rel=1e-9)
    assert float(r.high) == pytest.approx(14.914591821714975, rel=1e-9)
    # Swapping the two texts inverts the ratio and its interval; p is unchanged.
    s = rate_ratio_test(5, 2000, 10, 1000)
    assert float(s.rate_ratio) == pytest.approx(0.25)
    assert (float(s.low), float(s.high)) == pytest.approx((1 / 14.914591821714975, 1 / 1.245719108698715), rel=1e-9)
    assert float(s.p_value) == pytest.approx(float(r.p_value), rel=1e-12)
    # Swapping only the counts (unequal exposures) is a different question.
    w = rate_ratio_test(5, 1000, 10, 2000)
    assert float(w.rate_ratio) == pytest.approx(1.0)
    assert float(w.p_value) == pytest.approx(1.0)


def test_rate_ratio_test_zero_and_one_counts():
    # 0 vs 3 with exposures 1000 and 2000: p0 = 1/3, pmf(0..3) = 8, 12, 6, 1 (/27);
    # outcomes no likelier than pmf(0) = 8/27: 0, 2, 3 -> p = 15/27.
    r = rate_ratio_test(0, 1000, 3, 2000)
    assert float(r.rate_ratio) == 0.0 and float(r.low) == 0.0
    assert float(r.p_value) == pytest.approx(15 / 27, rel=1e-12)
    assert np.isfinite(r.high) and float(r.high) > 0
    # 1 vs 3: p = binomtest(1, 4, 1/3).
    r1 = rate_ratio_test(1, 1000, 3, 2000)
    assert float(r1.p_value) == pytest.approx(binomtest(1, 4, 1 / 3).pvalue, rel=1e-12)
    assert float(r1.low) > 0
    # 3 vs 0: ratio inf, upper bound inf.
    r3 = rate_ratio_test(3, 1000, 0, 2000)
    assert np.isinf(r3.rate_ratio) and np.isinf(r3.high) and float(r3.low) > 0
    # Neither text has the term: nothing to test.
    r0 = rate_ratio_test(0, 1000, 0, 2000)
    assert float(r0.p_value) == 1.0 and np.isnan(r0.rate_ratio)
    with pytest.raises(ValueError):
        rate_ratio_test(1, 0, 1, 10)


def test_rate_ratio_test_terms_by_groups():
    # (3 terms, 2 groups) against one scipy call per cell.
    c1 = np.array([[4, 0], [7, 2], [1, 9]])
    c2 = np.array([[1, 5], [7, 0], [2, 3]])
    e1 = np.array([1000.0, 1500.0])
    e2 = 2500.0
    r = rate_ratio_test(c1, e1, c2, e2)
    assert r.p_value.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            n = int(c1[i, j] + c2[i, j])
            ref = binomtest(int(c1[i, j]), n, e1[j] / (e1[j] + e2)).pvalue
            assert r.p_value[i, j] == pytest.approx(ref, rel=1e-12)


# ---------------------------------------------------------------------------
# quasi_poisson_test: two groups of units
# ---------------------------------------------------------------------------

QP_Y1 = np.array([0, 3, 1, 6, 0])
QP_T1 = np.array([900, 1200, 800, 1500, 1000])
QP_Y2 = np.array([1, 0, 2, 0])
QP_T2 = np.array([1000, 1100, 700, 1300])


def test_quasi_poisson_test_matches_statsmodels_glm():
    import statsmodels.api as sm

    # With Pearson's dispersion the test is statsmodels' quasi-Poisson GLM.
    q = quasi_poisson_test(QP_Y1, QP_T1, QP_Y2, QP_T2, dispersion_method="pearson")
    y = np.r_[QP_Y1, QP_Y2]
    t = np.r_[QP_T1, QP_T2]
    X = sm.add_constant(np.r_[np.ones(5), np.zeros(4)])
    full = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(t)).fit(scale="X2")
    null = sm.GLM(y, np.ones((9, 1)), family=sm.families.Poisson(), offset=np.log(t)).fit()
    # Rate ratio: (10/5400) / (3/4100) = 41/16.2 = 2.5308641975...
    assert float(q.rate_ratio) == pytest.approx(np.exp(full.params[1]), rel=1e-9)
    assert float(q.rate_ratio) == pytest.approx((10 / 5400) / (3 / 4100), rel=1e-12)
    assert float(q.dispersion) == pytest.approx(full.scale, rel=1e-9)  # X2/7 = 1.98 > 1
    assert q.df == 7
    F = (null.deviance - full.deviance) / full.scale
    assert float(q.p_value) == pytest.approx(f_dist.sf(F, 1, 7), rel=1e-9)
    # The interval's ends are where the scaled profile G2 hits the F critical value.
    crit = float(q.dispersion) * f_dist.ppf(0.95, 1, 7)
    for rho in (float(q.low), float(q.high)):
        p = rho * 5400 / (rho * 5400 + 4100)
        g2 = 2 * (10 * math.log(10 / (13 * p)) + 3 * math.log(3 / (13 * (1 - p))))
        assert g2 == pytest.approx(crit, rel=1e-6)
    assert float(q.low) < float(q.rate_ratio) < float(q.high)


def _jackknife_spread_loop(y, t):
    """v_J * T^2 of one group's pooled rate, by a plain loop."""
    n, Y, T = len(y), sum(y), sum(t)
    loo = [(Y - y[i]) / (T - t[i]) for i in range(n)]
    m = sum(loo) / n
    return (n - 1) / n * sum((r - m) ** 2 for r in loo) * T * T


def test_quasi_poisson_test_jackknife_dispersion():
    # Default dispersion: (v_J1 T1^2 + v_J2 T2^2) / (Y1 + Y2), floored at 1;
    # the rate ratio is the same, p is F(1, 7) of the same G2 scaled by it.
    q = quasi_poisson_test(QP_Y1, QP_T1, QP_Y2, QP_T2)
    phi = (_jackknife_spread_loop(list(QP_Y1), list(QP_T1)) + _jackknife_spread_loop(list(QP_Y2), list(QP_T2))) / 13
    assert phi > 1
    assert float(q.dispersion) == pytest.approx(phi, rel=1e-12)
    assert float(q.rate_ratio) == pytest.approx((10 / 5400) / (3 / 4100), rel=1e-12)
    g2 = float(log_likelihood_g2(10, 3, 5400, 4100))
    assert float(q.p_value) == pytest.approx(f_dist.sf(g2 / phi, 1, 7), rel=1e-12)
    with pytest.raises(ValueError):
        quasi_poisson_test(QP_Y1, QP_T1, QP_Y2, QP_T2, dispersion_method="deviance")


def test_quasi_poisson_test_floor_swap_and_zero_groups():
    # Evenly spread counts: X2/df < 1, so phi is floored at 1 and the test is
    # the G2 of the totals on F(1, df): 4 in 400 vs 1 in 400, df = 3.
    q = quasi_poisson_test([2, 2], [200, 200], [1, 0, 0], [200, 100, 100])
    assert float(q.dispersion) == 1.0 and q.df == 3
    g2 = float(log_likelihood_g2(4, 1, 400, 400))
    assert float(q.p_value) == pytest.approx(f_dist.sf(g2, 1, 3), rel=1e-12)
    # Swapping the groups inverts the ratio and keeps p.
    s = quasi_poisson_test([1, 0, 0], [200, 100, 100], [2, 2], [200, 200])
    assert float(s.rate_ratio) == pytest.approx(1 / float(q.rate_ratio))
    assert float(s.low) == pytest.approx(1 / float(q.high), rel=1e-6)
    assert float(s.p_value) == pytest.approx(float(q.p_value), rel=1e-12)
    # A group without the term: ratio 0 (or inf) with a one-sided interval.
    z = quasi_poisson_test([[0, 0], [0, 1], [0, 2]], [10, 10, 10], [[3, 0], [1, 0]], [10, 10])
    assert z.rate_ratio[0] == 0.0 and z.low[0] == 0.0 and np.isfinite(z.high[0])
    assert np.isinf(z.rate_ratio[1]) and np.isinf(z.high[1]) and z.low[1] > 0
    # Exactly 3 units is enough (df = 1); 2 is not.
    assert quasi_poisson_test([1, 2], [10, 10], [0], [10]).df == 1
    with pytest.raises(ValueError):
        quasi_poisson_test([1], [10], [0], [10])


# ---------------------------------------------------------------------------
# permutation_test: documents as units
# ---------------------------------------------------------------------------


def test_permutation_test_exact_worked_example():
    # 3 vs 3 documents of 100 tokens: counts 5, 6, 7 vs 0, 1, 2.
    # statistic = (18/300 - 3/300) * 1000 = 50. Over all C(6,3) = 20 splits the
    # difference is |2 s1 - 21| * 10/3 with s1 the group-1 sum; only s1 = 18
    # and s1 = 3 reach the observed 15 * 10/3 = 50 -> p = 2/20 = 0.1.
    r = permutation_test([5, 6, 7], [100] * 3, [0, 1, 2], [100] * 3)
    assert float(r.statistic) == pytest.approx(50.0)
    assert r.exact and r.n_resamples == 20
    assert float(r.p_value) == pytest.approx(0.1)
    # Two documents in a group: refused.
    with pytest.raises(ValueError, match="at least 3 documents"):
        permutation_test([5, 6], [100] * 2, [0, 1, 2], [100] * 3)


def _permutation_loop(c1, t1, c2, t2, n_resamples, seed):
    """Plain-loop second implementation of the sampled permutation test (one term)."""
    counts = list(c1) + list(c2)
    totals = list(t1) + list(t2)
    n, n1 = len(counts), len(c1)

    def diff(members):
        s1c = sum(counts[i] for i in members)
        s1t = sum(totals[i] for i in members)
        rest = [i for i in range(n) if i not in set(members)]
        s2c = sum(counts[i] for i in rest)
        s2t = sum(totals[i] for i in rest)
        return (s1c / s1t - s2c / s2t) * 1000.0

    observed = diff(list(range(n1)))
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_resamples):
        keys = rng.random(n)
        members = list(np.argsort(keys, kind="stable")[:n1])
        if abs(diff(members)) >= abs(observed) * (1 - 1e-12):
            hits += 1
    return observed, (1 + hits) / (1 + n_resamples)


def test_permutation_test_sampled_matches_plain_loop():
    c1, t1 = [3, 0, 5, 2, 7, 1, 4], [900, 1100, 1500, 800, 2000, 700, 1200]
    c2, t2 = [1, 0, 2, 0, 1, 3, 0, 1], [1000, 900, 1300, 600, 1500, 1800, 800, 1000]
    # C(15, 7) = 6435 > 999 splits, so this samples.
    r = permutation_test(c1, t1, c2, t2, n_resamples=999, seed=42)
    obs, p = _permutation_loop(c1, t1, c2, t2, 999, 42)
    assert not r.exact and r.n_resamples == 999
    assert float(r.statistic) == pytest.approx(obs, rel=1e-12)
    assert float(r.p_value) == p
    # Same seed, same p; the exact enumeration is used when affordable.
    assert float(permutation_test(c1, t1, c2, t2, n_resamples=999, seed=42).p_value) == p
    assert permutation_test(c1, t1, c2, t2, n_resamples=6435).exact


def test_permutation_test_chunking_does_not_change_draws(monkeypatch):
    import corpus_tools.stats.differences as tests_module

    c1, t1 = [3, 0, 5, 2, 7], [900, 1100, 1500, 800, 2000]
    c2, t2 = [[1, 4], [0, 1], [2, 2], [0, 0]], [1000, 900, 1300, 600]
    c1 = np.column_stack([c1, [1, 1, 2, 0, 3]])
    whole = permutation_test(c1, t1, c2, t2, n_resamples=100, seed=3)
    monkeypatch.setattr(tests_module, "_CHUNK_CELLS", 9 * 7)  # 7 splits per chunk
    chunked = permutation_test(c1, t1, c2, t2, n_resamples=100, seed=3)
    np.testing.assert_array_equal(whole.p_value, chunked.p_value)


# ---------------------------------------------------------------------------
# Exact keyness for small counts
# ---------------------------------------------------------------------------


def test_exact_keyness_five_vs_zero():
    # 5 vs 0 in two corpora of 1,000 tokens: exact p = 2 * 0.5^5 = 0.0625;
    # G2 = 10 ln 2 = 6.931 gives chi2(1) p = 0.0084692, 7.4x too small.
    p_exact = exact_keyness_pvalue(5, 0, 1000, 1000)
    assert float(p_exact) == pytest.approx(0.0625, rel=1e-12)
    p_g2 = float(g2_pvalue(log_likelihood_g2(5, 0, 1000, 1000)))
    assert p_g2 == pytest.approx(0.00846919650753501, rel=1e-9)
    assert float(p_exact) / p_g2 == pytest.approx(7.38, abs=0.01)
    # Against scipy, both methods, unequal corpora (swapping a, b alone changes p).
    a, b, c, d = np.array([5, 0, 3, 1, 12]), np.array([0, 4, 1, 6, 2]), 1200, 5000
    pb = exact_keyness_pvalue(a, b, c, d)
    pf = exact_keyness_pvalue(a, b, c, d, method="fisher")
    for i in range(5):
        assert pb[i] == pytest.approx(binomtest(int(a[i]), int(a[i] + b[i]), c / (c + d)).pvalue, rel=1e-12)
        ref = fisher_exact([[int(a[i]), int(b[i])], [c - int(a[i]), d - int(b[i])]]).pvalue
        assert pf[i] == pytest.approx(ref, rel=1e-12)
    assert float(exact_keyness_pvalue(0, 5, 1200, 5000)) != pytest.approx(float(pb[0]))
    assert float(exact_keyness_pvalue(0, 0, 100, 100)) == 1.0
    with pytest.raises(ValueError):
        exact_keyness_pvalue(1, 1, 100, 100, method="chi2")


def test_keyness_pvalue_switches_at_expected_five():
    # Equal corpora: E1 = E2 = (a + b)/2. a + b = 9 -> 4.5 < 5: exact;
    # a + b = 10 -> exactly 5: G2 with chi2(1).
    p, exact = keyness_pvalue([7, 8], [2, 2], 1000, 1000)
    assert exact.tolist() == [True, False]
    assert p[0] == pytest.approx(binomtest(7, 9, 0.5).pvalue, rel=1e-12)
    assert p[1] == pytest.approx(float(g2_pvalue(log_likelihood_g2(8, 2, 1000, 1000))), rel=1e-12)
    # Unequal corpora: the smaller expected count decides (E1 = 1000*12/4000 = 3).
    p2, exact2 = keyness_pvalue(10, 2, 1000, 3000)
    assert bool(exact2) and float(p2) == pytest.approx(binomtest(10, 12, 0.25).pvalue, rel=1e-12)
    with pytest.raises(ValueError):
        keyness_pvalue(1, 1, 10, 10, exact_below=-1)


# ---------------------------------------------------------------------------
# Log-odds prior strength (Monroe, Colaresi & Quinn 2008)
# ---------------------------------------------------------------------------


def test_prior_strength_and_log_odds_at_new_default():
    # y_i = [5, 3, 2], y_j = [1, 4, 5]; n_i = n_j = 10; background = [6, 7, 7].
    # alpha0 = 0.1 * min(10, 10) = 1  ->  alpha = [6, 7, 7] / 20 = [0.3, 0.35, 0.35].
    assert DEFAULT_PRIOR_SCALE == 0.1
    a0 = prior_strength(10, 10)
    assert float(a0) == 1.0
    alpha = dirichlet_prior([6, 7, 7], alpha0=a0)
    np.testing.assert_allclose(alpha, [0.3, 0.35, 0.35], atol=1e-15)
    # n + a0 = 11 for both groups.
    # term 0: odds_i = 5.3/5.7, odds_j = 1.3/9.7; delta = ln(5.3*9.7/(5.7*1.3))
    #         = ln(51.41/7.41) = ln(6.937921727) = 1.937002270
    #         var = 1/5.3 + 1/1.3 = 0.188679245 + 0.769230769 = 0.957910014
    #         z = 1.937002270 / 0.978728775 = 1.979100146
    # term 1: delta = ln(3.35*6.65/(7.65*4.35)) = ln(0.669446323) = -0.401304288
    #         var = 1/3.35 + 1/4.35 = 0.528392521, z = -0.552071693
    # term 2: delta = ln(2.35*5.65/(8.65*5.35)) = ln(0.286910486) = -1.248585014
    #         var = 1/2.35 + 1/5.35 = 0.612447803, z = -1.595451394
    delta, var, z = log_odds_dirichlet([5, 3, 2], [1, 4, 5], alpha)
    np.testing.assert_allclose(delta, [1.937002270, -0.401304288, -1.248585014], atol=1e-8)
    np.testing.assert_allclose(var, [0.957910014, 0.528392521, 0.612447803], atol=1e-8)
    np.testing.assert_allclose(z, [1.979100146, -0.552071693, -1.595451394], atol=1e-8)
    # The old default (alpha = the background counts, a0 = 20, as large as the
    # data) shrinks term 0 to odds 11/19 vs 7/23: delta = ln(253/133) = 0.6430404.
    old, _, _ = log_odds_dirichlet([5, 3, 2], [1, 4, 5], dirichlet_prior([6, 7, 7]))
    assert old[0] == pytest.approx(math.log(253 / 133), rel=1e-12)
    assert delta[0] > 3 * old[0]


def test_prior_strength_rows_and_errors():
    # One alpha0 per group against the rest: min(1000, 4700) and min(3000, 2700).
    a0 = prior_strength([1000, 3000], [4700, 2700])
    np.testing.assert_allclose(a0, [100.0, 270.0])
    alpha = dirichlet_prior([1, 3], alpha0=a0)
    np.testing.assert_allclose(alpha, [[25.0, 75.0], [67.5, 202.5]])
    # Backward compatible default: the background counts themselves.
    np.testing.assert_array_equal(dirichlet_prior([1, 3]), [1.0, 3.0])
    with pytest.raises(ValueError):
        prior_strength(0, 10)
    with pytest.raises(ValueError):
        prior_strength(10, 10, prior_scale=0)
    with pytest.raises(ValueError):
        dirichlet_prior([1, 3], alpha0=[1.0, -1.0])


# ---------------------------------------------------------------------------
# nb_trend: document-level negative-binomial regression
# ---------------------------------------------------------------------------


def _nb_docs(rng, n, slope_per_decade, *, kappa=2.0, rate=2e-3):
    x = np.sort(rng.uniform(1990, 2020, n))
    t = rng.integers(1500, 5000, n).astype(float)
    mu = rate * t * np.exp(slope_per_decade * (x - x.mean()) / 10)
    y = rng.poisson(mu * rng.gamma(kappa, 1 / kappa, n))
    return y, t, x


def test_nb_trend_recovers_planted_slope():
    rng = np.random.default_rng(2024)
    y, t, x = _nb_docs(rng, 80, -0.4)
    row = nb_trend(y, t, x).iloc[0]
    assert row["method"] == "negative_binomial"
    assert row["slope_low"] < -0.4 < row["slope_high"]
    assert row["p_value"] < 0.05
    assert row["pct_change"] == pytest.approx(100 * math.expm1(row["slope"]))
    assert row["pct_low"] == pytest.approx(100 * math.expm1(row["slope_low"]))
    assert row["dispersion_kind"] == "nb_alpha" and row["dispersion"] > 0
    assert row["df_resid"] == 80 - 3
    # per_years rescales the slope: per year it is a tenth.
    per_year = nb_trend(y, t, x, per_years=1.0).iloc[0]
    assert per_year["slope"] == pytest.approx(row["slope"] / 10, rel=1e-4)


def test_nb_trend_ci_coverage_near_nominal():
    # 200 simulated corpora of 30 documents, planted slope -0.3 per decade.
    # Measured when written: 0.930 (186 of 200; Monte-Carlo SE ~0.015).
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(200):
        y, t, x = _nb_docs(rng, 30, -0.3)
        row = nb_trend(y, t, x).iloc[0]
        hits += row["slope_low"] <= -0.3 <= row["slope_high"]
    coverage = hits / 200
    assert 0.91 <= coverage <= 0.99, coverage


def test_nb_trend_refuses_too_few_documents_or_dates():
    rng = np.random.default_rng(1)
    y, t, x = _nb_docs(rng, 40, 0.0)
    assert MIN_TREND_DOCS == 15 and MIN_TREND_DATES == 3
    with pytest.raises(ValueError, match="at least 15 documents"):
        nb_trend(y[:14], t[:14], x[:14])
    assert nb_trend(y[:15], t[:15], x[:15]).iloc[0]["n_docs"] == 15
    # Five documents (the seeds): refused.
    with pytest.raises(ValueError, match="got 5"):
        nb_trend(y[:5], t[:5], x[:5])
    two = np.where(np.arange(40) < 20, 2000.0, 2010.0)
    with pytest.raises(ValueError, match="at least 3 distinct dates"):
        nb_trend(y, t, two)
    three = np.select([np.arange(40) < 13, np.arange(40) < 26], [2000.0, 2005.0], 2010.0)
    assert nb_trend(y, t, three).iloc[0]["n_dates"] == 3
    with pytest.raises(ValueError, match="never occurs"):
        nb_trend(np.zeros(40), t, x)


def test_nb_trend_quasi_poisson_fallback(monkeypatch):
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    rng = np.random.default_rng(3)
    y, t, x = _nb_docs(rng, 30, 0.2)

    def fail(self, *args, **kwargs):
        raise np.linalg.LinAlgError("forced")

    monkeypatch.setattr(NegativeBinomial, "fit", fail)
    row = nb_trend(y, t, x).iloc[0]
    assert row["method"] == "quasi_poisson" and row["dispersion_kind"] == "quasi_phi"
    # Same numbers as statsmodels' GLM with Pearson scale (phi > 1 here).
    X = sm.add_constant((x - x.mean()) / 10)
    g = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(t)).fit(scale="X2")
    assert g.scale > 1
    assert row["slope"] == pytest.approx(g.params[1], rel=1e-8)
    assert row["dispersion"] == pytest.approx(g.scale, rel=1e-8)
    q = student_t.isf(0.025, 28)
    # (statsmodels refits with its own IRLS tolerance: agree to 1e-5)
    assert row["slope_high"] == pytest.approx(g.params[1] + q * g.bse[1], rel=1e-5)
    with pytest.raises(ValueError, match="did not converge"):
        nb_trend(y, t, x, method="negative_binomial")


def test_nb_trend_spline_and_groups():
    rng = np.random.default_rng(9)
    y, t, x = _nb_docs(rng, 60, -0.2)
    row = nb_trend(y, t, x, spline_df=3).iloc[0]
    assert 0.0 <= row["p_nonlinear"] <= 1.0
    assert np.isnan(nb_trend(y, t, x).iloc[0]["p_nonlinear"])
    g = np.where(np.arange(60) % 3 == 0, "A", "B")
    assert nb_trend(y, t, x, groups=g).iloc[0]["df_resid"] == 60 - 4


def test_natural_spline_basis_hand_example():
    # x = 0..4, df = 2: knots at the quantiles 0, 2, 4 of the distinct values.
    # d_1(x) = (x^3_+ - (x-4)^3_+)/4, d_2(x) = ((x-2)^3_+ - (x-4)^3_+)/2,
    # N_3 = d_1 - d_2: x=0: 0; 1: 1/4; 2: 8/4 = 2; 3: 27/4 - 1/2 = 6.25; 4: 16 - 4 = 12.
    B = natural_spline_basis(np.arange(5.0), df=2)
    np.testing.assert_allclose(B[:, 0], np.arange(5.0))
    np.testing.assert_allclose(B[:, 1], [0.0, 0.25, 2.0, 6.25, 12.0])
    np.testing.assert_allclose(natural_spline_basis([3.0, 1.0], df=1), [[3.0], [1.0]])
    with pytest.raises(ValueError):
        natural_spline_basis([1.0, 1.0, 2.0], df=2)


def test_new_names_exported():
    for name in ("rate_ci", "poisson_rate_ci", "rate_ratio_test", "quasi_poisson_test", "permutation_test",
                 "exact_keyness_pvalue", "keyness_pvalue", "nb_trend", "prior_strength"):
        assert name in cts.__all__ and callable(getattr(cts, name))
