"""How every workbook gci writes looks.

Frozen headers, column widths, number formats,
tier colours, a README sheet (what each sheet holds, the run's manifest) and a native
Excel chart of the pillar breakdown (openpyxl, imported only when a workbook is written). The
workbook is streamed (openpyxl's write-only mode), each sheet styled as its rows are written.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ..sanitise import for_cell

#: What each sheet holds, for the README sheet (tables of ``gci report --all`` and of
#: ``gci score --format xlsx``).
SHEET_DESCRIPTIONS: dict[str, str] = {
    "README": "this sheet: what each sheet holds, then the run's manifest",
    "chart": "stacked bars of every country's pillar points (native Excel chart of the data "
             "sheet named in its title)",
    "overall": "overall score, global rank, region, regional rank, tier, missing answers",
    "pillars": "pillar points (contribution to the overall) and pillar score % per country",
    "scores": "overall and pillar points, tier, global and regional ranks per country",
    "indicators": "indicator and sub-indicator credit (share of 1) and points, one row each",
    "ranks_by_region": "each region's countries in regional-rank order",
    "weights": "effective weights: every node's share of the overall and maximum points",
    "effective_weights": "effective weights: every node's share of the overall and maximum "
                         "points",
    "validation": "every warning found in the inputs",
    "manifest": "the run's manifest, flattened to key/value rows",
}


_INT_FORMAT = "0"


_HEADER_FILL = "DDE4EE"


def _number_format(column: str, decimals: int | None) -> str:
    """Excel number format of a float column (shown at the written precision, else 2)."""
    from .precision import DEFAULT_DECIMALS, column_decimals

    if "rank" in column:
        return _INT_FORMAT
    places = column_decimals(column, DEFAULT_DECIMALS if decimals is None else decimals) or 0
    return "0." + "0" * places if places else "0"


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _dark(color: str) -> bool:
    """Whether white text reads better than black on ``color`` (relative luminance)."""
    c = _hex(color)
    r, g, b = (int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def write_sheets(tables: dict[str, pd.DataFrame], target: Any, *, decimals: int | None = None,
                 style: dict[str, Any] | None = None) -> None:
    """Write ``tables`` as the sheets of one workbook read like an analyst's, to ``target``.

    The workbook is streamed (openpyxl's write-only mode: rows are written as they come, no
    cell object is kept), and every sheet is styled as it is written: bold filled header row,
    frozen below the header (and beside ``iso3``/``name`` when the table starts with them),
    auto filter, column widths fitted to the contents (capped at 60), number formats by column
    (:func:`_number_format`; ints ``0``). Cells hold the values as pandas' ``to_excel`` writes
    them: a missing value is an empty cell, an infinite one the text ``inf``/``-inf``.

    With ``style`` (see :func:`gci.present.output.workbook_style`): ``tiers`` (label → colour)
    colours every ``tier`` column by conditional formatting; ``pillars`` (code → colour) adds a
    ``chart`` sheet with a stacked bar chart of the first table holding every pillar column;
    ``manifest`` fills a ``README`` sheet placed first.

    Parameters
    ----------
    tables : dict of DataFrame
        The tables as written (already rounded and neutralised), by sheet name (at most 31
        characters).
    target : file object or path
        Where the ``.xlsx`` goes (an open binary file, as :func:`gci.fileio.atomic_write`
        gives).
    decimals : int or None
        Decimals the numbers were stored at (``None``: exact; shown at 2).
    style : dict, optional
    """
    from openpyxl import Workbook

    style = style or {}
    book = Workbook(write_only=True)
    try:
        for name, df in tables.items():
            _write_table(book, name, df, decimals, style)
        pillars: dict[str, str] = style.get("pillars") or {}
        if pillars:
            source = next((name for name, df in tables.items() if "name" in df.columns
                           and all(p in df.columns for p in pillars)), None)
            if source is not None:
                _pillar_chart(book, source, tables[source], pillars, style.get("scale"),
                              style.get("pillar_names") or {})
        if "manifest" in style:
            _readme_sheet(book, tables, style["manifest"], decimals)
        book.save(target)
    except BaseException:
        _discard(book)
        raise


def _discard(book: Any) -> None:
    """Close the sheets of a write-only ``book`` that will not be saved; remove their temp files.

    Each streamed sheet is written to a temporary file until the book is saved; without this an
    error midway would leave those files until the interpreter exits.
    """
    for ws in book.worksheets:
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # noqa: S110 - best effort on the way out of an error
            pass
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.cleanup()
            except Exception:  # noqa: S110
                pass


def _write_table(book: Any, name: str, df: pd.DataFrame, decimals: int | None,
                 style: dict[str, Any]) -> None:
    """One table as a styled sheet of the write-only ``book`` (see :func:`write_sheets`)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    n = len(df)
    cols = [str(c) for c in df.columns]
    bold = Font(bold=True)
    head_fill = PatternFill("solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
    # what must be known before the first row: widths, panes, filter, conditional formats
    formats: list[str | None] = []
    columns: list[list] = []
    for j, col in enumerate(df.columns, start=1):
        series = df[col]
        text = series.dropna().astype(str)
        longest = max([len(str(col)), *(text.str.len().tolist() or [0])])
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, longest + 2))
        fmt = None
        if pd.api.types.is_float_dtype(series):
            if decimals is not None or style:  # else a table of no stated precision: as stored
                fmt = _number_format(str(col), decimals)
        elif pd.api.types.is_integer_dtype(series):
            fmt = _INT_FORMAT
        formats.append(fmt)
        columns.append(_cell_values(series))
    freeze_col = 1 + sum(1 for c in cols[:2] if c in ("iso3", "name"))
    ws.freeze_panes = f"{get_column_letter(freeze_col)}2"
    if n and cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
    tiers: dict[str, str] = style.get("tiers") or {}
    if tiers and "tier" in cols and n:
        letter = get_column_letter(cols.index("tier") + 1)
        area = f"{letter}2:{letter}{n + 1}"
        for label, color in tiers.items():
            quoted = str(label).replace('"', '""')
            fill = PatternFill("solid", start_color=_hex(color), end_color=_hex(color))
            font = Font(color="FFFFFF" if _dark(color) else "000000")
            ws.conditional_formatting.add(
                area, FormulaRule(formula=[f'${letter}2="{quoted}"'], fill=fill, font=font))
    header = []
    for col in cols:
        cell = WriteOnlyCell(ws, value=col)
        cell.font, cell.fill = bold, head_fill
        header.append(cell)
    ws.append(header)
    styled = [j for j, fmt in enumerate(formats) if fmt is not None]
    for row in zip(*columns):
        if styled:
            row = list(row)
            for j in styled:
                cell = WriteOnlyCell(ws, value=row[j])
                cell.number_format = formats[j]
                row[j] = cell
        ws.append(row)


