"""Statistical audit: each statistic against a hand value or an independent numpy/scipy method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gci import score
from gci.analysis.audit import audit, cronbach_alpha, min_rank, pca_shares


@pytest.fixture(scope="module")
def shipped_audit(default_result):
    return audit(default_result)


def test_cronbach_hand_example():
    # 3 items, 5 respondents (A, B, C). By hand: item variances .7, .8, .7 (sum 2.2); totals
    # 10, 9, 13, 8, 12 have variance 4.3; alpha = 3/2 * (1 - 2.2/4.3) = 0.732558...
    x = np.array([[3, 4, 3], [2, 3, 4], [4, 4, 5], [3, 2, 3], [4, 4, 4]], dtype=float)
    assert cronbach_alpha(x) == pytest.approx(1.5 * (1 - 2.2 / 4.3), abs=1e-12)
    assert cronbach_alpha(x) == pytest.approx(0.732558, abs=1e-6)


def test_cronbach_equals_textbook_formula_on_random_data():
    rng = np.random.default_rng(4)
    x = rng.random((40, 6)) + rng.random((40, 1))
    k = x.shape[1]
    textbook = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(x) == pytest.approx(textbook, rel=1e-12)
    assert np.isnan(cronbach_alpha(x[:, :1]))


def test_cronbach_pairwise_complete_like_coinr():
    # COINr: k^2 * mean off-diagonal cov / sum cov with pairwise-complete covariances
    rng = np.random.default_rng(5)
    x = rng.random((30, 4))
    x[3, 1] = x[7, 2] = np.nan
    cov = np.empty((4, 4))
    for i in range(4):
        for j in range(4):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            cov[i, j] = np.cov(x[ok, i], x[ok, j])[0, 1]
    expected = 16 * ((cov.sum() - np.trace(cov)) / 12) / cov.sum()
    assert cronbach_alpha(x) == pytest.approx(expected, rel=1e-12)


def test_pca_shares_against_svd():
    rng = np.random.default_rng(6)
    x = rng.random((50, 4)) @ rng.random((4, 4))
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    sv = np.linalg.svd(z, compute_uv=False) ** 2 / (len(z) - 1)
    np.testing.assert_allclose(pca_shares(x), sv, rtol=1e-10)
    assert pca_shares(x).sum() == pytest.approx(4.0)


def test_min_rank_matches_scipy():
    x = np.array([[5.0, 7.0, 7.0, 1.0, np.nan, 3.0], [1.0, 1.0, 1.0, 2.0, 0.0, 9.0]])
    r = min_rank(x)
    ok = ~np.isnan(x[0])
    np.testing.assert_array_equal(r[0, ok], stats.rankdata(-x[0, ok], method="min"))
    np.testing.assert_array_equal(r[0], [3, 1, 1, 5, np.nan, 4])
    np.testing.assert_array_equal(r[1], stats.rankdata(-x[1], method="min"))


def test_correlations_against_scipy(default_result, shipped_audit):
    c = shipped_audit.correlations.set_index("code")
    cred = default_result.credit()
    for code in ("legal", "national_cirt", "Q05"):
        par = c.loc[code, "parent"]
        ok = cred[code].notna() & cred[par].notna()
        assert c.loc[code, "pearson_parent"] == pytest.approx(
            stats.pearsonr(cred.loc[ok, code], cred.loc[ok, par])[0], abs=1e-12)
        assert c.loc[code, "spearman_parent"] == pytest.approx(
            stats.spearmanr(cred.loc[ok, code], cred.loc[ok, par])[0], abs=1e-12)
    # flags follow the numbers
    other = c["flag"].str.contains("another", na=False)
    assert (c.loc[other, "pearson_best_other"] > c.loc[other, "pearson_parent"]).all()


def _coinr_alpha(x):
    """COINr get_cronbach, written out: pairwise-complete covariances, k^2 mean(off) / sum."""
    k = x.shape[1]
    cov = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            cov[i, j] = np.cov(x[ok, i], x[ok, j])[0, 1]
    return k * k * ((cov.sum() - np.trace(cov)) / (k * (k - 1))) / cov.sum()


def test_cronbach_and_pca_on_shipped_edition(default_result, shipped_audit):
    cred = default_result.credit()
    fw = default_result.framework
    checked = 0
    for _, r in shipped_audit.cronbach.iterrows():
        kids = (fw.children(r["pillar"]) if r["on"] == "children" else
                [q for q in fw.question_codes if r["pillar"] in fw.ancestors(q)])
        x = cred[kids].to_numpy()
        assert r["alpha"] == pytest.approx(_coinr_alpha(x), rel=1e-10)
        if not np.isnan(x).any():   # complete data: also the textbook formula
            k = len(kids)
            expect = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
            assert r["alpha"] == pytest.approx(expect, rel=1e-10)
        checked += 1
    assert checked == 2 * len(fw.pillars)
    p = shipped_audit.pca.set_index("pillar")
    kids = fw.children("technical")
    z = cred[kids].to_numpy()
    ev = np.sort(np.linalg.eigvalsh(np.corrcoef(z, rowvar=False)))[::-1]
    assert p.loc["technical", "pc1_share"] == pytest.approx(ev[0] / ev.sum(), rel=1e-10)


def test_importance_is_pearson_squared(default_result, shipped_audit):
    t = shipped_audit.importance.set_index("code")
    cred = default_result.credit()
    pillars = [p.code for p in default_result.framework.pillars]
    r2 = np.array([np.corrcoef(cred[p], cred["overall"])[0, 1] ** 2 for p in pillars])
    np.testing.assert_allclose(t.loc[pillars, "r2_index"], r2, rtol=1e-12)
    np.testing.assert_allclose(t.loc[pillars, "importance"], r2 / r2.sum(), rtol=1e-12)
    np.testing.assert_allclose(t.loc[pillars, "nominal_weight"], 0.2)


def test_removal_of_a_pillar_by_hand(default_result, shipped_audit):
    # equal pillar weights, arithmetic: without pillar P the overall is the mean of the other
    # four pillars' credit; ranked with min ties after rounding to 2 decimals.
    cred = default_result.credit()
    pillars = [p.code for p in default_result.framework.pillars]
    rem = shipped_audit.removal
    for p in ("legal", "cooperation"):
        others = [q for q in pillars if q != p]
        new = (cred[others].mean(axis=1) * 100).round(2)
        expect = stats.rankdata(-new.to_numpy(), method="min")
        got = rem[rem["element"] == p].set_index("iso3")["rank"].reindex(new.index)
        np.testing.assert_array_equal(got.to_numpy(), expect)
    nominal = stats.rankdata(-default_result.overall.round(2).to_numpy(), method="min")
    sub = rem[rem["element"] == "legal"].set_index("iso3")
    np.testing.assert_array_equal(sub["nominal_rank"].reindex(default_result.countries),
                                  nominal)
    np.testing.assert_array_equal(sub["change"], sub["nominal_rank"] - sub["rank"])


def test_removal_of_an_indicator_equals_rescoring_with_zero_weight(tiny_paths):
    from gci import load_framework, load_weights

    fw = load_framework(tiny_paths["framework"])
    res = score(tiny_paths["responses"], fw, tiny_paths["weights"])
    a = audit(res, remove=("indicator",))
    w = load_weights(tiny_paths["weights"], fw).schemes["equal"]
    from dataclasses import replace

    w0 = replace(w, weights={**w.weights, "A2": 0.0})
    again = score(tiny_paths["responses"], fw, w0, ties="min")
    got = a.removal[a.removal["element"] == "A2"].set_index("iso3")["rank"]
    assert (got.reindex(again.countries).to_numpy()
            == again.ranks["global_rank"].to_numpy()).all()


def test_availability_and_answers_tiny(tiny_paths):
    res = score(tiny_paths["responses"], tiny_paths["framework"], tiny_paths["weights"])
    a = audit(res)
    st = res.matrix.state
    q = a.availability.set_index("code")
    for i, code in enumerate(res.framework.question_codes):
        assert q.loc[code, "answered"] == (st[:, i] == 0).sum()
        assert q.loc[code, "missing"] == (st[:, i] == 1).sum()
    ans = a.answers.set_index("question")
    raw = res.matrix.raw
    for code in ("Q1", "Q5"):
        answered = raw[code].dropna()
        yes = (answered.astype(str).str.lower() == "yes").mean()
        assert ans.loc[code, "share_full"] == pytest.approx(yes)
    assert set(ans.loc[~ans["discriminates"], "note"]) <= {
        "everyone meets it", "no one meets it", "every answer the same", "never answered"}


def test_non_discriminating_question_flagged(default_result):
    raw = default_result.matrix.raw.copy()
    raw["Q01"] = "yes"
    from gci import Responses

    res = score(Responses.from_wide(raw), default_result.framework, default_result.scheme)
    a = audit(res)
    row = a.answers.set_index("question").loc["Q01"]
    assert not row["discriminates"] and row["note"] == "everyone meets it"
    assert any("Q01" in f for f in a.flags())


def test_tables_and_thresholds_named(shipped_audit):
    t = shipped_audit.tables()
    assert {"availability", "answers", "correlations", "cronbach", "pca", "importance",
            "removal", "removal_summary", "thresholds"} <= set(t)
    th = t["thresholds"].set_index("check")
    assert th.loc["cronbach_alpha", "value"] == 0.7
    assert "Nunnally" in th.loc["cronbach_alpha", "source"]
    assert isinstance(t["removal_summary"], pd.DataFrame)


def test_cli_audit_writes_page_and_tables(tmp_path):
    from click.testing import CliRunner

    from gci.cli.app import main

    page, folder, book = tmp_path / "a.html", tmp_path / "t", tmp_path / "t.xlsx"
    res = CliRunner().invoke(main, ["audit", "--html", str(page), "-o", str(folder),
                                    "--tables", str(book)])
    assert res.exit_code == 0, res.output
    assert "Cronbach's alpha per pillar" in res.output
    text = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text and "http://" not in text.split("<body>")[1]
    assert text.count("data:image/png;base64,") == 4
    cr = pd.read_csv(folder / "cronbach.csv")
    assert len(cr) == 10 and cr["alpha"].between(-1, 1).all()
    assert "removal" in pd.ExcelFile(book).sheet_names
    bad = CliRunner().invoke(main, ["audit", "--html", str(page), "--tables",
                                    str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and ".xlsx" in bad.output


def test_audit_page_in_headless_browser(tmp_path, shipped_audit):
    import shutil
    import subprocess

    from gci.present.audit_report import write_audit

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium not installed")
    page = tmp_path / "a.html"
    write_audit(shipped_audit, page)
    out = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'prof'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120)
    dom = out.stdout
    assert "Cronbach" in dom and "Removing one element at a time" in dom
    assert dom.count("<img") == 4
