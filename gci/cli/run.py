"""The commands of a scoring run: ``gci score``, ``validate``, ``rank``, ``weights``, ``init``.

Registered by :mod:`gci.cli.app` with every other command module.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from ..choices import TIER_SCHEME_NAMES
from ..errors import EXIT_INPUT, GCIError
from .options import (
    OUTPUT_RULE,
    Choice,
    _command_line,
    _inputs,
    check_names,
    decimal_opt,
    framework_opt,
    groups_opt,
    missing_opt,
    progress_bar,
    quiet_opt,
    responses_opt,
    run_options,
    scheme_opt,
    sheet_opt,
    ties_opt,
    weights_opt,
    with_opt,
)


class Number(click.ParamType):
    """A command-line number, read by :func:`gci.inputs.values.parse_number` (``3,5`` refused).

    ``positive=True`` also refuses zero and negative numbers.
    """

    name = "number"

    def __init__(self, positive: bool = False) -> None:
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        """``value`` as a float, or a usage error (exit 2) saying how to write it."""
        from ..inputs.values import BadValue, parse_number

        try:
            x = parse_number(value)
        except BadValue as exc:  # --decimal is for files, not for this value
            self.fail(exc.message.split(", or pass --decimal ,")[0], param, ctx)
        if self.positive and x <= 0:
            self.fail(f"{value} is not positive; expected a number > 0", param, ctx)
        return x


@click.command()
@run_options
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("results"), show_default=True,
              help="Output folder (score writes several files). results/ is kept for the "
                   "folder's default run: another scheme, option or input needs -o. "
                   + OUTPUT_RULE)
@click.option("--format", "fmt", type=Choice(["csv", "xlsx", "json"]), default="csv",
              show_default=True, help="Format of the tables.")
@click.option("--coverage", type=click.FloatRange(0, 1),
              help="Minimum share of an aggregate's questions answered; below it the aggregate "
                   "is left missing and flagged.")
@click.option("--break-lock", is_flag=True,
              help="Break a stale lock on --output left by a killed run (a running gci is "
                   "never overridden).")
@click.option("--decimals", "decimals", default="2", show_default=True, metavar="N|full",
              help="Decimals of the written scores and points (shares of 1 get two more); "
                   "'full' writes every digit. Ranks and tiers always use the exact values.")
@with_opt
@quiet_opt
@click.pass_context
def score(ctx: click.Context, framework: Path | None, weights: Path | None, scheme: str | None,
          responses: tuple[Path, ...], missing: str, output: Path, fmt: str, ties: str, tiers: str,
          groups: Path | None, coverage: float | None, break_lock: bool, decimals: str,
          with_: tuple[Path, ...], quiet: bool) -> None:
    """Score, rank and tier; write tables and manifest.json to --output.

    With no options, scores the shipped default: indicators.yaml, the default scheme of
    weights.yaml, and the SYNTHETIC demo responses in responses/.

    With --with FILE (a country's answers, e.g. a filled template), that country's answers
    replace its answers in --responses and what changed for it is printed; tables are then
    written only when --output is given.
    """
    from ..engine.scoring import score as run
    from ..inputs.responses import response_files
    from ..present.precision import parse_decimals

    try:
        places = parse_decimals(decimals)
    except GCIError as exc:
        raise click.BadParameter(str(exc), param_hint="--decimals") from None
    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    options = dict(scheme=scheme, missing=missing, ties=ties,
                   tiers=None if tiers == "none" else tiers, groups=groups, coverage=coverage)
    with progress_bar(len(response_files(responses)), quiet, "Reading responses") as progress:
        result = run(responses, framework, weights, progress=progress,
                     replace=list(with_) or None, **options)
    if with_:
        from .memberstates import echo_changes

        echo_changes(run(responses, framework, weights, **options), result)
        if ctx.get_parameter_source("output") == click.core.ParameterSource.DEFAULT:
            click.echo("(no tables written: add --output FOLDER to write them)")
            return
    if ctx.get_parameter_source("output") == click.core.ParameterSource.DEFAULT:
        _refuse_default_output_for_other_runs(ctx, output, framework, weights, responses)
    written = result.write(output, fmt, protect=[responses, framework, weights, *with_],
                           command=_command_line(), break_lock=break_lock,
                           decimals="full" if places is None else places)
    if getattr(written, "recovered", None):
        click.echo(f"note: {written.recovered}", err=True)
    if not quiet:
        s = result.summary()
        click.echo(f"Scored {s['countries']} countries (scheme {result.scheme.name}, "
                   f"missing={missing}); mean overall {s['mean_overall']:.2f} of "
                   f"{result.scale:g}; {s['warnings']} warning(s).")
        if "tiers" in s:
            click.echo("Tiers: " + ", ".join(f"{k}: {v}" for k, v in s["tiers"].items()))
        for path in written.values():
            click.echo(f"  wrote {path}")
        kept = getattr(written, "kept", [])
        if kept:
            more = f" and {len(kept) - 10} more" if len(kept) > 10 else ""
            click.echo(f"  kept {len(kept)} item(s) in {output} that gci score did not write: "
                       + ", ".join(kept[:10]) + more)


#: ``gci score`` options that change the result (or the files) of the default run, with how a
#: suggested output folder names them (see _refuse_default_output_for_other_runs).
_RUN_CHOICES = {"framework": "custom", "weights": "custom", "responses": "custom",
                "scheme": "{}", "missing": "missing-{}", "ties": "ties-{}", "tiers": "tiers-{}",
                "groups": "custom", "coverage": "coverage-{}", "fmt": "{}"}


def _refuse_default_output_for_other_runs(ctx: click.Context, output: Path, framework: Any,
                                          weights: Any, responses: Any) -> None:
    """Refuse to write the default ``results/`` for anything but this folder's default run.

    Rule: without ``-o``, ``gci score`` writes ``results/`` only when no option changes the
    result (``--scheme`` other than the weights' default scheme, ``--missing``, ``--ties``,
    ``--tiers``, ``--groups``, ``--coverage``, ``--format``) and no input is named in place of
    one the current folder has (its ``indicators.yaml``, ``weights.yaml``, ``responses/``).
    ``results/`` thus always holds the default run of the folder (in the checkout: the shipped
    edition's, committed and tested); any other run must name its output folder.
    """
    from ..inputs.project import DEFAULT_NAMES

    given = {"framework": framework, "weights": weights, "responses": responses}
    changed = []
    for name, tag in _RUN_CHOICES.items():
        if ctx.get_parameter_source(name) != click.core.ParameterSource.COMMANDLINE:
            continue
        value = ctx.params[name]
        if name in given:
            here = Path(DEFAULT_NAMES[name])
            if not (here.is_dir() if name == "responses" else here.is_file()):
                continue  # the folder has no input of this kind that results/ would record
            same = (isinstance(given[name], (str, os.PathLike))
                    and Path(given[name]).resolve() == here.resolve())
        elif name == "scheme":
            from ..inputs.weights import load_weights

            # a framework table has one weight column: --scheme only names it
            same = (Path(weights).suffix.lower() in (".csv", ".xlsx")
                    or value == load_weights(weights).default)
        else:
            same = value == next(p for p in ctx.command.params if p.name == name).default
        if not same:
            changed.append((name, value, tag))
    if not changed:
        return
    named = ", ".join(f"--{'format' if n == 'fmt' else n} "
                      + (" ".join(map(str, v)) if isinstance(v, tuple) else str(v))
                      for n, v, _ in changed)
    parts = dict.fromkeys(tag.format(v) for _n, v, tag in changed)
    suggestion = "results-" + "-".join(parts)
    verb = "changes" if len(changed) == 1 else "change"
    raise GCIError(f"{output}/ is kept for this folder's default run (its own inputs, every "
                   f"option at its default), and {named} {verb} the result: name the output "
                   f"folder, e.g. add -o {suggestion}")


@click.command()
@framework_opt
@weights_opt
@responses_opt
@sheet_opt
@missing_opt
@decimal_opt
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every problem to this CSV file.")
@quiet_opt
def validate(framework: Path | None, weights: Path | None, responses: tuple[Path, ...],
             missing: str, strict: bool, report: Path | None, quiet: bool) -> None:
    """Check framework, weights and responses; list every problem.

    Exits 0 when there are no errors (warnings are listed), 2 otherwise.
    """
    from ..inputs.validate import validate_all, write_report

    framework, weights, responses = _inputs(framework, weights, responses)
    found = validate_all(framework, weights, responses, missing=missing)
    if report is not None:
        write_report(found, report, protect=[framework, weights, responses])
    for p in found.problems:  # every problem is a result: printed even with --quiet
        click.echo(str(p), err=p.severity == "error")
    n_err = len(found.errors)
    n_warn = len(found.problems) - n_err
    if not quiet:
        click.echo(f"{n_err} error(s), {n_warn} warning(s) in {found.checked}.")
    if n_err or (strict and n_warn):
        sys.exit(EXIT_INPUT)


@click.command()
@click.argument("scores", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Output table, .csv, .xlsx or .json (default: print CSV to the "
                   "terminal). " + OUTPUT_RULE)
@ties_opt
@click.option("--round", "round_to", type=click.IntRange(0, 15), metavar="N",
              help="Rank (and tier) the scores rounded to N decimals, as a published table "
                   "ranks them: equal when rounded means tied. The scores are shown as given.")
@click.option("--decimals", "old_round", type=click.IntRange(0, 15), hidden=True)
@click.option("--tiers", type=Choice(list(TIER_SCHEME_NAMES)),
              help="Add a tier column (the scheme must fit the scores' scale).")
@click.option("--scale", type=Number(positive=True),
              help="Maximum score (default: 1 if all scores <= 1, else 100).")
@groups_opt
@click.option("--year", type=int, help="Wide multi-year table: rank this year's column "
              "(e.g. 'GCI 2018' or '2018').")
@click.option("--column", help="The score column, by header (e.g. 'GCI Score').")
@click.option("--drop-missing", is_flag=True, help="Leave out rows with no score (#N/A, N/A, "
              "-, .., empty) and list them, instead of stopping with an error.")
@click.option("--within", metavar="YEAR", help="Rank the table's countries inside the full "
              "published edition YEAR (for a region's table or a top-10).")
@quiet_opt
@decimal_opt
def rank(scores: Path, output: Path | None, ties: str, round_to: int | None,
         old_round: int | None, tiers: str | None, scale: float | None, groups: Path | None,
         year: int | None, column: str | None, drop_missing: bool, within: str | None,
         quiet: bool) -> None:
    """Rank overall scores from a table as published (CSV/XLSX).

    Reads country codes or names (ISO3, Code, Country, Member State, Economy) and a score
    (Score, GCI, GCI Score, Overall score, or a year column with --year); a published rank
    column (Rank, Global Rank) is checked against the computed rank.
    """
    from ..engine.score_table import rank_table
    from ..inputs.countries import load_grouping
    from ..present.tables import frame_to_csv_text, refuse_input_target, write_table

    if old_round is not None:  # the former name: --decimals elsewhere is the written precision
        if round_to is not None and round_to != old_round:
            raise click.UsageError("--decimals is the former name of --round: give one")
        round_to = old_round
        click.echo("gci: `gci rank --decimals N` is now `--round N` (it rounds before ranking; "
                   "--decimals in other commands sets how many decimals are written)", err=True)
    if within is not None:
        from ..inputs.published import published_editions

        check_names([within], [str(y) for y in published_editions()], "--within",
                    "published edition")
    if output is not None:
        refuse_input_target(output, [scores, groups])
    table = rank_table(scores, ties=ties, decimals=round_to, tiers=tiers, scale=scale,
                       groups=load_grouping(groups) if groups else None, year=year,
                       column=column, drop_missing=drop_missing, within=within)
    for problem in table.attrs.get("problems", []):
        click.echo(f"gci: {problem}", err=True)
    if output is None:
        click.echo(frame_to_csv_text(table), nl=False)
    else:
        write_table(table, output)
        if not quiet:
            click.echo(f"wrote {output} ({len(table)} countries)")


@click.command()
@framework_opt
@weights_opt
@scheme_opt
@click.option("--level", type=Choice(["pillar", "indicator", "question", "all"]),
              default="all", show_default=True)
@quiet_opt
def weights(framework: Path | None, weights: Path | None, scheme: str | None, level: str,
            quiet: bool) -> None:
    """Print the effective weights: each node's share of the overall score.

    The table is the result: it is printed with --quiet too.
    """
    from ..inputs.framework_table import load_framework_any
    from ..inputs.weights import resolve_scheme
    from ..present.tables import frame_to_csv_text

    framework, weights, _ = _inputs(framework, weights, Path("."), scheme=scheme)
    fw = load_framework_any(framework)
    ws = resolve_scheme(weights, scheme, fw)
    table = ws.effective(fw).reset_index()
    if level != "all":
        kinds = {"pillar": ["pillar"], "indicator": ["indicator"], "question": ["question"]}
        table = table[table["kind"].isin(kinds[level])]
    click.echo(frame_to_csv_text(table), nl=False)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@quiet_opt
def init(directory: Path, quiet: bool) -> None:
    """Start a project in DIRECTORY: framework, weights, one example answer file, a README.

    The framework and weights are editable copies of the shipped default; responses/ holds one
    example country (SYNTHETIC demo answers). Run `gci score` inside DIRECTORY to score it at
    once. DIRECTORY must be new or empty: nothing is ever overwritten.
    """
    from ..inputs.project import init_project

    written = init_project(directory)
    if not quiet:
        click.echo(f"Started a gci project in {directory}:")
        for path in written:
            click.echo(f"  wrote {path}")
        click.echo(f"Next: cd {shlex.quote(str(directory))} && gci validate && gci score")


#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = [score, validate, rank, weights, init]
