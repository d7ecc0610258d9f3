"""Plots of a :class:`~gci.engine.result.ScoreResult` (matplotlib).

Every function takes the result first and ``ax=None`` last, draws on ``ax`` (or on a new figure
sized for the number of countries) and returns the Axes. The same functions are reachable from a
result as ``result.plot.pillars()``, ``result.plot.radar("FRA")`` and so on, and from the command
line as ``gci plot KIND``.

========================  ===============================================================
``pillar_bars``           stacked pillar points per country, sorted, tier bands behind
``radar``                 one country's pillars against its region's and the world's mean
``indicator_heatmap``     countries × indicators, grouped by pillar
``score_distribution``    overall scores by region (box or strip plot)
``tier_counts``           countries of each tier per region
``rank_change``           slope chart of ranks between two editions or runs
========================  ===============================================================

Pillars keep one colour everywhere (:func:`gci.present.plots.colors.pillar_colors`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import GCIError
from ...fileio import atomic_write
from ._common import TEXT_RC, glyph_text, has_fixed_layout, row_labels, string_text
from .colors import pillar_colors, tier_colors
from .distribution import score_distribution, tier_counts
from .heatmap import indicator_heatmap
from .pillars import pillar_bars
from .radar import radar
from .slope import published_ranks, rank_change, slope_lines

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...engine.result import ScoreResult

#: Formats :func:`save_figure` writes, by file suffix.
FIGURE_FORMATS = ("png", "svg", "pdf")

__all__ = ["FIGURE_FORMATS", "PlotAccessor", "figure_to_svg", "indicator_heatmap",
           "pillar_bars", "pillar_colors", "published_ranks", "radar", "rank_change",
           "row_labels", "save_figure", "score_distribution", "slope_lines", "tier_colors",
           "tier_counts"]


class PlotAccessor:
    """``result.plot``: the plot functions of :mod:`gci.present.plots` bound to one result."""

    def __init__(self, result: ScoreResult):
        self._result = result

    def pillars(self, **kwargs: Any) -> Axes:
        """Pillar breakdown (see :func:`gci.present.plots.pillar_bars`)."""
        return pillar_bars(self._result, **kwargs)

    def radar(self, country: str, **kwargs: Any) -> Axes:
        """Country radar (see :func:`gci.present.plots.radar`)."""
        return radar(self._result, country, **kwargs)

    def heatmap(self, **kwargs: Any) -> Axes:
        """Indicator heatmap (see :func:`gci.present.plots.indicator_heatmap`)."""
        return indicator_heatmap(self._result, **kwargs)

    def distribution(self, **kwargs: Any) -> Axes:
        """Score distribution by region (see :func:`gci.present.plots.score_distribution`)."""
        return score_distribution(self._result, **kwargs)

    def tiers(self, **kwargs: Any) -> Axes:
        """Tier counts per region (see :func:`gci.present.plots.tier_counts`)."""
        return tier_counts(self._result, **kwargs)

    def rank_change(self, before: Any, **kwargs: Any) -> Axes:
        """Ranks of ``before`` (an edition or run) against this result's (slope chart)."""
        return rank_change(before, self._result, **kwargs)

    def __repr__(self) -> str:
        return "<PlotAccessor: pillars, radar, heatmap, distribution, tiers, rank_change>"


