"""Helpers shared by the plot modules: choosing countries, sizing figures, tier bands.

It also owns the *fixed layout* of the long one-row-per-country charts: instead of matplotlib's
constrained layout (a solver that measures every tick label several times per draw, most of the
time of a 194-country chart), :func:`fit_fixed_layout` measures the few extents that matter once
and sets the margins; :func:`has_fixed_layout` then lets :func:`gci.present.plots.save_figure` skip
the
``bbox_inches="tight"`` pass (one more full layout of every text) for such a figure.
"""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...errors import GCIError
from .colors import tier_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...engine.result import ScoreResult
    from ...inputs.tiers import TierScheme


def region_names(result: ScoreResult) -> list[str]:
    """The groups (ITU regions by default) of the scored countries, sorted."""
    groups = result.groups.reindex(result.countries).dropna()
    return sorted(groups.unique())


def match_region(result: ScoreResult, region: str) -> str:
    """The group name matching ``region`` (case and spaces ignored), or a clear error."""
    names = region_names(result)
    folded = {" ".join(str(n).lower().split()): n for n in names}
    key = " ".join(str(region).lower().split())
    if key in folded:
        return folded[key]
    raise GCIError(f"unknown region {region!r}; expected one of: {', '.join(names)}")


def select_countries(result: ScoreResult, *, region: str | None = None, top: int | None = None,
                     countries: list[str] | None = None) -> list[str]:
    """ISO3 codes to plot, best overall score first (the order of ``result.scores``).

    Parameters
    ----------
    result : ScoreResult
    region : str, optional
        Keep one group (ITU region by default).
    top : int, optional
        Keep the ``top`` best countries (after the region filter).
    countries : list of str, optional
        Keep these countries (codes or names).
    """
    order = list(result.scores.index)
    if countries is not None:
        wanted = {result.country_code(c) for c in countries}
        order = [c for c in order if c in wanted]
    if region is not None:
        name = match_region(result, region)
        groups = result.groups.reindex(order)
        order = [c for c, g in zip(order, groups) if g == name]
    if top is not None:
        if top < 1:
            raise GCIError(f"top must be a positive number of countries, got {top}")
        order = order[:top]
    if not order:
        raise GCIError("no country left to plot after the region/country filters")
    return order


def label_fontsize(n: int) -> float:
    """Font size of one-per-country tick labels: smaller for long lists, never below 6 pt."""
    if n <= 30:
        return 9.0
    if n <= 80:
        return 7.5
    return 6.0


#: gid of the country names drawn by :func:`draw_row_labels`.
ROW_LABEL_GID = "row-label"


def draw_row_labels(ax: Axes, labels: list[str], *, fontsize: float, pad: float = 3.5,
                    color: str = "black") -> list:
    """Write ``labels[i]`` left of ``ax``, centred on row ``y = i`` (data units), as plain texts.

    The one-per-country names of the long charts: what ``ax.set_yticks(y, labels=...)`` would
    show, without one tick object per country (a tick is two lines, two texts and a grid line;
    creating and drawing 194 of them was a fifth of a chart's time). Each name is right-aligned
    ``pad`` points left of the axes (any dpi, any figure size) and moves with its row's y; the
    y axis itself gets no ticks. Read them back with :func:`row_labels`.

    Returns
    -------
    list of Text
        In the order of ``labels`` (gid :data:`ROW_LABEL_GID`).
    """
    import matplotlib.transforms as mtransforms

    trans = mtransforms.offset_copy(
        mtransforms.blended_transform_factory(ax.transAxes, ax.transData), fig=ax.figure,
        x=-pad, units="points")
    ax.set_yticks([])
    return [ax.text(0.0, i, label, transform=trans, ha="right", va="center",
                    fontsize=fontsize, color=color, clip_on=False, gid=ROW_LABEL_GID)
            for i, label in enumerate(labels)]


