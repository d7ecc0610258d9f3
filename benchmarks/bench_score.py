"""Time and peak memory of scoring, next to the floors they are compared with (not a test).

1. The default edition: shipped framework, default weights, 194 synthetic country files
   (read + validate + score + rank, ranks and tiers actually computed), and scoring alone.
2. A ladder of synthetic wide tables (1,000 / 10,000 / 100,000 units x 100 binary/scale
   questions by default; add 1,000,000 with ``--max-units 1000000``), each part of each size
   in a fresh process so that its peak RSS is its own (the floor's ``read_csv`` of a 1,000,000
   row file alone peaks at several GiB, and the in-memory table is the input of its part only):

   * floor: ``pandas.read_csv`` of the same CSV (all columns as text), and ``credits @ w`` (the
     numeric core: a float matrix of the same shape times a weight vector);
   * gci from the CSV file: ``load_responses`` -> ``score`` -> ranks -> ``write`` (csv);
   * gci from an in-memory table: ``Responses.from_wide`` -> ``score`` -> ranks (peak RSS
     printed with, in brackets, the RSS of the process holding the input table alone).

   Targets (issue 10): 100,000 x 100 from the CSV to written scores and ranks <= 3 s and
   <= 1 GiB peak RSS, from memory <= 2 s; 1,000,000 x 100 <= 30 s and <= 6 GiB.

Usage: python benchmarks/bench_score.py [--questions 100] [--max-units 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import gci
from gci.inputs.framework import NodeRecord, Scale, framework_from_records
from gci.inputs.weights import equal_weights

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


def _wide_table(n_units: int, fw: gci.Framework) -> pd.DataFrame:
    """Answers drawn with seed 0: binary questions yes/no, scale ones in_place/partial/none."""
    rng = np.random.default_rng(0)
    options = np.array(["yes", "no", "in_place", "partial", "none"], dtype=object)
    cols = {}
    for q in fw.question_codes:
        is_scale = fw.nodes[q].type == "scale"
        pick = rng.integers(2, 5, n_units) if is_scale else rng.integers(0, 2, n_units)
        cols[q] = options[pick]
    units = pd.Index([f"U{i:07d}" for i in range(n_units)], name="iso3")
    return pd.DataFrame(cols, index=units)


def one_part(part: str, n_units: int, n_questions: int, csv_path: Path) -> dict:
    """Measure one part of one size in this (fresh) process; returns the figures as a dict.

    ``write``: write the table's CSV file; ``floor``: ``pandas.read_csv`` of the file and
    ``credits @ w``; ``csv``: gci from the file to written results; ``memory``: gci from an
    in-memory table (built first; its own memory is reported as ``rss_input``). Each part in
    its own process, so that each peak RSS is its own.
    """
    fw = synthetic_framework(n_questions)
    w = equal_weights()
    out: dict = {}
    if part == "write":
        _wide_table(n_units, fw).to_csv(csv_path)
        return out
    # 1,000,000 x 100 is a 455 MB file: raise the input-size limit deliberately (as a user
    # must) for this benchmark only
    gci.fileio.MAX_INPUT_BYTES = max(gci.fileio.MAX_INPUT_BYTES, csv_path.stat().st_size + 1)
    if part == "floor":
        t0 = time.perf_counter()
        pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        out["floor_read_csv"] = time.perf_counter() - t0
        credits = np.random.default_rng(1).random((n_units, n_questions))
        weights = np.full(n_questions, 1.0 / n_questions)
        t0 = time.perf_counter()
        _ = credits @ weights
        out["floor_matmul"] = time.perf_counter() - t0
    elif part == "csv":
        out["rss_start"] = peak_rss_mib()
        t0 = time.perf_counter()
        resp = gci.load_responses(csv_path, check_countries=False)
        r = gci.score(resp, fw, w, tiers=None, check_countries=False)
        _ = r.ranks["global_rank"].to_numpy()  # ranks computed, not deferred
        r.write(csv_path.parent.parent / "results", command="bench")
        out["gci_csv"] = time.perf_counter() - t0
        out["mean_overall"] = float(r.overall.mean())
    else:
        wide = _wide_table(n_units, fw)
        out["rss_input"] = peak_rss_mib()
        t0 = time.perf_counter()
        resp = gci.Responses.from_wide(wide, check_countries=False)
        r = gci.score(resp, fw, w, tiers=None, check_countries=False)
        _ = r.ranks["global_rank"].to_numpy()
        out["gci_memory"] = time.perf_counter() - t0
        out["mean_overall"] = float(r.overall.mean())
    out["rss_peak"] = peak_rss_mib()
    return out


def one_size(n_units: int, n_questions: int) -> dict:
    """Write the table's CSV, then measure each part in a fresh process."""
    out: dict = {"units": n_units}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in").mkdir()
        csv_path = Path(tmp) / "in" / "answers.csv"
        # written by a child too: a process started from a large one inherits its peak RSS
        for part in ("write", "floor", "csv", "memory"):
            proc = subprocess.run([sys.executable, __file__, "--part", part, "--one-size",
                                   str(n_units), "--questions", str(n_questions), "--csv",
                                   str(csv_path)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"{part}: {proc.stderr.strip().splitlines()[-1:]}")
            f = json.loads(proc.stdout.strip().splitlines()[-1])
            if part == "write":
                out["csv_mb"] = csv_path.stat().st_size / 1e6
                continue
            if "rss_peak" in f:
                f[f"rss_{part}"] = f.pop("rss_peak")
            out.update(f)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--max-units", type=int, default=100_000,
                    help="largest table of the ladder (1,000,000 needs several GiB)")
    ap.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--part", choices=("write", "floor", "csv", "memory"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part:
        print(json.dumps(one_part(args.part, args.one_size, args.questions, args.csv)))
        return
    if args.one_size:
        print(json.dumps(one_size(args.one_size, args.questions)))
        return
    print(f"gci {gci.__version__}, numpy {np.__version__}, pandas {pd.__version__}")

    paths = {"responses": ROOT / "responses", "framework": ROOT / "indicators.yaml",
             "weights": ROOT / "weights.yaml"}

    def full_run() -> gci.ScoreResult:
        res = gci.score(**paths)
        _ = res.scores  # ranks and tiers computed, not deferred
        return res

    result = measure("default edition: read + validate + score + rank + tier (194 files)",
                     full_run)
    resp = gci.load_responses(paths["responses"])
    fw = gci.load_framework(paths["framework"])
    wts = gci.load_weights(paths["weights"], fw)
    measure("default edition: validate + score + rank + tier (inputs in memory)",
            lambda: gci.score(resp, fw, wts).scores)
    print(f"  -> {len(result.countries)} countries, mean overall {result.overall.mean():.2f}")

    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max_units]
    print(f"\nwide tables x {args.questions} questions (each size in a fresh process)")
    print(f"{'units':>10} {'CSV MB':>7} | {'floor: read_csv':>15} {'credits@w':>9} | "
          f"{'gci CSV->written':>16} {'x floor':>7} {'peak RSS':>9} | {'gci in-memory':>13} "
          f"{'peak RSS (input)':>18}")
    for n in sizes:
        proc = subprocess.run([sys.executable, __file__, "--one-size", str(n),
                               "--questions", str(args.questions)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{n:>10,}  failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        f = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{n:>10,} {f['csv_mb']:7.1f} | {f['floor_read_csv']:13.3f} s "
              f"{f['floor_matmul'] * 1e3:6.1f} ms | {f['gci_csv']:14.3f} s "
              f"{f['gci_csv'] / f['floor_read_csv']:6.1f}x {f['rss_csv']:6,.0f} MiB | "
              f"{f['gci_memory']:11.3f} s {f['rss_memory']:7,.0f} MiB ({f['rss_input']:,.0f})")
    print("targets: 100,000 -> CSV to written <= 3 s and <= 1 GiB; in-memory <= 2 s; "
          "1,000,000 <= 30 s and <= 6 GiB")


if __name__ == "__main__":
    main()