def save_figure(figure: Figure | Axes, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Save a figure (or an Axes' figure) as PNG, SVG or PDF by the file suffix, atomically.

    Text is drawn unhinted (:data:`gci.present.plots._common.TEXT_RC`), as the layout measured
    it; PNG (on the Agg canvas) with each plain text drawn as one string
    (:func:`gci.present.plots._common.string_text`) and zlib's fastest level.

    Raises
    ------
    GCIError
        For another suffix.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise GCIError(f"cannot save a plot as {path}: expected a file name ending in "
                       f"{', '.join('.' + f for f in FIGURE_FORMATS)}")
    fig = getattr(figure, "figure", figure)
    import matplotlib

    bbox = _bbox(fig)
    with atomic_write(path, "wb") as fh, matplotlib.rc_context(TEXT_RC):
        if fmt == "png" and bbox is None and _agg_canvas(fig):
            _write_png(fig, fh, dpi)
        else:
            # PNG: the fastest zlib level (the same pixels; a 194-country chart is ~15 % larger)
            extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
            fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches=bbox, metadata=_metadata(fmt),
                        **extra)
    return path


def _agg_canvas(fig: Figure) -> bool:
    """Whether ``fig`` draws on a plain Agg canvas (``gci plot``, the Agg backend), saved opaque.

    Anything else (a GUI canvas, a HiDPI screen, ``savefig.transparent``) goes through
    ``savefig``.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return (type(fig.canvas) is FigureCanvasAgg
            and getattr(fig.canvas, "device_pixel_ratio", 1) == 1
            and not matplotlib.rcParams["savefig.transparent"])


def _write_png(fig: Figure, fh, dpi: float) -> None:
    """Draw ``fig`` at ``dpi`` (whole page) and write its pixels to ``fh`` as an RGBA PNG.

    What ``fig.savefig(fh, format="png", dpi=dpi)`` writes, encoded here, with each text drawn
    as one string (:func:`gci.present.plots._common.string_text`, the same pixels to within a
    pixel's shift of a label): each row with PNG's "Up" filter and zlib's fastest level
    (:func:`_up_filtered_zlib`). Pillow
    tries the five filters on every row, most of its time on a 194-country chart (5-7 million
    pixels); the file is about as small.
    """
    import struct
    import zlib

    import matplotlib
    import numpy as np

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    old_dpi = fig.dpi
    face, edge = fig.get_facecolor(), fig.get_edgecolor()
    try:
        fig.dpi = dpi  # as savefig: drawn at the saved dpi, the page's colours from rcParams
        for key, setter in (("savefig.facecolor", fig.set_facecolor),
                            ("savefig.edgecolor", fig.set_edgecolor)):
            if matplotlib.rcParams[key] != "auto":
                setter(matplotlib.rcParams[key])
        renderer = fig.canvas.get_renderer()  # the one draw() uses at this size and dpi
        string_text(renderer)  # each label as one string, not glyph by glyph from Python
        try:
            fig.canvas.draw()
        finally:
            glyph_text(renderer)
        rgba = np.asarray(fig.canvas.buffer_rgba())
    finally:
        fig.dpi = old_dpi
        fig.set_facecolor(face)
        fig.set_edgecolor(edge)
    height, width, _ = rgba.shape
    rows = rgba.reshape(height, width * 4)
    per_metre = round(dpi / 0.0254)
    fh.write(b"\x89PNG\r\n\x1a\n"
             + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
             + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
             + chunk(b"tEXt", b"Software\0Matplotlib version" + matplotlib.__version__.encode()
                     + b", https://matplotlib.org/")
             + chunk(b"IDAT", _up_filtered_zlib(rows))
             + chunk(b"IEND", b""))


def _up_filtered_zlib(rows, block: int = 256) -> bytes:
    """PNG image data of ``rows`` (uint8, one row of bytes each): filter "Up", zlib level 1.

    Each byte minus the one above (the row above the first is 0), modulo 256 as PNG defines it,
    each row led by its filter type (2), compressed ``block`` rows at a time through one small
    buffer: the whole filtered image (38 MB for a 194-country chart) is never held, nor paid
    for in fresh memory.
    """
    import zlib

    import numpy as np

    height, size = rows.shape
    buf = np.empty((min(block, height), size + 1), dtype=np.uint8)
    buf[:, 0] = 2
    packer = zlib.compressobj(1)
    parts = []
    for start in range(0, height, block):
        stop = min(start + block, height)
        out = buf[:stop - start]
        if start == 0:
            out[0, 1:] = rows[0]
            np.subtract(rows[1:stop], rows[:stop - 1], out=out[1:, 1:])
        else:
            np.subtract(rows[start:stop], rows[start - 1:stop - 1], out=out[:, 1:])
        parts.append(packer.compress(out))
    parts.append(packer.flush())
    return b"".join(parts)


def _bbox(fig: Figure) -> str | None:
    """``"tight"``, or None for a figure whose margins already fit its contents.

    Such a figure was laid out by :func:`gci.present.plots._common.fit_fixed_layout`; the tight pass
    would lay out every text once more.
    """
    return None if has_fixed_layout(fig) else "tight"


def figure_to_svg(figure: Figure | Axes) -> str:
    """The figure as an SVG element (text drawn as paths; no XML prolog), for embedding in HTML."""
    fig = getattr(figure, "figure", figure)
    buf = io.StringIO()
    import matplotlib

    with matplotlib.rc_context(TEXT_RC):
        fig.savefig(buf, format="svg", bbox_inches=_bbox(fig), metadata=_metadata("svg"))
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _metadata(fmt: str) -> dict | None:
    """Metadata without a date, so the same plot gives the same file."""
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None}
    return None
