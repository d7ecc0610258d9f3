"""Regenerate the SYNTHETIC demo responses in responses/ (one YAML file per country).

Usage: python scripts/make_demo.py [--seed 2024] [--out responses]

The answers are synthetic, calibrated to ITU's published GCI 2024 pillar scores (seed 2024 by
default): each country's five pillar scores under indicators.yaml and the default scheme of
weights.yaml are within 0.5 points of its published GCI 2024 pillar scores
(gci/data/gci2024_published_pillars.csv), and its tier is its published 2024 tier. See
gci/analysis/demo.py. Afterwards run `gci score` to refresh results/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import gci
from gci.analysis.demo import DEFAULT_SEED, generate_demo

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "responses")
    args = ap.parse_args()
    fw = gci.load_framework(ROOT / "indicators.yaml")
    ws = gci.load_weights(ROOT / "weights.yaml", fw).scheme()
    t0 = time.perf_counter()
    made = generate_demo(fw, ws, args.out, seed=args.seed)
    worst = max(abs(c.pillar_scores[p] - c.pillar_targets[p])  # type: ignore[index]
                for c in made.values() for p in c.pillar_targets or {})
    print(f"wrote {len(made)} synthetic country files to {args.out} in "
          f"{time.perf_counter() - t0:.1f} s; largest |pillar score - published| = {worst:.2f}"
          "; every tier as published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
