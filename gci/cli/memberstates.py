"""Commands of the `gci` command line for member states (registered by gci.cli.app).

* ``gci template [COUNTRY] -o answers.yaml|.csv|.xlsx``: an answer template of the framework;
* ``gci questionnaire [COUNTRY] -o questionnaire.html``: the offline questionnaire that scores
  answers live.

Commands only parse arguments and call :mod:`gci.present.template` and
:mod:`gci.present.questionnaire`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    OUTPUT_RULE,
    Choice,
    _inputs,
    country_argument,
    framework_opt,
    quiet_opt,
    responses_opt,
    scheme_opt,
    weights_opt,
)

#: Commands this module adds to ``gci`` (registered in one place, :mod:`gci.cli.app`).
COMMANDS: list[click.Command] = []


def _responses_for(responses: Path | list[Path], country: str | None):  # noqa: ANN202
    """The responses to prefill from (Responses or None): read when a country is named.

    The default folder is skipped when it does not exist (a template for a new edition);
    several ``--responses`` were named by the user and are read as given (a missing one is an
    error).
    """
    from ..inputs.responses import load_responses

    if country is None or (not isinstance(responses, list) and not Path(responses).exists()):
        return None
    return load_responses(responses)


@click.command("template")
@country_argument(required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Template to write: .yaml, .csv or .xlsx. " + OUTPUT_RULE)
@framework_opt
@responses_opt
@click.option("--blank", is_flag=True, help="Do not prefill the country's current answers.")
@quiet_opt
def template(country: str | None, output: Path, framework: Path | None,
             responses: tuple[Path, ...], blank: bool, quiet: bool) -> None:
    """Write an answer template: every question in order, with what it accepts.

    COUNTRY (ISO3 or name) fills the iso3 column and prefills the country's current answers
    from --responses (default responses/), unless --blank. Fill it in, then
    `gci validate --responses FILE` and `gci score --with FILE`.

    Example: gci template KEN -o kenya.xlsx
    """
    from ..inputs.framework_table import load_framework_any
    from ..present.tables import refuse_input_target
    from ..present.template import write_template

    framework, _, responses = _inputs(framework, None, responses, need_weights=False)
    refuse_input_target(output, [framework, responses])
    iso3 = country  # an ISO3 code (COUNTRY is resolved on parsing)
    fw = load_framework_any(framework)
    resp = None if blank else _responses_for(responses, iso3)
    path = write_template(fw, output, iso3, resp)
    if not quiet:
        n = len(fw.questions)
        filled = 0 if resp is None else int((resp.table["iso3"] == iso3).sum())
        click.echo(f"  wrote {path} ({n} questions" +
                   (f", {filled} answers prefilled" if filled else "") + ")")


@click.command("questionnaire")
@country_argument(required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The page to write (.html). " + OUTPUT_RULE)
@framework_opt
@weights_opt
@scheme_opt
@responses_opt
@click.option("--missing", type=Choice(["zero", "exclude"]), default="zero",
              show_default=True, help="Missing answers count as 0 (as the GCI) or are left out.")
@click.option("--no-edition", is_flag=True,
              help="Do not embed the scores of the other countries (no position shown).")
@click.option("--blank", is_flag=True, help="Do not prefill the country's current answers.")
@quiet_opt
def questionnaire(country: str | None, output: Path, framework: Path | None,
                  weights: Path | None, scheme: str | None, responses: tuple[Path, ...],
                  missing: str, no_edition: bool, blank: bool, quiet: bool) -> None:
    """Write the offline questionnaire: one HTML file that scores answers as they are typed.

    The page shows the questions pillar by pillar, hides questions that do not apply, and shows
    the live overall and pillar scores, the tier and (unless --no-edition) the position among
    the countries of --responses. It saves and loads responses files (YAML or JSON). It needs
    no network and no other file.

    Example: gci questionnaire KEN -o kenya_questionnaire.html
    """
    from .. import __version__
    from ..engine.scoring import score
    from ..inputs.project import default_paths
    from ..inputs.weights import resolve_scheme
    from ..present.questionnaire import questionnaire_data, write_questionnaire
    from ..present.tables import refuse_input_target

    framework, weights, responses = _inputs(framework, weights, responses, scheme=scheme)
    refuse_input_target(output, [framework, weights, responses])
    iso3 = country  # an ISO3 code (COUNTRY is resolved on parsing)
    edition = None
    label = ""
    if not no_edition:
        from ..inputs.framework_table import load_framework_any
        from ..inputs.responses import load_responses
        from ..inputs.tiers import GCI2024

        everyone = load_responses(responses)
        fw = load_framework_any(framework)
        fits = GCI2024.fits(resolve_scheme(weights, scheme, fw).scale)
        edition = score(everyone, fw, weights, scheme=scheme, missing=missing,
                        tiers="gci2024" if fits else None)
        fw, ws = edition.framework, edition.scheme
        shipped = Path(responses).resolve() == default_paths()["responses"].resolve() \
            if Path(responses).exists() else False
        label = (f"the {len(edition.countries)} countries of the shipped demo edition "
                 "(SYNTHETIC answers, not ITU data)" if shipped else
                 f"the {len(edition.countries)} countries of {responses}")
        resp = None if blank or iso3 is None else everyone
    else:
        from ..inputs.framework_table import load_framework_any

        fw = load_framework_any(framework)
        ws = resolve_scheme(weights, scheme, fw)
        resp = None if blank else _responses_for(responses, iso3)
    data = questionnaire_data(fw, ws, missing=missing, country=iso3, responses=resp,
                              edition=edition, edition_label=label)
    data["generator"] = __version__
    path = write_questionnaire(output, data)
    if not quiet:
        click.echo(f"  wrote {path} ({len(fw.questions)} questions"
                   + (f"; positions among {len(edition.countries)} countries" if edition else "")
                   + ")")


COMMANDS += [template, questionnaire]


def echo_changes(before, after) -> None:  # noqa: ANN001 - ScoreResult
    """Print what changed for each replaced country of ``after`` (``--with``)."""
    from ..analysis.whatif import replacement_changes

    table = replacement_changes(before, after)
    group = after.options["groups"]
    for iso3, rows in table.groupby("iso3", sort=False):
        row = after.scores.loc[iso3]
        new = iso3 not in before.countries
        click.echo(f"{iso3} ({row['name']}) with the given answers"
                   + (" (new to this edition)" if new else "") + ":")
        for r in rows.itertuples():
            name = {"global_rank": "global rank", "regional_rank":
                    f"rank in {row[group]}"}.get(r.measure, r.measure)
            if r.measure in ("global_rank", "regional_rank"):
                of = len(after.countries) if r.measure == "global_rank" else \
                    int((after.groups.reindex(after.countries) == row[group]).sum())
                ch = "" if r.change is None else (f" ({r.change:+d} places)" if r.change else
                                                  " (same)")
                before_txt = "–" if r.before is None else str(r.before)
                click.echo(f"  {name:<24} {before_txt:>8} -> {r.after!s:>4} of {of}{ch}")
            elif r.measure == "tier":
                click.echo(f"  {name:<24} {r.before or '–'} -> {r.after}")
            else:
                before_txt = "–" if r.before is None else f"{r.before:.2f}"
                ch = "" if r.change is None else f" ({r.change:+.2f})"
                click.echo(f"  {name:<24} {before_txt:>8} -> {r.after:.2f}{ch}")
