"""Commands of the `gci` command line for reports (registered by gci.cli.app).

* ``gci plot KIND -o file.png|svg|pdf``: one chart of a scoring run.
* ``gci report COUNTRY -o profile.html``: a self-contained HTML country profile.
* ``gci report --all -o results/report.xlsx``: the Excel workbook of the run.

Both score first, with the same input options as ``gci score``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    OUTPUT_RULE,
    Choice,
    _command_line,
    _country_callback,
    _inputs,
    check_region,
    country_argument,
    progress_bar,
    quiet_opt,
    run_options,
    with_opt,
)

#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = []

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..engine.result import ScoreResult

PLOT_KINDS = ("pillars", "radar", "heatmap", "distribution", "tiers", "slope")



def _score(framework: Path | None, weights: Path | None, scheme: str | None,
           responses: tuple[Path, ...], missing: str, ties: str, tiers: str, groups: Path | None,
           quiet: bool, replace: tuple[Path, ...] = ()) -> tuple[ScoreResult, list[Path]]:
    """Score as ``gci score`` does; return the result and the inputs never to overwrite.

    ``replace``: files of countries' answers replacing theirs (``--with``).
    """
    from ..engine.scoring import score as run
    from ..inputs.responses import response_files

    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    with progress_bar(len(response_files(responses)), quiet, "Reading responses") as progress:
        result = run(responses, framework, weights, scheme=scheme, missing=missing, ties=ties,
                     tiers=None if tiers == "none" else tiers, groups=groups,
                     progress=progress, replace=list(replace) or None)
    protect = [p for p in (framework, weights, responses, groups, *replace) if p is not None]
    return result, protect


@click.command("plot")
@click.argument("kind", type=Choice(PLOT_KINDS))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Image file: .png, .svg or .pdf. " + OUTPUT_RULE)
@click.option("--region", help="Only this region (ITU region, or a group of --groups).")
@click.option("--top", type=click.IntRange(min=1), help="Only the N best countries.")
@click.option("--country", "countries", multiple=True, callback=_country_callback,
              metavar="COUNTRY",
              help="Country (ISO3 or name); repeat for several. Required for radar.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="slope: earlier ranks, a CSV/XLSX with iso3 and global_rank (or score).")
@click.option("--published", "edition", metavar="YEAR",
              help="slope: compare with the ranks ITU published for GCI YEAR (2014, 2017, "
                   "2018, 2020; GCI 2024 publishes tiers, not ranks).")
@click.option("--edition", "edition_alias", hidden=True,
              help="Former name of --published (kept for scripts).")
@click.option("--style", type=Choice(["box", "strip"]), default="box",
              show_default=True, help="distribution: box plot or dots only.")
@click.option("--dpi", type=click.IntRange(min=30, max=600), default=150, show_default=True,
              help="Resolution of PNG output.")
@run_options
@quiet_opt
def plot(kind: str, output: Path, region: str | None, top: int | None,
         countries: tuple[str, ...], previous: Path | None, edition: str | None,
         edition_alias: str | None, style: str,
         dpi: int, framework: Path | None, weights: Path | None, scheme: str | None,
         responses: tuple[Path, ...], missing: str, ties: str, tiers: str, groups: Path | None,
         quiet: bool) -> None:
    """Draw one chart of a scoring run and save it (PNG, SVG or PDF by the file name).

    KIND is one of: pillars (stacked pillar points, sorted, tier bands), radar (one --country
    against its region and the world), heatmap (countries x indicators), distribution (scores
    by region), tiers (tier counts by region), slope (rank change from --previous or
    --published).

    Example: gci plot pillars --region Europe -o europe.png
    """
    if edition_alias is not None:
        if edition is not None and edition != edition_alias:
            raise click.UsageError("--edition is the former name of --published: give one")
        edition = edition_alias
    region = check_region(region, groups)  # before any import or file read: fails at once
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..present import plots
    from ..present.output import input_paths
    from ..present.tables import refuse_input_target

    if kind == "radar" and len(countries) != 1:
        raise click.UsageError("radar needs exactly one --country (ISO3 or name)")
    if kind in ("distribution", "tiers") and (region or top or countries):
        raise click.UsageError(f"{kind} shows every region; --region, --top and --country do "
                               "not apply")
    if kind != "slope" and (previous or edition):
        raise click.UsageError("--previous and --published are for the slope plot only")
    if kind == "slope" and (previous is None) == (edition is None):
        raise click.UsageError("slope needs either --previous FILE or --published YEAR")
    if output.suffix.lower().lstrip(".") not in plots.FIGURE_FORMATS:
        raise click.UsageError(f"--output {output}: the file name must end in .png, .svg or "
                               ".pdf")
    if edition is not None:
        from ..inputs.published import published_ranks

        published_ranks(edition)  # fails before scoring: unknown edition, or GCI 2024 (tiers)
    result, protect = _score(framework, weights, scheme, responses, missing, ties, tiers,
                             groups, quiet)
    refuse_input_target(output, [*input_paths(result), *protect,
                                 *([previous] if previous else [])])
    # drawn at the dpi it is saved at: every text is measured for the layout at that dpi
    # once, and the measurements are reused when the figure is drawn into the file
    with matplotlib.rc_context({"figure.dpi": dpi}):
        ax = _draw(kind, result, region, top, countries, previous, edition, style)
        try:
            path = plots.save_figure(ax, output, dpi=dpi)
        finally:
            plt.close(ax.figure)
    if not quiet:
        click.echo(f"  wrote {path}")


def _draw(kind: str, result: ScoreResult, region: str | None, top: int | None,
          countries: tuple[str, ...], previous: Path | None, edition: str | None,
          style: str) -> Axes:
    """The Axes of ``gci plot KIND`` (options checked by :func:`plot`)."""
    from ..present import plots

    chosen = list(countries) or None
    if kind == "pillars":
        ax = plots.pillar_bars(result, region=region, top=top, countries=chosen)
    elif kind == "radar":
        ax = plots.radar(result, countries[0])
    elif kind == "heatmap":
        ax = plots.indicator_heatmap(result, region=region, top=top, countries=chosen)
    elif kind == "distribution":
        ax = plots.score_distribution(result, kind=style)
    elif kind == "tiers":
        ax = plots.tier_counts(result)
    else:
        from ..present.plots.slope import published_ranks, read_ranks

        before = read_ranks(previous) if previous else published_ranks(edition)
        label = previous.stem if previous else f"GCI {edition}"
        after = result
        if region is not None:
            from ..present.plots._common import select_countries

            chosen = select_countries(result, region=region, countries=chosen)
        ax = plots.rank_change(before, after, labels=(label, "this run"), top=top,
                               countries=chosen)
    return ax


@click.command("report")
@country_argument(required=False)
@click.option("--all", "all_", is_flag=True,
              help="Every country: write the Excel workbook instead of one profile.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default results/ISO3.html, or results/report.xlsx with --all). "
                   + OUTPUT_RULE)
@click.option("--published", metavar="EDITION", default=None,
              help="Show ITU's published scores of this edition beside the computed ones "
                   "(2024: overall and pillars; 2014-2020: overall).")
@click.option("--ranks/--no-ranks", default=None,
              help="Show the global and regional rank in the profile (default: not for a tier "
                   "edition such as GCI 2024, which publishes tiers, not ranks).")
@run_options
@with_opt
@quiet_opt
def report(country: str | None, all_: bool, output: Path | None, published: str | None,
           ranks: bool | None,
           framework: Path | None, weights: Path | None, scheme: str | None,
           responses: tuple[Path, ...], missing: str, ties: str, tiers: str, groups: Path | None,
           with_: tuple[Path, ...],
           quiet: bool) -> None:
    """Write a country profile (HTML) or, with --all, the workbook of every table (XLSX).

    The profile is one self-contained HTML file: tier, overall score, global and regional rank,
    pillars against the region and the world with areas of relative strength and of potential
    growth, tier peers in the region, indicators, the questions where points are missing,
    evidence links, validation warnings and the run's manifest.

    With --with FILE, the country's answers in FILE replace its answers in --responses (the
    profile shows it among the others) and what changed is printed.

    Examples: gci report KEN -o kenya.html --published 2024;
    gci report KEN --with answers.yaml -o mine.html;
    gci report --all -o results/report.xlsx
    """
    if all_ == (country is not None):
        raise click.UsageError("give either a COUNTRY (ISO3 or name) or --all")
    if output is None:
        output = Path("results") / ("report.xlsx" if all_ else f"{country.upper()}.html")
    want = ".xlsx" if all_ else ".html"
    if output.suffix.lower() not in ((".xlsx",) if all_ else (".html", ".htm")):
        raise click.UsageError(f"--output {output}: the file name must end in {want}")
    if published is not None and all_:
        raise click.UsageError("--published goes with a COUNTRY profile, not --all")
    if published is not None:
        from ..present.report_html import published_pillars

        published_pillars(published)  # an unknown edition fails before scoring (exit 2)
    result, protect = _score(framework, weights, scheme, responses, missing, ties, tiers,
                             groups, quiet, with_)
    if with_:
        from .memberstates import echo_changes

        echo_changes(_score(framework, weights, scheme, responses, missing, ties, tiers, groups,
                            True)[0], result)
    if all_:
        from ..present.workbook import write_report_workbook

        path = write_report_workbook(result, output, protect=protect, command=_command_line())
    else:
        from ..present.report_html import write_country_profile

        iso3 = result.country_code(country)
        path = write_country_profile(result, iso3, output, protect=protect,
                                     command=_command_line(), published=published,
                                     ranks=ranks)
    if not quiet:
        click.echo(f"  wrote {path}")


COMMANDS += [plot, report]

__all__ = ["COMMANDS", "PLOT_KINDS", "plot", "report"]
