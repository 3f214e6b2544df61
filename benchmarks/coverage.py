"""Coverage of the 95% rate intervals on simulated documents as bursty as the seeds.

Usage:
    .venv/bin/python benchmarks/coverage.py [--reps 10000] [--boot-reps 2000]
                                            [--group-reps 4000] [--seed 20261204]

What it does, in order:

1. **Estimates the simulation's parameters from the seed articles**
   (``corpus_tools.load_corpus("seeds")`` + ``tokenize``, non-punctuation
   tokens, stopwords included in the token counts as in the notebooks):

   * paragraph lengths: the 76 seed paragraphs' token counts, resampled;
   * paragraphs per document: the five seeds' counts (7, 9, 11, 24, 25);
   * burstiness within a document: for every (document, content lemma) with
     at least 2 occurrences, the paragraph counts given the document total
     are fitted by a Dirichlet-multinomial with parameter theta * t_p for a
     paragraph of t_p tokens (Madsen, Kauchak & Elkan 2005, "Modeling word
     burstiness using the Dirichlet distribution", ICML), by maximum
     conditional likelihood, separately for lemmas at <= 3 and 3-12 per
     1,000 in their document. Conditioning on the total makes the fit free
     of each lemma's rate. Equivalently, a paragraph's rate is the
     document's times a Gamma(theta t_p) multiplier of mean 1 (a Poisson
     mixture, Church & Gale 1995);
   * variation between documents: the same fit with the five seeds as units,
     turned into the gamma shape kappa of a document's rate multiplier at
     the mean document length. (Five articles on one subject vary less than
     a general corpus, so the group table also shows kappa = 1.)

2. **Paragraph level** (the rate of one document, units = its paragraphs):
   documents of 7, 11 and 25 paragraphs; true rates 1, 2 and 8 per 1,000;
   paragraph counts y_p ~ Poisson(r t_p G_p), G_p ~ Gamma(theta t_p) with
   theta from the band of the rate. Three intervals: the percentile bootstrap
   over paragraphs (``bootstrap_rate_ci``, 1,000 resamples; for contrast),
   Garwood's interval on the pooled tokens (``poisson_rate_ci``; for
   contrast) and the interval the notebooks will use (``rate_ci``). Then
   the same with twice the seeds' burstiness (theta / 2).

3. **Group level** (the rate of a group, units = its documents): groups of
   3, 5, 10 and 30 documents built like the seeds (paragraph count and
   lengths resampled, the same within-document burstiness), each document's
   rate multiplied by a Gamma(kappa) of mean 1, for kappa from the seeds and
   kappa = 1; the same three intervals with documents as units.

A replicate covers when low <= true rate <= high. Each cell prints the
coverage, the share of zero-width intervals and the mean width (per 1,000).
Monte-Carlo standard error of a coverage near 0.95 is sqrt(0.95 * 0.05 / R):
0.0022 for R = 10,000, 0.0049 for R = 2,000, 0.0034 for R = 4,000.

Exits with status 1 unless every paragraph-level cell of ``rate_ci`` (seeds'
burstiness) covers at least 0.93 with no zero-width interval.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus_tools import load_corpus  # noqa: E402
from corpus_tools.stats import bootstrap_rate_ci, poisson_rate_ci, rate_ci  # noqa: E402
from corpus_tools.tokens import tokenize  # noqa: E402

PARAGRAPHS = (7, 11, 25)
RATES = (1.0, 2.0, 8.0)  # per 1,000 tokens
GROUP_SIZES = (3, 5, 10, 30)
TARGET = 0.93


# ---------------------------------------------------------------------------
# 1. Parameters from the seeds
# ---------------------------------------------------------------------------


def _dm_theta(pairs) -> float:
    """Max conditional likelihood of theta in Dirichlet-multinomial(alpha_p = theta * t_p)."""

    def nll(log_theta):
        th = np.exp(log_theta)
        s = 0.0
        for y, t in pairs:
            a = th * t
            s += gammaln(a.sum()) - gammaln(y.sum() + a.sum()) + np.sum(gammaln(y + a) - gammaln(a))
        return -s

    return float(np.exp(minimize_scalar(nll, bounds=(-12.0, 6.0), method="bounded").x))


def seed_parameters() -> dict:
    """Paragraph lengths, paragraphs per document and burstiness, from the seed articles."""
    tokens = tokenize(load_corpus(ROOT / "seeds"), cache=False, progress=False)
    f = tokens.frame
    words = f[~f["is_punct"].astype(bool)]
    doc = words["doc_id"].astype(str).to_numpy()
    par = words["paragraph"].to_numpy()
    lengths = pd.Series(1, index=pd.MultiIndex.from_arrays([doc, par])).groupby(level=[0, 1]).sum()
    content = words[~words["is_stop"].astype(bool)]
    cdoc = content["doc_id"].astype(str).to_numpy()
    cpar = content["paragraph"].to_numpy()
    clem = content["lemma"].astype(str).to_numpy()
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([cdoc, clem, cpar])).groupby(level=[0, 1, 2]).sum()

    bands = {"low": [], "high": []}  # <= 3 and 3-12 per 1,000
    x2 = {"low": [], "high": []}
    for d, lens in lengths.groupby(level=0):
        t = lens.to_numpy().astype(float)
        paras = lens.index.get_level_values(1)
        T = t.sum()
        for lemma, c in counts.loc[d].groupby(level=0):
            y = c.droplevel(0).reindex(paras, fill_value=0).to_numpy().astype(float)
            N = y.sum()
            if N < 2:
                continue
            rate = 1000 * N / T
            band = "low" if rate <= 3 else "high" if rate <= 12 else None
            if band is None:
                continue
            bands[band].append((y, t))
            e = N * t / T
            x2[band].append(((y - e) ** 2 / e).sum() / (len(t) - 1))

    doc_len = lengths.groupby(level=0).sum()
    per_doc = counts.groupby(level=[0, 1]).sum().unstack(0, fill_value=0).reindex(columns=doc_len.index, fill_value=0)
    keep = per_doc.sum(axis=1) >= 3
    t_doc = doc_len.to_numpy().astype(float)
    doc_pairs = [(row.astype(float), t_doc) for row in per_doc[keep].to_numpy()]
    theta_doc = _dm_theta(doc_pairs)
    return {
        "paragraph_lengths": lengths.to_numpy().astype(float),
        "paragraphs_per_doc": lengths.groupby(level=0).size().to_numpy(),
        "doc_lengths": t_doc,
        "theta": {b: _dm_theta(p) for b, p in bands.items()},
        "n_pairs": {b: len(p) for b, p in bands.items()},
        "mean_x2": {b: float(np.mean(v)) for b, v in x2.items()},
        "theta_doc": theta_doc,
        "n_doc_lemmas": int(keep.sum()),
        "kappa": theta_doc * float(t_doc.mean()),
    }


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


def _band(rate: float) -> str:
    return "low" if rate <= 3 else "high"


def _paragraph_counts(rng, t, rate, theta):
    """Counts for paragraphs of t tokens: Poisson(r t G), G ~ Gamma(theta t) of mean 1."""
    a = theta * t
    return rng.poisson(rate / 1000.0 * t * rng.gamma(a, 1.0 / a))


def _summary(low, high, rate):
    low, high = np.asarray(low), np.asarray(high)
    return (
        float(np.mean((low <= rate) & (rate <= high))),
        float(np.mean(high - low <= 0)),
        float(np.mean(high - low)),
    )


def paragraph_level(params, *, reps, boot_reps, seed, theta_factor=1.0, with_bootstrap=True):
    rows = []
    ss = np.random.SeedSequence([seed, int(theta_factor * 1000)])
    for n, child in zip(PARAGRAPHS, ss.spawn(len(PARAGRAPHS))):
        rng = np.random.default_rng(child)
        thetas = [params["theta"][_band(r)] * theta_factor for r in RATES]
        res = {m: [[], []] for m in ("boot", "garwood", "rate_ci")}
        mean_count = np.zeros(len(RATES))
        for i in range(reps):
            t = rng.choice(params["paragraph_lengths"], size=n)
            C = np.column_stack([_paragraph_counts(rng, t, r, th) for r, th in zip(RATES, thetas)])
            mean_count += C.sum(axis=0)
            _, lo, hi = poisson_rate_ci(C.sum(axis=0), t.sum())
            res["garwood"][0].append(lo), res["garwood"][1].append(hi)
            r = rate_ci(C, t)
            res["rate_ci"][0].append(r.low), res["rate_ci"][1].append(r.high)
            if with_bootstrap and i < boot_reps:
                _, lo, hi = bootstrap_rate_ci(C, t, n_boot=1000, seed=int(rng.integers(2**32)))
                res["boot"][0].append(lo), res["boot"][1].append(hi)
        for j, rate in enumerate(RATES):
            row = {"units": n, "rate": rate, "mean_count": mean_count[j] / reps}
            for m, (lo, hi) in res.items():
                if not lo:
                    continue
                row[m] = _summary(np.array(lo)[:, j], np.array(hi)[:, j], rate)
            rows.append(row)
    return rows


def group_level(params, *, reps, boot_reps, seed, kappa):
    rows = []
    ss = np.random.SeedSequence([seed, 7, int(kappa * 1000)])
    for n, child in zip(GROUP_SIZES, ss.spawn(len(GROUP_SIZES))):
        rng = np.random.default_rng(child)
        thetas = [params["theta"][_band(r)] for r in RATES]
        res = {m: [[], []] for m in ("boot", "garwood", "rate_ci")}
        for i in range(reps):
            counts = np.zeros((n, len(RATES)))
            totals = np.zeros(n)
            mult = rng.gamma(kappa, 1.0 / kappa, size=(n, len(RATES)))
            for d in range(n):
                k = rng.choice(params["paragraphs_per_doc"])
                t = rng.choice(params["paragraph_lengths"], size=k)
                totals[d] = t.sum()
                for j, (r, th) in enumerate(zip(RATES, thetas)):
                    counts[d, j] = _paragraph_counts(rng, t, r * mult[d, j], th).sum()
            _, lo, hi = poisson_rate_ci(counts.sum(axis=0), totals.sum())
            res["garwood"][0].append(lo), res["garwood"][1].append(hi)
            r = rate_ci(counts, totals)
            res["rate_ci"][0].append(r.low), res["rate_ci"][1].append(r.high)
            if i < boot_reps:
                _, lo, hi = bootstrap_rate_ci(counts, totals, n_boot=1000, seed=int(rng.integers(2**32)))
                res["boot"][0].append(lo), res["boot"][1].append(hi)
        for j, rate in enumerate(RATES):
            row = {"units": n, "rate": rate}
            for m, (lo, hi) in res.items():
                if lo:
                    row[m] = _summary(np.array(lo)[:, j], np.array(hi)[:, j], rate)
            rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

LABELS = {
    "boot": "percentile bootstrap",
    "garwood": "Garwood, pooled tokens",
    "rate_ci": "**rate_ci** (notebooks)",
}


def table(rows, unit_name, methods, *, counts=True) -> str:
    head = f"| {unit_name} | rate /1k |" + (" mean count |" if counts else "")
    sep = "|---:|---:|" + ("---:|" if counts else "")
    for m in methods:
        head += f" {LABELS[m]}: coverage | zero width | mean width |"
        sep += "---:|---:|---:|"
    lines = [head, sep]
    for row in rows:
        line = f"| {row['units']} | {row['rate']:g} |" + (f" {row['mean_count']:.2f} |" if counts else "")
        for m in methods:
            cov, zero, width = row[m]
            line += f" {cov:.3f} | {zero:.3f} | {width:.2f} |"
        lines.append(line)
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=10000, help="replicates per paragraph-level cell")
    ap.add_argument("--boot-reps", type=int, default=2000, help="of which also bootstrapped (1,000 resamples each)")
    ap.add_argument("--group-reps", type=int, default=4000, help="replicates per group-level cell")
    ap.add_argument("--seed", type=int, default=20261204)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    params = seed_parameters()
    pl = params["paragraph_lengths"]
    print(f"# Coverage of 95% rate intervals (python {platform.python_version()}, seed {args.seed})\n")
    print("Parameters estimated from the seeds:\n")
    print(f"- paragraphs: {pl.size}, tokens per paragraph median {np.median(pl):.0f} "
          f"(quartiles {np.percentile(pl, 25):.0f}-{np.percentile(pl, 75):.0f}, range {pl.min():.0f}-{pl.max():.0f}); "
          f"paragraphs per document {sorted(params['paragraphs_per_doc'].tolist())}")
    for b, label in (("low", "<= 3 per 1,000"), ("high", "3-12 per 1,000")):
        th = params["theta"][b]
        print(f"- within-document burstiness, lemmas at {label}: theta = {th:.4f} per token "
              f"({params['n_pairs'][b]} document-lemma pairs; a 75-token paragraph's rate multiplier has "
              f"CV {1 / np.sqrt(th * 75):.2f}; mean Pearson X2/df {params['mean_x2'][b]:.2f}, 1 if Poisson)")
    print(f"- between documents: theta = {params['theta_doc']:.5f} per token ({params['n_doc_lemmas']} lemmas), "
          f"gamma shape kappa = {params['kappa']:.2f} at the mean document length "
          f"{params['doc_lengths'].mean():.0f} (CV {1 / np.sqrt(params['kappa']):.2f})\n")

    para = paragraph_level(params, reps=args.reps, boot_reps=args.boot_reps, seed=args.seed)
    print(f"## One document, paragraphs as units (seeds' burstiness; {args.reps:,} replicates, "
          f"bootstrap {args.boot_reps:,})\n")
    print(table(para, "paragraphs", ["boot", "garwood", "rate_ci"]))
    stress = paragraph_level(params, reps=args.reps, boot_reps=0, seed=args.seed, theta_factor=0.5,
                             with_bootstrap=False)
    print(f"\n## One document, twice the seeds' burstiness (theta / 2; {args.reps:,} replicates)\n")
    print(table(stress, "paragraphs", ["garwood", "rate_ci"]))
    for kappa, label in ((params["kappa"], f"kappa = {params['kappa']:.2f} (seeds)"), (1.0, "kappa = 1 (stress)")):
        boot = min(args.boot_reps, args.group_reps)
        rows = group_level(params, reps=args.group_reps, boot_reps=boot, seed=args.seed, kappa=kappa)
        print(f"\n## A group, documents as units, between-document {label}; {args.group_reps:,} replicates, "
              f"bootstrap {boot:,}\n")
        print(table(rows, "documents", ["boot", "garwood", "rate_ci"], counts=False))

    worst = min(row["rate_ci"][0] for row in para)
    zero = max(row["rate_ci"][1] for row in para)
    ok = worst >= TARGET and zero == 0.0
    print(f"\nrate_ci, paragraph level (seeds' burstiness): lowest coverage {worst:.3f}, "
          f"largest zero-width share {zero:.3f}: {'PASS' if ok else 'FAIL'} (target >= {TARGET}, no zero width)")
    print(f"elapsed {time.perf_counter() - t0:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