def row_labels(ax: Axes) -> list:
    """The country names drawn on ``ax``'s rows, top row first (the Text objects).

    The texts of :func:`draw_row_labels` ordered by their row (y); for an Axes whose names are
    y tick labels (a plot drawn elsewhere), those labels.
    """
    texts = [t for t in ax.texts if t.get_gid() == ROW_LABEL_GID]
    if not texts:
        return [t for t in ax.get_yticklabels() if t.get_text()]
    rows = sorted(texts, key=lambda t: t.get_position()[1])
    return rows[::-1] if not ax.yaxis_inverted() else rows


def row_height(n: int) -> float:
    """Height in inches of one country row (enough for its label at :func:`label_fontsize`)."""
    return 0.26 if n <= 30 else 0.17


def new_axes(width: float, height: float, *, layout: str | None = "constrained",
             **kwargs) -> Axes:
    """A new figure of ``width`` × ``height`` inches with one Axes (pyplot, for notebooks).

    ``layout=None``: no layout engine (the caller sets the margins, see
    :func:`fit_fixed_layout`).
    """
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=(width, height), layout=layout, **kwargs)
    return ax


#: Figures laid out by :func:`fit_fixed_layout`, with the artist count at that time.
_FIXED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _artist_count(fig) -> tuple:
    """What :func:`has_fixed_layout` compares: the artists' count, titles and axis labels."""
    count = (len(fig.axes) + len(fig.texts) + len(fig.legends) + len(fig.images)
             + sum(len(ax.get_children()) for ax in fig.axes))
    words = tuple((ax.get_title(loc="left"), ax.get_title(), ax.get_title(loc="right"),
                   ax.get_xlabel(), ax.get_ylabel(), tuple(fig.get_size_inches()))
                  for ax in fig.axes)
    return count, words


#: Settings under which gci measures (:func:`fit_fixed_layout`) and saves
#: (:func:`gci.present.plots.save_figure`) its figures: glyphs unhinted. Matplotlib 3.11 lays out
#: and renders text glyph by glyph; with the font's own (bytecode) hinting each glyph costs
#: several times more, and a 194-country chart draws 3,000-6,000 glyphs. Unhinted glyphs look
#: the same at 150 dpi (as browsers draw them), slightly narrower.
TEXT_RC = {"text.hinting": "no_hinting"}


#: matplotlib versions (major, minor) whose Agg text drawing :func:`string_text` replaces: the
#: ones it was compared with pixel by pixel (tests/test_plots.py). Matplotlib 3.10 and earlier
#: draw whole strings themselves; a later version keeps its own drawing until it is checked.
STRING_TEXT_MATPLOTLIB = frozenset({(3, 11)})


