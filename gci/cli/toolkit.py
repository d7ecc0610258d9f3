"""Commands of the `gci` command line for the composite-indicator toolkit (see gci.cli.app).

* ``gci framework export`` — framework YAML (+ weights) → metadata table (CSV/XLSX);
* ``gci framework import`` — metadata table → framework YAML (+ weights YAML);
* ``gci normalise`` — normalise a countries × indicators table by method name.

Commands only parse arguments and call :mod:`gci.inputs.framework_table` and
:mod:`gci.engine.normalise`.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GCIError
from .options import OUTPUT_RULE, decimal_opt

#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = []

quiet_opt = click.option("--quiet", "-q", is_flag=True,
                         help="No summary line (the file is still written).")

_TABLE = (".csv", ".xlsx")


def _refuse_overwrite(out: Path, *inputs: Path | None) -> None:
    from ..present.tables import refuse_input_target

    refuse_input_target(out, inputs)


@click.group("framework")
def framework_group() -> None:
    """Convert frameworks between YAML and a metadata table (CSV/XLSX)."""


@framework_group.command("export")
@click.argument("framework", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--weights", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Weights YAML whose scheme fills the 'weight' column (default: all 1).")
@click.option("--scheme", help="Weight scheme name (default: the file's default).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Table to write (.csv or .xlsx). " + OUTPUT_RULE)
@quiet_opt
def export_cmd(framework: Path, weights: Path | None, scheme: str | None, output: Path,
               quiet: bool) -> None:
    """Write FRAMEWORK (YAML) as a table (code, parent, level, weight, direction and more)."""
    from ..inputs.framework import load_framework
    from ..inputs.framework_table import write_framework_table
    from ..inputs.weights import load_weights

    if output.suffix.lower() not in _TABLE:
        raise GCIError(f"--output {output}: expected a .csv or .xlsx file")
    _refuse_overwrite(output, framework, weights)
    fw = load_framework(framework)
    ws = load_weights(weights, fw).scheme(scheme) if weights is not None else None
    write_framework_table(fw, output, ws)
    if not quiet:
        click.echo(f"wrote {output} ({len(fw.nodes)} nodes)")


@framework_group.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Framework YAML to write. " + OUTPUT_RULE)
@click.option("--weights-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the 'weight' column as a weights YAML.")
@click.option("--scheme", default=None, help="Name of the weight scheme written (default: table).")
@quiet_opt
def import_cmd(table: Path, output: Path, weights_out: Path | None, scheme: str | None,
               quiet: bool) -> None:
    """Read TABLE (CSV/XLSX), check it, and write it as framework YAML."""
    from ..inputs.framework_table import read_framework_table, write_framework_yaml

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise GCIError(f"--output {output}: expected a .yaml file")
    _refuse_overwrite(output, table)
    if weights_out is not None:
        _refuse_overwrite(weights_out, table, output)
    fw, ws = read_framework_table(table, scheme_name=scheme)
    write_framework_yaml(fw, output, ws, weights_out)
    if not quiet:
        click.echo(f"wrote {output} ({len(fw.nodes)} nodes)"
                   + (f" and {weights_out} (scheme {ws.name!r})" if weights_out else ""))


def _pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise GCIError(f"{what} {v!r}: expected NAME=VALUE")
        k, val = v.split("=", 1)
        out[k.strip()] = val.strip()
    return out


def _param(text: str) -> object:
    from ..inputs.values import parse_param

    return parse_param(text)


@click.command("normalise")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--method", "-m", default="minmax", show_default=True,
              help="Normalisation method (gci.normalise.NORMALISERS).")
@click.option("--param", "-p", multiple=True, help="Method parameter NAME=VALUE, e.g. high=1.")
@click.option("--direction", "-d", multiple=True,
              help="COLUMN=-1 for a lower-is-better indicator (default 1).")
@click.option("--index", default="iso3", show_default=True, help="Column naming the countries.")
@click.option("--sheet", help="XLSX: the sheet to read (needed when several sheets hold a table).")
@decimal_opt
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Table to write (.csv, .xlsx or .json). " + OUTPUT_RULE)
@quiet_opt
def normalise_cmd(data: Path, method: str, param: tuple[str, ...], direction: tuple[str, ...],
                  index: str, sheet: str | None, output: Path, quiet: bool) -> None:
    """Normalise every indicator column of DATA (countries in rows) with one method."""
    from ..engine.normalise import normalise_frame
    from ..errors import ValidationError
    from ..inputs.tables import duplicate_rows, has_columns, read_table
    from ..present.tables import write_table

    _refuse_overwrite(output, data)
    table = read_table(data, sheet=sheet, is_table=has_columns(index))
    if index not in table.columns:
        raise GCIError(f"{data}: no column {index!r} naming the countries; columns are "
                       f"{', '.join(table.columns)} (use --index)")
    dups = duplicate_rows(table[index], data)
    if dups:
        raise ValidationError(dups, str(data))
    import pandas as pd

    from ..inputs.values import check_decimal, number_map

    decimal = check_decimal(None)  # --decimal
    values = table.set_index(index)
    bad = []
    for col in values.columns:  # each distinct cell typed once (gci.inputs.values)
        cells = values[col].astype(str).str.strip()
        numbers, errors = number_map(pd.unique(cells[cells != ""]), decimal=decimal)
        for row, raw in enumerate(cells, start=2):
            if raw in errors:
                bad.append(f"{data}:{row}: column {col}: {errors[raw]}")
        values[col] = cells.map(numbers).astype(float)
    if bad:
        raise GCIError("; ".join(bad[:20]) + (f" (and {len(bad) - 20} more)" if len(bad) > 20
                                               else ""))
    dirs = {}
    for col, d in _pairs(direction, "--direction").items():
        if d not in ("1", "-1", "+1"):
            raise GCIError(f"--direction {col}={d}: expected 1 or -1")
        dirs[col] = int(d)
    params = {k: _param(v) for k, v in _pairs(param, "--param").items()}
    out = normalise_frame(values, method, directions=dirs, **params)
    write_table(out.reset_index(), output)
    if not quiet:
        click.echo(f"wrote {output} ({out.shape[0]} countries, {out.shape[1]} indicators, "
                   f"{method})")


COMMANDS.extend([framework_group, normalise_cmd])