def _cell_values(series: pd.Series) -> list:
    """A column's values as cells take them (as pandas' ``to_excel`` writes them).

    Missing values (NaN, None, NA) become ``None`` (an empty cell), infinities the text
    ``"inf"``/``"-inf"``, numpy scalars Python ones.
    """
    if pd.api.types.is_float_dtype(series):
        arr = series.to_numpy(dtype=float, na_value=np.nan)
        out = arr.tolist()
        for i in np.flatnonzero(~np.isfinite(arr)).tolist():
            v = arr[i]
            out[i] = None if np.isnan(v) else ("inf" if v > 0 else "-inf")
        return out
    out = series.to_numpy(dtype=object).tolist()
    for i, v in enumerate(out):
        if v is None:
            continue
        if isinstance(v, np.generic):
            v = out[i] = v.item()
        if isinstance(v, float):
            if v != v:
                out[i] = None
            elif v in (np.inf, -np.inf):
                out[i] = "inf" if v > 0 else "-inf"
        elif not isinstance(v, (str, int, bool)) and pd.api.types.is_scalar(v) and pd.isna(v):
            out[i] = None
    return out


def _pillar_chart(book: Any, source: str, df: pd.DataFrame, pillars: dict[str, str],
                  scale: float | None, names: dict[str, str]) -> None:
    """A ``chart`` sheet: horizontal stacked bars of pillar points, one bar per country.

    The series reference the pillar columns of sheet ``source`` (one series per pillar, in
    framework order, coloured as in the plots, titled with the pillar's name from ``names``);
    categories are its ``name`` column, in the sheet's order (best first, top of the chart).
    The sheet is placed before the tables.
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.series import SeriesLabel

    ws = book[source]
    cols = [str(c) for c in df.columns]
    n = len(df)
    if not n:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = f"Pillar points by country (sheet {source})"
    chart.x_axis.title = None
    chart.y_axis.title = "points" + (f" (of {scale:g})" if scale else "")
    chart.x_axis.scaling.orientation = "maxMin"  # first row (best) at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if scale:
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = float(scale)
    chart.y_axis.majorGridlines = None
    chart.legend.position = "t"
    name_col = cols.index("name") + 1
    for code, color in pillars.items():
        j = cols.index(code) + 1
        chart.add_data(Reference(ws, min_col=j, min_row=2, max_row=n + 1))
        chart.series[-1].tx = SeriesLabel(v=for_cell(names.get(code, code)))
        chart.series[-1].graphicalProperties.solidFill = _hex(color)
        chart.series[-1].graphicalProperties.line.solidFill = _hex(color)
    # country names are text: a string reference (openpyxl's default numRef would show 1, 2, ...
    # in some spreadsheet programs)
    names_ref = Reference(ws, min_col=name_col, min_row=2, max_row=n + 1)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(names_ref)))
    chart.width = 24
    chart.height = max(10.0, 0.42 * n + 3)
    sheet = book.create_sheet("chart", 0)
    sheet.append([f"Pillar points of every country; data: sheet '{source}'."])
    sheet.add_chart(chart, "A3")


def _readme_sheet(book: Any, tables: dict[str, pd.DataFrame], manifest: dict,
                  decimals: int | None) -> None:
    """The ``README`` sheet, first: what each sheet holds, then the manifest (key/value)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from .precision import precision_record

    names = [n for n in book.sheetnames if n != "README"]
    ws = book.create_sheet("README", 0)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def styled(value: str, font: Any) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = font
        return cell

    ws.append([styled("gci workbook", Font(bold=True, size=14)),
               "Global Cybersecurity Index scores computed by gci "
               f"{manifest.get('gci_version', '')}"])
    ws.append([])
    ws.append([styled("sheet", bold), styled("what it holds", bold)])
    for name in names:
        ws.append([name, SHEET_DESCRIPTIONS.get(name, "")])
    ws.append([])
    prec = precision_record(decimals)
    ws.append(["numbers", "stored exactly; shown at 2 decimals (shares 4) by the number "
               "formats" if decimals is None else
               f"stored rounded to {prec['decimals']} decimals (shares "
               f"{prec['share_decimals']}); ranks and tiers were computed on exact values"])
    ws.append([])
    ws.append([styled("manifest key", bold), styled("value", bold)])
    for key, value in manifest_rows(manifest).itertuples(index=False):
        if str(key).startswith(("inputs.responses[", "steps[")):
            continue  # one row per response file is in the manifest sheet / manifest.json
        ws.append([for_cell(str(key)), for_cell(value)])


def manifest_rows(manifest: dict) -> pd.DataFrame:
    """A manifest flattened to rows ``key`` (dotted path, ``[i]`` for list items), ``value``."""
    rows: list[tuple[str, Any]] = []

    def walk(obj: Any, key: str) -> None:
        if isinstance(obj, dict) and obj:
            for k, v in obj.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(obj, (list, tuple)) and obj:
            for i, v in enumerate(obj):
                walk(v, f"{key}[{i}]")
        elif isinstance(obj, (dict, list, tuple)):
            rows.append((key, json.dumps(obj)))
        else:
            rows.append((key, obj))

    walk(_jsonable(manifest), "")
    return pd.DataFrame(rows, columns=["key", "value"], dtype=object)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    return obj
