"""The statistical audit as one self-contained HTML page and as tables (``gci audit``).

The page loads nothing: styles are inline, plots are PNG data URIs, and a
Content-Security-Policy forbids every other source. All text from inputs (codes, names,
flags) is HTML-escaped.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.audit import THRESHOLDS, Audit
from ..fileio import write_text_atomic
from ..sanitise import for_html

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:92em;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
th{background:#f3f3f3}
.flag{color:#a00}.note{color:#555;font-size:.9em}img{max-width:100%}
ul.flags li{margin:.2em 0}.wrap{overflow-x:auto;max-width:100%}
td:last-child{min-width:14em}
"""


def _png(ax: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(ax.figure)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame, max_rows: int | None = None) -> str:
    shown = df.head(max_rows) if max_rows else df
    out = '<div class="wrap">' + shown.to_html(
        index=False, escape=True, na_rep="", float_format=lambda x: f"{x:.3f}", border=0
    ) + "</div>"
    if max_rows and len(df) > max_rows:
        out += f'<p class="note">First {max_rows} of {len(df)} rows; all are in the tables.</p>'
    return out


def audit_html(audit: Audit, title: str = "Statistical audit") -> str:
    """The audit as an HTML page (a string)."""
    import matplotlib

    matplotlib.use("Agg")
    from .plots.audit import plot_coherence, plot_correlation_heatmap, plot_removal

    e = for_html
    s = audit.settings
    opts = s.get("options", {})
    flags = audit.flags()
    corr = audit.correlations
    flagged = corr[corr["flag"] != ""]
    thr = pd.DataFrame([{"check": k, **v} for k, v in THRESHOLDS.items()])
    parts = [
        f"<h1>{e(title)}</h1>",
        f"<p>Framework <code>{e(str(s.get('framework')))}</code>, {s.get('countries')} "
        f"countries; scheme <code>{e(str(opts.get('scheme')))}</code>, missing answers "
        f"<code>{e(str(opts.get('missing')))}</code>, aggregation "
        f"<code>{e(str(opts.get('aggregation')))}</code>. Correlations: {e(s['method'])} "
        f"(pairwise-complete observations). Ranks in removals: <b>{e(s['ties'])}</b> ties "
        "(with dense ties a single tie forming or breaking moves every lower rank, so rank "
        "changes would count ties rather than the effect of the element).</p>",
        "<h2>Findings to look at</h2>",
        ("<ul class='flags'>" + "".join(f"<li class='flag'>{e(f)}</li>" for f in flags)
         + "</ul>") if flags else "<p>No threshold is crossed.</p>",
        "<h2>Thresholds and their sources</h2>",
        "<p class='note'>Rules of thumb to judge by, not tests to pass.</p>",
        _table(thr),
        "<h2>Data availability</h2>",
        _table(audit.availability[audit.availability["level"] != "question"]),
        "<p>Countries with the lowest coverage:</p>",
        _table(audit.country_availability.reset_index(), 10),
        "<h2>Answer distributions</h2>",
        "<p>Share of answered countries with full, partial and no credit. A question everyone "
        "or no one meets gives every country the same points: it does not discriminate.</p>",
        _table(audit.answers),
        "<h2>Coherence: correlations</h2>",
        _png(plot_correlation_heatmap(audit)),
        "<p>Components flagged (weak or negative with the own parent, stronger with another "
        "parent, or collinear with a sibling):</p>",
        _table(flagged[["code", "parent", "pearson_parent", "spearman_parent",
                        "best_other_parent", f"{s['method']}_best_other", "flag"]]),
        "<h2>Coherence: Cronbach's alpha and PCA per pillar</h2>",
        _png(plot_coherence(audit)),
        _table(audit.cronbach), _table(audit.pca),
        "<h2>Nominal weights against statistical importance</h2>",
        "<p>Importance is the squared Pearson correlation with the index, normalised over the "
        "siblings; a ratio far from 1 means the correlations undo the nominal weight.</p>",
        _table(audit.importance[["code", "level", "parent", "nominal_weight",
                                 "pearson_index", "importance", "ratio"]]),
        "<h2>Removing one element at a time</h2>",
        _png(plot_removal(audit, "pillar")),
        _png(plot_removal(audit, "indicator")) if (audit.removal["level"] == "indicator").any()
        else "",
        _table(audit.removal_summary()),
    ]
    body = "\n".join(parts)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            f"<title>{e(title)}</title><style>{_STYLE}</style></head>\n<body>\n{body}\n"
            "</body></html>\n")


def write_audit(audit: Audit, html_path: str | os.PathLike | None = None, *,
                folder: str | os.PathLike | None = None,
                workbook: str | os.PathLike | None = None) -> dict[str, Path]:
    """Write the HTML page, the tables as CSV files in ``folder``, and/or one workbook.

    The CSV files and their ``manifest.json`` land in ``folder`` as one transaction
    (:func:`gci.transaction.write_folder`), like the tables of ``gci score -o``.
    """
    from ..transaction import write_folder
    from .tables import write_workbook

    out: dict[str, Path] = {}
    if html_path is not None:
        write_text_atomic(html_path, audit_html(audit))
        out["html"] = Path(html_path)
    tables = audit.tables()
    if folder is not None:
        d = Path(folder)
        write_folder(d, lambda staging, staged: _fill_tables(tables, staging, staged))
        out.update({name: d / f"{name}.csv" for name in tables})
    if workbook is not None:
        write_workbook(tables, Path(workbook))
        out["workbook"] = Path(workbook)
    return out


def _fill_tables(tables: dict[str, pd.DataFrame], staging: Path, staged: Any) -> dict[str, str]:
    """Write each table as ``NAME.csv`` and a manifest of them into ``staging``."""
    from .. import __version__
    from ..fileio import sha256_file, write_json_atomic
    from ..transaction import MANIFEST
    from .tables import write_table

    names = {}
    for name, t in tables.items():
        write_table(t, staging / f"{name}.csv")
        names[name] = f"{name}.csv"
        staged(names[name])
    outputs = {n: sha256_file(staging / n) for n in names.values()}
    write_json_atomic(staging / MANIFEST, {"gci_version": __version__, "kind": "gci audit tables",
                                           "outputs": outputs})
    return names
