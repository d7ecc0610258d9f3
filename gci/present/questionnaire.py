"""The offline questionnaire: one self-contained HTML page that scores answers as they are typed.

``gci questionnaire KEN -o questionnaire.html`` writes a page with every question of the
framework, pillar by pillar, that hides and shows conditional questions as answers change and
shows the live overall score, the pillar scores and the tier and, when an edition is embedded,
where the country would stand among the others (global and regional position, tier peers). It
saves the answers as a responses file (YAML or JSON) that ``gci validate`` accepts, and loads
such a file back.

The page's engine is a direct JavaScript transcription of :func:`gci.score`'s arithmetic
aggregation: the hierarchy, the relative node weights (:func:`gci.engine.scoring.node_weights`, the
same array the Python engine aggregates with), the answer scales, goalposts, ranges and
conditions are all embedded as JSON derived from the same :class:`~gci.inputs.framework.Framework`
and
:class:`~gci.inputs.weights.WeightScheme` objects; nothing about weights is re-derived in the page.
Supported: missing answers ``zero`` or ``exclude``, arithmetic aggregation, dense ranks on scores
rounded to 2 decimals (ITU's rules). Anything else is refused rather than approximated.

The page needs no network and no other file: a Content-Security-Policy allows only its own
script and style (by hash). Every embedded text is JSON inside a ``<script
type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page inserts all text with
``textContent``, never as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.aggregate import Structure
from ..engine.scoring import node_weights
from ..errors import GCIError
from ..fileio import write_text_atomic
from ..inputs.countries import country_name, region_of
from ..inputs.framework import Framework, condition_order
from ..sanitise import for_html
from .template import allowed_text, condition_text

if TYPE_CHECKING:
    from ..engine.result import ScoreResult
    from ..inputs.responses import Responses
    from ..inputs.weights import WeightScheme

_HERE = Path(__file__).resolve().parent.parent / "data"  # gci/data
QUESTIONNAIRE_MISSING = ("zero", "exclude")


def questionnaire_data(fw: Framework, ws: WeightScheme, *, missing: str = "zero",
                       country: str | None = None, responses: Responses | None = None,
                       edition: ScoreResult | None = None, edition_label: str = "",
                       tiers: Any = "gci2024") -> dict:
    """Everything the page embeds, as plain JSON-able data.

    Parameters
    ----------
    fw, ws : Framework, WeightScheme
        The framework and weight scheme the page scores with.
    missing : {"zero", "exclude"}
        Missing-answer policy.
    country : str, optional
        ISO3 code preselected in the page.
    responses : Responses, optional
        Prefills the form with ``country``'s answers found there.
    edition : ScoreResult, optional
        The edition the country is placed in (its options must match: same framework questions,
        scheme, missing policy, arithmetic aggregation, dense ties on 2 decimals).
    edition_label : str
        How the page names the edition (say "synthetic" when it is).
    tiers : str, TierScheme or None
        Tier scheme (default GCI 2024).

    Raises
    ------
    GCIError
        A framework, policy or edition the page cannot score exactly like :func:`gci.score`.
    """
    from ..inputs.tiers import get_tier_scheme

    if missing not in QUESTIONNAIRE_MISSING:
        raise GCIError(f"the questionnaire scores missing answers as 'zero' or 'exclude', not "
                       f"{missing!r}: imputing from other countries cannot be done in one page")
    normalised = [q.code for q in fw.questions if q.type == "numeric" and q.normalise]
    if normalised:
        raise GCIError("the questionnaire cannot score numeric questions normalised across "
                       f"countries ({', '.join(normalised)}); give them goalposts")
    tier_scheme = get_tier_scheme(tiers)
    if tier_scheme is not None and not tier_scheme.fits(ws.scale):
        tier_scheme = None
    structure = Structure.of(fw)
    weights = node_weights(ws, structure)
    index = {c: i for i, c in enumerate(structure.codes)}
    nodes = [{"code": "overall", "name": "Overall", "parent": -1, "kind": "overall",
              "weight": 1.0, "description": ""}]
    for code in structure.codes[1:]:
        n = fw.nodes[code]
        item: dict[str, Any] = {"code": code, "name": n.name, "parent": index.get(n.parent, 0),
                                "kind": n.kind, "weight": float(weights[index[code]]),
                                "description": " ".join(n.description.split())}
        if n.is_question:
            item.update({
                "type": n.type, "text": " ".join((n.question or n.name).split()),
                "levels": [[str(k), float(v)] for k, v in (n.levels or {}).items()],
                "goalposts": list(n.goalposts) if n.goalposts else None,
                "range": list(n.range) if n.range else [0.0, None],
                "direction": n.direction, "unit": n.unit or "",
                "evidence_required": n.evidence_required,
                "applies_if": None if n.applies_if is None else {
                    "question": n.applies_if.question, "op": n.applies_if.op,
                    "value": n.applies_if.value},
                "condition_text": condition_text(fw, n), "allowed": allowed_text(n)})
        nodes.append(item)
    answers: dict[str, dict] = {}
    source = "questionnaire"
    if responses is not None and country:
        t = responses.table
        for r in t[t["iso3"] == country].itertuples():
            if r.question in fw.nodes and r.answer is not None:
                a = r.answer
                text = str(int(a)) if isinstance(a, float) and a.is_integer() else str(a)
                ev = r.evidence
                answers[str(r.question)] = {
                    "answer": text,
                    "evidence": "" if ev is None or (isinstance(ev, float) and ev != ev)
                    else str(ev)}
    regions = region_of()
    countries = sorted(([c, country_name(c), regions.get(c, "")] for c in regions),
                       key=lambda x: x[1])
    data: dict[str, Any] = {
        "framework": {"code": fw.code, "title": fw.title, "version": fw.version},
        "scheme": ws.name, "scale": ws.scale, "missing": missing, "rank_decimals": 2,
        "nodes": nodes, "condition_order": condition_order(fw),
        "tiers": None if tier_scheme is None else [[lab, float(lo)] for lab, lo in
                                                    zip(tier_scheme.labels, tier_scheme.lower)],
        "country": country or "", "countries": countries, "answers": answers,
        "source": source, "edition": None,
    }
    if edition is not None:
        data["edition"] = _edition(edition, fw, ws, missing, edition_label)
    return data


def _edition(result: ScoreResult, fw: Framework, ws: WeightScheme, missing: str,
             label: str) -> dict:
    opts = result.options
    why = []
    if result.framework.question_codes != fw.question_codes:
        why.append("another framework")
    if result.scheme.name != ws.name or result.scheme.weights != ws.weights:
        why.append(f"weight scheme {result.scheme.name!r}")
    if opts.get("missing") != missing:
        why.append(f"missing={opts.get('missing')!r}")
    if opts.get("aggregation") != "arithmetic":
        why.append(f"aggregation {opts.get('aggregation')!r}")
    if opts.get("ties") != "dense" or opts.get("rank_decimals") != 2:
        why.append("ties other than dense on 2 decimals")
    if why:
        raise GCIError("the edition embedded in the questionnaire must be scored as the page "
                       f"scores (framework, scheme, missing policy, arithmetic, dense ties); it "
                       f"differs in: {', '.join(why)}")
    groups = result.groups
    return {"label": label, "group": str(opts.get("groups") or "region"),
            "scores": [[c, country_name(c), str(groups.get(c, "") or ""), float(v)]
                       for c, v in result.overall.items()]}


def _script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``</``, ``<!--`` or ``]]>`` can appear."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def questionnaire_html(data: dict, title: str | None = None) -> str:
    """The page for :func:`questionnaire_data`'s ``data``."""
    script = (_HERE / "questionnaire.js").read_text(encoding="utf-8")
    style = (_HERE / "questionnaire.css").read_text(encoding="utf-8")
    fw = data["framework"]
    title = title or (f"{fw['title'] or fw['code']} — self-assessment questionnaire")
    csp = (f"default-src 'none'; script-src 'sha256-{_sha256(script)}'; "
           f"style-src 'sha256-{_sha256(style)}'; img-src data:; base-uri 'none'; "
           "form-action 'none'")
    esc = for_html
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp, quote=False)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gci">
<title>{esc(title)}</title>
<style>{style}</style>
</head>
<body>
<a class="skip" href="#questions">Skip to the questions</a>
<header class="top">
  <div class="brand">
    <p class="kicker">Global Cybersecurity Index · self-assessment</p>
    <h1 id="title">{esc(title)}</h1>
    <p class="sub" id="subtitle"></p>
  </div>
  <div class="who">
    <label for="country">Country</label>
    <select id="country"></select>
    <label for="source">Source of the answers</label>
    <select id="source">
      <option value="questionnaire">questionnaire</option>
      <option value="desk_research">desk_research</option>
    </select>
  </div>