def _minor_version(version: str) -> tuple[int, int] | None:
    """``(3, 11)`` for ``"3.11.2"`` or ``"3.11.0rc1"``; None when not of that form."""
    m = re.match(r"(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else None


def string_text(renderer) -> bool:
    """Make the Agg ``renderer`` draw each plain text as one string, not glyph by glyph.

    Matplotlib 3.11's Agg renderer lays a text out and then renders, places and blends every
    glyph from Python (about 50 µs a glyph; a 194-country chart has 3,000-6,000). This sets, on
    this one renderer only, the whole-string path of matplotlib 3.10 and earlier, still in
    FreeType's wrapper: lay out and render the string into one bitmap in C, blend it once. The
    pixels match to within a pixel's shift of each label (the string is placed at a whole
    pixel, its glyphs at their fractional advances). The layout that measures a text (its size,
    before it is placed) renders its bitmap too, kept for drawing it: each string is laid out
    once, not twice. Texts that are rotated, mathtext, or carry font features or a language
    keep matplotlib's own path. Undo with :func:`glyph_text`.

    Returns
    -------
    bool
        Whether it was set (False with a matplotlib not in :data:`STRING_TEXT_MATPLOTLIB`, or
        one that lacks a piece of the string path).
    """
    import matplotlib
    import numpy as np
    from matplotlib.backends import backend_agg

    if _minor_version(matplotlib.__version__) not in STRING_TEXT_MATPLOTLIB:
        return False  # a matplotlib this path was not compared with: its own drawing
    hinting = getattr(backend_agg, "get_hinting_flag", None)
    core = getattr(renderer, "_renderer", None)
    if (hinting is None or core is None or not hasattr(core, "draw_text_image")
            or not hasattr(renderer, "_prepare_font")):
        return False
    own_draw = type(renderer).draw_text.__get__(renderer)
    own_measure = type(renderer).get_text_width_height_descent.__get__(renderer)
    # (text, font, size in points, dpi, hinting) -> (font, antialiased bitmap, offset, descent)
    bitmaps: dict = {}

    def layout(s: str, prop, antialiased: bool):
        """The font laid out with ``s`` and its bitmap drawn, or None (not possible here)."""
        font = renderer._prepare_font(prop)
        if not hasattr(font, "draw_glyphs_to_bitmap"):
            return None
        font.set_text(s, 0, flags=hinting())
        font.draw_glyphs_to_bitmap(antialiased=antialiased)
        return font

    def get_text_width_height_descent(s, prop, ismath):
        if ismath is not False:
            return own_measure(s, prop, ismath)
        font = layout(s, prop, True)
        if font is None:
            return own_measure(s, prop, ismath)
        w, h = font.get_width_height()  # 1/64 px, as matplotlib's own measure
        descent = font.get_descent()
        bitmaps[(s, id(font), prop.get_size_in_points(), renderer.dpi, hinting())] = (
            font, np.array(font.get_image()), font.get_bitmap_offset(), descent)
        return w / 64.0, h / 64.0, descent / 64.0

    def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        plain = not ismath and angle == 0 and (mtext is None or (
            getattr(mtext, "get_fontfeatures", lambda: None)() is None
            and getattr(mtext, "get_language", lambda: None)() is None))
        if not plain:
            return own_draw(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        antialiased = bool(gc.get_antialiased())
        font = renderer._prepare_font(prop)  # the font of ``prop`` at this renderer's dpi
        kept = bitmaps.get((s, id(font), prop.get_size_in_points(), renderer.dpi, hinting()))
        if kept is not None and kept[0] is font and antialiased:
            _font, image, (xo, yo), descent = kept
        else:
            font = layout(s, prop, antialiased)
            if font is None:
                return own_draw(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            image, (xo, yo), descent = font.get_image(), font.get_bitmap_offset(), \
                font.get_descent()
        # where matplotlib 3.10 placed it (1/64 px; y downwards, the bitmap's top)
        core.draw_text_image(image, round(x + xo / 64.0), round(y + yo / 64.0 + descent / 64.0)
                             + 1, 0, gc)

    draw_text.bitmaps = bitmaps  # type: ignore[attr-defined]  # (for the tests)
    renderer.draw_text = draw_text
    renderer.get_text_width_height_descent = get_text_width_height_descent
    return True


def glyph_text(renderer) -> None:
    """Give ``renderer`` back matplotlib's own text drawing (undo :func:`string_text`)."""
    renderer.__dict__.pop("draw_text", None)
    renderer.__dict__.pop("get_text_width_height_descent", None)


def fit_fixed_layout(ax: Axes, artists: list, *, pad: float = 0.12, extra: tuple = (0, 0, 0, 0),
                     min_axes_width: float = 4.0, grow: float = 1.1,
                     axes_width: float | None = None) -> None:
    """Set the margins of ``ax``'s figure so that ``artists`` fit on the page, measured once.

    ``artists`` are what lies outside the axes (``ax.xaxis`` and ``ax.yaxis`` for their tick
    labels and labels, the title, legend, texts on the edges). Each one's overhang beyond the
    axes is measured at the figure's dpi (widened by ``grow``: text drawn at another savefig
    dpi can come out up to 7 % wider, hinting) and becomes the margin on that side, plus ``pad``
    inches and ``extra`` = (left, bottom, right, top) inches kept free (e.g. for a colorbar).
    The overhangs move with the axes, so one measurement is enough. The figure is widened when
    the axes would be narrower than ``min_axes_width`` inches and heightened when they would
    be shorter than a legend. Nothing is drawn.

    Texts placed in data coordinates away from the axes' edges (a slope chart's labels) move
    with the data scale: give ``axes_width`` (inches) and the axes keep that width, the figure
    growing or shrinking around them, so the measured overhangs stay true.
    """
    import matplotlib

    with matplotlib.rc_context(TEXT_RC):  # measured as drawn by save_figure
        _fit_fixed_layout(ax, artists, pad, extra, min_axes_width, grow, axes_width)


def _fit_fixed_layout(ax: Axes, artists: list, pad: float, extra: tuple, min_axes_width: float,
                      grow: float, axes_width: float | None) -> None:
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    fig = ax.figure
    if axes_width is not None:  # the data scale measured is the final one
        w0 = fig.get_size_inches()[0]
        fig.subplots_adjust(left=0.5 * (1 - axes_width / w0), right=0.5 * (1 + axes_width / w0))
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    box = ax.get_window_extent(renderer)
    # titles are moved up at draw time above tick labels drawn on top
    xaxis_top = ax.xaxis.get_tightbbox(renderer) if ax.xaxis.get_ticks_position() in (
        "top", "unknown") else None
    lift = max(0.0, xaxis_top.y1 - box.y1) if xaxis_top is not None else 0.0
    titles = {id(t) for t in (ax.title, getattr(ax, "_left_title", None),
                              getattr(ax, "_right_title", None)) if t is not None}
    boxes = []
    for a in artists:
        if a is None or not a.get_visible() or (isinstance(a, Text) and not a.get_text()):
            continue
        if a is ax.yaxis and not a.get_label_text():
            b = _ytick_label_span(ax, renderer, box)
        elif isinstance(a, Axis):  # places its tick labels (and label) only when asked
            b = a.get_tightbbox(renderer)
        else:
            b = a.get_window_extent(renderer)
        if b is None or b.width <= 0 or b.height <= 0:
            continue
        if isinstance(a, Text) and a.get_rotation() == 0:
            b = _widened(b, a.get_horizontalalignment(), grow)
        boxes.append(b.translated(0, lift) if id(a) in titles else b)
    if boxes:
        over = (box.x0 - min(b.x0 for b in boxes), box.y0 - min(b.y0 for b in boxes),
                max(b.x1 for b in boxes) - box.x1, max(b.y1 for b in boxes) - box.y1)
    else:
        over = (0.0, 0.0, 0.0, 0.0)
    left, bottom, right, top = (max(o, 0.0) / dpi * grow + pad + e for o, e in zip(over, extra))
    width, height = fig.get_size_inches()
    width = (max(width, left + right + min_axes_width) if axes_width is None
             else left + right + axes_width)
    legend = ax.get_legend()
    if legend is not None:
        height = max(height, top + bottom + legend.get_window_extent(renderer).height / dpi)
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    _FIXED[fig] = _artist_count(fig)


def _ytick_label_span(ax: Axes, renderer, box):
    """Horizontal extent of the y tick labels, measured once each, over the axes' height.

    Their x does not depend on the tick positions (set only at draw time), so this is exact
    sideways; ``Axis.get_tightbbox`` would measure every label twice more.
    """
    from matplotlib.transforms import Bbox

    spans = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
    if not spans:
        return None
    return Bbox.from_extents(min(b.x0 for b in spans), box.y0, max(b.x1 for b in spans), box.y1)


def _widened(box, ha: str, grow: float):
    """``box`` of a text made ``grow`` times wider, from its anchor (``ha``)."""
    from matplotlib.transforms import Bbox

    extra = box.width * (grow - 1)
    if ha == "left":
        return Bbox.from_extents(box.x0, box.y0, box.x1 + extra, box.y1)
    if ha == "right":
        return Bbox.from_extents(box.x0 - extra, box.y0, box.x1, box.y1)
    return Bbox.from_extents(box.x0 - extra / 2, box.y0, box.x1 + extra / 2, box.y1)


def widest_texts(texts: list, k: int = 8) -> list:
    """The ``k`` texts of ``texts`` likely to be drawn widest, for :func:`fit_fixed_layout`.

    Each text's width is estimated as the sum of its characters' advances in its font (one
    glyph lookup per distinct character and font, no layout), which is within a few per cent of
    the drawn width (kerning, hinting). Measuring only these few instead of every label matters
    when the figure is resized after the measure: matplotlib's cache of text sizes belongs to one
    renderer, so every measured text would be measured again when the resized figure is drawn.
    Texts of the same alignment and anchor overhang by their width, so their widest decides the
    margin; the few next-widest guard the estimate's error.
    """
    texts = [t for t in texts if t.get_text()]
    if len(texts) <= k:
        return texts
    from matplotlib.font_manager import findfont, get_font

    tables: dict = {}

    def width(t) -> float:
        prop = t.get_fontproperties()
        path = findfont(prop)
        key = (path, prop.get_size_in_points())
        table = tables.get(key)
        if table is None:
            font = get_font(path)
            font.set_size(prop.get_size_in_points(), 72)
            table = tables[key] = ({}, font)
        advances, font = table
        total = 0.0
        for ch in t.get_text():
            adv = advances.get(ch)
            if adv is None:
                adv = advances[ch] = font.load_char(ord(ch)).linearHoriAdvance / 65536
            total += adv
        return total

    ranked = sorted(texts, key=width, reverse=True)
    return ranked[:k]


def has_fixed_layout(fig) -> bool:
    """Whether ``fig`` was laid out by :func:`fit_fixed_layout` and nothing was added since."""
    count = _FIXED.get(fig)
    return (count is not None and fig.get_layout_engine() is None
            and count == _artist_count(fig))


def tier_bounds(scheme: TierScheme) -> list[tuple[str, float, float]]:
    """(label, lower, upper) of every tier, best first; the best tier ends at the scale."""
    uppers = (scheme.scale, *scheme.lower[:-1])
    return list(zip(scheme.labels, scheme.lower, uppers))


def draw_tier_bands(ax: Axes, scheme: TierScheme, *, axis: str = "x",
                    alpha: float = 0.35) -> list:
    """Shade each tier's score range on ``ax`` (behind the data), labelled with the tier name.

    Returns the band artists (their ``get_label()`` is the tier label).
    """
    import matplotlib.transforms as mtransforms

    colors = tier_colors(scheme)
    bands = []
    for label, lo, hi in tier_bounds(scheme):
        span = ax.axvspan if axis == "x" else ax.axhspan
        band = span(lo, hi, color=colors[label], alpha=alpha, zorder=0, lw=0, label=label)
        band.set_gid("tier-band")
        bands.append(band)
        short = label.split(" - ")[0]
        if axis == "x":
            trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
            ax.text((lo + hi) / 2, 1.0, short, transform=trans, ha="center", va="bottom",
                    fontsize=7, color="#444444", clip_on=False)
        else:
            trans = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
            ax.text(1.0, (lo + hi) / 2, " " + short, transform=trans, ha="left",
                    va="center", fontsize=7, color="#444444", clip_on=False)
    return bands


def nan_to_zero(values: pd.DataFrame | np.ndarray) -> np.ndarray:
    """Values as floats with NaN (unavailable) drawn as 0."""
    return np.nan_to_num(np.asarray(values, dtype=float))
