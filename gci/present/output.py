"""Writing results: CSV / XLSX / JSON tables and ``manifest.json``.

* Every file is written atomically (temporary file + rename); the set of files of
  :func:`write_results` is one transaction (:mod:`gci.transaction`): the folder is replaced as
  a whole, under a lock.
* Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) are prefixed with ``'`` so they open as text; control
  characters and lone surrogates are made visible (:mod:`gci.sanitise`).
* Numbers are written at a stated precision (:func:`round_table`; ``decimals=2`` by default,
  as published; ``"full"`` keeps every digit). Only writers round: the tables of a
  :class:`~gci.engine.result.ScoreResult` keep full precision, and ranks and tiers are computed on
  the
  exact values before anything is rounded. The precision is recorded in ``manifest.json``.
* Refuses to write where an input lives: an output folder that is (or is inside) a responses
  folder, or an output file that is an input file.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import GCIError, OutputError
from ..fileio import resolve_path, sha256_file, write_json_atomic
from ..transaction import MANIFEST, write_folder
from .precision import (  # noqa: F401 - defined in precision; kept importable from here
    DEFAULT_DECIMALS,
    SHARE_COLUMNS,
    column_decimals,
    parse_decimals,
    precision_record,
    round_table,
)
from .sheets import (  # noqa: F401 - defined in sheets; kept importable from here
    _jsonable,
)
from .tables import (  # noqa: F401 - defined in tables; kept importable from here
    CSV_CHUNK_ROWS,
    FORMULA_START,
    check_not_input,
    csv_chunks,
    flat_paths,
    frame_to_csv_text,
    neutralise,
    neutralise_many,
    refuse_input_target,
    safe_frame,
    write_table,
    write_workbook,
)

if TYPE_CHECKING:
    from ..engine.result import ScoreResult


def write_results(result: ScoreResult, folder: str | Path = "results", fmt: str = "csv", *,
                  protect: Iterable[str | Path] | None = None,
                  command: str | None = None, break_lock: bool = False,
                  decimals: int | str | None = DEFAULT_DECIMALS) -> Written:
    """Write a result's tables and ``manifest.json`` into ``folder``, as one transaction.

    The folder is replaced as a whole (see :mod:`gci.transaction` for the guarantee, the lock
    and what happens to files gci did not write): at every instant it holds either the complete
    previous set or the complete new set.

    Parameters
    ----------
    result : ScoreResult
    folder : path
        Output folder (created if needed).
    fmt : {"csv", "xlsx", "json"}
        ``csv``: one file per table; ``xlsx``: one workbook ``results.xlsx`` with a sheet per
        table; ``json``: ``results.json`` with a list of records per table.
    protect : iterable of path
        Input files and folders that must never be written to (the responses are always
        protected).
    command : str, optional
        The command line, recorded in the manifest.
    break_lock : bool
        Break a stale lock left by a killed run (a live writer is always refused).
    decimals : int or "full"
        Decimals of the written scores and points (default 2, as published; shares of 1 get two
        more); ``"full"`` (or ``None``) writes every digit. Recorded in the manifest. The
        result's own tables are not changed.

    Returns
    -------
    Written
        Name → path of every file written (a dict), with ``kept`` and ``recovered``.

    Raises
    ------
    OutputError
        Another gci is writing the folder, or the folder cannot be written (the message names
        it and the cause); the previous contents are left intact.
    """
    if fmt not in ("csv", "xlsx", "json"):
        raise GCIError(f"unknown output format {fmt!r}; expected csv, xlsx or json")
    decimals = parse_decimals(decimals)
    folder = Path(folder)
    inputs = [*input_paths(result), *(Path(p) for p in flat_paths(protect or []))]
    # only folders can hold the output folder (files are checked one by one below)
    check_not_input(folder, [p for p in inputs if p.is_dir()])
    tables = result.tables(coded=fmt == "csv")  # CSV: long text columns as codes
    planned: dict[str, Path] = {}
    if fmt == "csv":
        planned = {name: folder / f"{name}.csv" for name in tables}
    else:
        planned = {"results": folder / f"results.{fmt}"}
    planned["manifest"] = folder / "manifest.json"
    folders: dict = {}  # each folder resolved once (194 response files share one)
    resolved = [resolve_path(p, folders) for p in inputs]
    input_files = {r for p, r in zip(inputs, resolved) if p.is_file()}
    for path in planned.values():
        if path.resolve() in input_files:
            raise GCIError(f"refusing to overwrite input file {path}; choose another --output")
    out = folder.resolve()
    inside: dict[Path, bool] = {}  # resolved folder -> whether it is or is in the output folder
    for p, r in zip(inputs, resolved):
        if r.parent not in inside:
            inside[r.parent] = r.parent == out or out in r.parent.parents
        if p.exists() and inside[r.parent]:  # out in r.parents
            raise OutputError(f"holds the input {p}; gci replaces its output folder as a whole, "
                              "so it never writes into a folder holding inputs; choose another "
                              "--output (e.g. a sibling folder such as results)", folder)
    def fill(staging: Path, staged: Callable[[str], None]) -> dict[str, str]:
        names: dict[str, str] = {}
        hashes: dict[str, str] = {}  # file name -> sha256, hashed as each CSV is written
        if fmt == "csv":
            for name, df in tables.items():
                names[name] = planned[name].name
                hashes[names[name]] = write_table(df, staging / names[name], decimals)
                staged(names[name])
        elif fmt == "xlsx":
            write_workbook(tables, staging / planned["results"].name, decimals=decimals,
                           style=workbook_style(result, tables, command, decimals))
            names["results"] = planned["results"].name
            staged(names["results"])
        else:
            payload = {name: json.loads(safe_frame(round_table(df, decimals))
                                        .to_json(orient="records"))
                       for name, df in tables.items()}
            write_json_atomic(staging / planned["results"].name, payload)
            names["results"] = planned["results"].name
            staged(names["results"])
        outputs = {n: hashes[n] if n in hashes else sha256_file(staging / n)
                   for n in names.values()}
        write_json_atomic(staging / MANIFEST,
                          build_manifest(result, outputs, command, decimals=decimals))
        names["manifest"] = MANIFEST
        staged(MANIFEST)
        return names

    done = write_folder(folder, fill, break_lock=break_lock)
    return Written(done.files, kept=done.kept, recovered=done.recovered)


class Written(dict):
    """Name → path of every file :func:`write_results` wrote.

    ``kept`` lists the entries of the folder gci did not write (carried over); ``recovered`` is
    a note when an interrupted earlier run was repaired, else ``None``.
    """

    def __init__(self, files: dict[str, Path], *, kept: list[str] | None = None,
                 recovered: str | None = None):
        super().__init__(files)
        self.kept = list(kept or [])
        self.recovered = recovered


def input_paths(result: ScoreResult) -> list[Path]:
    """Every input file (and named responses folder) of a run, for the guards above."""
    out = []
    for key, entry in result.inputs.items():
        entries = entry if isinstance(entry, list) else [entry]
        out += [Path(e["path"]) for e in entries]
        if key == "responses" and "responses_given" not in result.inputs:
            # origin unknown (a Responses object): protect the folders the files are in
            out += list({Path(e["path"]).parent for e in entries})
    return out


def workbook_style(result: ScoreResult, tables: dict[str, pd.DataFrame], command: str | None,
                   decimals: int | None) -> dict[str, Any]:
    """The ``style`` of :func:`write_workbook` for a run's tables (README, tiers, pillar chart)."""
    from .plots.colors import pillar_colors, tier_colors

    scheme = getattr(result, "tier_scheme", None)
    return {"manifest": build_manifest(result, {}, command, decimals=decimals),
            "pillars": pillar_colors(result.framework),
            "pillar_names": {p.code: p.name for p in result.framework.pillars},
            "tiers": tier_colors(scheme) if scheme is not None else {},
            "scale": result.scale}


def build_manifest(result: ScoreResult, outputs: dict[str, str], command: str | None, *,
                   decimals: int | None | str = "unset") -> dict:
    """The manifest of a run: enough to trace and reproduce it.

    ``decimals`` (of the written tables) adds a ``precision`` entry (:func:`precision_record`).
    """
    out = {
        "gci_version": result.version,
        "command": command,
        "framework": {"code": result.framework.code, "version": result.framework.version,
                      "questions": len(result.framework.questions)},
        "options": _jsonable(result.options),
        "inputs": result.inputs,
        "outputs": outputs,
        "counts": _jsonable(result.summary()),
        "steps": _jsonable(result.log),
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "pandas": pd.__version__, "platform": sys.platform},
    }
    if decimals != "unset":
        out["precision"] = precision_record(decimals)  # type: ignore[arg-type]
    return out


