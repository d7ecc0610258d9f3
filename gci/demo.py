"""Synthetic demo responses calibrated to published GCI scores.

**Everything this module makes is synthetic.** It is not ITU data and not any country's real
answers. For each country it draws answers to the shipped framework from a simple latent model
(country ability vs question difficulty, seeded per country), then adjusts answers one step at a
time until the country's overall score under the given framework and weights is within
``tolerance`` points of a target — by default the country's published GCI 2020 score — so that
rankings computed from the demo look like the real ones.

The generator is deterministic: the random stream of a country depends only on ``seed`` and its
ISO3 code, so regenerating a subset gives the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .aggregate import Structure, aggregate
from .countries import country_name
from .framework import Framework, Node
from .published import published_scores
from .weights import WeightScheme

DEFAULT_SEED = 2020


@dataclass
class DemoCountry:
    """Synthetic answers of one country and how well they hit the target."""

    iso3: str
    target: float
    score: float
    answers: dict[str, dict]
    source: str = "questionnaire"


def _levels(node: Node) -> list[tuple[str, float]]:
    """Answer options of a question with their credit, worst first."""
    if node.type == "binary":
        return [("no", 0.0), ("yes", 1.0)]
    if node.type == "scale":
        return sorted(node.levels.items(), key=lambda kv: kv[1])  # type: ignore[union-attr]
    lo, hi = node.goalposts  # type: ignore[misc]
    steps = np.linspace(0, 1, 6)
    return [(f"{lo + s * (hi - lo):g}", float(s)) for s in steps]


class _Scorer:
    """Score one country's option choices quickly (conditions and redistribution included)."""

    def __init__(self, fw: Framework, ws: WeightScheme):
        self.fw = fw
        self.structure = Structure.of(fw)
        self.weights = np.array([1.0] + [float(ws.weights.get(c, 1.0))
                                         for c in self.structure.codes[1:]])
        self.scale = ws.scale
        self.questions = fw.questions
        self.options = [_levels(q) for q in self.questions]
        self.index = {q.code: i for i, q in enumerate(self.questions)}

    def applies(self, choice: np.ndarray) -> np.ndarray:
        ok = np.ones(len(self.questions), dtype=bool)
        for i, q in enumerate(self.questions):
            cond = q.applies_if
            if cond is None:
                continue
            k = self.index[cond.question]
            name, credit = self.options[k][choice[k]]
            target = self.questions[k]
            if target.type == "numeric":
                value = float(name)
                hit = {"==": value == cond.value, "!=": value != cond.value,
                       "<": value < cond.value, "<=": value <= cond.value,
                       ">": value > cond.value, ">=": value >= cond.value}[cond.op]
            else:
                hit = (name == cond.value) == (cond.op == "==")
            ok[i] = ok[k] and hit
        return ok

    def score(self, choice: np.ndarray) -> float:
        credit = np.array([self.options[i][c][1] for i, c in enumerate(choice)])
        avail = self.applies(choice)
        value, _, _ = aggregate(self.structure, credit[None, :], avail[None, :], self.weights)
        return float(value[0, 0] * self.scale)


def generate_country(fw: Framework, ws: WeightScheme, iso3: str, target: float, *,
                     seed: int = DEFAULT_SEED, tolerance: float = 0.5,
                     scorer: _Scorer | None = None) -> DemoCountry:
    """Synthetic answers of one country whose overall score is close to ``target``.

    Parameters
    ----------
    fw, ws : Framework, WeightScheme
        What the answers are scored with.
    iso3 : str
        Country code (also seeds its random stream).
    target : float
        Overall score to aim at (0 … ``ws.scale``).
    seed : int
        Base seed.
    tolerance : float
        Stop adjusting once within this many points of the target.
    """
    scorer = scorer or _Scorer(fw, ws)
    rng = np.random.default_rng([seed, *[ord(ch) for ch in iso3]])
    qrng = np.random.default_rng(seed)  # question difficulty: same for every country
    difficulty = qrng.normal(0.0, 1.0, len(scorer.questions))
    t = min(max(target / ws.scale, 1e-3), 1 - 1e-3)
    # ability such that the mean success probability matches the target share
    lo, hi = -8.0, 8.0
    for _ in range(50):
        mid = (lo + hi) / 2
        p = 1 / (1 + np.exp(-1.7 * (mid - difficulty)))
        lo, hi = (mid, hi) if p.mean() < t else (lo, mid)
    p = 1 / (1 + np.exp(-1.7 * (lo - difficulty)))
    latent = np.clip(p + rng.normal(0, 0.15, len(p)), 0, 1)
    choice = np.array([int(np.argmin([abs(c - x) for _, c in opts]))
                       for opts, x in zip(scorer.options, latent)])
    current = scorer.score(choice)
    for _ in range(400):
        gap = target - current
        if abs(gap) <= tolerance:
            break
        step = 1 if gap > 0 else -1
        movable = [i for i, c in enumerate(choice) if 0 <= c + step < len(scorer.options[i])]
        if not movable:
            break
        best, best_err = None, abs(gap)
        for i in rng.permutation(movable)[:12]:
            trial = choice.copy()
            trial[i] += step
            s = scorer.score(trial)
            if abs(target - s) < best_err:
                best, best_err = (i, s), abs(target - s)
        if best is None:
            i = int(rng.choice(movable))
            choice[i] += step
            current = scorer.score(choice)
        else:
            choice[best[0]] += step
            current = best[1]
    avail = scorer.applies(choice)
    desk = rng.random() < 0.3
    answers: dict[str, dict] = {}
    for i, q in enumerate(scorer.questions):
        if not avail[i]:
            continue
        name, credit = scorer.options[i][choice[i]]
        entry: dict = {"answer": name}
        if q.evidence_required and credit > 0:
            entry["evidence"] = f"https://evidence.example/{iso3}/{q.code}"
        answers[q.code] = entry
    # a few countries leave a few "no" answers blank (missing: scored 0 under the GCI policy)
    if rng.random() < 0.15:
        zeros = [q for q, e in answers.items() if e["answer"] in ("no", "none", "0")]
        for q in rng.permutation(zeros)[: int(rng.integers(1, 4))] if zeros else []:
            del answers[q]
    return DemoCountry(iso3, float(target), float(current), answers,
                       "desk_research" if desk else "questionnaire")


