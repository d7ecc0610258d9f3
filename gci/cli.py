"""The ``gci`` command line. Commands parse arguments and call the library.

Exit codes: 0 success; 1 internal error (a bug in gci); 2 usage or validation error (bad
arguments or bad input files: the message lists every problem).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__
from .choices import MISSING_POLICIES, TIE_METHODS, TIER_SCHEME_NAMES
from .errors import EXIT_INPUT, EXIT_INTERNAL, GCIError


class GciGroup(click.Group):
    """A group that turns gci's errors into exit code 2 and anything else into exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: D102
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except GCIError as exc:
            click.echo(f"gci: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except BrokenPipeError:
            # the reader went away (e.g. `gci gaps KEN | head`): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            # the system refused a file operation (disk full, read-only, no permission, a file
            # where a folder should be, a name too long): the user's environment, not a bug
            from .transaction import describe_os_error

            click.echo(f"gci: {describe_os_error(exc)}", err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("gci: interrupted; no output file was left half-written", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - last resort: report, never a bare traceback
            click.echo(f"gci: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in gci; please report it with the command you ran. "
                       "Set GCI_DEBUG=1 to see the traceback.", err=True)
            if os.environ.get("GCI_DEBUG"):
                traceback.print_exc()
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=GciGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gci")
def main() -> None:
    """Compute the Global Cybersecurity Index (and indices like it).

    Exit codes: 0 success, 1 internal error, 2 usage or validation error.
    """


#: The rule of ``-o/--output``, the same in every command (README "Command reference").
OUTPUT_RULE = ("-o/--output names the file to write (its suffix picks the format); the commands "
               "that write several files (score, audit) take a folder.")


class Choice(click.Choice):
    """A click choice whose error also suggests the closest choice ("did you mean dense?")."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The choice, or a usage error listing the choices and the closest one."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            from .choices import did_you_mean

            hint = did_you_mean(str(value), [str(c) for c in self.choices])
            if hint:
                exc.message = exc.message.rstrip(".") + hint

            raise


def _country_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """COUNTRY (an ISO3 code or a name) as its ISO3 code, before any data file is read.

    A country no GCI edition scores fails here with the closest names (gci.countries
    resolve_country); whether it has answers in --responses is checked after reading them.
    """
    if value is None or value == ():
        return value
    from .countries import resolve_country

    def one(text: str) -> str:
        iso3, err = resolve_country(text)
        if iso3 is None:
            raise click.BadParameter(err or f"unknown country {text!r}", ctx, param)
        return iso3

    return tuple(one(v) for v in value) if isinstance(value, tuple) else one(value)


def country_argument(required: bool = True) -> Callable:
    """The COUNTRY argument of every command about one country: an ISO3 code or a name."""
    return click.argument("country", metavar="COUNTRY" if required else "[COUNTRY]",
                          required=required, callback=_country_callback)


def check_region(region: str | None, groups: Path | None) -> str | None:
    """``--region`` checked before any data is read: one of the ITU regions (case ignored).

    With ``--groups`` the region is a group of that file, checked once the file is read.
    """
    if region is None or groups is not None:
        return region
    from .choices import itu_regions, match_choice

    try:
        return match_choice(region, itu_regions(), "region")
    except ValueError as exc:
        raise click.BadParameter(f"{exc} (or a group of --groups FILE)",
                                 param_hint="--region") from None


def check_names(values: Any, choices: Any, option: str, what: str, where: str = "") -> None:
    """Every name of ``values`` (strings, commas allowed) is one of ``choices``, or exit 2.

    Names match exactly (the engine's names); a near miss is suggested.
    """
    from .choices import did_you_mean

    choices = [str(c) for c in choices]
    bad = []
    for v in values:
        for name in (x.strip() for x in str(v).split(",")):
            if name and name not in choices:
                bad.append(f"unknown {what} {name!r}{where}; expected one of: "
                           f"{', '.join(choices)}"
                           f"{did_you_mean(name, choices)}")
    if bad:
        raise click.BadParameter("; ".join(bad), param_hint=option)


def check_schemes(weights: Any, names: Any, option: str = "--scheme") -> None:
    """Weight scheme names checked against the weights YAML (its scheme names only).

    Reads only the small weights file, before any response is read; a framework table as
    weights (one weight column), or a file that does not parse, is left to the weights reader,
    which reports it fully.
    """
    names = [n for n in names if n and n != "all"]
    if not names or not isinstance(weights, (str, os.PathLike)) \
            or Path(weights).suffix.lower() not in (".yaml", ".yml", ".json"):
        return
    from .fileio import read_yaml

    try:
        data = read_yaml(weights)
    except Exception:  # noqa: BLE001 - reported in full by gci.weights when the run reads it
        return
    schemes = data.get("schemes") if isinstance(data, dict) else None
    if isinstance(schemes, dict) and schemes:
        check_names(names, [str(k) for k in schemes], option, "weight scheme", f" in {weights}")


def _command_line() -> str:
    return "gci " + " ".join(shlex.quote(a) for a in sys.argv[1:])


framework_opt = click.option("--framework", type=click.Path(dir_okay=False, path_type=Path),
                             help="Framework YAML or table .csv/.xlsx (default: indicators.yaml).")
weights_opt = click.option("--weights", type=click.Path(dir_okay=False, path_type=Path),
                           help="Weights YAML (default: weights.yaml).")
scheme_opt = click.option("--scheme", help="Weight scheme name (default: the file's default).")
responses_opt = click.option("--responses", type=click.Path(path_type=Path), multiple=True,
                             help="Responses folder or file (default: responses/). Repeat to "
                                  "combine several; a country in two of them is an error.")
def _sheet_callback(ctx: click.Context, _param: Any, value: str | None) -> None:
    if value is not None:
        from .responses import sheet_context

        ctx.with_resource(sheet_context(value))


sheet_opt = click.option("--sheet", expose_value=False, callback=_sheet_callback,
                         help="XLSX responses: the sheet to read (needed when several sheets "
                              "hold a responses table, or it is hidden).")
missing_opt = click.option("--missing", type=Choice(MISSING_POLICIES), default="zero",
                           show_default=True,
                           help="Missing answers: zero (as the GCI), exclude (re-weight), or "
                                "group_mean/group_median (impute from the region).")
quiet_opt = click.option("--quiet", "-q", is_flag=True,
                         help="No progress bar or summary lines; results (tables, problems) "
                              "are still printed.")


class Number(click.ParamType):
    """A command-line number read by :func:`gci.values.parse_number` (finite; ``3,5`` refused).

    ``positive=True`` also refuses zero and negative numbers.
    """

    name = "number"

    def __init__(self, positive: bool = False) -> None:
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        """``value`` as a float, or a usage error (exit 2) saying how to write it."""
        from .values import BadValue, parse_number

        try:
            x = parse_number(value)
        except BadValue as exc:  # --decimal is for files, not for this value
            self.fail(exc.message.split(", or pass --decimal ,")[0], param, ctx)
        if self.positive and x <= 0:
            self.fail(f"{value} is not positive; expected a number > 0", param, ctx)
        return x


def _use_decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Set the decimal mark of the readers for the rest of this command (gci.values)."""
    if value is not None:
        from .values import decimal_mark

        ctx.with_resource(decimal_mark(value))


decimal_opt = click.option("--decimal", type=Choice([".", ","]), default=".",
                           show_default=True, expose_value=False, callback=_use_decimal,
                           help="Decimal mark of numbers in response and score tables: '.' "
                                "(3.5; 3,5 is refused as ambiguous) or ',' (3,5; then 3.5 is "
                                "refused). Never guessed.")
ties_opt = click.option("--ties", type=Choice(TIE_METHODS), default="dense",
                        show_default=True, help="Tie rule for ranks (dense is ITU's).")
groups_opt = click.option("--groups", type=click.Path(dir_okay=False, path_type=Path),
                          help="CSV iso3,group for regional ranks (default: ITU regions).")
with_opt = click.option("--with", "with_", multiple=True,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="A country's answers (YAML/JSON/CSV/XLSX) replacing its answers in "
                             "--responses; repeat for several. Prints what changed.")
tiers_opt = click.option("--tiers", type=Choice([*TIER_SCHEME_NAMES, "none"]),
                         default="gci2024", show_default=True, help="Tier scheme.")


def model_options(func: Any) -> Any:
    """Scoring-model inputs: framework, weights, scheme, responses, sheet, missing, decimal."""
    for option in reversed((framework_opt, weights_opt, scheme_opt, responses_opt, sheet_opt,
                            missing_opt, decimal_opt)):
        func = option(func)
    return func


def run_options(func: Any) -> Any:
    """The options of a ranked scoring run: :func:`model_options`, --ties, --tiers, --groups."""
    for option in reversed((ties_opt, tiers_opt, groups_opt)):
        func = option(func)
    return model_options(func)


def _inputs(framework: Path | None, weights: Path | None,
            responses: tuple[Path, ...] | Path | None, *,
            need_weights: bool = True, scheme: str | None = None) -> tuple[Path, Path, Any]:
    """Framework, weights and responses with defaults filled file by file.

    See gci.scoring.fill_defaults; several --responses become a list of paths, read together.
    ``scheme`` (--scheme) is checked against the weights file before any response is read.
    """
    from .scoring import fill_defaults

    if isinstance(responses, (tuple, list)):
        seen: dict[Path, Path] = {}
        for p in responses:
            key = p.resolve()
            if key in seen:
                raise click.BadParameter(f"{p} given twice (as {seen[key]})",
                                         param_hint="--responses")
            seen[key] = p
        responses = (None if not responses else responses[0] if len(responses) == 1
                     else list(responses))
    filled = fill_defaults(framework, weights, responses, need_weights=need_weights)
    if all(Path(p).is_file() for p in filled[:2] if isinstance(p, (str, os.PathLike))):
        check_schemes(filled[1], [scheme])  # a missing file is reported first, by its reader
    return filled


@contextlib.contextmanager
def progress_bar(total: int, quiet: bool, label: str) -> Iterator[Callable | None]:
    """Yield a callback advancing a click progress bar on stderr (``None`` when quiet).

    The callback takes a number of steps done (an int), or anything else for one step (e.g. the
    name of the file just read).
    """
    if quiet or total < 2:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda done=1: bar.update(done if isinstance(done, int) else 1)


@main.command()
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
    from .output import parse_decimals
    from .responses import response_files
    from .scoring import score as run

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
        from .cli_memberstates import echo_changes

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
    from .scoring import DEFAULT_NAMES

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
            from .weights import load_weights

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


@main.command()
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
    from .validate import validate_all, write_report

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


@main.command()
@click.argument("scores", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Output table, .csv, .xlsx or .json (default: print CSV to the "
                   "terminal). " + OUTPUT_RULE)
@ties_opt
@click.option("--decimals", type=int, help="Round scores to this many decimals before ranking.")
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
def rank(scores: Path, output: Path | None, ties: str, decimals: int | None, tiers: str | None,
         scale: float | None, groups: Path | None, year: int | None, column: str | None,
         drop_missing: bool, within: str | None, quiet: bool) -> None:
    """Rank overall scores from a table as published (CSV/XLSX).

    Reads country codes or names (ISO3, Code, Country, Member State, Economy) and a score
    (Score, GCI, GCI Score, Overall score, or a year column with --year); a published rank
    column (Rank, Global Rank) is checked against the computed rank.
    """
    from .countries import load_grouping
    from .output import frame_to_csv_text, refuse_input_target, write_table
    from .score_table import rank_table

    if within is not None:
        from .published import published_editions

        check_names([within], [str(y) for y in published_editions()], "--within",
                    "published edition")
    if output is not None:
        refuse_input_target(output, [scores, groups])
    table = rank_table(scores, ties=ties, decimals=decimals, tiers=tiers, scale=scale,
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


@main.command()
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
    from .framework_table import load_framework_any
    from .output import frame_to_csv_text
    from .weights import resolve_scheme

    framework, weights, _ = _inputs(framework, weights, Path("."), scheme=scheme)
    fw = load_framework_any(framework)
    ws = resolve_scheme(weights, scheme, fw)
    table = ws.effective(fw).reset_index()
    if level != "all":
        kinds = {"pillar": ["pillar"], "indicator": ["indicator"], "question": ["question"]}
        table = table[table["kind"].isin(kinds[level])]
    click.echo(frame_to_csv_text(table), nl=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@quiet_opt
def init(directory: Path, quiet: bool) -> None:
    """Start a project in DIRECTORY: framework, weights, one example answer file, a README.

    The framework and weights are editable copies of the shipped default; responses/ holds one
    example country (SYNTHETIC demo answers). Run `gci score` inside DIRECTORY to score it at
    once. DIRECTORY must be new or empty: nothing is ever overwritten.
    """
    from .project import init_project

    written = init_project(directory)
    if not quiet:
        click.echo(f"Started a gci project in {directory}:")
        for path in written:
            click.echo(f"  wrote {path}")
        click.echo(f"Next: cd {shlex.quote(str(directory))} && gci validate && gci score")


def _register_commands() -> None:
    """Add the commands defined in other modules (each lists its commands in ``COMMANDS``)."""
    from . import cli_analysis, cli_audit, cli_memberstates, cli_reports, cli_toolkit

    for module in (cli_reports, cli_analysis, cli_toolkit, cli_memberstates, cli_audit):
        for command in module.COMMANDS:
            main.add_command(command)


_register_commands()
