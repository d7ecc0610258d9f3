"""Time and peak memory of scoring (prints figures; not a test).

1. The default edition: shipped framework, default weights, 194 synthetic country files
   (load + validate + score + rank, and scoring alone).
2. A synthetic wide table of 100,000 units x 100 binary/scale questions (answers drawn with
   seed 0), scored from the table through the same public path: Responses.from_wide ->
   gci.score (check_countries=False, no tiers or regions).

Usage: python benchmarks/bench_score.py [--units 100000] [--questions 100]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

import gci
from gci.framework import NodeRecord, Scale, framework_from_records
from gci.weights import equal_weights

ROOT = Path(__file__).resolve().parent.parent


def synthetic_framework(n_questions: int) -> gci.Framework:
    """5 pillars x 4 indicators, questions spread evenly; 1 in 4 questions is a scale."""
    recs = []
    for p in range(5):
        recs.append(NodeRecord(f"P{p}", None, {"name": f"pillar {p}"}))
        for i in range(4):
            recs.append(NodeRecord(f"P{p}I{i}", f"P{p}", {"name": f"indicator {p}.{i}"}))
    for q in range(n_questions):
        parent = f"P{q % 5}I{(q // 5) % 4}"
        fields = {"name": f"question {q}", "type": "scale" if q % 4 == 0 else "binary"}
        if q % 4 == 0:
            fields["scale"] = "impl"
        recs.append(NodeRecord(f"Q{q:03d}", parent, fields))
    scales = {"impl": Scale("impl", {"in_place": 1.0, "partial": 0.5, "none": 0.0})}
    return framework_from_records(recs, scales, {"framework": "bench"})


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, func):
    t0 = time.perf_counter()
    out = func()
    dt = time.perf_counter() - t0
    print(f"{label:<66} {dt:8.3f} s   process peak RSS {peak_rss_mib():8,.0f} MiB")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    print(f"gci {gci.__version__}, numpy {np.__version__}, pandas {pd.__version__}")

    paths = {"responses": ROOT / "responses", "framework": ROOT / "indicators.yaml",
             "weights": ROOT / "weights.yaml"}
    result = measure("default edition: load + validate + score + rank (194 files)",
                     lambda: gci.score(**paths))
    resp = gci.load_responses(paths["responses"])
    measure("default edition: validate + score + rank (responses in memory)",
            lambda: gci.score(resp, paths["framework"], paths["weights"]))
    print(f"  -> {len(result.countries)} countries, mean overall {result.overall.mean():.2f}")

    fw = synthetic_framework(args.questions)
    rng = np.random.default_rng(0)
    codes = fw.question_codes  # framework order (grouped by indicator)
    options = np.array(["yes", "no", "in_place", "partial", "none"], dtype=object)
    cols = {}
    for q in codes:
        is_scale = fw.nodes[q].type == "scale"
        pick = rng.integers(2, 5, args.units) if is_scale else rng.integers(0, 2, args.units)
        cols[q] = options[pick]
    wide = pd.DataFrame(cols, index=pd.Index([f"U{i:06d}" for i in range(args.units)],
                                              name="unit"))
    label = f"synthetic {args.units:,} units x {args.questions} questions"
    big = measure(f"{label}: table -> Responses",
                  lambda: gci.Responses.from_wide(wide, check_countries=False))
    r = measure(f"{label}: validate + score + rank",
                lambda: gci.score(big, fw, equal_weights(), tiers=None,
                                  groups=pd.Series(dtype=object), check_countries=False))
    print(f"  -> {len(r.countries):,} units scored, mean overall {r.overall.mean():.2f}")


if __name__ == "__main__":
    main()
