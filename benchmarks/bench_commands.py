"""Wall time of every ``gci`` command on the default edition, next to its floor (not a test).

Each command runs as a fresh process, as a user runs it, ``--repeat`` times; the median is
printed with its ratio to the floor measured in the same run:

* floor for start-up: ``python -c "import numpy, pandas"`` (what any pandas tool pays);
* ``import gci`` and ``gci --help`` are compared with the bare interpreter and with that floor
  (target of issue 10: <= 0.2 s);
* ``gci score`` on the shipped edition is compared with the floor (target: <= 2x);
* every other command is reported as its time beyond ``gci score``'s (target: <= 1.0 s);
* ``uncertainty`` (10,000 draws) and ``sensitivity`` (1,024 samples) end to end (target <= 2 s).

Run from the project folder:  python benchmarks/bench_commands.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path) -> float:
    """Wall time of one run of ``args`` (fails loudly if the command fails)."""
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(args)}\n"
                         f"{proc.stderr[-2000:]}")
    return dt


def median_time(args: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time over ``repeat`` runs, after one warm-up run (file cache)."""
    run(args, cwd)
    return statistics.median(run(args, cwd) for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    py = sys.executable
    gci = [py, "-m", "gci"]
    env_note = f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}"
    print(f"gci command timings on the default edition ({env_note}); medians of {args.repeat}")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bare = median_time([py, "-c", "pass"], ROOT, args.repeat)
        floor = median_time([py, "-c", "import numpy, pandas"], ROOT, args.repeat)
        print(f"{'floor: python -c pass':<58} {bare:7.3f} s")
        label = 'floor: python -c "import numpy, pandas"'
        print(f"{label:<58} {floor:7.3f} s")

        def show(label: str, t: float, ref: float, ref_name: str, target: str) -> None:
            print(f"{label:<58} {t:7.3f} s  = {t / ref:5.2f} x {ref_name:<14} target {target}")

        t_import = median_time([py, "-c", "import gci"], ROOT, args.repeat)
        show("python -c 'import gci'", t_import, floor, "numpy+pandas", "<= 0.2 s")
        t_help = median_time([*gci, "--help"], ROOT, args.repeat)
        show("gci --help", t_help, floor, "numpy+pandas", "<= 0.2 s")
        score = [*gci, "score", "-q", "-o", str(out / "score")]
        t_score = median_time(score, ROOT, args.repeat)
        show("gci score (194 YAML files -> results)", t_score, floor, "numpy+pandas",
             "<= 2 x floor")

        others = {
            "gci validate": ["validate"],
            "gci gaps KEN": ["gaps", "KEN"],
            "gci whatif KEN --set Q16=yes": ["whatif", "KEN", "--set", "Q16=yes"],
            "gci report KEN": ["report", "KEN", "-o", str(out / "kenya.html")],
            "gci report --all (xlsx)": ["report", "--all", "-o", str(out / "report.xlsx")],
            "gci plot pillars": ["plot", "pillars", "-o", str(out / "pillars.png")],
            **{f"gci plot {k}": ["plot", k, "-o", str(out / f"{k}.png"), *extra]
               for k, extra in (("heatmap", []), ("slope", ["--edition", "2020"]),
                                ("radar", ["--country", "KEN"]), ("distribution", []),
                                ("tiers", []))},
            "gci compare --published 2020": ["compare", "--published", "2020"],
        }
        for label, cmd in others.items():
            t = median_time([*gci, *cmd], ROOT, args.repeat)
            print(f"{label:<58} {t:7.3f} s  = score + {t - t_score:6.3f} s   target <= +1.0 s")
        end_to_end = {
            "gci uncertainty --draws 10000": ["uncertainty", "--draws", "10000", "--seed", "1",
                                              "-q", "-o", str(out / "ranks.csv")],
            "gci sensitivity --samples 1024": ["sensitivity", "--samples", "1024", "-q"],
        }
        for label, cmd in end_to_end.items():
            t = median_time([*gci, *cmd], ROOT, max(1, args.repeat // 2))
            print(f"{label:<58} {t:7.3f} s  end to end           target <= 2.0 s")


if __name__ == "__main__":
    main()
