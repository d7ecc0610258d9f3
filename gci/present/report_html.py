"""One-country profile as a single self-contained HTML page (``gci report ISO3``).

The page needs no other file and no network: styles are inline, the radar chart is an inline SVG
(text drawn as paths), and a Content-Security-Policy forbids loading anything. Every piece of
text that comes from inputs (country and question names, answers, evidence, paths, the
manifest) is HTML-escaped; evidence is a link only when it is an ``http(s)`` URL.

Like ITU's GCI 2024 country profiles it leads with the tier (when the run's tier scheme names an
edition, e.g. "GCI 2024"), then the overall score and, as ITU did up to 2020, global and regional
rank; the pillar scores against the region's and the world's mean, each pillar labelled an **area
of relative strength** or an **area of potential growth** (:func:`pillar_areas`); the tier peers
in the region; optionally ITU's published scores beside the computed ones; the indicator table;
the questions not at full credit with the points each would add to the overall score ("where the
points are"); the evidence given; the run's validation warnings for the country; and the
manifest of the run. A banner marks synthetic answers (response files with ``synthetic: true``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..fileio import write_text_atomic
from ..inputs.responses import MISSING
from ..sanitise import for_html, for_json
from .plots.colors import pillar_colors, tier_colors
from .plots.radar import pillar_comparison

if TYPE_CHECKING:
    from ..engine.result import ScoreResult

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")


def where_the_points_are(result: ScoreResult, country: str) -> pd.DataFrame:
    """Questions of one country that are not at full credit, with the points each would add.

    ``gain`` is how much the overall score would change if that one question got full credit,
    every other answer unchanged: an exact re-score by :func:`gci.analysis.gaps.result_gaps` (all
    questions as one batch), so it holds for any aggregation method and missing-answer policy,
    and it follows ``applies_if`` conditions. ``now_applies`` lists the questions that would then
    apply; while they are unanswered (counted as zero) the gain can be small or negative.
    Questions that do not apply are left out.

    Returns
    -------
    DataFrame
        One row per question, largest gain first: ``question``, ``name``, ``pillar``,
        ``indicator``, ``answer`` (None when missing), ``state``, ``credit``, ``points``,
        ``gain``, ``now_applies``, ``evidence``.
    """
    from ..analysis.gaps import result_gaps

    iso3 = result.country_code(country)
    cols = ["question", "name", "pillar", "indicator", "answer", "state", "credit", "points",
            "gain", "now_applies", "evidence"]
    g = result_gaps(result, iso3, by_pillar=False)
    if g.empty:
        return pd.DataFrame(columns=cols)
    i = result.countries.index(iso3)
    qcol = pd.Index(result.framework.question_codes)
    j = qcol.get_indexer(g["question"])
    points = result.points(list(g["question"])).loc[iso3].to_numpy(float)
    out = pd.DataFrame({
        "question": g["question"],
        "name": g["name"],
        "pillar": g["pillar"],
        "indicator": g["indicator"],
        "answer": result.matrix.raw.iloc[i, j].to_numpy(object),
        "state": np.where(result.matrix.state[i, j] == MISSING, "missing", "answered"),
        "credit": result.matrix.credit[i, j],
        "points": points,
        "gain": g["points_gain"].to_numpy(float),
        "now_applies": g["now_applies"],
        "evidence": result.matrix.evidence.iloc[i, j].to_numpy(object),
    })
    out = out.sort_values(["gain", "question"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


STRENGTH = "relative strength"
GROWTH = "potential growth"
AREA_RULE = ("A pillar is an area of relative strength when its score, as a share of the "
             "pillar's maximum, is at or above the country's own mean over its pillars; the other "
             "pillars are areas of potential growth. (This reproduces the labels ITU's GCI 2024 "
             "profiles give where they are publicly quoted, e.g. India: organizational measures "
             "the one area of potential growth; ITU does not publish its rule.)")


def pillar_areas(result: ScoreResult, country: str) -> pd.DataFrame:
    """Each pillar of one country labelled an area of relative strength or of potential growth.

    Rule (:data:`AREA_RULE`): strength when the pillar's score share (% of its maximum) is at or
    above the mean of the country's pillar shares (to 1e-9), growth otherwise. A country at the
    same share on every pillar has strengths only.

    Returns
    -------
    DataFrame
        Index: pillar codes; ``name``, ``country`` (score %), ``country_mean`` (mean share %),
        ``region``, ``world`` (means %), ``points``, ``max_points``, ``area``.
    """
    iso3 = result.country_code(country)
    table = pillar_comparison(result, iso3)
    share = table["country"].astype(float)
    mean = float(share.mean())
    table["country_mean"] = mean
    table["area"] = np.where(share.fillna(-np.inf) >= mean - 1e-9, STRENGTH, GROWTH)
    return table


def tier_peers(result: ScoreResult, country: str) -> pd.DataFrame:
    """Other countries of the same tier in the same region (group), best first.

    Returns
    -------
    DataFrame
        Indexed by iso3: ``name``, ``overall``; empty without tiers or without a region.
    """
    iso3 = result.country_code(country)
    scores = result.scores
    group_col = result.options["groups"]
    if "tier" not in scores or not isinstance(scores.loc[iso3, "tier"], str) or \
            not isinstance(scores.loc[iso3].get(group_col), str):
        return pd.DataFrame(columns=["name", "overall"])
    row = scores.loc[iso3]
    same = (scores["tier"] == row["tier"]) & (scores[group_col] == row[group_col])
    peers = scores.loc[same & (scores.index != iso3), ["name", "overall"]]
    return peers.sort_values(["overall", "name"], ascending=[False, True])


def published_pillars(edition: int | str) -> pd.DataFrame:
    """ITU's published overall (and, for 2024, pillar) scores of one edition, by ISO3.

    The table of :func:`gci.inputs.published.scores`: 2024 has the overall and the five pillar
    scores;
    2014–2020 the overall score on 0–100 only.

    Raises
    ------
    GCIError
        For an edition gci does not ship (the message lists those it does).
    """
    from ..inputs.published import scores

    return scores(edition)


def country_profile(result: ScoreResult, country: str, *, command: str | None = None,
                    published: int | str | None = None, ranks: bool | None = None) -> str:
    """The HTML profile of one country (a complete, self-contained page).

    Parameters
    ----------
    result : ScoreResult
    country : str
        ISO3 code or unambiguous name.
    command : str, optional
        The command line, recorded in the manifest section.
    published : int or str, optional
        An edition of ITU's published GCI (2024: with pillar scores) to show beside the
        computed scores.
    ranks : bool, optional
        Show the global and regional rank. Default: not for an edition whose tier scheme names
        it (GCI 2024 publishes tiers, not ranks; the page says how to show them), else yes.

    Returns
    -------
    str
        The page.
    """
    iso3 = result.country_code(country)
    row = result.scores.loc[iso3]
    e = for_html
    name = str(row["name"])
    group_col = result.options["groups"]
    region = row.get(group_col)
    region_text = str(region) if isinstance(region, str) else "no region"
    n_scored = int(result.overall.notna().sum())
    groups = result.groups.reindex(result.overall.index)
    n_region = int((result.overall.notna() & (groups == region)).sum()) if isinstance(
        region, str) else 0
    tier = row.get("tier") if "tier" in row.index else None
    tier_text = str(tier) if isinstance(tier, str) else "—"
    tier_color = (tier_colors(result.tier_scheme).get(tier, "#eeeeee")
                  if result.tier_scheme is not None else "#eeeeee")
    parts = [_head(f"GCI profile: {name} ({iso3})")]
    parts.append("<body><main>")
    if iso3 in synthetic_countries(result) or _is_demo(result):
        parts.append('<p class="banner" id="synthetic-note">SYNTHETIC DEMO DATA — these answers '
                     "were generated for demonstration (their files say <code>synthetic: true"
                     "</code>); they are not ITU data and not this country's real answers.</p>")
    parts.append(f'<header><h1 id="country-name">{e(name)} <span class="iso">{e(iso3)}</span>'
                 f'</h1><p class="sub">{e(result.framework.title or result.framework.code)}'
                 f" · weight scheme <b>{e(result.scheme.name)}</b> · missing answers "
                 f"{e(result.options['missing'])} · gci {e(result.version)}</p></header>")
    rank = _fmt_int(row.get("global_rank"))
    rrank = _fmt_int(row.get("regional_rank"))
    edition = getattr(result.tier_scheme, "edition", None)
    tier_label = f"{edition} tier" if edition else "Tier"
    show_ranks = (edition is None or tier is None) if ranks is None else ranks
    rank_cards = (f'<div class="card"><div class="label">Global rank</div><div class="big">'
                  f'<span id="global-rank">{rank}</span></div><div class="small">of '
                  f'<span id="global-count">{n_scored}</span> economies</div></div>'
                  f'<div class="card"><div class="label">Regional rank</div><div class="big">'
                  f'<span id="regional-rank">{rrank}</span></div><div class="small">of '
                  f'<span id="regional-count">{n_region}</span> in <span id="region">'
                  f'{e(region_text)}</span></div></div>') if show_ranks else ""
    parts.append('<section class="cards">'
                 f'<div class="card tier-card" style="border-top-color:{tier_color}">'
                 f'<div class="label" id="tier-label">{e(tier_label)}</div>'
                 f'<div class="mid" id="tier">{e(tier_text)}</div></div>'
                 f'<div class="card"><div class="label">Overall score</div><div class="big">'
                 f'<span id="overall-score">{_fmt(row["overall"])}</span></div>'
                 f'<div class="small">out of {result.scale:g}</div></div>'
                 f'{rank_cards}</section>')
    if not show_ranks:
        parts.append(f'<p class="note" id="ranks-note">{e(edition)} places economies in tiers '
                     "and publishes no ranks, so this profile shows none; ranks computed by "
                     "gci are available on request (<code>gci report --ranks</code>, "
                     "<code>ranks=True</code>) and in <code>scores.csv</code>.</p>")
    parts.append(_pillar_section(result, iso3, region_text))
    parts.append(_areas_section(result, iso3))
    parts.append(_peers_section(result, iso3, region_text, tier_text))
    if published is not None:
        parts.append(_published_section(result, iso3, published))
    parts.append(_indicator_section(result, iso3))
    parts.append(_points_section(result, iso3, int(row["missing_answers"]),
                                 int(row["not_applicable"])))
    parts.append(_evidence_section(result, iso3))
    parts.append(_warnings_section(result, iso3))
    manifest = json.dumps(for_json(result.manifest(command=command)), indent=2,
                          ensure_ascii=False,
                          default=str)
    parts.append('<section id="manifest"><h2>Manifest of the run</h2><p class="note">What went '
                 "in and how: versions, options, input files with their SHA-256, steps.</p>"
                 f"<details><summary>Show the manifest</summary><pre>{e(manifest)}</pre>"
                 "</details></section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_country_profile(result: ScoreResult, country: str, path: str | os.PathLike, *,
                          protect: list[str | os.PathLike] | None = None,
                          command: str | None = None,
                          published: int | str | None = None,
                          ranks: bool | None = None) -> Path:
    """Write :func:`country_profile` to ``path`` atomically (never over an input file)."""
    path = Path(path)
    refuse_input_target(result, path, protect)
    write_text_atomic(path, country_profile(result, country, command=command,
                                            published=published, ranks=ranks))
    return path


def refuse_input_target(result: ScoreResult, path: Path,
                        protect: list[str | os.PathLike] | None = None) -> None:
    """Raise when ``path`` is one of the run's inputs (or ``protect``), or inside one's folder."""
    from .output import input_paths
    from .tables import refuse_input_target as refuse

    refuse(path, [*input_paths(result), *(protect or [])])


# --- sections ---------------------------------------------------------------------------------
def _pillar_section(result: ScoreResult, iso3: str, region_text: str) -> str:
    from matplotlib.figure import Figure

    from .plots import figure_to_svg
    from .plots.radar import radar

    e = for_html
    table = pillar_comparison(result, iso3)
    areas = pillar_areas(result, iso3)["area"]
    colors = pillar_colors(result.framework)
    fig = Figure(figsize=(5.4, 4.8), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    radar(result, iso3, ax=ax)
    svg = figure_to_svg(fig)
    rows = []
    for code, r in table.iterrows():
        pct = 0.0 if pd.isna(r["country"]) else float(r["country"])
        rows.append(
            f'<tr data-pillar="{e(str(code))}"><td><span class="sw" style="background:'
            f'{colors[code]}"></span>{e(str(r["name"]))}</td>'
            f'<td class="num points">{_fmt(r["points"])}</td>'
            f'<td class="num">{_fmt(r["max_points"])}</td>'
            f'<td class="num score">{_fmt(r["country"], 1)}</td>'
            f'<td class="barcell"><div class="bar" style="width:{pct:.1f}%;background:'
            f'{colors[code]}"></div></td>'
            f'<td class="num region-mean">{_fmt(r["region"], 1)}</td>'
            f'<td class="num world-mean">{_fmt(r["world"], 1)}</td>'
            f'<td class="area {_AREA_CLASS[areas[code]]}">{e(areas[code])}</td></tr>')
    return ('<section id="pillars"><h2>Pillars</h2><div class="two"><div class="chart" '
            f'role="img" aria-label="Radar chart of pillar scores">{svg}</div><div>'
            '<table class="data"><thead><tr><th>Pillar</th><th>Points</th><th>of</th>'
            '<th>Score %</th><th></th>'
            f'<th>{e(region_text)} mean %</th><th>World mean %</th><th>Area</th></tr></thead>'
            '<tbody>'
            + "".join(rows) + "</tbody></table>"
            '<p class="note">Points are the pillar\'s contribution to the overall score; '
            "score % is the share of the pillar's maximum reached. Means are over the "
            "economies scored in this run.</p></div></div></section>")


_AREA_CLASS = {STRENGTH: "strength", GROWTH: "growth"}


def _areas_section(result: ScoreResult, iso3: str) -> str:
    e = for_html
    t = pillar_areas(result, iso3)
    strong = [str(n) for n, a in zip(t["name"], t["area"]) if a == STRENGTH]
    grow = [str(n) for n, a in zip(t["name"], t["area"]) if a == GROWTH]
    return ('<section id="areas"><h2>Areas of relative strength and of potential growth</h2>'
            '<div class="two"><div class="card strength-card"><div class="label">Areas of '
            'relative strength</div><ul id="strengths">'
            + "".join(f"<li>{e(n)}</li>" for n in strong) + "</ul></div>"
            '<div class="card growth-card"><div class="label">Areas of potential growth</div>'
            '<ul id="growth">' + ("".join(f"<li>{e(n)}</li>" for n in grow) or "<li>none</li>")
            + f'</ul></div></div><p class="note" id="area-rule">{e(AREA_RULE)} Here the '
            f"country's mean pillar share is {_fmt(t['country_mean'].iloc[0], 1)} %.</p>"
            "</section>")


def _peers_section(result: ScoreResult, iso3: str, region_text: str, tier_text: str) -> str:
    e = for_html
    peers = tier_peers(result, iso3)
    if "tier" not in result.scores:
        return ""
    items = "".join(f'<li data-peer="{e(str(c))}">{e(str(r["name"]))} ({e(str(c))}, '
                    f'{_fmt(r["overall"])})</li>' for c, r in peers.iterrows())
    body = (f'<ul id="tier-peers" class="peers">{items}</ul>' if items else
            '<p id="tier-peers">No other economy of the region is in this tier.</p>')
    return (f'<section id="peers"><h2>Tier peers in {e(region_text)}</h2><p class="note">'
            f"Economies of {e(region_text)} in the same tier ({e(tier_text)}) in this run: "
            f'<span id="peer-count">{len(peers)}</span>.</p>{body}</section>')


def _published_section(result: ScoreResult, iso3: str, edition: int | str) -> str:
    e = for_html
    table = published_pillars(edition)
    if iso3 not in table.index:
        return (f'<section id="published"><h2>Published GCI {e(str(edition))}</h2><p>No '
                f"published score for {e(iso3)}.</p></section>")
    pub = table.loc[iso3]
    row = result.scores.loc[iso3]
    codes = ["overall"] + [p.code for p in result.framework.pillars]
    names = {"overall": "Overall", **{p.code: p.name for p in result.framework.pillars}}
    rows = []
    for c in codes:
        p = pub.get(c, np.nan)
        diff = float(row[c]) - float(p) if pd.notna(p) else np.nan
        rows.append(f'<tr data-published="{e(c)}"><td>{e(names[c])}</td>'
                    f'<td class="num computed">{_fmt(row[c])}</td>'
                    f'<td class="num published">{_fmt(p)}</td>'
                    f'<td class="num diff">{_signed(diff)}</td></tr>')
    note = ""
    if result.tier_scheme is not None and pd.notna(pub.get("overall", np.nan)):
        ptier = result.tier_scheme.assign(pd.Series([round(float(pub["overall"]), 2)])).iloc[0]
        note = (f'<p class="note">Published tier: <b id="published-tier">{e(str(ptier))}</b>'
                f" (from the published overall score).</p>")
    return (f'<section id="published"><h2>Computed and published GCI {e(str(edition))}</h2>'
            '<table class="data"><thead><tr><th></th><th>Computed (this run)</th>'
            f"<th>Published by ITU ({e(str(edition))})</th><th>Difference</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>" + note + "</section>")


def _warnings_section(result: ScoreResult, iso3: str) -> str:
    e = for_html
    v = result.validation
    mine = v[v["country"] == iso3] if len(v) else v
    rows = "".join(f'<tr class="warning"><td>{e(str(r.kind))}</td><td>{e(str(r.item or ""))}'
                   f"</td><td>{e(str(r.message))}</td><td>{e(str(r.file or ''))}</td></tr>"
                   for r in mine.itertuples(index=False))
    body = rows or '<tr><td colspan="4">No warnings for this country.</td></tr>'
    return ('<section id="warnings"><h2>Validation warnings</h2><p class="note">Problems the '
            f'run found in this country\'s answers: <span id="warning-count">{len(mine)}</span>.'
            '</p><table class="data"><thead><tr><th>Kind</th><th>Item</th><th>Message</th>'
            "<th>File</th></tr></thead><tbody>" + body + "</tbody></table></section>")


def _indicator_section(result: ScoreResult, iso3: str) -> str:
    e = for_html
    ind = result.indicators
    cred = ind.pivot(index="iso3", columns="indicator", values="credit")
    groups = result.groups.reindex(cred.index)
    region = result.groups.get(iso3)
    same = (groups == region).to_numpy() if isinstance(region, str) else np.zeros(len(cred),
                                                                                 bool)
    reg_mean = cred[same].mean() * 100 if same.any() else pd.Series(dtype=float)
    world_mean = cred.mean() * 100
    mine = ind[ind["iso3"] == iso3]
    nodes = result.framework.nodes
    colors = pillar_colors(result.framework)
    rows = []
    for r in mine.itertuples(index=False):
        indent = ' class="subind"' if r.level != "indicator" else ""
        rows.append(
            f'<tr data-indicator="{e(r.indicator)}"><td><span class="sw" style="background:'
            f'{colors[r.pillar]}"></span>{e(nodes[r.pillar].name)}</td>'
            f"<td{indent}>{e(r.name)}</td>"
            f'<td class="num score">{_fmt(r.credit * 100, 1)}</td>'
            f'<td class="num points">{_fmt(r.points)}</td>'
            f'<td class="num">{_fmt(r.max_points)}</td>'
            f'<td class="num">{_fmt(reg_mean.get(r.indicator), 1)}</td>'
            f'<td class="num">{_fmt(world_mean.get(r.indicator), 1)}</td></tr>')
    return ('<section id="indicators"><h2>Indicators</h2><table class="data"><thead><tr>'
            "<th>Pillar</th><th>Indicator</th><th>Score %</th><th>Points</th><th>of</th>"
            "<th>Region mean %</th><th>World mean %</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></section>")


def _points_section(result: ScoreResult, iso3: str, n_missing: int, n_na: int) -> str:
    e = for_html
    table = where_the_points_are(result, iso3)
    nodes = result.framework.nodes
    max_points = result.effective_weights["max_points"]
    total = float(table["gain"].sum()) if len(table) else 0.0
    rows = []
    for r in table.itertuples(index=False):
        answer = "missing" if r.state == "missing" else str(r.answer)
        cls = ' class="missing"' if r.state == "missing" else ""
        rows.append(
            f'<tr data-question="{e(r.question)}"{cls}><td>{e(r.question)}</td>'
            f"<td>{e(r.name)}</td><td>{e(nodes[r.indicator].name if r.indicator else '')}</td>"
            f'<td class="answer">{e(answer)}</td>'
            f'<td class="num">{_fmt(r.credit * 100 if pd.notna(r.credit) else np.nan, 0)}</td>'
            f'<td class="num weight">{_fmt(max_points.get(r.question))}</td>'
            f'<td class="num gain">{_signed(r.gain)}{_then_applies(r.now_applies)}</td></tr>')
    body = ("".join(rows) if rows else
            '<tr><td colspan="7">Every applicable question has full credit.</td></tr>')
    return ('<section id="points"><h2>Where the points are</h2>'
            f'<p class="note">{len(table)} question(s) are answered no, partially, or not at '
            f"all ({n_missing} missing, counted as "
            f"{'zero' if result.options['missing'] == 'zero' else 'excluded'}; {n_na} do not "
            "apply). <b>Weight</b> is the question's nominal share of the overall score in points; "
            "<b>+points</b> is how much the overall score would change if that question "
            f"alone got full credit (together about +{_fmt(total)}; gains interact when "
            "several change). Where a full answer makes other questions apply, they are named: "
            "until they are answered they count as "
            f"{'zero' if result.options['missing'] == 'zero' else 'excluded'}.</p>"
            '<table class="data"><thead><tr><th>Question</th><th>Asks</th><th>Indicator</th>'
            "<th>Answer</th><th>Credit %</th><th>Weight (max points)</th><th>+points</th>"
            "</tr></thead><tbody>"
            + body + "</tbody></table></section>")


def _evidence_section(result: ScoreResult, iso3: str) -> str:
    e = for_html
    ev = result.matrix.evidence.loc[iso3]
    raw = result.matrix.raw.loc[iso3]
    nodes = result.framework.nodes
    rows = []
    for q, link in ev.items():
        if link is None or (isinstance(link, float) and np.isnan(link)) or not str(link).strip():
            continue
        parts = []  # several sources are one per line (gci.inputs.values.parse_evidence)
        for text in (t.strip() for t in str(link).splitlines() if t.strip()):
            if text.lower().startswith(("http://", "https://")):
                parts.append(f'<a href="{e(text, quote=True)}" rel="noopener noreferrer '
                             f'nofollow" target="_blank">{e(text)}</a>')
            else:
                parts.append(e(text))
        cell = "<br>".join(parts)
        rows.append(f'<tr data-question="{e(str(q))}"><td>{e(str(q))}</td>'
                    f"<td>{e(nodes[q].name)}</td><td>{e(str(raw[q]))}</td><td>{cell}</td></tr>")
    body = "".join(rows) if rows else '<tr><td colspan="4">No evidence was given.</td></tr>'
    return ('<section id="evidence"><h2>Evidence</h2><p class="note">Links as given in the '
            "responses; they are not checked or fetched.</p><table class=\"data\"><thead><tr>"
            "<th>Question</th><th>Asks</th><th>Answer</th><th>Evidence</th></tr></thead><tbody>"
            + body + "</tbody></table></section>")


# --- helpers ----------------------------------------------------------------------------------
def _head(title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{for_html(title)}</title>
<style>{_CSS}</style></head>"""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
background:#f6f7f9;color:#1d232b;line-height:1.4}
main{max-width:1100px;margin:0 auto;padding:20px 24px 48px}
h1{margin:.2em 0 .1em;font-size:1.9em}h1 .iso{color:#6b7785;font-weight:400;font-size:.6em}
h2{margin:1.6em 0 .5em;font-size:1.25em;border-bottom:2px solid #dde2e8;padding-bottom:.2em}
.sub{color:#55606d;margin:0}.note{color:#55606d;font-size:.88em}
.banner{background:#fff4d6;border:1px solid #e6c35c;padding:8px 12px;border-radius:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;
margin-top:16px}
.card{background:#fff;border-radius:8px;padding:12px 16px;border-top:5px solid #0072B2;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
.label{font-size:.8em;text-transform:uppercase;letter-spacing:.04em;color:#6b7785}
.big{font-size:2.1em;font-weight:650}.mid{font-size:1.25em;font-weight:600;padding:.35em 0}
.small{font-size:.85em;color:#55606d}
.two{display:grid;grid-template-columns:minmax(280px,1fr) minmax(320px,1.2fr);gap:16px;
align-items:start}
@media (max-width:800px){.two{grid-template-columns:1fr}}
.chart svg{max-width:100%;height:auto;background:#fff;border-radius:8px}
table.data{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}
table.data th{background:#eef1f5;text-align:left;padding:6px 8px;font-weight:600}
table.data td{border-top:1px solid #e6e9ee;padding:5px 8px;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.subind{padding-left:22px;color:#444}
tr.missing td.answer{color:#b3261e;font-style:italic}
td.gain{font-weight:600;color:#1a7f37}
td.area.strength{color:#1a7f37;font-weight:600}td.area.growth{color:#9a5b00;font-weight:600}
.strength-card{border-top-color:#1a7f37}.growth-card{border-top-color:#e69f00}
.tier-card .mid{font-size:1.45em}ul.peers{columns:2;background:#fff;padding:10px 30px;
border-radius:6px}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.barcell{width:22%}.bar{height:10px;border-radius:3px;min-width:1px}
pre{white-space:pre-wrap;word-break:break-all;background:#fff;padding:10px;font-size:.78em;
border-radius:6px;max-height:480px;overflow:auto}
a{color:#0b5cad;word-break:break-all}
@media print{body{background:#fff}.card{box-shadow:none;border:1px solid #ccc}}
"""


def _signed(x: float) -> str:
    """A gain with its sign (``+12.50``, ``-9.38``)."""
    return f"{x:+.2f}" if pd.notna(x) else ""


def _then_applies(codes: str) -> str:
    """Note on the questions a full answer would make apply."""
    if not codes:
        return ""
    return f'<div class="then-applies">then {for_html(codes)} would apply</div>'


def _fmt(x: object, decimals: int = 2) -> str:
    if x is None:
        return "—"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—"
    if np.isnan(v):
        return "—"
    return f"{v:.{decimals}f}"


def _fmt_int(x: object) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—"
    return "—" if np.isnan(v) else f"{int(v)}"


def synthetic_countries(result: ScoreResult) -> set[str]:
    """Countries whose response files (YAML/JSON) of this run say ``synthetic: true``.

    Files are read as text and scanned for a top-level ``synthetic: true`` (YAML) or
    ``"synthetic": true`` (JSON) and the ``country``/``iso3`` key; a file that cannot be read
    any more is skipped.
    """
    import re

    from ..inputs.countries import resolve_country

    flag = re.compile(r'^\s*"?synthetic"?\s*:\s*(true|yes)\s*,?\s*$', re.M | re.I)
    who = re.compile(r'^\s*"?(?:country|iso3)"?\s*:\s*"?([^"\n,#]+?)"?\s*,?\s*$', re.M)
    out: set[str] = set()
    for entry in result.inputs.get("responses") or []:
        try:
            path = Path(entry["path"])
            if path.suffix.lower() not in (".yaml", ".yml", ".json"):
                continue
            text = path.read_text(encoding="utf-8-sig")
        except (KeyError, OSError, TypeError, UnicodeDecodeError):
            continue
        m = who.search(text)
        if flag.search(text) and m:
            iso3 = resolve_country(m.group(1).strip(), set(result.countries))[0]
            if iso3:
                out.add(iso3)
    return out


def _is_demo(result: ScoreResult) -> bool:
    """Whether the responses are the shipped synthetic demo files."""
    from ..inputs.project import project_root

    root = project_root()
    entries = result.inputs.get("responses") or []
    if root is None or not entries:
        return False
    demo = (root / "responses").resolve()
    try:
        return all(Path(x["path"]).resolve().parent == demo for x in entries)
    except (KeyError, OSError, TypeError):
        return False
