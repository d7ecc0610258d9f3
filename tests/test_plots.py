"""Plots are tested on what they draw: bar sizes, labels, colours, polygons, image arrays.

Expected values come from the tiny fixture worked by hand (equal scheme, missing=zero):
DEU 87.5 (A 37.5, B 50), FRA 50 (25, 25), KEN 25 (25, 0); DEU and FRA are in Europe, KEN in
Africa; indicator credit by hand: DEU A1 0.5, A2 1, B1 1; FRA 0.75, 0.25, 0.5; KEN 0.5, 0.5, 0.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import gci  # noqa: E402
from gci.errors import GCIError  # noqa: E402
from gci.inputs.countries import itu_regions  # noqa: E402
from gci.present.plots import (  # noqa: E402
    figure_to_svg,
    indicator_heatmap,
    pillar_bars,
    published_ranks,
    radar,
    rank_change,
    row_labels,
    save_figure,
    score_distribution,
    slope_lines,
    tier_counts,
)
from gci.present.plots.colors import CHANGE_COLORS, PILLAR_PALETTE, pillar_colors, tier_colors  # noqa: E402
from gci.present.plots.slope import read_ranks  # noqa: E402

GCI2024_BANDS = [("Tier 1 - Role-modelling", 95, 100), ("Tier 2 - Advancing", 85, 95),
                 ("Tier 3 - Establishing", 55, 85), ("Tier 4 - Evolving", 20, 55),
                 ("Tier 5 - Building", 0, 20)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


TINY = Path(__file__).resolve().parent / "data" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    return gci.score(TINY / "responses", TINY / "indicators.yaml", TINY / "weights.yaml")


class _Bars:
    """A pillar's segments as drawn: one collection of rectangles, read from their vertices."""

    def __init__(self, coll):
        v = np.array([p.vertices[:4] for p in coll.get_paths()])
        self.x0, self.x1 = v[..., 0].min(axis=1), v[..., 0].max(axis=1)
        self.y0, self.y1 = v[..., 1].min(axis=1), v[..., 1].max(axis=1)
        self.facecolor = tuple(coll.get_facecolor()[0])
        self.label = coll.get_label()

    def widths(self):
        return (self.x1 - self.x0).tolist()


def _bars(ax, gid):
    (coll,) = [c for c in ax.collections if c.get_gid() == gid]
    return _Bars(coll)


def _labels(ax, axis="y"):
    """The names written on the rows (top first), or the x tick labels."""
    texts = row_labels(ax) if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in texts]


def _mesh(ax):
    """The heatmap's cells (one QuadMesh)."""
    (mesh,) = [c for c in ax.collections if c.get_gid() == "indicator-heatmap"]
    return mesh


