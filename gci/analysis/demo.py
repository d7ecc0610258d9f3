"""Synthetic demo responses calibrated to ITU's published GCI 2024 pillar scores.

**Everything this module makes is synthetic.** It is not ITU data and not any country's real
answers. For each country it draws answers to the shipped framework from a simple latent model
(one ability per pillar against question difficulty, seeded per country), then improves them one
answer at a time until

* each of the five **pillar** scores under the given framework and weights is within
  ``tolerance`` (0.5) points of the country's published GCI 2024 pillar score
  (``gci/data/gci2024_published_pillars.csv``), and
* the country's **tier** (GCI 2024 thresholds 95/85/55/20 on the overall score, rounded to 2
  decimals as gci ranks and tiers) is exactly its published 2024 tier.

Answers look like a questionnaire's: a question whose ``applies_if`` is false is not answered;
scale questions use partial levels; numeric answers are whole numbers; every credited answer to a
question that requires evidence carries a placeholder link clearly marked synthetic
(``https://example.org/synthetic/ISO3/Qnn``); a few countries leave a few "no" answers blank
(missing answers score zero under the GCI rule, so this does not change any score).

The generator is deterministic: the random stream of a country depends only on ``seed`` and its
ISO3 code, so regenerating a subset gives the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine.aggregate import Structure, aggregate
from ..inputs import published
from ..inputs.countries import country_name
from ..inputs.framework import Framework, Node
from ..inputs.published import published_scores
from ..inputs.tiers import GCI2024
from ..inputs.weights import WeightScheme

DEFAULT_SEED = 2024
EDITION = 2024
PILLAR_COLUMNS = ("legal", "technical", "organizational", "capacity_development", "cooperation")
EVIDENCE_URL = "https://example.org/synthetic/{iso3}/{question}"

__all__ = ["DEFAULT_SEED", "DemoCountry", "country_yaml", "generate_country", "generate_demo",
           "published_scores"]


@dataclass
class DemoCountry:
    """Synthetic answers of one country and how well they hit the targets."""

    iso3: str
    target: float                 # published overall
    score: float                  # overall of these answers
    answers: dict[str, dict]
    source: str = "questionnaire"
    pillar_targets: dict[str, float] | None = None
    pillar_scores: dict[str, float] | None = None
    tier: str | None = None       # published tier (the answers reach the same one)


def _levels(node: Node) -> list[tuple[object, float]]:
    """Answer options of a question with their credit, worst first.

    Numeric questions: every whole number between the goalposts (at most 101 options).
    """
    if node.type == "binary":
        return [("no", 0.0), ("yes", 1.0)]
    if node.type == "scale":
        return sorted(node.levels.items(), key=lambda kv: kv[1])  # type: ignore[union-attr]
    lo, hi = node.goalposts  # type: ignore[misc]
    a, b = sorted((float(lo), float(hi)))
    step = max(1.0, np.ceil((b - a) / 100))
    values = np.arange(a, b + step / 2, step)
    out = [(int(v) if float(v).is_integer() else float(v),
            float(np.clip((v - lo) / (hi - lo), 0, 1))) for v in values]
    return sorted(out, key=lambda kv: kv[1])


class _Scorer:
    """Score many option choices of one country at once (conditions and redistribution)."""

    def __init__(self, fw: Framework, ws: WeightScheme):
        self.fw = fw
        self.structure = Structure.of(fw)
        self.weights = np.array([1.0] + [float(ws.weights.get(c, 1.0))
                                         for c in self.structure.codes[1:]])
        self.scale = ws.scale
        self.questions = fw.questions
        self.options = [_levels(q) for q in self.questions]
        self.n_options = np.array([len(o) for o in self.options])
        self.credit_of = [np.array([c for _, c in o]) for o in self.options]
        self.index = {q.code: i for i, q in enumerate(self.questions)}
        self.pillars = [p.code for p in fw.pillars]
        self.pillar_cols = [self.structure.codes.index(p) for p in self.pillars]
        self.pillar_of_q = np.array([self.pillars.index(fw.pillar_of(q.code))
                                     for q in self.questions])
        # applies_if as vectorised tests: (question, condition question, hit per option)
        self.conds: list[tuple[int, int, np.ndarray]] = []
        for i, q in enumerate(self.questions):
            cond = q.applies_if
            if cond is None:
                continue
            k = self.index[cond.question]
            hit = np.array([_holds(self.questions[k], name, cond.op, cond.value)
                            for name, _ in self.options[k]])
            self.conds.append((i, k, hit))
        self.numeric = np.array([q.type == "numeric" for q in self.questions])

    def credits(self, choice: np.ndarray) -> np.ndarray:
        out = np.empty(choice.shape, dtype=float)
        for j, cr in enumerate(self.credit_of):
            out[:, j] = cr[choice[:, j]]
        return out

    def applies(self, choice: np.ndarray) -> np.ndarray:
        ok = np.ones(choice.shape, dtype=bool)
        for i, k, hit in self.conds:  # conditions come after the questions they refer to
            ok[:, i] = ok[:, k] & hit[choice[:, k]]
        return ok

    def pillar_points(self, choice: np.ndarray) -> np.ndarray:
        """Pillar points of each row of choices (rows × pillars)."""
        choice = np.atleast_2d(choice)
        value, avail, share = aggregate(self.structure, self.credits(choice),
                                        self.applies(choice), self.weights)
        cols = self.pillar_cols
        return np.where(avail[:, cols], value[:, cols] * share[:, cols], 0.0) * self.scale


def _holds(node: Node, name: object, op: str, value: object) -> bool:
    """Whether answer option ``name`` of ``node`` satisfies ``op value``."""
    if node.type == "numeric":
        x, v = float(name), float(value)  # type: ignore[arg-type]
        return {"==": x == v, "!=": x != v, "<": x < v, "<=": x <= v, ">": x > v,
                ">=": x >= v}[op]
    return (str(name) == str(value)) == (op == "==")


def _tier(overall: float) -> str | None:
    return GCI2024.assign(pd.Series([round(float(overall), 2)])).iloc[0]


def generate_country(fw: Framework, ws: WeightScheme, iso3: str,
                     targets: dict[str, float] | float, *, seed: int = DEFAULT_SEED,
                     tolerance: float = 0.5, scorer: _Scorer | None = None) -> DemoCountry:
    """Synthetic answers of one country whose pillar scores are close to ``targets``.

    Parameters
    ----------
    fw, ws : Framework, WeightScheme
        What the answers are scored with.
    iso3 : str
        Country code (also seeds its random stream).
    targets : dict or float
        Pillar code → points to aim at (each 0 … the pillar's maximum); a single number is an
        overall target spread over the pillars in proportion to their maximum.
    seed : int
        Base seed.
    tolerance : float
        Largest accepted |pillar score - target| in points.

    Raises
    ------
    RuntimeError
        When no answers within ``tolerance`` of every pillar target (and in the target's tier)
        are found — a bug or an unreachable target, never silently accepted.
    """
    sc = scorer or _Scorer(fw, ws)
    pmax = ws.effective(fw)["max_points"].reindex(sc.pillars).to_numpy(float)
    if not isinstance(targets, dict):
        targets = dict(zip(sc.pillars, float(targets) * pmax / pmax.sum()))
    tgt = np.array([float(targets[p]) for p in sc.pillars])
    want_tier = _tier(tgt.sum())
    rng = np.random.default_rng([seed, *[ord(ch) for ch in iso3]])
    difficulty = np.random.default_rng(seed).normal(0.0, 1.0, len(sc.questions))
    share = np.clip(tgt / pmax, 0.0, 1.0)

    # 1. a first draw: one latent ability per pillar, answers nearest to a noisy success chance
    choice = np.zeros(len(sc.questions), dtype=int)
    for p in range(len(sc.pillars)):
        qs = np.flatnonzero(sc.pillar_of_q == p)
        if share[p] >= 1 - 1e-12:
            choice[qs] = sc.n_options[qs] - 1
            continue
        if share[p] <= 1e-12:
            continue
        lo, hi = -8.0, 8.0
        for _ in range(50):
            mid = (lo + hi) / 2
            prob = 1 / (1 + np.exp(-1.7 * (mid - difficulty[qs])))
            lo, hi = (mid, hi) if prob.mean() < share[p] else (lo, mid)
        prob = 1 / (1 + np.exp(-1.7 * (lo - difficulty[qs])))
        latent = np.clip(prob + rng.normal(0, 0.15, len(qs)), 0, 1)
        for q, x in zip(qs, latent):
            choice[q] = int(np.argmin(np.abs(sc.credit_of[q] - x)))

    # 2. improve one answer at a time (best of all single moves, scored as one batch)
    steps = [1, -1]
    big = [5, -5, 20, -20]

    def cost(points: np.ndarray) -> np.ndarray:
        err = points - tgt
        total = points.sum(axis=1)
        tiers = GCI2024.assign(pd.Series(np.round(total, 2))).to_numpy(object)
        wrong = tiers != want_tier
        over = np.clip(np.abs(err) - (tolerance - 0.05), 0, None).sum(axis=1)
        return ((err ** 2).sum(axis=1) + (total - tgt.sum()) ** 2
                + 1000.0 * wrong + 1000.0 * over)

    current = cost(sc.pillar_points(choice[None, :]))[0]
    for _ in range(600):
        cands = []
        for j in range(len(choice)):
            for s in (steps + big if sc.numeric[j] else steps):
                c = choice[j] + s
                if 0 <= c < sc.n_options[j]:
                    cands.append((j, c))
        rows = np.repeat(choice[None, :], len(cands), axis=0)
        js = np.array([j for j, _ in cands])
        rows[np.arange(len(cands)), js] = [c for _, c in cands]
        costs = cost(sc.pillar_points(rows))
        best = int(np.argmin(costs))
        if costs[best] >= current - 1e-12:
            err = sc.pillar_points(choice[None, :])[0] - tgt
            if np.abs(err).max() <= tolerance / 2 and _tier(tgt.sum() + err.sum()) == want_tier:
                break  # a local optimum well within the constraints: done
            # stuck outside the constraints: try two moves at once (e.g. up here, down there)
            a, b = np.triu_indices(len(cands), 1)
            keep = js[a] != js[b]
            a, b = a[keep], b[keep]
            if len(a) > 20000:
                pick = rng.choice(len(a), 20000, replace=False)
                a, b = a[np.sort(pick)], b[np.sort(pick)]
            rows = rows[a].copy()
            rows[np.arange(len(b)), js[b]] = [cands[k][1] for k in b]
            costs = cost(sc.pillar_points(rows))
            best = int(np.argmin(costs))
            if costs[best] >= current - 1e-12:
                break
        choice, current = rows[best], costs[best]
        err = sc.pillar_points(choice[None, :])[0] - tgt
        if (np.abs(err).max() <= 0.1 and abs(err.sum()) <= 0.1
                and _tier(tgt.sum() + err.sum()) == want_tier):
            break
    points = sc.pillar_points(choice[None, :])[0]
    if np.abs(points - tgt).max() > tolerance or _tier(points.sum()) != want_tier:
        raise RuntimeError(f"{iso3}: no synthetic answers found within {tolerance} points of "
                           f"every pillar target and in {want_tier}: got {points.round(2)}, "
                           f"targets {tgt.round(2)}")

    avail = sc.applies(choice[None, :])[0]
    desk = rng.random() < 0.3
    answers: dict[str, dict] = {}
    for i, q in enumerate(sc.questions):
        if not avail[i]:
            continue
        name, credit = sc.options[i][choice[i]]
        entry: dict = {"answer": name}
        if q.evidence_required and credit > 0:
            entry["evidence"] = EVIDENCE_URL.format(iso3=iso3, question=q.code)
        answers[q.code] = entry
    # a few countries leave a few "no" answers blank (missing: scored 0 under the GCI rule)
    if rng.random() < 0.15:
        zeros = [q for q, e in answers.items() if sc.credit_of[sc.index[q]][
            choice[sc.index[q]]] == 0 and sc.questions[sc.index[q]].type != "numeric"]
        for q in rng.permutation(zeros)[: int(rng.integers(1, 4))] if zeros else []:
            del answers[q]
    return DemoCountry(iso3, float(tgt.sum()), float(points.sum()), answers,
                       "desk_research" if desk else "questionnaire",
                       dict(zip(sc.pillars, tgt.tolist())),
                       dict(zip(sc.pillars, points.tolist())), want_tier)


#: First words of every synthetic country file.
SYNTHETIC_HEADER = "# SYNTHETIC DEMO DATA"


def country_yaml(c: DemoCountry, *, seed: int, edition: str | int = EDITION,
                 framework_file: str = "indicators.yaml", scheme: str = "equal") -> str:
    """The YAML text of one synthetic country file (with its provenance header)."""
    pt, ps = c.pillar_targets or {}, c.pillar_scores or {}
    lines = [
        SYNTHETIC_HEADER + " - not ITU data and not this country's real answers.",
        f"# Generated by scripts/make_demo.py (gci.demo, seed {seed}): calibrated to ITU's "
        f"published GCI {edition} pillar scores, seed {seed}",
        f"# (gci/data/gci{edition}_published_pillars.csv) under {framework_file} with weight "
        f"scheme '{scheme}': each pillar within 0.5 points, same tier.",
        "# pillar targets:  " + ", ".join(f"{k} {v:.2f}" for k, v in pt.items()),
        "# this file scores: " + ", ".join(f"{k} {v:.2f}" for k, v in ps.items()),
        f"# overall target {c.target:.2f}, this file {c.score:.2f} ({c.tier}). Evidence links "
        "are synthetic placeholders.",
        f"country: {c.iso3}",
        f"name: \"{country_name(c.iso3)}\"",
        f"edition: \"demo-{edition}\"",
        "synthetic: true",
        f"source: {c.source}",
        "answers:",
    ]
    for q, e in c.answers.items():
        a = e["answer"]
        parts = [f"answer: {a}" if isinstance(a, (int, float)) else f"answer: \"{a}\""]
        if "evidence" in e:
            parts.append(f"evidence: \"{e['evidence']}\"")
        lines.append(f"  {q}: {{{', '.join(parts)}}}")
    return "\n".join(lines) + "\n"


def generate_demo(fw: Framework, ws: WeightScheme, out_dir: str | Path | None = None, *,
                  seed: int = DEFAULT_SEED, countries: list[str] | None = None,
                  tolerance: float = 0.5,
                  framework_file: str = "indicators.yaml") -> dict[str, DemoCountry]:
    """Generate synthetic responses for the 194 economies of GCI 2024.

    Parameters
    ----------
    fw, ws : Framework, WeightScheme
        The framework's pillars must be those of GCI 2024 (legal, technical, organizational,
        capacity_development, cooperation), each worth 20 points under ``ws``.
    out_dir : path, optional
        When given, one ``ISO3.yaml`` per country is written there (atomically).
    seed : int
    countries : list of str, optional
        Only these countries.
    tolerance : float
        Points within which each pillar score must come to its published value.

    Returns
    -------
    dict
        ISO3 → :class:`DemoCountry`.
    """
    table = published.scores(2024)
    if countries is not None:
        table = table[table.index.isin(countries)]
    scorer = _Scorer(fw, ws)
    missing = [p for p in scorer.pillars if p not in table.columns]
    if missing:
        raise ValueError(f"framework pillars {missing} have no published GCI 2024 score; "
                         f"expected pillars {', '.join(PILLAR_COLUMNS)}")
    out: dict[str, DemoCountry] = {}
    for iso3, row in table.sort_index().iterrows():
        c = generate_country(fw, ws, str(iso3), {p: float(row[p]) for p in scorer.pillars},
                             seed=seed, tolerance=tolerance, scorer=scorer)
        out[str(iso3)] = c
    if out_dir is not None:
        write_demo_files(out, Path(out_dir), seed=seed, edition=EDITION,
                         framework_file=framework_file, scheme=ws.name)
    return out


def write_demo_files(made: dict[str, DemoCountry], out_dir: Path, **header: Any) -> None:
    """Write one ``ISO3.yaml`` per country into ``out_dir`` as one transaction.

    The folder is replaced as a whole (:mod:`gci.transaction`): an interrupted run leaves the
    previous files. Only synthetic files of the countries written are replaced; every other
    entry (other countries, real answers) is carried over, and a non-synthetic file with the
    name of a new one is refused.
    """
    from ..fileio import write_text_atomic
    from ..transaction import write_folder

    names = {f"{iso3}.yaml" for iso3 in made}

    def synthetic(path: Path) -> bool:
        if path.name not in names or not path.is_file():
            return False
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.readline().startswith(SYNTHETIC_HEADER)

    def fill(staging: Path, staged: Any) -> dict[str, str]:
        for iso3, c in made.items():
            write_text_atomic(staging / f"{iso3}.yaml", country_yaml(c, **header))
            staged(f"{iso3}.yaml")
        return {iso3: f"{iso3}.yaml" for iso3 in made}

    write_folder(out_dir, fill, owned=synthetic)
