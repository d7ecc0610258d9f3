"""The offline questionnaire (gci questionnaire): its page, and its engine in a real browser.

The browser tests drive Debian's chromium through chromedriver with Selenium. Without them they
skip, except when GCI_REQUIRE_BROWSER=1 (CI), where they fail.

Tiny fixture by hand (equal scheme, missing=zero): DEU 87.5 (A 37.5, B 50), FRA 50 (A 25,
B 25), KEN 25 (A 25, B 0). Europe = DEU, FRA; Africa = KEN.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import gci
from gci.cli.app import main
from gci.errors import GCIError
from gci.present.questionnaire import questionnaire_data, questionnaire_html

TINY = Path(__file__).resolve().parent / "data" / "tiny"
TINY_ARGS = ["--framework", str(TINY / "indicators.yaml"), "--weights",
             str(TINY / "weights.yaml"), "--responses", str(TINY / "responses")]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if os.path.exists("/usr/bin/chromium") else None)
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver"
                                                if os.path.exists("/usr/bin/chromedriver")
                                                else None)
REQUIRE_BROWSER = os.environ.get("GCI_REQUIRE_BROWSER", "") not in ("", "0")
try:
    import selenium  # noqa: F401
    HAVE_SELENIUM = True
except ImportError:  # pragma: no cover - selenium is a test dependency
    HAVE_SELENIUM = False
BROWSER_OK = bool(CHROMIUM and CHROMEDRIVER and HAVE_SELENIUM)
needs_browser = pytest.mark.skipif(
    not BROWSER_OK and not REQUIRE_BROWSER,
    reason="needs chromium, chromium-driver and selenium (Debian: apt-get install -y chromium "
           "chromium-driver; pip install selenium)")


# --- the page, without a browser -----------------------------------------------------------------
def test_page_is_self_contained_with_strict_csp(tmp_path):
    out = tmp_path / "q.html"
    res = CliRunner().invoke(main, ["questionnaire", "KEN", "-o", str(out), *TINY_ARGS])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    # the hashes in the policy are those of the page's one script and one style
    script = re.findall(r"<script>(.*?)</script>", text, re.S)
    style = re.findall(r"<style>(.*?)</style>", text, re.S)
    assert len(script) == 1 and len(style) == 1

    def sha(s: str) -> str:
        return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()

    assert f"'sha256-{sha(script[0])}'" in csp and f"'sha256-{sha(style[0])}'" in csp
    # nothing loaded from elsewhere
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text)
    assert "<link" not in text and "@import" not in text


def test_embedded_text_is_escaped(tmp_path):
    fw_text = (TINY / "indicators.yaml").read_text(encoding="utf-8").replace(
        "name: Law exists", "name: \"</script><!-- <b>x</b> & ]]>\"")
    (tmp_path / "fw.yaml").write_text(fw_text, encoding="utf-8")
    fw = gci.load_framework(tmp_path / "fw.yaml")
    ws = gci.load_weights(TINY / "weights.yaml", fw).scheme()
    text = questionnaire_html(questionnaire_data(fw, ws))
    data = re.search(r'<script type="application/json" id="gci-data">(.*?)</script>', text,
                     re.S).group(1)
    assert "<" not in data and ">" not in data and "&" not in data
    names = [n["name"] for n in json.loads(data)["nodes"]]
    assert "</script><!-- <b>x</b> & ]]>" in names  # the text itself is kept exactly


def test_engine_data_are_the_python_weights(default_result):
    from gci.engine.aggregate import Structure
    from gci.engine.scoring import node_weights

    fw, ws = default_result.framework, default_result.scheme
    data = questionnaire_data(fw, ws, edition=default_result)
    st = Structure.of(fw)
    assert [n["code"] for n in data["nodes"]] == st.codes
    assert [n["weight"] for n in data["nodes"]] == node_weights(ws, st).tolist()
    parents = [n["parent"] for n in data["nodes"]]
    assert parents == st.parent.tolist()
    assert len(data["edition"]["scores"]) == 194


def test_refuses_what_the_page_cannot_score_exactly(default_result):
    fw, ws = default_result.framework, default_result.scheme
    with pytest.raises(GCIError, match="'zero' or 'exclude'"):
        questionnaire_data(fw, ws, missing="group_mean")
    other = gci.score(missing="exclude")
    with pytest.raises(GCIError, match="missing='exclude'"):
        questionnaire_data(fw, ws, edition=other)
    res = CliRunner().invoke(main, ["questionnaire", "-o", "x.html", "--missing", "group_mean"])
    assert res.exit_code == 2


# --- in a real browser ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert BROWSER_OK, ("GCI_REQUIRE_BROWSER is set but chromium, chromedriver or selenium is "
                        "missing (apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1300,1800",
                f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def _page(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "q.html"
    res = CliRunner().invoke(main, ["questionnaire", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _open(browser, path: Path) -> None:
    browser.get(path.as_uri())
    browser.get_log("browser")  # clear
    assert browser.execute_script("return typeof window.gciLoad") == "function"


def _errors(browser) -> list:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def _answers_of(result: gci.ScoreResult, resp: gci.Responses, iso3: str) -> dict:
    t = resp.table[resp.table["iso3"] == iso3]
    answers = {}
    for r in t.itertuples():
        a = r.answer
        if isinstance(a, float) and math.isnan(a):
            continue
        ev = None if r.evidence is None or (isinstance(r.evidence, float)
                                            and math.isnan(r.evidence)) else str(r.evidence)
        answers[r.question] = {"answer": a, "evidence": ev}
    return {"country": iso3, "answers": answers}


@needs_browser
def test_page_scores_all_194_countries_like_gci_score(browser, tmp_path):
    """One page load, 194 loads of answers: overall, pillars, tier and positions as gci score."""
    result = gci.score()  # computed now: the demo answers may change
    resp = gci.load_responses(gci.default_paths()["responses"])
    _open(browser, _page(tmp_path, "--blank"))
    pillars = [p.code for p in result.framework.pillars]
    ranks = result.ranks
    worst = 0.0
    for iso3 in result.countries:
        got = browser.execute_script("return gciLoad(arguments[0])",
                                     _answers_of(result, resp, iso3))
        assert got["invalid"] == [], iso3
        diffs = [abs(got["overall"] - result.overall[iso3])] + \
            [abs(got["pillars"][p] - result.pillars.loc[iso3, p]) for p in pillars]
        worst = max(worst, *diffs)
        assert max(diffs) <= 1e-9, (iso3, got, result.scores.loc[iso3].to_dict())
        assert got["tier"] == ranks.loc[iso3, "tier"], iso3
        pos = got["position"]
        assert pos["global_rank"] == ranks.loc[iso3, "global_rank"], iso3
        assert pos["regional_rank"] == ranks.loc[iso3, "regional_rank"], iso3
        assert pos["region"] == ranks.loc[iso3, "itu_region"], iso3
    assert worst <= 1e-9
    # the page shows the last one, rounded as published
    last = result.countries[-1]
    shown = browser.find_element("id", "overall").text
    assert shown == f"{result.overall[last]:.2f}"
    assert _errors(browser) == []


@needs_browser
def test_tiny_by_hand_conditions_and_typing(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, _page(tmp_path, *TINY_ARGS, "--blank"))
    resp = gci.load_responses(TINY / "responses")
    tiny = gci.score(resp, TINY / "indicators.yaml", TINY / "weights.yaml")
    expect = {"DEU": (87.5, 37.5, 50.0), "FRA": (50.0, 25.0, 25.0), "KEN": (25.0, 25.0, 0.0)}
    for iso3, (overall, a, b) in expect.items():
        got = browser.execute_script("return gciLoad(arguments[0])",
                                     _answers_of(tiny, resp, iso3))
        assert got["overall"] == pytest.approx(overall, abs=1e-12)
        assert (got["pillars"]["A"], got["pillars"]["B"]) == pytest.approx((a, b), abs=1e-12)
    # DEU: Q1 = no, so Q4 does not apply and is hidden
    browser.execute_script("return gciLoad(arguments[0])", _answers_of(tiny, resp, "DEU"))
    q4 = browser.find_element(By.ID, "q-Q4")
    assert browser.execute_script("return arguments[0].hidden", q4) is True
    # typing: Q1 = yes shows Q4 (unanswered, 0): A2 = (1 + 0)/2, A1 = 1, A = .75: still 87.5
    Select(browser.find_element(By.ID, "a-Q1")).select_by_value("yes")
    assert browser.execute_script("return arguments[0].hidden", q4) is False
    assert browser.find_element(By.ID, "overall").text == "87.50"
    # Q5 = no: B = 1/2 -> (0.75 + 0.5)/2 = 62.5, Tier 3
    browser.find_element(By.ID, "tab-B").click()
    Select(browser.find_element(By.ID, "a-Q5")).select_by_value("no")
    assert browser.find_element(By.ID, "overall").text == "62.50"
    assert browser.find_element(By.ID, "tier").text == "Tier 3 - Establishing"
    # a number typed out of range is flagged and counts as missing: Q3 = -1 -> A2 = 0 ...
    browser.find_element(By.ID, "tab-A").click()
    q3 = browser.find_element(By.ID, "a-Q3")
    q3.clear()
    q3.send_keys("-1")
    assert "not allowed" in browser.find_element(By.ID, "m-Q3").text
    # ... A = (1 + (0 + 0)/2)/2 = .5 -> 25 + 25 = 50
    assert browser.find_element(By.ID, "overall").text == "50.00"
    assert _errors(browser) == []


@needs_browser
def test_saved_files_validate_and_load_back(browser, tmp_path):
    _open(browser, _page(tmp_path, "FRA", *TINY_ARGS))
    # prefilled with FRA's answers: 50
    assert browser.execute_script("return gciCompute().overall") == pytest.approx(50.0)
    for kind in ("yaml", "json"):
        text = browser.execute_script("return gciDownload(arguments[0])", kind)
        path = tmp_path / f"fra.{kind}"
        path.write_text(text, encoding="utf-8")
        res = CliRunner().invoke(main, ["validate", "--strict", *TINY_ARGS[:4], "--responses",
                                        str(path)])
        assert res.exit_code == 0, (kind, res.output, text)
        r = gci.score(path, TINY / "indicators.yaml", TINY / "weights.yaml")
        assert r.overall["FRA"] == pytest.approx(50.0)
        ev = r.matrix.evidence.loc["FRA", "Q1"]
        assert ev == "https://e.example/1"  # evidence kept
        # load it back (as the file input does) after clearing the form
        browser.execute_script("gciLoad({answers: {}})")
        assert browser.execute_script("return gciCompute().overall") == pytest.approx(0.0)
        assert browser.execute_script("return gciLoadText(arguments[0], arguments[1])",
                                      text, path.name) == []
        assert browser.execute_script("return gciCompute().overall") == pytest.approx(50.0)
    # the file input itself, with the YAML answer template gci writes (KEN, Q3 left empty)
    tpl = tmp_path / "ken_template.yaml"
    assert CliRunner().invoke(main, ["template", "KEN", "-o", str(tpl), *TINY_ARGS[:2],
                                     TINY_ARGS[4], TINY_ARGS[5]]).exit_code == 0
    browser.find_element("id", "load").send_keys(str(tpl))
    browser.implicitly_wait(0)
    for _ in range(50):
        if "Loaded" in browser.find_element("id", "load-status").text:
            break
        browser.execute_script("return 1")
    assert browser.find_element("id", "load-status").text == "Loaded ken_template.yaml."
    assert browser.find_element("id", "overall").text == "25.00"
    assert browser.find_element("id", "country").get_attribute("value") == "KEN"
    assert _errors(browser) == []


@needs_browser
def test_keyboard_print_and_phone(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, _page(tmp_path, "KEN"))
    first = browser.find_element(By.CSS_SELECTOR, "#tabs button")
    first.send_keys(Keys.ARROW_RIGHT)
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "tab-technical"
    assert browser.find_element(By.ID, "sec-technical").is_displayed()
    assert not browser.find_element(By.ID, "sec-legal").is_displayed()
    # every control has a label
    unlabeled = browser.execute_script(
        "return Array.from(document.querySelectorAll('select, input')).filter("
        "e => !e.labels || e.labels.length === 0).map(e => e.id)")
    assert unlabeled == []
    shot = tmp_path / "desktop.png"
    browser.save_screenshot(str(shot))
    # print: every pillar is shown, the buttons are not
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.find_element(By.ID, "sec-legal").is_displayed()
        assert browser.find_element(By.ID, "sec-cooperation").is_displayed()
        assert not browser.find_element(By.ID, "save-yaml").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    # phone: one column, the score panel above the questions, nothing wider than the screen
    browser.set_window_size(390, 1500)
    try:
        panel = browser.find_element(By.ID, "panel").rect
        form = browser.find_element(By.ID, "questions").rect
        assert panel["y"] < form["y"]
        width = browser.execute_script("return document.documentElement.scrollWidth")
        inner = browser.execute_script("return window.innerWidth")
        assert width <= inner
        browser.save_screenshot(str(tmp_path / "phone.png"))
    finally:
        browser.set_window_size(1300, 1800)
    assert shot.stat().st_size > 10_000


@needs_browser
def test_page_reads_the_yaml_gci_writes(browser, tmp_path, default_result):
    _open(browser, _page(tmp_path, "--blank"))
    # a demo responses file, as text
    ken = (gci.default_paths()["responses"] / "KEN.yaml").read_text(encoding="utf-8")
    assert browser.execute_script("return gciLoadText(arguments[0], 'KEN.yaml')", ken) == []
    got = browser.execute_script("return gciCompute()")
    assert got["overall"] == pytest.approx(default_result.overall["KEN"], abs=1e-9)
    # quoting styles, block mappings, comments, null and unknown codes (reported, ignored)
    _open(browser, _page(tmp_path, *TINY_ARGS, "--blank"))
    text = ("# mine\ncountry: 'KEN'   # Kenya\nsource: desk_research\nanswers:\n"
            "  Q1:\n    answer: 'yes'\n    evidence: \"https://x.example/a, b\"\n"
            "  Q2: {answer: partial, evidence: 'it''s here'}\n  Q3: 10 # staff\n  Q4: ~\n"
            "  Q5: \"yes\"\n  Q6:\n  Q99: yes\n")
    assert browser.execute_script("return gciLoadText(arguments[0], 'k.yaml')", text) == ["Q99"]
    # A1 = (1 + .5)/2, A2 = (1 + 0)/2: A = .625 -> 31.25; B = 1/2 -> 25
    got = browser.execute_script("return gciCompute()")
    assert got["overall"] == pytest.approx(56.25)
    assert browser.find_element("id", "e-Q2").get_attribute("value") == "it's here"
    assert browser.find_element("id", "source").get_attribute("value") == "desk_research"
    path = tmp_path / "k.yaml"
    path.write_text(text.replace("  Q99: yes\n", ""), encoding="utf-8")
    assert gci.score(path, TINY / "indicators.yaml", TINY / "weights.yaml").overall["KEN"] == \
        pytest.approx(56.25)  # the same file, read by gci
    bad = "country: KEN\nanswers:\n  - Q1\n"
    with pytest.raises(Exception, match="line 3"):
        browser.execute_script("return gciLoadText(arguments[0], 'bad.yaml')", bad)
