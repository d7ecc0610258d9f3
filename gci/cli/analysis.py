"""Commands of the `gci` command line for analysis (registered by gci.cli.app).

* ``gci whatif COUNTRY --set Q07=yes --set Q31=partial``: scores, ranks and tier if answers
  changed.
* ``gci gaps COUNTRY``: the country's current score and tier (or rank), then the unmet, partial
  and missing questions by the points each would add.
* ``gci compare --edition 2018=published --edition 2020=responses/``: edition comparison.
* ``gci uncertainty --draws 10000 --seed 1``: Monte Carlo rank intervals over modelling choices.
* ``gci sensitivity --samples 1024``: Sobol indices of the modelling choices on ranks.

Commands parse arguments and call the library (gci.analysis.whatif, gci.analysis.gaps,
gci.analysis.editions,
gci.analysis.uncertainty, gci.analysis.sensitivity).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import GCIError
from .options import (
    OUTPUT_RULE,
    Choice,
    _inputs,
    check_names,
    check_schemes,
    country_argument,
    framework_opt,
    missing_opt,
    model_options,
    progress_bar,
    quiet_opt,
    run_options,
    scheme_opt,
    ties_opt,
    weights_opt,
)

#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = []

output_opt = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                          help="Write the table to this file (.csv, .xlsx or .json). "
                               + OUTPUT_RULE)


def _write(table: Any, output: Path | None, protect: list[Path | None], quiet: bool) -> None:
    from ..present.tables import refuse_input_target, write_table

    if output is None:
        return
    refuse_input_target(output, protect)
    write_table(table, output)
    if not quiet:
        click.echo(f"wrote {output}")


def _show(table: Any) -> str:
    return table.to_string(float_format=lambda x: f"{x:.2f}", na_rep="")


def _score_options(scheme: str | None, missing: str, ties: str, tiers: str,
                   groups: Path | None) -> dict[str, Any]:
    return {"scheme": scheme, "missing": missing, "ties": ties,
            "tiers": None if tiers == "none" else tiers, "groups": groups}


def _set_callback(ctx: click.Context, param: click.Parameter,
                  value: tuple[str, ...]) -> tuple[str, ...]:
    """``--set Q=ANSWER`` syntax checked before any file is read (every bad one listed)."""
    from ..analysis.whatif import WhatIfError, parse_assignments

    try:
        parse_assignments(value)
    except WhatIfError as exc:
        raise click.BadParameter("; ".join(p.message for p in exc.problems), ctx,
                                 param) from None
    return value


def _framework_for(framework: Path, assignments: tuple[str, ...], iso3: str) -> Any:
    """The framework, with the ``--set`` answers checked against it before responses are read.

    Unknown questions (with the closest code) and answers a question does not accept are all
    reported together (gci.analysis.whatif.check_answers, the check what_if runs itself).
    """
    from ..analysis.whatif import WhatIfError, check_answers, parse_assignments
    from ..inputs.framework import normalise_answer
    from ..inputs.framework_table import load_framework_any
    from ..inputs.values import check_decimal

    fw = load_framework_any(framework)
    answers = {q: normalise_answer(a) for q, a in parse_assignments(assignments).items()}
    problems = check_answers(fw, answers, iso3, check_decimal(None))
    if problems:
        raise WhatIfError(problems, "what-if answers")
    return fw


@click.command("whatif")
@country_argument()
@click.option("--set", "assignments", multiple=True, required=True, metavar="Q=ANSWER",
              callback=_set_callback,
              help="A changed answer, e.g. --set Q07=yes; repeat for several.")
@run_options
@output_opt
@quiet_opt
def whatif(country: str, assignments: tuple[str, ...], framework: Path | None,
           weights: Path | None, scheme: str | None, responses: tuple[Path, ...], missing: str,
           ties: str, tiers: str, groups: Path | None, output: Path | None,
           quiet: bool) -> None:
    """What if COUNTRY answered differently: new scores, ranks, tier, and whom it passes.

    COUNTRY is an ISO3 code or a name. Example: gci whatif KEN --set Q07=yes --set Q31=partial
    """
    from ..analysis.whatif import what_if

    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    fw = _framework_for(framework, assignments, country)
    res = what_if(country, list(assignments), responses, fw, weights,
                  **_score_options(scheme, missing, ties, tiers, groups))
    if not quiet:
        sets = ", ".join(f"{q}={a}" for q, a in res.answers.items())
        click.echo(f"What if {res.iso3} ({res.table.attrs.get('group', '')}) answered {sets}:")
    click.echo(_show(res.table))  # the result: printed even with --quiet
    for direction, title in (("passed", "Passes"), ("passed_by", "Passed by")):
        sub = res.passed[res.passed["direction"] == direction]
        if len(sub):
            click.echo(f"{title} {len(sub)}: " + ", ".join(
                f"{r.iso3} ({r.overall:.2f}, rank {r.rank_before})"
                for r in sub.itertuples()))
    if res.passed.empty:
        click.echo("Passes no country.")
    for p in res.warnings:
        click.echo(f"note: {p.message}", err=True)
    _write(res.table.reset_index(), output, [framework, weights, responses, groups], quiet)


@click.command("gaps")
@country_argument()
@click.option("--top", type=click.IntRange(min=1),
              help="Only the N biggest gains per pillar (with --flat: overall).")
@click.option("--flat", is_flag=True, help="One list by gain, not grouped by pillar.")
@run_options
@output_opt
@quiet_opt
def gaps(country: str, top: int | None, flat: bool, framework: Path | None,
         weights: Path | None, scheme: str | None, responses: tuple[Path, ...], missing: str,
         ties: str, tiers: str, groups: Path | None, output: Path | None, quiet: bool) -> None:
    """The improvement roadmap of COUNTRY: unmet, partial and missing questions by points gained.

    COUNTRY is an ISO3 code or a name. The roadmap starts with the country's current overall
    score and its tier (a tiered edition such as GCI 2024; --tiers none: its global and
    regional rank). Each gain is an exact re-score with that one answer at full credit
    (conditions and weight redistribution included), with the tier it would give (or, with
    --tiers none, the global ranks it would gain; -o writes both and the regional ranks).
    """
    from ..analysis.gaps import roadmap, standing_text

    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    base, table = roadmap(country, responses, framework, weights, by_pillar=not flat,
                          **_score_options(scheme, missing, ties, tiers, groups))
    iso3 = base.country_code(country)
    if top is not None:
        table = (table.head(top) if flat else
                 table.groupby("pillar", sort=False, group_keys=False).head(top))
    if not quiet:
        click.echo(standing_text(base, iso3))
    # the roadmap is the result: printed even with --quiet (which drops the summaries)
    # an edition in tiers (GCI 2024) shows the tier each answer would give, not ranks; the
    # -o table has every column
    standing = (["new_tier"] if base.tier_scheme is not None
                else ["new_global_rank", "ranks_gained"])
    cols = ["question", "name", "answer", "state", "full_answer", "points_gain",
            "new_overall", *standing]
    if table.empty:
        click.echo(f"{iso3} has full credit on every question that applies.")
    elif flat or quiet:
        click.echo(_show(table[["pillar", *cols]].set_index("question")))
    else:
        for pillar, sub in table.groupby("pillar", sort=False):
            click.echo(f"\n{pillar}: {len(sub)} question(s); the largest single gain is "
                       f"{sub['points_gain'].max():.2f} points")
            click.echo(_show(sub[cols].set_index("question")))
    _write(table, output, [framework, weights, responses, groups], quiet)


@click.command("compare")
@click.option("--edition", "editions", multiple=True, metavar="LABEL=PATH",
              help="An edition: its label and responses folder/file, a table of scores as "
                   "published (e.g. 2018=gci2018.csv with Country, Score), or LABEL=published "
                   "for ITU's published results of that year. Repeat; consecutive editions "
                   "are compared.")
@click.option("--published", "published", metavar="YEAR",
              help="Compare the last --edition (default: the shipped responses) with ITU's "
                   "published results of YEAR.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Movers up and down to list.")
@framework_opt
@weights_opt
@scheme_opt
@missing_opt
@ties_opt
@output_opt
@quiet_opt
def compare(editions: tuple[str, ...], published: str | None, top: int,
            framework: Path | None, weights: Path | None, scheme: str | None, missing: str,
            ties: str, output: Path | None, quiet: bool) -> None:
    """Compare editions: score and rank changes per country, movers up and down.

    Examples: gci compare --edition 2018=published --edition 2020=published;
    gci compare --published 2020 (the shipped responses against GCI 2020);
    gci compare --published 2024 (pillar by pillar, and tiers: GCI 2024 has no ranks).
    """
    import pandas as pd

    from ..analysis.editions import PUBLISHED, compare_editions, compare_published, score_editions

    if published is not None:
        from ..inputs.published import published_editions

        check_names([published], [str(y) for y in published_editions()], "--published",
                    "published edition")
    pairs: dict[str, Any] = {}
    for item in editions:
        label, sep, path = item.partition("=")
        if not sep or not label.strip() or not path.strip():
            raise click.BadParameter(f"{item!r}: expected LABEL=PATH or LABEL=published",
                                     param_hint="--edition")
        if label.strip() in pairs:
            raise click.BadParameter(f"edition {label.strip()!r} given twice",
                                     param_hint="--edition")
        pairs[label.strip()] = (PUBLISHED if path.strip().lower() == PUBLISHED
                                else Path(path.strip()))
    if not pairs:
        if published is None:
            raise click.UsageError("give at least two --edition, or --published YEAR")
        pairs["computed"] = None
    if len(pairs) < 2 and published is None:
        raise click.UsageError("give at least two --edition, or --published YEAR")
    if any(v is None or isinstance(v, Path) for v in pairs.values()):
        fw, w, default_resp = _inputs(framework, weights, None)
        pairs = {k: (default_resp if v is None else v) for k, v in pairs.items()}
    else:
        fw, w = framework, weights
    tables = score_editions(pairs, fw, w, scheme=scheme, missing=missing, ties=ties,
                            tiers=None)
    labels = list(tables)
    for label, table in tables.items():
        for problem in table.attrs.get("problems", []):
            click.echo(f"gci: {label}: {problem}", err=True)
    comparisons = [compare_editions(tables[a], tables[b], labels=(a, b), top=top)
                   for a, b in zip(labels, labels[1:])]
    if published is not None:
        comparisons.append(compare_published(tables[labels[-1]], published, top=top))
    frames = []
    for c in comparisons:
        old, new = c.labels
        for note in c.notes:
            click.echo(f"warning: {note}", err=True)
        click.echo(comparison_text(c))
        frames.append(c.table.reset_index().assign(old=str(old), new=str(new)))
    protect = [framework, weights, *[v for v in pairs.values() if isinstance(v, Path)]]
    _write(pd.concat(frames, ignore_index=True), output, protect, quiet)


def _tier_short(label: str) -> str:
    return str(label).split(" - ")[0]


def _pillar_line(table: Any) -> str:
    """One line: mean |change| and mean change of each pillar both editions have ("" if none)."""
    cols = [c[: -len("_change")] for c in table.columns
            if c.endswith("_change") and c not in ("overall_change", "rank_change",
                                                   "tier_change", "position_change")]
    if not cols:
        return ""
    return "Pillars, mean |change| (mean change): " + ", ".join(
        f"{p} {table[p + '_change'].abs().mean():.2f} ({table[p + '_change'].mean():+.2f})"
        for p in cols)


def _corr(x: float) -> str:
    """A correlation that never prints 1.000 unless it is exactly 1."""
    if x != x:  # NaN
        return "n/a"
    text = f"{x:.4f}"
    if abs(float(text)) == 1.0 and abs(x) != 1.0:
        text = f"{x:.6f}"
    return text


def comparison_text(c: Any) -> str:
    """What `gci compare` prints for one comparison (an EditionComparison)."""
    old, new = c.labels
    s = c.stats
    n = s["n"]
    lines = [f"\n{old} -> {new}: {n} countries in both editions; positions and correlations "
             "are on these.",
             f"Scores: Spearman {_corr(s['spearman'])}, Kendall tau-b {_corr(s['kendall'])} "
             f"(n={n}); mean |score change| {s['mean_abs_diff']:.2f}.",
             f"Positions: {s['moved']} of {n} countries changed position ({s['ties_only']} "
             f"only through ties made or broken); mean |position change| "
             f"{s['rank_mean_abs_change']:.2f}."]
    cols = ["name", "overall_old", "overall_new", "overall_change", "position_old",
            "position_new", "position_change", "passed", "passed_by"]
    for title, movers in (("Up", c.up), ("Down", c.down)):
        if len(movers):
            lines.append(f"{title} (position among the {n}; passed / passed_by: countries "
                         "overtaken / overtaking):")
            lines.append(_show(movers[cols]))
    pillars = _pillar_line(c.table)
    if pillars:
        lines.append(pillars)
    if c.tiers is not None:
        lines.append(f"Tiers ({old} down, {new} across): {s['tier_agreement']:.0%} of "
                     f"{s['tier_n']} in the same tier")
        lines.append(c.tiers.rename(index=_tier_short, columns=_tier_short).to_string())
    return "\n".join(lines)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return tuple(dict.fromkeys(out))


def _numbers(values: tuple[str, ...], option: str) -> tuple[float, ...]:
    """Comma-separated numbers of an option, each read by :func:`gci.inputs.values.parse_number`."""
    from ..inputs.values import BadValue, parse_number

    out = []
    for v in _split(values):
        try:
            out.append(parse_number(v))
        except BadValue as exc:
            raise click.BadParameter(exc.message, param_hint=option) from None
    return tuple(out)


def _model(framework: Path | None, weights: Path | None, scheme: str | None,
           responses: tuple[Path, ...], missing: str, noise: str, spread: float,
           concentration: float, schemes: tuple[str, ...], policies: tuple[str, ...],
           aggregation: tuple[str, ...], ties: str = "dense",
           partial: tuple[str, ...] = (), goalposts: tuple[str, ...] = ()) -> Any:
    from ..choices import AGGREGATION_METHODS, MISSING_POLICIES

    check_names(policies, MISSING_POLICIES, "--policies", "missing-answer policy")
    check_names(aggregation, AGGREGATION_METHODS, "--aggregation", "aggregation method")
    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    check_schemes(weights, _split(schemes), "--schemes")
    from ..analysis.uncertainty import Choices, UncertaintyModel
    from ..inputs.weights import load_weights

    names = _split(schemes)
    if names == ("all",):
        from ..inputs.framework_table import load_framework_any

        names = tuple(load_weights(weights, load_framework_any(framework)).schemes)
    choices = Choices(weights=noise, spread=spread, concentration=concentration,
                      schemes=names, missing=_split(policies) or (missing,),
                      aggregation=_split(aggregation) or ("arithmetic",),
                      partial=_numbers(partial, "--partial"),
                      goalposts=_numbers(goalposts, "--goalposts"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # kept in model.notes, echoed by the command
        model = UncertaintyModel.build(responses, framework, weights, scheme=scheme,
                                       choices=choices, missing=missing, ties=ties)
    for note in model.notes:
        click.echo(f"warning: {note}", err=True)
    return model, [framework, weights, responses]


def _write_design(output: Path | None, settings: dict, quiet: bool) -> None:
    """Write what the run varied beside the table: ``<output>.design.json``."""
    from ..fileio import plain, write_json_atomic

    if output is None:
        return
    path = output.with_name(output.name + ".design.json")
    write_json_atomic(path, plain(settings))
    if not quiet:
        click.echo(f"wrote {path}")


def _choice_options(func: Any) -> Any:
    opts = [
        click.option("--weight-noise", "noise", type=Choice(["uniform", "dirichlet",
                                                                    "none"]),
                     default="uniform", show_default=True,
                     help="How weights are perturbed around the scheme drawn."),
        click.option("--spread", type=click.FloatRange(0, 1, max_open=True), default=0.2,
                     show_default=True,
                     help="uniform: each weight times U(1-spread, 1+spread)."),
        click.option("--concentration", type=click.FloatRange(0, min_open=True),
                     default=100.0, show_default=True,
                     help="dirichlet: concentration around the nominal shares (larger: "
                          "closer)."),
        click.option("--schemes", multiple=True, default=("all",), show_default=True,
                     help="Weight schemes drawn from (comma list, or all). The nominal "
                          "--scheme is always included."),
        click.option("--policies", multiple=True, default=("zero,exclude",),
                     show_default=True, help="Missing-answer policies drawn from."),
        click.option("--aggregation", multiple=True,
                     default=("arithmetic,geometric_shifted",), show_default=True,
                     help="Pillar -> overall aggregation methods drawn from. "
                          "geometric_shifted is the geometric mean of the credit rescaled to "
                          "[1, 100]; plain geometric/harmonic score every country with a zero "
                          "pillar 0 (a warning says how many)."),
        click.option("--partial", multiple=True, default=("0.25,0.5,0.75",),
                     show_default=True,
                     help="Credits of a half-way ('partial') answer drawn from; 0.5 alone: "
                          "not varied."),
        click.option("--goalposts", multiple=True, default=("0.8,1,1.2",), show_default=True,
                     help="Multipliers of the span of numeric questions' goalposts drawn "
                          "from; 1 alone: not varied."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


@click.command("uncertainty")
@click.option("--draws", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Monte Carlo draws.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@_choice_options
@click.option("--engine", type=Choice(["fast", "aggregate"]), default="fast",
              show_default=True, help="Array engine (both give the same numbers).")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the rank-interval plot (.png, .svg, .pdf).")
@click.option("--top", type=click.IntRange(min=1), help="Show / plot only the N best.")
@model_options
@output_opt
@quiet_opt
def uncertainty(draws: int, seed: int, noise: str, spread: float, concentration: float,
                schemes: tuple[str, ...], policies: tuple[str, ...],
                aggregation: tuple[str, ...], partial: tuple[str, ...],
                goalposts: tuple[str, ...], engine: str, plot_path: Path | None,
                top: int | None, framework: Path | None, weights: Path | None,
                scheme: str | None, responses: tuple[Path, ...], missing: str,
                output: Path | None, quiet: bool) -> None:
    """Monte Carlo over modelling choices: nominal, median and 5-95% rank per country.

    Varies the weights (--weight-noise), the weight scheme (--schemes), the missing-answer
    policy (--policies) and the pillar aggregation (--aggregation). Seeded: the same --seed
    gives the same numbers.
    """
    model, protect = _model(framework, weights, scheme, responses, missing, noise, spread,
                            concentration, schemes, policies, aggregation,
                            partial=partial, goalposts=goalposts)
    from ..analysis.uncertainty import run_uncertainty

    with progress_bar(draws, quiet, "Monte Carlo draws") as progress:
        res = run_uncertainty(model, draws, seed, engine=engine, progress=progress)
    table = res.table.head(top) if top else res.table
    if not quiet:
        s = res.settings
        click.echo(f"{draws} draws (seed {seed}); varied:")
        for line in s["design"]:
            click.echo(f"  - {line}")
    click.echo(_show(table.drop(columns=["name"])))  # the result: printed even with --quiet
    if plot_path is not None:
        _save_plot(res, plot_path, top, protect)
        if not quiet:
            click.echo(f"wrote {plot_path}")
    _write(res.table.reset_index(), output, protect, quiet)
    _write_design(output, res.settings, quiet)


def _save_plot(res: Any, path: Path, top: int | None, protect: list[Path]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..present.plots import FIGURE_FORMATS, save_figure
    from ..present.plots.uncertainty import plot_rank_intervals
    from ..present.tables import refuse_input_target

    if path.suffix.lower().lstrip(".") not in FIGURE_FORMATS:
        raise GCIError(f"cannot save the plot as {path}: use .png, .svg or .pdf")
    refuse_input_target(path, protect)
    ax = plot_rank_intervals(res, top=top)
    save_figure(ax, path)
    plt.close(ax.figure)


@click.command("sensitivity")
@click.option("--samples", type=click.IntRange(min=2), default=1024, show_default=True,
              help="Base sample size N (a power of 2); the model is scored N x (factors + 2) "
                   "times.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--measure", type=Choice(["rank", "score"]), default="rank",
              show_default=True, help="What is analysed: the countries' ranks or scores.")
@click.option("--ties", type=Choice(["min", "dense"]), default="min", show_default=True,
              help="Tie rule of the ranks. min: with dense ranks one tie forming anywhere "
                   "moves every lower rank, which inflates the indices.")
@click.option("--bootstrap", type=click.IntRange(min=0), default=200, show_default=True,
              help="Bootstrap resamples for the confidence intervals of the indices.")
@_choice_options
@model_options
@output_opt
@quiet_opt
def sensitivity(samples: int, seed: int, measure: str, ties: str, bootstrap: int, noise: str,
                spread: float, concentration: float, schemes: tuple[str, ...],
                policies: tuple[str, ...], aggregation: tuple[str, ...],
                partial: tuple[str, ...], goalposts: tuple[str, ...],
                framework: Path | None, weights: Path | None, scheme: str | None,
                responses: tuple[Path, ...], missing: str, output: Path | None,
                quiet: bool) -> None:
    """Sobol indices: which modelling choice drives rank (or score) changes (S1, ST, 95% CI).

    The output is the mean absolute shift of the ranks (--measure rank, min ties by default)
    or scores from their nominal values; -o writes the indices of every country as well, and
    <output>.design.json what was varied.
    """
    model, protect = _model(framework, weights, scheme, responses, missing, noise, spread,
                            concentration, schemes, policies, aggregation, ties,
                            partial=partial, goalposts=goalposts)
    from ..analysis.sensitivity import rank_sensitivity

    total = samples * (len(model.groups) + 2)
    with progress_bar(total, quiet, "Sobol samples") as progress:
        res = rank_sensitivity(model, samples, seed, progress=progress, measure=measure,
                               ties=ties, bootstrap=bootstrap)
    ranks = f"{ties} ties, " if measure == "rank" else ""
    if not quiet:
        click.echo(f"Sobol indices of the mean absolute {measure} shift ({ranks}N={samples}, "
                   f"{total} scorings, {bootstrap} bootstrap resamples); varied:")
        for line in res.settings["design"]:
            click.echo(f"  - {line}")
    click.echo(_show(res.summary))  # the result: printed even with --quiet
    summary = res.summary.reset_index().assign(iso3=f"(mean abs {measure} shift)")
    import pandas as pd

    table = pd.concat([summary, res.countries], ignore_index=True)
    table = table[["iso3", *[c for c in table.columns if c != "iso3"]]]
    _write(table, output, protect, quiet)
    _write_design(output, res.settings, quiet)


COMMANDS += [whatif, gaps, compare, uncertainty, sensitivity]
