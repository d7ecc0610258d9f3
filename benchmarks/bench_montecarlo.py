"""Time 10,000 Monte Carlo draws on the default edition, vectorised vs one draw at a time.

Run from the project folder:  python benchmarks/bench_montecarlo.py [--draws 10000] [--sample 100]

Three ways of scoring the same draws (weights +-20% at every level, the three schemes of
weights.yaml, missing zero/exclude, arithmetic/geometric pillar aggregation):

1. vectorised, fast engine   (gci.analysis.uncertainty, default): all draws as arrays, chunked;
2. vectorised, aggregate engine (gci.engine.aggregate.aggregate with batch axes), for reference;
3. one at a time: a sample of draws each re-scored with gci.score (in-memory inputs,
   a WeightScheme built from the draw), extrapolated to all draws; and, for a lower bound,
   the numeric core alone (gci.engine.aggregate.aggregate + ranking) per draw.

Targets (issue 4): vectorised >= 50x faster than re-scoring one at a time; 10,000 draws < 5 s
on a 2-core machine. Peak memory is measured with tracemalloc on a separate run.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np

import gci
from gci.analysis.uncertainty import Choices, UncertaintyModel, run_uncertainty
from gci.engine.aggregate import aggregate
from gci.engine.ranking import rank_scores
from gci.inputs.weights import WeightScheme


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=100,
                    help="draws re-scored one at a time (extrapolated)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    paths = gci.default_paths()
    fw = gci.load_framework(paths["framework"])
    weights = gci.load_weights(paths["weights"], fw)
    resp = gci.load_responses(paths["responses"])
    choices = Choices(spread=0.2, schemes=tuple(weights.schemes), missing=("zero", "exclude"),
                      aggregation=("arithmetic", "geometric"))
    t0 = time.perf_counter()
    model = UncertaintyModel.build(resp, fw, weights, choices=choices)
    t_build = time.perf_counter() - t0
    n = args.draws
    print(f"gci {gci.__version__}; {len(model.countries)} countries x "
          f"{len(fw.question_codes)} questions, {model.structure.n_nodes} nodes; "
          f"{os.cpu_count()} CPU(s); numpy {np.__version__}")
    print(f"model build (validate inputs once, both missing policies): {t_build:.2f} s")

    run_uncertainty(model, 200, args.seed)   # warm-up (BLAS threads, caches)
    t0 = time.perf_counter()
    res = run_uncertainty(model, n, args.seed)
    t_fast = time.perf_counter() - t0
    print(f"[1] vectorised, fast engine:       {n:>6} draws in {t_fast:6.2f} s "
          f"({t_fast / n * 1e6:7.1f} us/draw)  (scoring + ranking + summary)")

    n_agg = min(n, 1000)
    t0 = time.perf_counter()
    run_uncertainty(model, n_agg, args.seed, engine="aggregate")
    t_agg = (time.perf_counter() - t0) * n / n_agg
    print(f"[2] vectorised, aggregate engine:  {n:>6} draws in {t_agg:6.2f} s "
          f"(measured on {n_agg}, extrapolated)")

    # one at a time: full re-score with gci.score per draw (what a user loop would do)
    u = np.random.default_rng(args.seed).random((args.sample, model.dimension))
    w, pol, meth = model.decode(u)
    codes = model.structure.codes[1:]
    t0 = time.perf_counter()
    for d in range(args.sample):
        scheme = WeightScheme("draw", dict(zip(codes, w[d, 1:])), model.scale)
        one = gci.score(resp, fw, scheme, missing=model.policies[pol[d]],
                        aggregation={"overall": model.aggregations[meth[d]]}, tiers=None)
        _ = one.ranks["global_rank"]
    per = (time.perf_counter() - t0) / args.sample
    t_loop = per * n
    print(f"[3] one at a time, gci.score:      {n:>6} draws in {t_loop:6.1f} s "
          f"(EXTRAPOLATED from {args.sample} draws, {per * 1e3:.1f} ms/draw)")

    # one at a time, numeric core only (inputs pre-validated; aggregate + rank per draw)
    core_n = min(n, 1000)
    t0 = time.perf_counter()
    for d in range(core_n):
        credit, avail = model.inputs[model.policies[pol[d % args.sample]]]
        value, _, _ = aggregate(model.structure, credit, avail, w[d % args.sample],
                                {"overall": model.aggregations[meth[d % args.sample]]})
        rank_scores(value[:, 0] * model.scale, "dense", 2)
    per_core = (time.perf_counter() - t0) / core_n
    t_core = per_core * n
    print(f"[4] one at a time, core only:      {n:>6} draws in {t_core:6.1f} s "
          f"(EXTRAPOLATED from {core_n} draws, {per_core * 1e3:.2f} ms/draw)")

    print(f"speed-up of [1] over [3] (re-scoring each draw): {t_loop / t_fast:7.0f}x  "
          f"(target >= 50x: {'met' if t_loop / t_fast >= 50 else 'NOT met'})")
    print(f"speed-up of [1] over [4] (numeric core per draw): {t_core / t_fast:6.1f}x")
    print(f"10,000-draw target < 5 s: {'met' if t_fast * 10_000 / n < 5 else 'NOT met'} "
          f"({t_fast * 10_000 / n:.2f} s per 10,000 draws)")

    tracemalloc.start()
    run_uncertainty(model, n, args.seed)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the {n}-draw run (tracemalloc): {peak / 2**20:.0f} MiB; "
          f"process max RSS so far: {rss:.0f} MiB")
    print(f"check: median rank of the nominal #1 ({res.table.index[0]}): "
          f"{res.table['median_rank'].iloc[0]:g}")


if __name__ == "__main__":
    main()
