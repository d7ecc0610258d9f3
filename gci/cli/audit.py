"""The ``gci audit`` command: statistical audit of the index (registered by gci.cli.app).

It parses the arguments and calls :func:`gci.audit.audit` and :mod:`gci.present.audit_report`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import OUTPUT_RULE, Choice, _inputs, model_options, quiet_opt

#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = []

COMMANDS: list[click.Command] = []


@click.command("audit")
@model_options
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("audit.html"), show_default=True,
              help="The self-contained HTML report.")
@click.option("--output", "-o", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every table as CSV into this folder. " + OUTPUT_RULE)
@click.option("--tables", "workbook", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every table as sheets of this .xlsx workbook.")
@click.option("--method", type=Choice(["pearson", "spearman"]), default="pearson",
              show_default=True, help="Correlation for the flags and the heatmap.")
@click.option("--weak", type=click.FloatRange(-1, 1), default=0.3, show_default=True,
              help="Flag a correlation with the own parent below this.")
@quiet_opt
def audit(framework: Path | None, weights: Path | None, scheme: str | None,
          responses: tuple[Path, ...], missing: str, html_path: Path, folder: Path | None,
          workbook: Path | None, method: str, weak: float, quiet: bool) -> None:
    """Statistical audit of the index: structure, coherence and the effect of each element.

    Data coverage, answer distributions, correlations, Cronbach's alpha, PCA, weights against
    importance, and the rank change when each pillar/indicator is removed.

    Example: gci audit --html audit.html -o audit_tables/
    """
    from ..analysis.audit import audit as run_audit
    from ..engine.scoring import score
    from ..errors import GCIError
    from ..present.audit_report import write_audit
    from ..present.tables import check_not_input, refuse_input_target

    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    protect = [framework, weights, responses]
    for target in (html_path, workbook):
        if target is not None:
            refuse_input_target(target, protect)
    if workbook is not None and workbook.suffix.lower() != ".xlsx":
        raise GCIError(f"--tables {workbook}: expected an .xlsx file")
    if folder is not None:
        check_not_input(folder, [p for p in protect if p is not None])
    result = score(responses, framework, weights, scheme=scheme, missing=missing)
    a = run_audit(result, method=method, weak=weak)
    written = write_audit(a, html_path, folder=folder, workbook=workbook)
    if not quiet:
        click.echo(f"Audit of {len(result.countries)} countries ({method} correlations, "
                   f"{a.settings['ties']} ties for removals):")
        for f in a.flags() or ["no threshold is crossed"]:
            click.echo(f"  - {f}")
        cr = a.cronbach[a.cronbach["on"] == "children"]
        click.echo("Cronbach's alpha per pillar (threshold 0.7): " + ", ".join(
            f"{r.pillar} {r.alpha:.2f}" for r in cr.itertuples()))
        click.echo(f"wrote {written['html']}" + (f", tables in {folder}" if folder else "")
                   + (f", {workbook}" if workbook else ""))


COMMANDS.append(audit)