# --- pillar bars ------------------------------------------------------------------------------
def test_pillar_bars_draw_hand_values(tiny):
    ax = pillar_bars(tiny)
    assert _labels(ax) == ["Germany", "France", "Kenya"]  # by overall: 87.5, 50, 25
    a, b = _bars(ax, "pillar-A"), _bars(ax, "pillar-B")
    assert a.widths() == [37.5, 25.0, 25.0]
    assert b.widths() == [50.0, 25.0, 0.0]
    # B is stacked after A, so each bar ends at the overall score
    assert b.x0.tolist() == [37.5, 25.0, 25.0]
    assert b.x1.tolist() == [87.5, 50.0, 25.0]
    assert a.x0.tolist() == [0.0, 0.0, 0.0]
    # best country at the top: its bar is at y=0 and the axis is inverted
    assert (a.y0 + a.y1).tolist() == [0.0, 2.0, 4.0]
    assert ax.yaxis_inverted()
    assert a.facecolor == to_rgba(PILLAR_PALETTE[0])
    assert b.facecolor == to_rgba(PILLAR_PALETTE[1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Pillar A", "Pillar B"]
    # the legend's keys are the collections' colours
    keys = [tuple(h.get_facecolor()) for h in ax.get_legend().legend_handles]
    assert keys == [to_rgba(PILLAR_PALETTE[0]), to_rgba(PILLAR_PALETTE[1])]


def test_pillar_bars_tier_bands(tiny):
    ax = pillar_bars(tiny)
    bands = [p for p in ax.patches if p.get_gid() == "tier-band"]
    got = [(p.get_label(), p.get_x(), p.get_x() + p.get_width()) for p in bands]
    assert got == GCI2024_BANDS
    colors = tier_colors(tiny.tier_scheme)
    assert bands[0].get_facecolor()[:3] == to_rgba(colors["Tier 1 - Role-modelling"])[:3]
    assert not [p for p in pillar_bars(tiny, tiers=False).patches if p.get_gid() == "tier-band"]


def test_pillar_bars_default_match_result(default_result):
    r = default_result
    ax = pillar_bars(r, region="europe", top=10)
    regions = itu_regions().set_index("iso3")["itu_region"]
    europe = r.overall[regions.reindex(r.overall.index) == "Europe"]
    # second method: sort the overall scores ourselves (ties by name)
    table = pd.DataFrame({"overall": europe, "name": r.scores["name"]}).dropna()
    expected = table.sort_values(["overall", "name"], ascending=[False, True]).head(10)
    assert _labels(ax) == expected["name"].tolist()
    fw = r.framework
    ends = np.zeros(10)
    for pillar in fw.pillars:
        bars = _bars(ax, f"pillar-{pillar.code}")
        widths = np.array(bars.widths())
        np.testing.assert_allclose(widths, r.pillars.loc[expected.index, pillar.code])
        np.testing.assert_allclose(bars.x0, ends, atol=1e-9)  # stacked on the ones before
        assert bars.facecolor == to_rgba(pillar_colors(fw)[pillar.code])
        ends = ends + widths
    # arithmetic aggregation: the segments add up to the overall score
    np.testing.assert_allclose(ends, expected["overall"], atol=1e-9)


def test_194_country_labels_stay_readable(default_result):
    ax = pillar_bars(default_result)
    labels = row_labels(ax)
    assert len(labels) == 194
    assert min(t.get_fontsize() for t in labels) >= 6
    fig = ax.figure
    assert fig.get_size_inches()[1] >= 194 * 0.15
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    # consecutive labels do not overlap vertically
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper.y0 >= lower.y1 - 0.5


@pytest.mark.parametrize("kind", ["pillars", "heatmap"])
def test_country_names_are_texts_on_their_rows(default_result, kind):
    """The names are plain texts (no tick per country), each centred on its own row's bar or
    cells, just left of the axes, in the order of the scores."""
    r = default_result
    if kind == "pillars":
        ax = pillar_bars(r)
        bars = _bars(ax, f"pillar-{r.framework.pillars[0].code}")
        centres = (bars.y0 + bars.y1) / 2
    else:
        ax = indicator_heatmap(r)
        rows = _mesh(ax).get_coordinates()[:, 0, 1]  # y of each row's top and bottom edges
        centres = (rows[:-1] + rows[1:]) / 2
    names = row_labels(ax)
    assert len(ax.get_yticks()) == 0  # no tick objects
    assert [t.get_text() for t in names] == r.scores["name"].tolist()
    assert [t.get_position()[1] for t in names] == centres.tolist()
    fig = ax.figure
    fig.set_dpi(100)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in names]
    # on screen: each name's middle is its row's middle (within a pixel), right of it the axes
    row_y = ax.transData.transform(np.column_stack([np.zeros_like(centres), centres]))[:, 1]
    np.testing.assert_allclose([(b.y0 + b.y1) / 2 for b in boxes], row_y, atol=1.0)
    assert all(axes.x0 - 12 <= b.x1 <= axes.x0 for b in boxes)
    assert min(b.x0 for b in boxes) >= 0


def _inside(box, frame, tol=0.5):
    return (box.x0 >= frame.x0 - tol and box.x1 <= frame.x1 + tol and box.y0 >= frame.y0 - tol
            and box.y1 <= frame.y1 + tol)


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_pillar_bars_fixed_layout_keeps_everything_on_the_page(default_result, dpi):
    """No layout engine and no tight bbox: the margins fitted once must hold every label."""
    from gci.present.plots._common import has_fixed_layout

    ax = pillar_bars(default_result)
    fig = ax.figure
    assert fig.get_layout_engine() is None and has_fixed_layout(fig)
    fig.set_dpi(dpi)
    fig.canvas.draw()
    page = fig.bbox
    renderer = fig.canvas.get_renderer()
    names = row_labels(ax)
    longest = max(names, key=lambda t: t.get_window_extent(renderer).width)
    assert longest.get_text() == "Democratic People's Republic of Korea"
    texts = [*names, *ax.texts, ax.get_legend(), ax.xaxis.label, *ax.get_xticklabels(),
             ax._left_title]
    for t in texts:
        assert _inside(t.get_window_extent(renderer), page), t
    axes = ax.get_window_extent(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= axes.x1  # outside the axes: covers no bar
    totals = [t for t in ax.texts if t.get_gid() == "bar-total"]
    assert len(totals) == 194
    # every total ends inside the axes, to the right of its bar
    assert max(t.get_window_extent(renderer).x1 for t in totals) <= axes.x1
    # the names do not reach into the axes
    assert max(t.get_window_extent(renderer).x1 for t in names) <= axes.x0


def test_fixed_layout_saves_in_one_pass_until_something_is_added(tiny, tmp_path):
    from matplotlib.image import imread

    from gci.present.plots import _bbox

    ax = pillar_bars(tiny)
    fig = ax.figure
    assert _bbox(fig) is None  # margins already fitted: no tight-bbox pass
    png = save_figure(ax, tmp_path / "a.png", dpi=100)
    w, h = fig.get_size_inches()
    img = imread(png)
    assert img.shape[:2] == (round(h * 100), round(w * 100))  # the page, not a tight crop
    # nothing drawn on the outermost pixels: the margins hold everything
    ink = img[..., :3].min(axis=2) < 0.8
    assert not ink[0].any() and not ink[-1].any() and not ink[:, 0].any() and not ink[:, -1].any()
    ax.set_title("A much longer title, set after the layout was fitted", loc="left")
    assert _bbox(fig) == "tight"
    ax = pillar_bars(tiny)
    ax.text(0, 0, "added later")
    assert _bbox(ax.figure) == "tight"
    # a figure laid out by the user (their own axes) is always cropped tight
    _fig, own = plt.subplots()
    assert _bbox(pillar_bars(tiny, ax=own).figure) == "tight"


def test_accessor_returns_same_plots(tiny):
    ax = tiny.plot.pillars(top=2)
    assert _labels(ax) == ["Germany", "France"]
    _fig, own = plt.subplots()
    assert tiny.plot.pillars(ax=own) is own
    assert "pillars" in repr(tiny.plot)


def test_region_and_country_errors(tiny):
    with pytest.raises(GCIError, match="unknown region 'Mars'.*Africa, Europe"):
        pillar_bars(tiny, region="Mars")
    with pytest.raises(GCIError, match="unknown country"):
        pillar_bars(tiny, countries=["Atlantis"])
    with pytest.raises(GCIError, match="no country left"):
        pillar_bars(tiny, region="Africa", countries=["DEU"])


# --- radar ------------------------------------------------------------------------------------
def test_radar_vertices_are_pillar_scores(tiny):
    ax = radar(tiny, "Kenya")
    lines = {ln.get_gid(): ln for ln in ax.lines}
    # KEN: A 25 of 50 points = 50 %, B 0 %; closed polygon repeats the first vertex
    np.testing.assert_allclose(lines["radar-country"].get_ydata(), [50, 0, 50])
    np.testing.assert_allclose(lines["radar-country"].get_xdata(), [0, np.pi, 0])
    # Africa is KEN alone; world mean A (75+50+50)/3, B (100+50+0)/3
    np.testing.assert_allclose(lines["radar-region"].get_ydata(), [50, 0, 50])
    np.testing.assert_allclose(lines["radar-world"].get_ydata(), [175 / 3, 50, 175 / 3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Pillar A", "Pillar B"]
    assert ax.get_xticklabels()[1].get_color() == PILLAR_PALETTE[1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Africa mean", "World mean", "Kenya"]


def test_radar_default_matches_points_over_maximum(default_result):
    r = default_result
    ax = radar(r, "FRA", compare=("world",))
    (line,) = [ln for ln in ax.lines if ln.get_gid() == "radar-country"]
    codes = [p.code for p in r.framework.pillars]
    # second method: points / maximum points of each pillar
    expected = r.pillars.loc["FRA", codes] / r.effective_weights["max_points"][codes] * 100
    np.testing.assert_allclose(line.get_ydata()[:-1], expected.to_numpy(float))
    assert not [ln for ln in ax.lines if ln.get_gid() == "radar-region"]


def test_radar_needs_polar_axes(tiny):
    _fig, ax = plt.subplots()
    with pytest.raises(GCIError, match="polar"):
        radar(tiny, "DEU", ax=ax)


# --- heatmap ----------------------------------------------------------------------------------
def test_heatmap_array_is_indicator_credit(tiny):
    ax = indicator_heatmap(tiny)
    image = _mesh(ax)
    np.testing.assert_allclose(image.get_array(), [[0.5, 1.0, 1.0], [0.75, 0.25, 0.5],
                                                   [0.5, 0.5, 0.0]])
    assert _labels(ax) == ["Germany", "France", "Kenya"]
    assert _labels(ax, "x") == ["Indicator A1", "Indicator A2", "Indicator B1"]
    bands = {p.get_gid(): p for p in ax.patches if str(p.get_gid()).startswith("pillar-band")}
    assert bands["pillar-band-A"].get_width() == 2 and bands["pillar-band-B"].get_width() == 1
    assert bands["pillar-band-B"].get_facecolor() == to_rgba(PILLAR_PALETTE[1])
    assert image.get_clim() == (0.0, 1.0)


@pytest.mark.parametrize("top", [5, None])
def test_heatmap_layout_bands_title_colorbar(default_result, top):
    """194 rows or 5: pillar bands stay a thin strip above the cells, under the pillar names,
    under the title; everything (colorbar and its label too) is on the page."""
    from gci.present.plots._common import has_fixed_layout

    ax = indicator_heatmap(default_result, top=top)
    fig = ax.figure
    assert has_fixed_layout(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = ax.get_window_extent(renderer)
    bands = [p for p in ax.patches if str(p.get_gid()).startswith("pillar-band")]
    assert len(bands) == 5
    names = [t for t in ax.texts if t.get_gid() not in ("cell-value", "row-label")]  # pillars
    title = ax._left_title.get_window_extent(renderer)
    for band in bands:
        b = band.get_window_extent(renderer)
        # 6 points tall, 2 points above the cells, whatever the figure height
        assert b.height == pytest.approx(6 / 72 * fig.dpi, abs=0.5)
        assert b.y0 == pytest.approx(axes.y1 + 2 / 72 * fig.dpi, abs=0.5)
        assert b.y1 <= min(t.get_window_extent(renderer).y0 for t in names)
    assert max(t.get_window_extent(renderer).y1 for t in names) <= title.y0
    (cax,) = [a for a in fig.axes if a is not ax]
    cbar = cax.get_tightbbox(renderer)
    assert cbar.x0 >= axes.x1  # right of the cells
    for box in (cbar, title, ax.xaxis.get_tightbbox(renderer),
                *(t.get_window_extent(renderer) for t in row_labels(ax))):  # the country names
        assert _inside(box, fig.bbox)


def test_heatmap_default_grouped_by_pillar(default_result):
    r = default_result
    ax = indicator_heatmap(r, top=5)
    codes = [n.code for n in r.framework.indicators]
    pillar_seq = [r.framework.pillar_of(c) for c in codes]
    # grouped: each pillar's indicators are contiguous, in pillar order
    firsts = [pillar_seq.index(p.code) for p in r.framework.pillars]
    assert firsts == sorted(firsts) and all(
        len(set(pillar_seq[i:j])) == 1 for i, j in zip(firsts, [*firsts[1:], len(codes)]))
    top5 = r.scores.index[:5]
    np.testing.assert_allclose(_mesh(ax).get_array(),
                               r.indicators.pivot(index="iso3", columns="indicator",
                                                  values="credit").loc[top5, codes])


# --- distribution and tiers -------------------------------------------------------------------
def test_distribution_medians_by_region(default_result):
    r = default_result
    ax = score_distribution(r)
    medians = [ln.get_ydata()[0] for ln in ax.lines if ln.get_gid() == "median"]
    regions = itu_regions().set_index("iso3")["itu_region"]
    by_hand = r.overall.groupby(regions.reindex(r.overall.index)).median().sort_index()
    np.testing.assert_allclose(medians, by_hand.to_numpy())
    points = {c.get_gid(): c.get_offsets()[:, 1] for c in ax.collections}
    assert sorted(points["strip-CIS"]) == sorted(r.overall[regions == "CIS"].tolist())
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == list(by_hand.index)


def test_distribution_tiny_and_strip(tiny):
    ax = score_distribution(tiny)
    medians = [ln.get_ydata()[0] for ln in ax.lines if ln.get_gid() == "median"]
    assert medians == [25.0, 68.75]  # Africa [25]; Europe [87.5, 50]
    strip = score_distribution(tiny, kind="strip")
    assert not [ln for ln in strip.lines if ln.get_gid() == "median"]
    with pytest.raises(GCIError, match="box or strip"):
        score_distribution(tiny, kind="violin")


def test_tier_counts_hand(tiny):
    ax = tier_counts(tiny)
    heights = {c.patches[0].get_gid(): [p.get_height() for p in c] for c in ax.containers}
    # regions Africa, Europe: DEU Tier 2, FRA and KEN Tier 4
    assert heights["tier-Tier 2 - Advancing"] == [0, 1]
    assert heights["tier-Tier 4 - Evolving"] == [1, 1]
    assert heights["tier-Tier 1 - Role-modelling"] == [0, 0]
    assert _labels(ax, "x") == ["Africa", "Europe"]


def test_tier_counts_default_sum_to_thresholds(default_result):
    r = default_result
    ax = tier_counts(r)
    heights = {c.patches[0].get_gid(): np.array([p.get_height() for p in c])
               for c in ax.containers}
    assert sum(h.sum() for h in heights.values()) == 194
    # second method: count GCI 2024 thresholds on the rounded scores directly
    s = r.overall.round(2)
    assert heights["tier-Tier 1 - Role-modelling"].sum() == (s >= 95).sum()
    assert heights["tier-Tier 5 - Building"].sum() == (s < 20).sum()
    colors = tier_colors(r.tier_scheme)
    (c1,) = [c for c in ax.containers
             if c.patches[0].get_gid() == "tier-Tier 1 - Role-modelling"]
    assert c1[0].get_facecolor() == to_rgba(colors["Tier 1 - Role-modelling"])


# --- slope ------------------------------------------------------------------------------------
def test_rank_change_lines_and_colours():
    before = pd.Series({"FRA": 1, "DEU": 2, "KEN": 3, "USA": 4})
    after = pd.Series({"FRA": 2, "DEU": 1, "KEN": 3, "BRA": 1})  # USA, BRA in one edition
    ax = rank_change(before, after, labels=("2018", "2020"))
    lines = slope_lines(ax)  # read from the segments drawn
    assert sorted(lines.index) == ["DEU", "FRA", "KEN"]
    assert lines.loc["FRA", ["before", "after"]].tolist() == [1, 2]
    assert lines.loc["DEU", ["before", "after"]].tolist() == [2, 1]
    assert lines.loc["KEN", ["before", "after"]].tolist() == [3, 3]
    assert lines["change"].to_dict() == {"FRA": "down", "DEU": "up", "KEN": "same"}
    for code, kind in (("FRA", "down"), ("DEU", "up"), ("KEN", "same")):
        assert to_rgba(lines.loc[code, "color"]) == to_rgba(CHANGE_COLORS[kind])
    # each line's two ends carry a dot of its colour (one marker line per kind of change)
    for kind in ("up", "down", "same"):
        (ends,) = [ln for ln in ax.lines if ln.get_gid() == f"slope-{kind}-ends"]
        mine = lines[lines["change"] == kind]
        assert sorted(zip(ends.get_xdata(), ends.get_ydata())) == sorted(
            [(0.0, b) for b in mine["before"]] + [(1.0, a) for a in mine["after"]])
        assert to_rgba(ends.get_color()) == to_rgba(CHANGE_COLORS[kind])
    assert _labels(ax, "x") == ["2018", "2020"]
    assert ax.yaxis_inverted()


def test_rank_change_ties_share_a_label():
    ax = rank_change(pd.Series({"FRA": 1, "DEU": 1}), pd.Series({"FRA": 1, "DEU": 2}))
    texts = [t.get_text() for t in ax.texts]
    assert "(1) Germany, France" in texts or "(1) France, Germany" in texts
    assert "Germany (2)" in texts


def test_published_ranks_and_result(default_result):
    r2018 = published_ranks(2018)
    assert len(r2018) == 194 and r2018["GBR"] == 1  # GCI 2018: United Kingdom first
    ax = default_result.plot.rank_change(r2018, top=10)
    fra = slope_lines(ax).loc["FRA"]
    # positions among the countries ranked in both: 1 + countries ranked strictly ahead
    now = default_result.ranks["global_rank"].astype(float)
    common = r2018.index.intersection(now.index)
    expect = [1 + int((r2018[common] < r2018["FRA"]).sum()),
              1 + int((now[common] < now["FRA"]).sum())]
    assert [fra["before"], fra["after"]] == expect
    assert ax.get_title(loc="left") == f"Position among the {len(common)} countries ranked in both"
    raw = default_result.plot.rank_change(r2018, top=10, positions=False)
    fra = slope_lines(raw).loc["FRA"]
    assert [fra["before"], fra["after"]] == [r2018["FRA"],
                                             default_result.ranks.loc["FRA", "global_rank"]]
    with pytest.raises(GCIError, match="no published GCI results for edition 1999"):
        published_ranks(1999)


@pytest.mark.parametrize("dpi", [72, 150, 300])
def test_rank_change_194_labels_on_the_page(default_result, dpi):
    """Ties give labels several inches long: constrained layout gave up on them ("axes sizes
    collapsed to zero"); the fitted margins hold every label at any dpi."""
    import warnings

    from gci.present.plots._common import has_fixed_layout

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = rank_change(published_ranks("2020"), default_result)
        fig = ax.figure
        assert has_fixed_layout(fig)
        fig.set_dpi(dpi)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    longest = max(ax.texts, key=lambda t: len(t.get_text()))
    assert longest.get_window_extent(renderer).width > 5 * dpi  # the tie of 12 countries
    for t in [*ax.texts, ax._left_title, *ax.get_xticklabels()]:
        assert _inside(t.get_window_extent(renderer), fig.bbox), t.get_text()


def test_read_ranks_from_scores_and_errors(tmp_path):
    p = tmp_path / "old.csv"
    p.write_text("iso3,score\nFRA,90\nDEU,95\nKEN,90\n", encoding="utf-8")
    assert read_ranks(p).to_dict() == {"FRA": 2.0, "DEU": 1.0, "KEN": 2.0}  # dense
    bad = tmp_path / "bad.csv"
    bad.write_text("iso3,global_rank\nFRA,x\nZZZ,2\nFRA,3\n", encoding="utf-8")
    with pytest.raises(gci.ValidationError) as err:
        read_ranks(bad)
    text = str(err.value)
    assert "bad.csv:2" in text and "not a number" in text
    assert "bad.csv:3" in text and "ZZZ" in text
    # row 4 repeats FRA: a country in two rows is an error whatever the first row holds
    assert "bad.csv:4" in text and "FRA appears in rows 2 and 4" in text
    assert len(err.value.problems) == 3


# --- output -----------------------------------------------------------------------------------
def test_save_png_svg_and_bad_suffix(tiny, tmp_path):
    ax = pillar_bars(tiny)
    png = save_figure(ax, tmp_path / "a.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save_figure(ax, tmp_path / "a.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Date" not in svg
    assert figure_to_svg(ax).startswith("<svg")
    with pytest.raises(GCIError, match=r"\.png, \.svg, \.pdf"):
        save_figure(ax, tmp_path / "a.gif")
    assert not (tmp_path / "a.gif").exists()


@pytest.mark.parametrize("cell", ["55,2", "1_000", "1e999", "\u0661\u0662", "50%"])
def test_slope_previous_table_numbers_go_through_the_strict_reader(tmp_path, cell):
    # gci plot slope --previous: the same number rules as every other reader (issue 9)
    from gci.errors import ValidationError
    from gci.present.plots.slope import read_ranks

    f = tmp_path / "old.csv"
    f.write_text(f'iso3,score\nFRA,"{cell}"\nDEU,60\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_ranks(f)
    (p,) = info.value.errors
    assert (p.kind, p.line, p.country) == ("bad_value", 2, "FRA")
    assert repr(cell) in p.message


def test_cli_png_has_the_pixels_of_the_library_plot(tiny, tmp_path):
    """`gci plot` draws at its --dpi and saves with fast PNG compression: pixels unchanged
    (both with the text settings of save_figure, TEXT_RC, and texts drawn as strings)."""
    from click.testing import CliRunner
    from matplotlib import rc_context
    from matplotlib.image import imread

    from gci.cli import main

    res = CliRunner().invoke(main, ["plot", "pillars", "-o", str(tmp_path / "cli.png"),
                                    "--dpi", "100", "--responses", str(TINY / "responses"),
                                    "--framework", str(TINY / "indicators.yaml"),
                                    "--weights", str(TINY / "weights.yaml")])
    assert res.exit_code == 0, res.output
    from gci.present.plots._common import TEXT_RC, string_text

    _needs_string_text()

    with rc_context({"figure.dpi": 100}):
        ax = pillar_bars(tiny)
    assert string_text(ax.figure.canvas.get_renderer())  # the renderer savefig uses at 100 dpi
    with rc_context(TEXT_RC):
        ax.figure.savefig(tmp_path / "lib.png", dpi=100)  # matplotlib's default PNG compression
    cli, lib = imread(tmp_path / "cli.png"), imread(tmp_path / "lib.png")
    assert cli.shape == lib.shape and (cli == lib).all()


def test_heatmap_cells_have_the_colour_of_their_credit(tiny, tmp_path):
    """Each cell's pixels (at its centre) are its credit's colour on the stated scale."""
    from matplotlib import colormaps
    from matplotlib.image import imread

    ax = indicator_heatmap(tiny, annotate_max=0)
    fig = ax.figure
    png = save_figure(ax, tmp_path / "h.png", dpi=100)
    img = imread(png)
    image = _mesh(ax)
    vmin, vmax = image.get_clim()
    values = image.get_array()
    assert img.shape[0] == int(fig.bbox.height * 100 / fig.dpi)  # Agg truncates to whole pixels
    cmap = colormaps["YlGnBu"]
    fig.set_dpi(100)
    for (i, j), v in np.ndenumerate(values.filled(np.nan)):
        x, y = ax.transData.transform((j, i))
        got = img[img.shape[0] - 1 - int(y), int(x), :3]
        expected = np.array(cmap((v - vmin) / (vmax - vmin))[:3])
        np.testing.assert_allclose(got, expected, atol=1 / 255 + 1e-6)


def test_widest_texts_finds_the_widest_as_measured(default_result):
    """The slope chart measures only the labels estimated widest: the estimate (sum of glyph
    advances) must pick the label that is widest when drawn, on both columns."""
    from gci.present.plots._common import widest_texts

    ax = rank_change(published_ranks("2020"), default_result)
    renderer = ax.figure.canvas.get_renderer()
    for ha in ("right", "left"):
        column = [t for t in ax.texts if t.get_horizontalalignment() == ha]
        assert len(column) > 100
        widths = {id(t): t.get_window_extent(renderer).width for t in column}
        widest = max(column, key=lambda t: widths[id(t)])
        picked = widest_texts(column, k=8)
        assert len(picked) == 8 and widest in picked
        # its first pick is (within 2 %) as wide as the widest drawn
        assert widths[id(picked[0])] == pytest.approx(widths[id(widest)], rel=0.02)
    assert len(slope_lines(ax)) == 194


def test_save_figure_draws_text_unhinted_as_measured(tiny, tmp_path):
    """save_figure draws under TEXT_RC (unhinted glyphs, measured so by the layout) and leaves
    the caller's settings as they were."""
    from matplotlib import rcParams

    from gci.present.plots._common import TEXT_RC

    before = rcParams["text.hinting"]
    seen = []
    ax = pillar_bars(tiny)
    ax.figure.canvas.mpl_connect("draw_event", lambda _e: seen.append(rcParams["text.hinting"]))
    save_figure(ax, tmp_path / "a.png")
    assert seen == [TEXT_RC["text.hinting"]] == ["no_hinting"]
    assert rcParams["text.hinting"] == before


@pytest.mark.parametrize("kind", ["pillars", "slope"])
def test_save_figure_png_is_savefig_pixel_for_pixel(default_result, tmp_path, kind):
    """save_figure encodes PNG itself (Up filter, zlib level 1): the file decodes to exactly what
    matplotlib's savefig writes at that dpi (texts drawn as strings, as save_figure draws them;
    see the test of string_text), states the dpi, and is not much larger."""
    from matplotlib import rc_context
    from PIL import Image

    from gci.present.plots._common import TEXT_RC, string_text

    _needs_string_text()

    def draw():
        if kind == "pillars":
            return pillar_bars(default_result)
        return rank_change(published_ranks("2020"), default_result)

    with rc_context({"figure.dpi": 120}):
        ours = save_figure(draw(), tmp_path / "ours.png", dpi=120)
        ax = draw()
        assert string_text(ax.figure.canvas.get_renderer())  # the one savefig draws with
        with rc_context(TEXT_RC):
            ax.figure.savefig(tmp_path / "mpl.png", dpi=120)
    a, b = Image.open(ours), Image.open(tmp_path / "mpl.png")
    assert a.mode == b.mode == "RGBA" and a.size == b.size
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert a.info["dpi"] == b.info["dpi"] == pytest.approx((120, 120), abs=0.02)  # pHYs
    assert ours.stat().st_size <= 1.5 * (tmp_path / "mpl.png").stat().st_size
    # at another dpi than the figure's, and the figure keeps its own dpi afterwards
    ax = pillar_bars(default_result, top=5)
    dpi = ax.figure.dpi
    img = Image.open(save_figure(ax, tmp_path / "small.png", dpi=72))
    w, h = ax.figure.get_size_inches()
    assert img.size == (int(w * 72), int(h * 72)) and ax.figure.dpi == dpi



def test_texts_drawn_as_strings_match_matplotlibs_glyph_by_glyph_drawing():
    """string_text (what save_figure's PNG uses) draws each plain label with the same ink, at
    most one pixel away from where matplotlib's own drawing puts it; rotated text and mathtext
    keep matplotlib's own path (identical pixels), as does everything that is not text; a
    bitmap kept from the measure draws as one made when drawn; and glyph_text undoes it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gci.present.plots._common import TEXT_RC, glyph_text, string_text

    _needs_string_text()

    fig = Figure(figsize=(5, 2.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.plot([0, 1], [0, 1], color="tab:green")
    ax.set_axis_off()  # no tick labels: the only plain texts are these
    plain = [fig.text(0.97, 0.85, "(12) Japan", ha="right", va="center", fontsize=6),
             fig.text(0.03, 0.6, "Türkiye, Côte d'Ivoire (5)", ha="left", va="center",
                      fontsize=9),
             fig.text(0.5, 0.35, "Position among the 194 countries", ha="center", fontsize=12)]
    fig.text(0.2, 0.1, "rotated", rotation=90, fontsize=9)
    fig.text(0.8, 0.1, r"$x^2$", fontsize=9)

    def draw() -> np.ndarray:
        fig.canvas.draw()
        return 255 - np.asarray(fig.canvas.buffer_rgba())[..., :3].min(axis=-1).astype(int)

    with matplotlib.rc_context(TEXT_RC):
        renderer = fig.canvas.get_renderer()
        assert string_text(renderer)
        strings = draw()  # first draw: each text's bitmap rendered as it is measured, kept
        kept = {key[0] for key in renderer.draw_text.bitmaps}
        glyph_text(renderer)
        assert string_text(renderer)
        redrawn = draw()  # sizes known already: each text laid out when drawn
        assert not renderer.draw_text.bitmaps
        glyph_text(renderer)
        glyphs = draw()
        again = draw()
        boxes = [t.get_window_extent(renderer) for t in plain]
    assert {t.get_text() for t in plain} <= kept and (redrawn == strings).all()
    assert (again == glyphs).all()
    height = glyphs.shape[0]
    outside = np.ones_like(glyphs, dtype=bool)
    for box in boxes:  # rows from the top; 2 px of slack
        rows = slice(int(height - box.y1) - 2, int(height - box.y0) + 3)
        cols = slice(int(box.x0) - 2, int(box.x1) + 3)
        outside[rows, cols] = False
        a, b = glyphs[rows, cols], strings[rows, cols]
        assert a.sum() > 1000 and abs(b.sum() - a.sum()) <= 0.03 * a.sum()  # the same ink
        for axis in (0, 1):  # its extent, within one pixel on every side
            ia, ib = np.flatnonzero(a.max(axis=axis) > 60), np.flatnonzero(b.max(axis=axis) > 60)
            assert abs(ia[0] - ib[0]) <= 1 and abs(ia[-1] - ib[-1]) <= 1
    assert (glyphs[outside] == strings[outside]).all()
    assert (glyphs[~outside] != strings[~outside]).any()  # the two paths differ (sub-pixel)


@pytest.mark.parametrize("height", [1, 3, 7, 9])
def test_png_image_data_unfilters_to_the_rows(height):
    """The blocks of _up_filtered_zlib join up: inflating and undoing the Up filter (a running
    sum down each column, modulo 256) gives back every row, whatever the block boundaries."""
    import zlib

    from gci.present.plots import _up_filtered_zlib

    rows = np.random.default_rng(height).integers(0, 256, (height, 12), dtype=np.uint8)
    data = np.frombuffer(zlib.decompress(_up_filtered_zlib(rows, block=3)), dtype=np.uint8)
    data = data.reshape(height, 13)
    assert (data[:, 0] == 2).all()
    assert (np.cumsum(data[:, 1:], axis=0, dtype=np.uint8) == rows).all()


def _needs_string_text() -> None:
    """Skip (saying why) under a matplotlib whose text drawing string_text leaves alone."""
    from gci.present.plots._common import STRING_TEXT_MATPLOTLIB, _minor_version

    if _minor_version(matplotlib.__version__) not in STRING_TEXT_MATPLOTLIB:
        pytest.skip(f"matplotlib {matplotlib.__version__}: save_figure uses matplotlib's own "
                    "text drawing (string_text is checked for 3.11 only)")


@pytest.mark.parametrize("version", ["3.10.8", "3.12.0", "4.0.0rc1", "dev"])
def test_string_text_only_for_the_matplotlib_it_was_checked_with(version, monkeypatch):
    """Another matplotlib keeps its own text drawing: string_text declines, changes nothing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gci.present.plots._common import _minor_version, string_text

    assert _minor_version("3.11.2") == (3, 11) and _minor_version("3.11.0rc1") == (3, 11)
    assert _minor_version("dev") is None
    renderer = FigureCanvasAgg(Figure(figsize=(1, 1))).get_renderer()
    monkeypatch.setattr(matplotlib, "__version__", version)
    assert string_text(renderer) is False
    assert "draw_text" not in vars(renderer)  # the class's own method, not replaced
