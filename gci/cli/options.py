"""Options and helpers shared by the ``gci`` commands.

One definition per concept, so every command spells and means it the same way: the
input options (``--framework``, ``--weights``, ``--scheme``, ``--responses``,
``--sheet``, ``--missing``, ``--ties``, ``--tiers``, ``--groups``, ``--decimal``,
``--with``), ``--quiet``, the progress bar and the default-input rule.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..choices import MISSING_POLICIES, TIE_METHODS, TIER_SCHEME_NAMES

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
            from ..choices import did_you_mean

            hint = did_you_mean(str(value), [str(c) for c in self.choices])
            if hint:
                exc.message = exc.message.rstrip(".") + hint

            raise


def _country_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """COUNTRY (an ISO3 code or a name) as its ISO3 code, before any data file is read.

    A country no GCI edition scores fails here with the closest names (gci.inputs.countries
    resolve_country); whether it has answers in --responses is checked after reading them.
    """
    if value is None or value == ():
        return value
    from ..inputs.countries import resolve_country

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
    from ..choices import itu_regions, match_choice

    try:
        return match_choice(region, itu_regions(), "region")
    except ValueError as exc:
        raise click.BadParameter(f"{exc} (or a group of --groups FILE)",
                                 param_hint="--region") from None


def check_names(values: Any, choices: Any, option: str, what: str, where: str = "") -> None:
    """Every name of ``values`` (strings, commas allowed) is one of ``choices``, or exit 2.

    Names match exactly (the engine's names); a near miss is suggested.
    """
    from ..choices import did_you_mean

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
    from ..fileio import read_yaml

    try:
        data = read_yaml(weights)
    except Exception:  # noqa: BLE001 - reported in full by gci.inputs.weights when the run reads it
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
        from ..inputs.tables import sheet_context

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


def _use_decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Set the decimal mark of the readers for the rest of this command (gci.inputs.values)."""
    if value is not None:
        from ..inputs.values import decimal_mark

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

    See gci.engine.scoring.fill_defaults; several --responses become a list of paths, read together.
    ``scheme`` (--scheme) is checked against the weights file before any response is read.
    """
    from ..inputs.project import fill_defaults

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
