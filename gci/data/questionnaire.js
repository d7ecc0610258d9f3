/* gci offline questionnaire: the page's engine and form (see gci/questionnaire.py).
   The engine mirrors gci.score with arithmetic aggregation: question credit -> availability
   (missing "zero" or "exclude", not-applicable questions left out) -> weighted means inside each
   parent over the available children -> shares and points. Weights, scales, goalposts and
   conditions come from the embedded JSON, derived from the same Python objects gci.score uses. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gci-data").textContent);
  var N = D.nodes;
  var ANSWERED = 0, MISSING = 1, NA = 2;
  var YES = ["yes", "y", "true", "1", "1.0"], NO = ["no", "n", "false", "0", "0.0"];
  var NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var qidx = [], byCode = {}, kids = [];
  N.forEach(function (n, i) { byCode[n.code] = i; kids.push([]); if (n.kind === "question") qidx.push(i); });
  N.forEach(function (n, i) { if (n.parent >= 0) kids[n.parent].push(i); });
  var pillars = kids[0];
  var answers = {};   // code -> {answer: text, evidence: text}
  var current = 0;    // pillar shown

  // ---------------------------------------------------------------- engine
  function norm(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") return isFinite(v) ? String(v) : "nan";
    return String(v).trim().toLowerCase();
  }
  function numberOf(text) {
    return NUM_RE.test(text) ? Number(text) : NaN;
  }
  function credit(q, raw) {          // {ok, credit} of one answer, as gci.framework.answers_to_credit
    var v = norm(raw);
    if (q.type === "binary") {
      if (YES.indexOf(v) >= 0) return {ok: true, credit: 1.0};
      if (NO.indexOf(v) >= 0) return {ok: true, credit: 0.0};
      return {ok: false};
    }
    if (q.type === "scale") {
      for (var k = 0; k < q.levels.length; k++) {
        if (String(q.levels[k][0]).toLowerCase() === v) return {ok: true, credit: q.levels[k][1]};
      }
      return {ok: false};
    }
    var x = numberOf(v);
    if (!isFinite(x)) return {ok: false};
    var r = q.range || [0, null];
    if (r[0] !== null && x < r[0]) return {ok: false};
    if (r[1] !== null && x > r[1]) return {ok: false};
    var lo = q.goalposts[0], hi = q.goalposts[1];
    var c = Math.min(Math.max((x - lo) / (hi - lo), 0.0), 1.0);
    if (q.direction === -1) c = 1.0 - c;
    return {ok: true, credit: c, number: x};
  }
  function blank(a) { return a === undefined || a === null || String(a).trim() === ""; }

  function compute(ans) {
    var nn = N.length, state = {}, cr = {}, num = {}, invalid = [];
    qidx.forEach(function (i) {
      var q = N[i], a = ans[q.code] ? ans[q.code].answer : null;
      if (blank(a)) { state[q.code] = MISSING; return; }
      var c = credit(q, a);
      if (!c.ok) { state[q.code] = MISSING; invalid.push(q.code); return; }
      state[q.code] = ANSWERED; cr[q.code] = c.credit; num[q.code] = c.number;
    });
    var applies = {};
    D.condition_order.forEach(function (code) {     // conditions in dependency order
      var q = N[byCode[code]], cond = q.applies_if, t = cond.question, tq = N[byCode[t]];
      var ok = applies[t] !== false && state[t] === ANSWERED, hit;
      if (tq.type === "numeric") {
        var x = num[t], y = cond.value;
        hit = {"==": x === y, "!=": x !== y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[cond.op];
      } else {
        var val = tq.type === "binary" ? (cr[t] === 1.0 ? "yes" : "no") : norm(ans[t] && ans[t].answer);
        hit = cond.op === "==" ? val === cond.value : val !== cond.value;
      }
      applies[code] = ok && hit;
      if (!applies[code]) state[code] = NA;
    });
    var value = new Array(nn).fill(0), avail = new Array(nn).fill(false), local = new Array(nn).fill(0);
    qidx.forEach(function (i) {
      var s = state[N[i].code];
      if (D.missing === "zero") { avail[i] = s !== NA; value[i] = s === ANSWERED ? cr[N[i].code] : 0.0; }
      else { avail[i] = s === ANSWERED; value[i] = avail[i] ? cr[N[i].code] : 0.0; }
    });
    for (var p = nn - 1; p >= 0; p--) {            // pre-order reversed: children before parents
      var ks = kids[p];
      if (!ks.length) continue;
      var nsum = 0.0, den = 0.0;
      ks.forEach(function (k) { if (avail[k]) { nsum += value[k] * N[k].weight; den += N[k].weight; } });
      avail[p] = den > 0;
      value[p] = den > 0 ? nsum / den : 0.0;
      ks.forEach(function (k) { local[k] = avail[k] && den > 0 ? N[k].weight / den : 0.0; });
    }
    var share = new Array(nn).fill(0);
    share[0] = avail[0] ? 1.0 : 0.0;
    for (var i = 1; i < nn; i++) share[i] = share[N[i].parent] * local[i];
    var out = {overall: avail[0] ? value[0] * D.scale : NaN, pillars: {}, credit: {}, state: state,
               invalid: invalid, points: {}};
    pillars.forEach(function (pi) {
      out.pillars[N[pi].code] = avail[pi] ? share[pi] * value[pi] * D.scale : NaN;
      out.credit[N[pi].code] = avail[pi] ? value[pi] : NaN;
    });
    for (var j = 1; j < nn; j++) out.points[N[j].code] = avail[j] ? share[j] * value[j] * D.scale : NaN;
    return out;
  }
  function rint(y) {                  // round half to even, as numpy.round
    var r = Math.round(y);
    if (Math.abs(y % 1) === 0.5 && r % 2 !== 0) r -= 1;
    return r;
  }
  function round2(x) { var f = Math.pow(10, D.rank_decimals); return rint(x * f) / f; }
  function tierOf(score) {
    if (!D.tiers || !isFinite(score)) return "";
    for (var k = 0; k < D.tiers.length; k++) if (score >= D.tiers[k][1]) return D.tiers[k][0];
    return "";
  }
  function denseRank(mine, scores) {  // 1 + distinct rounded scores above mine
    var above = {};
    scores.forEach(function (s) { if (s > mine) above[s] = true; });
    return 1 + Object.keys(above).length;
  }
  function position(iso3, overall) {
    if (!D.edition || !isFinite(overall)) return null;
    var mine = round2(overall), region = "", all = [mine], reg = [mine], peers = [];
    D.countries.forEach(function (c) { if (c[0] === iso3) region = c[2]; });
    var tier = tierOf(mine);
    D.edition.scores.forEach(function (e) {
      if (e[0] === iso3) return;
      var s = round2(e[3]);
      all.push(s);
      if (region && e[2] === region) reg.push(s);
      if (tier && tierOf(s) === tier) peers.push(e[1]);
    });
    return {global_rank: denseRank(mine, all), of: all.length, region: region,
            regional_rank: region ? denseRank(mine, reg) : null, region_of: reg.length,
            tier_peers: peers};
  }

  // ---------------------------------------------------------------- form
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var sections = document.getElementById("sections");
  var tabs = document.getElementById("tabs");
  var controls = {};  // code -> {input, evidence, box}

  function buildForm() {
    pillars.forEach(function (pi, k) {
      var p = N[pi];
      var tab = el("button", {type: "button", role: "tab", id: "tab-" + p.code,
                              "aria-controls": "sec-" + p.code}, p.name);
      tab.addEventListener("click", function () { show(k, true); });
      tab.addEventListener("keydown", function (ev) {
        if (ev.key === "ArrowRight") { show((k + 1) % pillars.length, true); ev.preventDefault(); }
        if (ev.key === "ArrowLeft") { show((k + pillars.length - 1) % pillars.length, true); ev.preventDefault(); }
      });
      tabs.appendChild(tab);
      var sec = el("section", {id: "sec-" + p.code, role: "tabpanel", "aria-labelledby": "tab-" + p.code,
                               "class": "pillar"});
      sec.appendChild(el("h2", null, p.name));
      if (p.description) sec.appendChild(el("p", {"class": "desc"}, p.description));
      walk(pi, sec, 3);
      sections.appendChild(sec);
    });
  }
  function walk(i, into, level) {
    kids[i].forEach(function (k) {
      var n = N[k];
      if (n.kind === "question") { into.appendChild(questionBox(n)); return; }
      var grp = el("div", {"class": "group", id: "grp-" + n.code});
      grp.appendChild(el("h" + Math.min(level, 6), null, n.name));
      if (n.description) grp.appendChild(el("p", {"class": "desc"}, n.description));
      walk(k, grp, level + 1);
      into.appendChild(grp);
    });
  }
  function questionBox(q) {
    var box = el("div", {"class": "q", id: "q-" + q.code, "data-question": q.code});
    var id = "a-" + q.code;
    var lab = el("label", {"for": id});
    lab.appendChild(el("span", {"class": "code"}, q.code));
    lab.appendChild(document.createTextNode(" " + q.text));
    box.appendChild(lab);
    var help = q.allowed + (q.unit ? " (" + q.unit + ")" : "") +
      (q.evidence_required ? " · evidence required" : "");
    box.appendChild(el("p", {"class": "help", id: "h-" + q.code}, help));
    if (q.condition_text) box.appendChild(el("p", {"class": "cond"}, q.condition_text));
    var input;
    if (q.type === "numeric") {
      input = el("input", {type: "text", inputmode: "decimal", id: id, autocomplete: "off",
                           "aria-describedby": "h-" + q.code, placeholder: "a number"});
    } else {
      input = el("select", {id: id, "aria-describedby": "h-" + q.code});
      input.appendChild(el("option", {value: ""}, "— not answered —"));
      var opts = q.type === "binary" ? [["yes"], ["no"]] : q.levels;
      opts.forEach(function (o) { input.appendChild(el("option", {value: o[0]}, o[0])); });
    }
    var row = el("div", {"class": "row"});
    row.appendChild(input);
    var evId = "e-" + q.code;
    var evLab = el("label", {"for": evId, "class": "evl"}, "Evidence" + (q.evidence_required ? " (required)" : ""));
    var ev = el("input", {type: "text", id: evId, "class": "ev", placeholder: "https://… or a document reference",
                          autocomplete: "off"});
    var evWrap = el("div", {"class": "evw"});
    evWrap.appendChild(evLab); evWrap.appendChild(ev);
    row.appendChild(evWrap);
    box.appendChild(row);
    var msg = el("p", {"class": "msg", id: "m-" + q.code, role: "alert"});
    box.appendChild(msg);
    var pts = el("p", {"class": "pts", id: "p-" + q.code});
    box.appendChild(pts);
    function changed() {
      answers[q.code] = {answer: input.value.trim(), evidence: ev.value.trim()};
      refresh();
    }
    input.addEventListener(q.type === "numeric" ? "input" : "change", changed);
    ev.addEventListener("input", changed);
    controls[q.code] = {input: input, evidence: ev, box: box, msg: msg, pts: pts};
    return box;
  }
  function show(k, focus) {
    current = k;
    pillars.forEach(function (pi, j) {
      var code = N[pi].code, on = j === k;
      document.getElementById("sec-" + code).hidden = !on;
      var tab = document.getElementById("tab-" + code);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    });
    document.getElementById("prev").disabled = k === 0;
    document.getElementById("next").disabled = k === pillars.length - 1;
  }
  function fmt(x, d) { return isFinite(x) ? x.toFixed(d === undefined ? 2 : d) : "–"; }
  function iso() { return document.getElementById("country").value; }

  function refresh() {
    var r = compute(answers);
    var answered = 0, applicable = 0;
    qidx.forEach(function (i) {
      var q = N[i], c = controls[q.code], s = r.state[q.code];
      c.box.hidden = s === NA;
      if (s !== NA) applicable++;
      if (s === ANSWERED) answered++;
      var a = answers[q.code] ? answers[q.code].answer : "";
      var bad = r.invalid.indexOf(q.code) >= 0;
      c.msg.textContent = bad ? "“" + a + "” is not allowed: expected " + q.allowed + "." : "";
      c.input.setAttribute("aria-invalid", bad ? "true" : "false");
      c.pts.textContent = s === NA ? "" : s === ANSWERED ? "Counts " + fmt(r.points[q.code]) + " points now." :
        D.missing === "zero" ? "Not answered: counts 0." : "Not answered: left out; the other answers share its weight.";
    });
    document.getElementById("overall").textContent = fmt(r.overall);
    document.getElementById("of").textContent = "of " + D.scale;
    var shown = isFinite(r.overall) ? round2(r.overall) : NaN;
    document.getElementById("tier").textContent = tierOf(shown);
    var ul = document.getElementById("pillars");
    ul.textContent = "";
    pillars.forEach(function (pi) {
      var p = N[pi], li = el("li", {"data-pillar": p.code});
      li.appendChild(el("span", {"class": "pn"}, p.name));
      var bar = el("span", {"class": "bar"}), fill = el("span", {"class": "fill"});
      fill.style.width = (isFinite(r.credit[p.code]) ? 100 * r.credit[p.code] : 0).toFixed(1) + "%";
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el("span", {"class": "pv"}, fmt(r.pillars[p.code])));
      ul.appendChild(li);
    });
    var pos = position(iso(), r.overall), box = document.getElementById("position");
    box.textContent = "";
    if (pos) {
      box.appendChild(el("p", {id: "global"}, "Global position: " + pos.global_rank + " of " + pos.of));
      if (pos.region) box.appendChild(el("p", {id: "regional"}, pos.region + ": " + pos.regional_rank +
                                            " of " + pos.region_of));
      if (D.tiers) box.appendChild(el("p", {id: "peers"}, pos.tier_peers.length ? "Same tier: " +
        pos.tier_peers.slice(0, 12).join(", ") + (pos.tier_peers.length > 12 ? " and " +
        (pos.tier_peers.length - 12) + " more" : "") : "No other country in this tier."));
      box.appendChild(el("p", {"class": "note"}, "Among " + D.edition.label + "."));
    }
    document.getElementById("progress").textContent = answered + " of " + applicable +
      " applicable questions answered" + (r.invalid.length ? "; " + r.invalid.length + " answer(s) not allowed" : "") + ".";
    window.gciLast = r;
    return r;
  }

  // ---------------------------------------------------------------- files
  function setAnswers(obj) {
    answers = {};
    var a = obj.answers || {};
    Object.keys(a).forEach(function (code) {
      var v = a[code], ans = v, ev = "";
      if (v !== null && typeof v === "object") { ans = v.answer; ev = v.evidence; }
      answers[code] = {answer: blank(ans) ? "" : (typeof ans === "boolean" ? (ans ? "yes" : "no") : String(ans).trim()),
                       evidence: blank(ev) ? "" : String(ev)};
    });
    qidx.forEach(function (i) {
      var q = N[i], c = controls[q.code], v = answers[q.code] || {answer: "", evidence: ""};
      var shown = v.answer;
      if (q.type !== "numeric") {
        shown = norm(v.answer);
        if (q.type === "binary") shown = YES.indexOf(shown) >= 0 ? "yes" : NO.indexOf(shown) >= 0 ? "no" : shown;
        var found = false;
        for (var k = 0; k < c.input.options.length; k++) if (c.input.options[k].value === shown) found = true;
        if (!found && shown) {  // keep an answer that is not allowed visible (and flagged)
          c.input.appendChild(el("option", {value: shown, "data-invalid": "1"}, shown + " (not allowed)"));
        }
      }
      c.input.value = shown;
      c.evidence.value = v.evidence;
    });
    if (obj.country) {
      var sel = document.getElementById("country"), want = String(obj.country).trim().toUpperCase();
      for (var k = 0; k < sel.options.length; k++) if (sel.options[k].value === want) sel.value = want;
    }
    if (obj.source === "questionnaire" || obj.source === "desk_research") {
      document.getElementById("source").value = obj.source;
    }
    return refresh();
  }
  function exportText(kind) {
    var r = compute(answers), country = iso(), src = document.getElementById("source").value;
    var codes = qidx.map(function (i) { return N[i].code; });
    if (kind === "json") {
      var out = {country: country, source: src, answers: {}};
      codes.forEach(function (c) {
        var a = answers[c];
        if (!a || r.state[c] === NA) return;
        if (blank(a.answer) && blank(a.evidence)) return;
        var item = {answer: blank(a.answer) ? null : a.answer};
        if (!blank(a.evidence)) item.evidence = a.evidence;
        out.answers[c] = item;
      });
      return JSON.stringify(out, null, 2) + "\n";
    }
    var lines = ["# Saved from the gci questionnaire (framework " + D.framework.code +
                 ", weight scheme " + D.scheme + ") on " + new Date().toISOString().slice(0, 10) + ".",
                 "# Check it with: gci validate --responses THIS_FILE",
                 "country: " + (country || ""), "source: " + src, "answers:"];
    codes.forEach(function (c) {
      var a = answers[c] || {answer: "", evidence: ""};
      if (r.state[c] === NA) { lines.push("  # " + c + ": does not apply"); return; }
      if (blank(a.answer) && blank(a.evidence)) { lines.push("  " + c + ":"); return; }
      var ans = blank(a.answer) ? "null" : JSON.stringify(a.answer);
      lines.push("  " + c + ": " + (blank(a.evidence) ? ans : "{answer: " + ans + ", evidence: " +
                 JSON.stringify(a.evidence) + "}"));
    });
    return lines.join("\n") + "\n";
  }
  function download(kind) {
    var text = exportText(kind), name = (iso() || "answers") + (kind === "json" ? ".json" : ".yaml");
    var blob = new Blob([text], {type: kind === "json" ? "application/json" : "text/yaml"});
    var a = el("a", {download: name, id: "download-link"});
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    return text;
  }

  // Simple YAML: what gci writes (answer templates, saved questionnaires, demo responses).
  function yamlScalar(s, line) {
    s = s.trim();
    if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
    if (s[0] === '"') {
      var end = s.lastIndexOf('"');
      if (end <= 0) throw new Error("line " + line + ": a quoted text is not closed");
      return JSON.parse(s.slice(0, end + 1));
    }
    if (s[0] === "'") {
      var e2 = s.lastIndexOf("'");
      if (e2 <= 0) throw new Error("line " + line + ": a quoted text is not closed");
      return s.slice(1, e2).replace(/''/g, "'");
    }
    var hash = s.search(/\s#/);
    if (hash >= 0) s = s.slice(0, hash).trim();
    if (s === "true" || s === "True") return true;
    if (s === "false" || s === "False") return false;
    return s;
  }
  function flowMap(s, line) {          // {answer: "yes", evidence: "https://…"}
    var out = {}, i = 1, n = s.length;
    function ws() { while (i < n && /\s/.test(s[i])) i++; }
    while (true) {
      ws();
      if (s[i] === "}") return out;
      var k0 = i;
      while (i < n && s[i] !== ":") i++;
      if (i >= n) throw new Error("line " + line + ": cannot read " + s);
      var key = s.slice(k0, i).trim().replace(/^["']|["']$/g, "");
      i++; ws();
      var v0 = i;
      if (s[i] === '"') { i++; while (i < n && s[i] !== '"') { if (s[i] === "\\") i++; i++; } i++; }
      else if (s[i] === "'") { i++; while (i < n && !(s[i] === "'" && s[i + 1] !== "'")) { if (s[i] === "'") i++; i++; } i++; }
      else { while (i < n && s[i] !== "," && s[i] !== "}") i++; }
      out[key] = yamlScalar(s.slice(v0, i), line);
      ws();
      if (s[i] === ",") { i++; continue; }
      if (s[i] === "}") return out;
      throw new Error("line " + line + ": cannot read " + s);
    }
  }
  function parseYaml(text) {
    var doc = {}, lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/), inAnswers = false, open = null;
    for (var k = 0; k < lines.length; k++) {
      var raw = lines[k], ln = k + 1;
      if (/^\s*(#.*)?$/.test(raw) || raw === "---") continue;
      var m = /^(\s*)([A-Za-z0-9_.\-]+)\s*:(?:\s+(.*)|\s*)$/.exec(raw);
      if (!m) throw new Error("line " + ln + ": cannot read “" + raw.trim() + "”");
      var indent = m[1].length, key = m[2], rest = (m[3] || "").trim();
      if (indent === 0) {
        inAnswers = key === "answers"; open = null;
        if (inAnswers) { doc.answers = {}; continue; }
        doc[key] = yamlScalar(rest, ln);
      } else if (inAnswers) {
        if (open && indent > open.indent) { open.map[key] = yamlScalar(rest, ln); continue; }
        open = null;
        if (rest === "" || rest[0] === "#") { var mp = {}; doc.answers[key] = mp; open = {indent: indent, map: mp}; }
        else if (rest[0] === "{") doc.answers[key] = flowMap(rest, ln);
        else doc.answers[key] = yamlScalar(rest, ln);
      } else {
        throw new Error("line " + ln + ": nested keys are read only under 'answers'");
      }
    }
    Object.keys(doc.answers || {}).forEach(function (c) {  // `Q05:` with nothing under it
      var v = doc.answers[c];
      if (v && typeof v === "object" && Object.keys(v).length === 0) doc.answers[c] = null;
    });
    return doc;
  }
  function loadText(text, name) {
    var doc = /\.json$/i.test(name || "") || /^\s*\{/.test(text) ? JSON.parse(text) : parseYaml(text);
    if (!doc || typeof doc !== "object" || typeof doc.answers !== "object" || doc.answers === null) {
      throw new Error("expected a responses file with 'country' and 'answers'");
    }
    var unknown = Object.keys(doc.answers).filter(function (c) { return !(c in byCode) || N[byCode[c]].kind !== "question"; });
    var r = setAnswers(doc);
    return {result: r, unknown: unknown};
  }

  // ---------------------------------------------------------------- start
  var sub = D.framework.title || D.framework.code;
  document.getElementById("subtitle").textContent = "Framework " + D.framework.code +
    (D.framework.version ? " " + D.framework.version : "") + " · weight scheme " + D.scheme +
    " · missing answers " + (D.missing === "zero" ? "count as 0" : "are left out") +
    " · scores out of " + D.scale;
  var sel = document.getElementById("country");
  sel.appendChild(el("option", {value: ""}, "— choose —"));
  D.countries.forEach(function (c) { sel.appendChild(el("option", {value: c[0]}, c[1] + " (" + c[0] + ")")); });
  sel.value = D.country || "";
  sel.addEventListener("change", refresh);
  document.getElementById("source").value = D.source || "questionnaire";
  buildForm();
  document.getElementById("prev").addEventListener("click", function () { show(Math.max(current - 1, 0), true); });
  document.getElementById("next").addEventListener("click", function () { show(Math.min(current + 1, pillars.length - 1), true); });
  document.getElementById("save-yaml").addEventListener("click", function () { download("yaml"); });
  document.getElementById("save-json").addEventListener("click", function () { download("json"); });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  document.getElementById("load").addEventListener("change", function (ev) {
    var f = ev.target.files[0], status = document.getElementById("load-status");
    if (!f) return;
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var res = loadText(String(reader.result), f.name);
        status.textContent = "Loaded " + f.name + (res.unknown.length ? "; not questions of this framework (ignored): " +
          res.unknown.join(", ") : "") + ".";
      } catch (e) { status.textContent = "Could not load " + f.name + ": " + e.message; }
    };
    reader.readAsText(f);
  });
  document.getElementById("foot").textContent = "Made with gci " + (D.generator || "") +
    ". Scores are computed in this page exactly as `gci score` computes them, from the embedded framework and weights" +
    (D.edition ? "; positions are among " + D.edition.label : "") + ". Nothing leaves this page: it uses no network.";
  setAnswers({answers: D.answers});
  show(0, false);

  // for tests and scripts
  window.gciLoad = function (obj) {
    var doc = typeof obj === "string" ? (/^\s*\{/.test(obj) ? JSON.parse(obj) : parseYaml(obj)) : obj;
    var r = setAnswers(doc);
    return {overall: r.overall, pillars: r.pillars, tier: tierOf(round2(r.overall)),
            position: position(iso(), r.overall), state: r.state, invalid: r.invalid};
  };
  window.gciLoadText = function (text, name) { var res = loadText(text, name); return res.unknown; };
  window.gciExport = exportText;
  window.gciDownload = download;
  window.gciCompute = function () { var r = refresh(); return {overall: r.overall, pillars: r.pillars}; };
})();
