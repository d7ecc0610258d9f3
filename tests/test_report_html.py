"""The HTML country profile: numbers by hand, escaping, self-containment, and a real browser.

Tiny fixture by hand (equal scheme, missing=zero): DEU 87.5 (A 37.5 of 50 = 75 %, B 50 of 50 =
100 %), FRA 50 (A 50 %, B 50 %), KEN 25 (A 50 %, B 0 %). Europe = DEU, FRA; Africa = KEN.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import gci
from gci.errors import GCIError
from gci.present.report_html import country_profile, where_the_points_are, write_country_profile

TINY = Path(__file__).resolve().parent / "data" / "tiny"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
# CI sets GCI_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
REQUIRE_BROWSER = os.environ.get("GCI_REQUIRE_BROWSER", "") not in ("", "0")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRE_BROWSER,
    reason="chromium is not on PATH (Debian: apt-get install -y chromium)")


@pytest.fixture(scope="module")
def tiny():
    return gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml")


class Page(HTMLParser):
    """Text of elements by id, and of table cells by row attribute and cell class."""

    def __init__(self, text: str):
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.rows: dict[tuple[str, str], dict[str, str]] = {}
        self.links: list[str] = []
        self._open: list[tuple[str, str | None, str | None]] = []  # tag, id, class
        self._row: tuple[str, str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            for key in ("data-pillar", "data-question", "data-indicator"):
                if key in a:
                    self._row = (key, a[key])
                    self.rows.setdefault(self._row, {})
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag not in ("br", "meta", "img", "input", "link"):
            self._open.append((tag, a.get("id"), a.get("class")))

    def handle_endtag(self, tag):
        while self._open:
            t, _, _ = self._open.pop()
            if t == tag:
                break
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        for _tag, ident, _cls in self._open:
            if ident:
                self.by_id[ident] = self.by_id.get(ident, "") + data
        if self._row and self._open and self._open[-1][0] == "td":
            cls = self._open[-1][2] or "_"
            cells = self.rows[self._row]
            cells[cls] = cells.get(cls, "") + data

    def text(self, ident: str) -> str:
        return " ".join(self.by_id[ident].split())


# --- where the points are ---------------------------------------------------------------------
def test_points_by_hand_equal_zero(tiny):
    table = where_the_points_are(tiny, "KEN")
    # overall = mean(A, B); A = mean(A1, A2); A1 = mean(Q1, Q2); A2 = mean(Q3, Q4); B1 = (Q5, Q6)
    # so Q2 and Q3 each weigh 1/8 of the overall (12.5 points), Q5 and Q6 1/4 (25 points)
    assert table["question"].tolist() == ["Q5", "Q6", "Q2", "Q3"]
    np.testing.assert_allclose(table["gain"], [25, 25, 12.5, 12.5])
    assert table.set_index("question").loc["Q3", "state"] == "missing"


def test_points_exact_under_exclude():
    r = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                  missing="exclude")
    gains = where_the_points_are(r, "KEN").set_index("question")["gain"]
    # KEN 37.5 with A2 = Q4 alone (1.0): answering Q3 in full keeps A2 at 1, so it adds 0;
    # Q2 in full lifts A1 to 1 and A to 1: overall (1 + 0) / 2 = 50, +12.5
    assert gains["Q3"] == pytest.approx(0.0)
    assert gains["Q2"] == pytest.approx(12.5)
    assert gains["Q5"] == pytest.approx(25.0)


def test_points_weighted_scheme_and_closed_form(default_result):
    r = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                  scheme="a_heavy")
    table = where_the_points_are(r, "DEU")
    # DEU misses only Q1 (a_heavy: A 3/4, B 1/4; Q1 1/4 and Q2 3/4 of A1). Q1 = yes lifts A1 from
    # .75 to 1, but makes Q4 apply, unanswered and so 0: A2 falls from 1 to (1 + 0)/2 = .5, and
    # A = (1 + .5)/2 = .75 instead of .875: overall 75 * .75 + 25 = 81.25, i.e. 90.625 - 9.375.
    assert table["question"].tolist() == ["Q1"]
    assert table["gain"].iloc[0] == pytest.approx(-9.375)
    assert table["now_applies"].iloc[0] == "Q4"
    # default data, arithmetic + zero: gain = effective share x (1 - credit) x scale
    d = default_result
    t = where_the_points_are(d, "AUT").set_index("question")
    # responses/AUT.yaml, read by eye: 11 answers short of full credit (Q13 Q24 Q40 Q45, Q56 33
    # of 50, Q63 8 of 10, Q70, Q71 19 of 20, Q73, Q78 9 of 10, Q80) and Q08 missing;
    # Q24 = yes would make Q25 apply
    assert sorted(t.index) == ["Q08", "Q13", "Q24", "Q40", "Q45", "Q56", "Q63", "Q70", "Q71",
                               "Q73", "Q78", "Q80"]
    assert t.loc["Q24", "now_applies"] == "Q25"
    t = t[t["now_applies"] == ""]  # the closed form holds where no condition switches
    # the country's own shares (a question that does not apply hands its weight to siblings)
    cols = [d.structure.codes.index(q) for q in t.index]
    share = d.share[d.countries.index("AUT"), cols]
    expected = share * (1 - t["credit"].fillna(0.0)) * d.scale
    np.testing.assert_allclose(t["gain"], expected, atol=1e-9)


# --- page content -----------------------------------------------------------------------------
def test_profile_numbers_by_hand(tiny):
    page = Page(country_profile(tiny, "Germany", ranks=True))
    assert page.text("overall-score") == "87.50"
    assert page.text("tier") == "Tier 2 - Advancing"
    assert page.text("global-rank") == "1" and page.text("global-count") == "3"
    assert page.text("regional-rank") == "1" and page.text("regional-count") == "2"
    assert page.text("region") == "Europe"
    a = page.rows[("data-pillar", "A")]
    assert (a["num points"], a["num score"]) == ("37.50", "75.0")
    assert (a["num region-mean"], a["num world-mean"]) == ("62.5", "58.3")  # (75+50)/2, 175/3
    b = page.rows[("data-pillar", "B")]
    assert (b["num points"], b["num score"], b["num region-mean"], b["num world-mean"]) == (
        "50.00", "100.0", "75.0", "50.0")
    # DEU: only Q1 is below full credit (Q4 does not apply)
    assert [k for k in page.rows if k[0] == "data-question" and "num gain" in page.rows[k]] == [
        ("data-question", "Q1")]
    # Q1 = yes lifts A1 from .5 to 1 but makes Q4 apply (unanswered: 0), A2 from 1 to .5:
    # A stays .75, so the exact gain is 0, and the page says Q4 would then apply.
    assert page.rows[("data-question", "Q1")]["num gain"] == "+0.00"
    assert "then Q4 would apply" in country_profile(tiny, "Germany")
    assert page.rows[("data-question", "Q1")]["num weight"] == "12.50"  # 1/2 x 1/2 x 1/2 x 100
    assert "manifest" in page.by_id and '"scheme": "equal"' in page.by_id["manifest"]


def test_profile_is_self_contained(tiny):
    text = country_profile(tiny, "KEN")
    lower = text.lower()
    assert "<script" not in lower and "<link" not in lower
    assert not re.search(r"url\((?!#)", lower)  # only the SVG's own clip paths
    assert " src=" not in lower and "@import" not in lower
    assert "content-security-policy" in lower and "default-src 'none'" in lower
    assert "<svg" in text  # the radar chart is inline
    page = Page(text)
    assert page.links == ["https://e.example/k1"]  # KEN's evidence link


def test_profile_escapes_user_text(tmp_path, tiny):
    evil = '<script>alert("x")</script>'
    fw_text = (TINY / "indicators.yaml").read_text(encoding="utf-8").replace(
        "name: Law exists", f"name: '{evil}'")
    (tmp_path / "indicators.yaml").write_text(fw_text, encoding="utf-8")
    rows = (TINY / "responses" / "answers.csv").read_text(encoding="utf-8").replace(
        "KEN,Q1,yes,https://e.example/k1", 'KEN,Q1,yes,javascript:alert(1)').replace(
        "KEN,Q2,none,", 'KEN,Q2,none,"x"" onmouseover=""alert(2)"" <b>"')
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "answers.csv").write_text(rows, encoding="utf-8")
    r = gci.score(tmp_path / "responses", tmp_path / "indicators.yaml", TINY / "weights.yaml")
    text = country_profile(r, "KEN")
    assert "<script>" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert 'href="javascript' not in text and "javascript:alert(1)" in text  # text, not a link
    assert "&lt;b&gt;" in text and 'onmouseover="' not in text
    assert Page(text).links == []


def test_write_profile_refuses_inputs(tiny, tmp_path):
    with pytest.raises(GCIError, match="refusing"):
        write_country_profile(tiny, "KEN", TINY / "responses" / "KEN.html")
    assert not (TINY / "responses" / "KEN.html").exists()
    out = write_country_profile(tiny, "KEN", tmp_path / "sub" / "ken.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(GCIError, match="unknown country"):
        country_profile(tiny, "Atlantis")


# --- GCI 2024-style profile: strengths, tier peers, published, banner, warnings ----------------
def test_strength_and_growth_rule_by_hand(tiny):
    from gci.present.report_html import GROWTH, STRENGTH, pillar_areas

    # DEU: A 75 %, B 100 %, mean 87.5 -> A growth, B strength
    deu = pillar_areas(tiny, "DEU")
    assert deu["area"].to_dict() == {"A": GROWTH, "B": STRENGTH}
    assert deu["country_mean"].iloc[0] == pytest.approx(87.5)
    # FRA: 50 % and 50 %: both at the mean -> strengths only
    assert set(pillar_areas(tiny, "FRA")["area"]) == {STRENGTH}
    # KEN: A 50 %, B 0 %, mean 25 -> A strength, B growth
    assert pillar_areas(tiny, "KEN")["area"].to_dict() == {"A": STRENGTH, "B": GROWTH}
    page = Page(country_profile(tiny, "DEU"))
    assert page.text("strengths") == "Pillar B" and page.text("growth") == "Pillar A"
    assert page.rows[("data-pillar", "A")]["area growth"] == GROWTH
    assert page.rows[("data-pillar", "B")]["area strength"] == STRENGTH
    assert "at or above the country's own mean" in page.text("area-rule")


def test_profile_leads_with_the_tier(tiny, default_result):
    text = country_profile(default_result, "KEN", ranks=True)
    assert text.index('id="tier"') < text.index('id="overall-score"') < text.index(
        'id="global-rank"')
    assert Page(text).text("tier-label") == "GCI 2024 tier"
    assert Page(country_profile(tiny, "KEN")).text("tier-label") == "GCI 2024 tier"


def test_tier_peers_by_hand():
    import pandas as pd

    from gci.present.report_html import tier_peers

    # FRA 50 and KEN 25 are both Tier 4 (20-55); put them in one group with DEU (Tier 2)
    groups = pd.Series({"DEU": "G", "FRA": "G", "KEN": "G"}, name="group")
    r = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                  groups=groups)
    assert list(tier_peers(r, "KEN").index) == ["FRA"]
    assert list(tier_peers(r, "DEU").index) == []
    page = Page(country_profile(r, "KEN"))
    assert page.text("peer-count") == "1" and "France (FRA, 50.00)" in page.text("tier-peers")


def test_tier_peers_of_kenya_are_published_tier_1_africa(default_result, root):
    import csv

    from gci.present.report_html import tier_peers

    # independently: the published 2024 table and ITU's regions (the demo's tiers are the
    # published ones, tested in test_demo.py)
    with (root / "gci" / "data" / "gci2024_published_pillars.csv").open(encoding="utf-8") as fh:
        overall = {r["iso3"]: float(r["overall"]) for r in csv.DictReader(fh)}
    with (root / "gci" / "data" / "itu_regions.csv").open(encoding="utf-8") as fh:
        region = {r["iso3"]: r["itu_region"] for r in csv.DictReader(fh)}
    want = {c for c, v in overall.items() if v >= 95 and region[c] == "Africa"} - {"KEN"}
    assert want == {"MUS", "GHA", "TZA", "RWA"}
    assert set(tier_peers(default_result, "KEN").index) == want


def test_published_beside_computed(default_result):
    text = country_profile(default_result, "KEN", published=2024)
    page = Page(text)
    row = default_result.scores.loc["KEN"]
    # Kenya's published GCI 2024 scores (gci2024_published_pillars.csv): 98.59, legal 19.52
    assert "98.59" in text and "19.52" in text
    assert page.text("published-tier") == "Tier 1 - Role-modelling"
    assert f"{row['overall']:.2f}" in text
    with pytest.raises(GCIError, match="no published GCI results for edition 1999"):
        country_profile(default_result, "KEN", published=1999)


def test_synthetic_banner_follows_the_files(tmp_path):
    from gci.present.report_html import synthetic_countries

    (tmp_path / "r").mkdir()
    body = "answers:\n  Q1: yes\n  Q2: in_place\n  Q3: 10\n  Q4: yes\n  Q5: yes\n  Q6: yes\n"
    (tmp_path / "r" / "FRA.yaml").write_text("country: FRA\nsynthetic: true\n" + body,
                                             encoding="utf-8")
    (tmp_path / "r" / "KEN.yaml").write_text("country: KEN\n" + body, encoding="utf-8")
    r = gci.score(tmp_path / "r", TINY / "indicators.yaml", TINY / "weights.yaml")
    assert synthetic_countries(r) == {"FRA"}
    assert "synthetic-note" in Page(country_profile(r, "FRA")).by_id
    assert "synthetic-note" not in Page(country_profile(r, "KEN")).by_id


def test_profile_lists_the_countrys_warnings(tiny):
    page = Page(country_profile(tiny, "KEN"))
    # KEN did not answer Q3 (tests/data/tiny/responses/answers.csv): one missing answer
    assert page.text("warning-count") == "1"
    assert "1 missing answer(s), counted as 0: Q3" in page.text("warnings")
    assert Page(country_profile(tiny, "FRA")).text("warning-count") == "0"


# --- real browser -----------------------------------------------------------------------------
def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "GCI_REQUIRE_BROWSER is set but chromium is not on PATH"
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chrome'}",
                           *args], capture_output=True, text=True, timeout=90, check=False)


@needs_chromium
def test_profile_in_headless_chromium(tmp_path, default_result):
    r = default_result
    path = write_country_profile(r, "KEN", tmp_path / "KEN.html", ranks=True)
    shot = tmp_path / "ken.png"
    done = _chromium(tmp_path, "--window-size=1200,2000", f"--screenshot={shot}",
                     "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    page = Page(done.stdout)  # the DOM as the browser built it
    row = r.scores.loc["KEN"]
    regions = gci.inputs.countries.itu_regions().set_index("iso3")["itu_region"]
    africa = r.overall[regions.reindex(r.overall.index) == "Africa"]
    assert page.text("country-name").startswith("Kenya")
    assert page.text("overall-score") == f"{row['overall']:.2f}"
    # ranks checked independently: count the countries with a higher 2-decimal score (dense)
    shown = r.overall.round(2)
    assert page.text("global-rank") == str(int((shown.unique() > shown["KEN"]).sum() + 1))
    af = africa.round(2)
    assert page.text("regional-rank") == str(int((af.unique() > af["KEN"]).sum() + 1))
    assert page.text("regional-count") == str(len(africa)) == "44"
    assert page.text("tier") == row["tier"]
    for pillar in r.framework.pillars:
        cells = page.rows[("data-pillar", pillar.code)]
        assert cells["num points"] == f"{row[pillar.code]:.2f}"
        pct = row[pillar.code] / r.effective_weights.loc[pillar.code, "max_points"] * 100
        assert cells["num score"] == f"{pct:.1f}"
    assert "SYNTHETIC DEMO DATA" in page.text("synthetic-note")
    # GCI 2024-style content, as the browser built it (KEN's pillar shares, by hand from the
    # scores table: below the mean share -> potential growth)
    shares = {p.code: row[p.code] / 20 * 100 for p in r.framework.pillars}
    mean = sum(shares.values()) / 5
    for p in r.framework.pillars:
        cells = page.rows[("data-pillar", p.code)]
        area = "relative strength" if shares[p.code] >= mean - 1e-9 else "potential growth"
        assert area in " ".join(v for k, v in cells.items() if k.startswith("area"))
    assert page.text("tier-label") == "GCI 2024 tier"
    assert page.text("peer-count") == "4"
    assert page.text("warning-count") == str(int((r.validation["country"] == "KEN").sum()))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a rendered page, not blank


def test_a_tier_edition_profile_shows_no_ranks_unless_asked(tiny, default_result, tmp_path):
    # issue 12: GCI 2024 publishes tiers, not ranks -- ranks only on request
    page = Page(country_profile(default_result, "KEN"))
    assert "global-rank" not in page.by_id and "regional-rank" not in page.by_id
    assert page.text("tier") == default_result.scores.loc["KEN", "tier"]
    assert "publishes no ranks" in page.text("ranks-note")
    assert "gci report --ranks" in page.text("ranks-note")
    shown = Page(country_profile(default_result, "KEN", ranks=True))
    assert shown.text("global-rank") == str(int(default_result.scores.loc["KEN", "global_rank"]))
    assert "ranks-note" not in shown.by_id
    untiered = gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml",
                         tiers=None)  # no tier edition: ranks, as up to GCI 2020
    assert Page(country_profile(untiered, "DEU")).text("global-rank") == "1"
    from click.testing import CliRunner

    from gci.cli.app import main

    for flag, has_rank in (([], False), (["--ranks"], True)):
        out = tmp_path / f"ken{len(flag)}.html"
        res = CliRunner().invoke(main, ["report", "KEN", "-o", str(out), "-q", *flag])
        assert res.exit_code == 0, res.output
        assert ('id="global-rank"' in out.read_text(encoding="utf-8")) is has_rank
