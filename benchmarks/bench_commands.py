"""Wall time of every ``gci`` command on the default edition, next to its floor (not a test).

Each command runs as a fresh process, as a user runs it. The machine may be shared, so the runs
are interleaved: ``--repeat`` rounds (after one warm-up round), each running every command once;
the median over the rounds is printed, with the minimum in brackets, and ratios to the floor
measured in the same rounds:

* floor for start-up: ``python -c "import numpy, pandas"`` (what any pandas tool pays);
* ``import gci`` and ``gci --help`` are compared with the bare interpreter and with that floor
  (target of issue 10: <= 0.2 s);
* ``gci score`` on the shipped edition is compared with the floor (target: <= 2x);
* every other command is reported as its time beyond ``gci score``'s (target: <= 1.0 s), wall
  and CPU (medians);
* ``uncertainty`` (10,000 draws) and ``sensitivity`` (1,024 samples) end to end (target <= 2 s).

Commands run with gci's cache of parsed response files (:mod:`gci.inputs.cache`) in a temporary
folder,
warm (filled by the warm-up run) as on every run but the first; ``gci score`` is also timed with
an empty cache each time ("cold", a first run) and with ``GCI_NO_CACHE=1``. Python bytecode of
gci is compiled once into a temporary folder (``PYTHONPYCACHEPREFIX``), as a pip install does;
``--no-bytecode`` compiles gci's modules on every run instead (``PYTHONDONTWRITEBYTECODE=1``).

The ``gci score`` lines also give the median CPU time (user + system) of the runs and its
ratio to the floor's: load from other jobs lengthens wall times much more than CPU times.
``--score-only`` times only the floors and the three ``gci score`` runs.

Run from the project folder:  python benchmarks/bench_commands.py [--repeat 5] [--no-bytecode]
[--score-only]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


ENV = dict(os.environ)


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes (0 when unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


CPU: dict[str, list[float]] = {}  # label -> CPU seconds of each run (see run)


def run(args: list[str], cwd: Path, env: dict | None = None, label: str | None = None) -> float:
    """Wall time of one run of ``args`` (fails loudly if the command fails).

    With ``label``, the run's CPU time (user + system, which load disturbs least) is appended
    to ``CPU[label]``.
    """
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env=env or ENV)
    dt = time.perf_counter() - t0
    if label is not None:
        CPU.setdefault(label, []).append(_children_cpu() - c0)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(args)}\n"
                         f"{proc.stderr[-2000:]}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-bytecode", action="store_true",
                    help="compile gci's modules on every run (PYTHONDONTWRITEBYTECODE=1)")
    ap.add_argument("--score-only", action="store_true",
                    help="time only the floors and gci score (warm, empty cache, no cache)")
    args = ap.parse_args()
    py = sys.executable
    gci = [py, "-m", "gci"]
    env_note = f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}"
    print(f"gci command timings on the default edition ({env_note}); {args.repeat} rounds, "
          "every command once per round (interleaved: load changes hit all alike); median "
          "of the rounds, [minimum]")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    bytecode = ("compiled on every run (--no-bytecode)" if args.no_bytecode
                else "compiled once (as installed)")
    print(f"load average {load:.2f}; gci bytecode {bytecode}; gci cache warm unless said")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ENV["GCI_CACHE_DIR"] = str(out / "gci-cache")
        ENV.pop("GCI_NO_CACHE", None)
        if args.no_bytecode:
            ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
        score = [*gci, "score", "-q", "-o", str(out / "score")]
        # label -> (command, environment; "cold": an empty cache each run)
        commands: dict[str, tuple[list[str], Any]] = {
            "bare": ([py, "-c", "pass"], None),
            "floor": ([py, "-c", "import numpy, pandas"], None),
            "python -c 'import gci'": ([py, "-c", "import gci"], None),
            "gci --help": ([*gci, "--help"], None),
            "score": (score, None),
            "gci score, empty cache (first run)": (score, "cold"),
            "gci score, GCI_NO_CACHE=1": (score, {**ENV, "GCI_NO_CACHE": "1"}),
            "gci validate": ([*gci, "validate"], None),
            "gci gaps KEN": ([*gci, "gaps", "KEN"], None),
            "gci whatif KEN --set Q16=yes": ([*gci, "whatif", "KEN", "--set", "Q16=yes"], None),
            "gci report KEN": ([*gci, "report", "KEN", "-o", str(out / "kenya.html")], None),
            "gci report --all (xlsx)": ([*gci, "report", "--all", "-o",
                                         str(out / "report.xlsx")], None),
            "gci plot pillars": ([*gci, "plot", "pillars", "-o", str(out / "pillars.png")],
                                 None),
            **{f"gci plot {k}": ([*gci, "plot", k, "-o", str(out / f"{k}.png"), *extra], None)
               for k, extra in (("heatmap", []), ("slope", ["--published", "2020"]),
                                ("radar", ["--country", "KEN"]), ("distribution", []),
                                ("tiers", []))},
            "gci compare --published 2020": ([*gci, "compare", "--published", "2020"], None),
            "gci uncertainty --draws 10000": ([*gci, "uncertainty", "--draws", "10000",
                                               "--seed", "1", "-q", "-o",
                                               str(out / "ranks.csv")], None),
            "gci sensitivity --samples 1024": ([*gci, "sensitivity", "--samples", "1024", "-q"],
                                               None),
        }
        if args.score_only:
            commands = {k: v for k, v in commands.items()
                        if k in ("bare", "floor", "python -c 'import gci'", "gci --help")
                        or k.startswith("gci score") or k == "score"}
        times: dict[str, list[float]] = {label: [] for label in commands}
        for round_ in range(args.repeat + 1):  # round 0 warms the file, bytecode and gci caches
            for label, (cmd, env) in commands.items():
                if env == "cold":
                    folder = out / "cold-cache"
                    shutil.rmtree(folder, ignore_errors=True)
                    env = {**ENV, "GCI_CACHE_DIR": str(folder)}
                t = run(cmd, ROOT, env, label if round_ else None)
                if round_:
                    times[label].append(t)
        med = {label: statistics.median(v) for label, v in times.items()}
        low = {label: min(v) for label, v in times.items()}
        floor, t_score = med["floor"], med["score"]

        def line(label: str, rest: str = "") -> None:
            print(f"{label:<42} {med[key(label)]:6.3f} s [{low[key(label)]:6.3f}] {rest}")

        def key(label: str) -> str:
            return {"floor: python -c pass": "bare", 'floor: python -c "import numpy, pandas"':
                    "floor", "gci score (194 YAML files -> results)": "score"}.get(label, label)

        line("floor: python -c pass")
        line('floor: python -c "import numpy, pandas"')
        for label in ("python -c 'import gci'", "gci --help"):
            line(label, f"= {med[label] / floor:5.2f} x floor   target <= 0.2 s")
        cpu = {label: statistics.median(v) for label, v in CPU.items()}

        def in_cpu(label: str) -> str:
            return f" cpu {cpu[label]:5.3f} s = {cpu[label] / cpu['floor']:4.2f} x"

        line("gci score (194 YAML files -> results)",
             f"= {t_score / floor:5.2f} x floor [{low['score'] / low['floor']:4.2f}]"
             f"{in_cpu('score')}   target <= 2 x floor")
        for label in ("gci score, empty cache (first run)", "gci score, GCI_NO_CACHE=1"):
            line(label, f"= {med[label] / floor:5.2f} x floor [{low[label] / low['floor']:4.2f}]"
                 f"{in_cpu(label)}   (information)")
        if args.score_only:
            return
        for label in ("gci validate", "gci gaps KEN", "gci whatif KEN --set Q16=yes",
                      "gci report KEN", "gci report --all (xlsx)",
                      *(f"gci plot {k}" for k in ("pillars", "heatmap", "slope", "radar",
                                                  "distribution", "tiers")),
                      "gci compare --published 2020"):
            line(label, f"= score + {med[label] - t_score:6.3f} s "
                 f"[{low[label] - low['score']:6.3f}] cpu + {cpu[label] - cpu['score']:6.3f} s"
                 "   target <= +1.0 s")
        for label in ("gci uncertainty --draws 10000", "gci sensitivity --samples 1024"):
            line(label, "end to end   target <= 2.0 s")


if __name__ == "__main__":
    main()