#: First words of every synthetic country file.
SYNTHETIC_HEADER = "# SYNTHETIC DEMO DATA"


def country_yaml(c: DemoCountry, *, seed: int, edition: str, framework_file: str,
                 scheme: str) -> str:
    """The YAML text of one synthetic country file (with its provenance header)."""
    lines = [
        SYNTHETIC_HEADER + " - not ITU data and not this country's real answers.",
        f"# Generated by scripts/make_demo.py (gci.demo, seed {seed}) so that its overall score "
        f"under {framework_file}",
        f"# with weight scheme '{scheme}' is close to the country's published GCI {edition} score"
        " (gci/data/gci_published_scores.csv):",
        f"# target {c.target:.2f}, this file scores {c.score:.2f}. Evidence links are "
        "placeholders.",
        f"country: {c.iso3}",
        f"name: \"{country_name(c.iso3)}\"",
        f"edition: \"demo-{edition}\"",
        "synthetic: true",
        f"source: {c.source}",
        "answers:",
    ]
    for q, e in c.answers.items():
        parts = [f"answer: \"{e['answer']}\""]
        if "evidence" in e:
            parts.append(f"evidence: \"{e['evidence']}\"")
        lines.append(f"  {q}: {{{', '.join(parts)}}}")
    return "\n".join(lines) + "\n"


def generate_demo(fw: Framework, ws: WeightScheme, out_dir: str | Path | None = None, *,
                  seed: int = DEFAULT_SEED, edition: int = 2020,
                  countries: list[str] | None = None, tolerance: float = 0.5,
                  framework_file: str = "indicators.yaml") -> dict[str, DemoCountry]:
    """Generate synthetic responses for every country with a published score of ``edition``.

    Parameters
    ----------
    fw, ws : Framework, WeightScheme
    out_dir : path, optional
        When given, one ``ISO3.yaml`` per country is written there (atomically).
    seed : int
    edition : int
        Published edition whose scores are the targets (2020: scale 0–100).
    countries : list of str, optional
        Only these countries.
    tolerance : float
        Points within which each country's score must come to its target.

    Returns
    -------
    dict
        ISO3 → :class:`DemoCountry`.
    """
    targets = published_scores(edition)
    if float(targets.max()) <= 1.0:
        targets = targets * ws.scale
    if countries is not None:
        targets = targets[targets.index.isin(countries)]
    scorer = _Scorer(fw, ws)
    out: dict[str, DemoCountry] = {}
    for iso3, target in targets.sort_index().items():
        c = generate_country(fw, ws, iso3, float(target), seed=seed, tolerance=tolerance,
                             scorer=scorer)
        out[iso3] = c
    if out_dir is not None:
        write_demo_files(out, Path(out_dir), seed=seed, edition=str(edition),
                         framework_file=framework_file, scheme=ws.name)
    return out


def write_demo_files(made: dict[str, DemoCountry], out_dir: Path, **header: Any) -> None:
    """Write one ``ISO3.yaml`` per country into ``out_dir`` as one transaction.

    The folder is replaced as a whole (:mod:`gci.transaction`): an interrupted run leaves the
    previous files. Only synthetic files of the countries written are replaced; every other
    entry (other countries, real answers) is carried over, and a non-synthetic file with the
    name of a new one is refused.
    """
    from .fileio import write_text_atomic
    from .transaction import write_folder

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