</header>
<main>
  <aside class="panel" id="panel" aria-live="polite" aria-label="Live score">
    <div class="overall">
      <span class="label">Overall score</span>
      <span class="big" id="overall">–</span>
      <span class="of" id="of"></span>
      <span class="tier" id="tier"></span>
    </div>
    <ul class="pillars" id="pillars"></ul>
    <div class="position" id="position"></div>
    <p class="progress" id="progress"></p>
  </aside>
  <section class="form" id="questions" aria-label="Questionnaire">
    <nav class="tabs" id="tabs" role="tablist" aria-label="Pillars"></nav>
    <div id="sections"></div>
    <div class="pager">
      <button type="button" id="prev">← Previous pillar</button>
      <button type="button" id="next">Next pillar →</button>
    </div>
    <div class="files">
      <h2>Save or load your answers</h2>
      <p>Saved files are responses files: check them with <code>gci validate --responses
      FILE</code> and place them among the others with <code>gci score --with FILE</code>.</p>
      <button type="button" id="save-yaml">Save as YAML</button>
      <button type="button" id="save-json">Save as JSON</button>
      <button type="button" id="print">Print</button>
      <label class="load" for="load">Load a responses file (YAML or JSON)</label>
      <input type="file" id="load" accept=".yaml,.yml,.json,application/json,text/yaml">
      <p id="load-status" role="status"></p>
    </div>
  </section>
</main>
<footer class="foot" id="foot"></footer>
<script type="application/json" id="gci-data">{_script_json(data)}</script>
<script>{script}</script>
</body>
</html>
"""


def write_questionnaire(path: str | os.PathLike, data: dict, title: str | None = None) -> Path:
    """Write the questionnaire page to ``path`` (atomically)."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise GCIError(f"{path}: the questionnaire is an .html file")
    write_text_atomic(path, questionnaire_html(data, title))
    return path
