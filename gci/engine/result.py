"""The result of a scoring run: tables, ranks, tiers, and writing them out.

A :class:`ScoreResult` holds the arrays computed by :func:`gci.score` and exposes them as pandas
tables (``.scores``, ``.pillars``, ``.indicators``, ``.ranks``, ``.effective_weights``,
``.validation``). Points are contributions to the overall score: a pillar's points are out of its
share of the scale (20 of 100 with five equal pillars), and the pillars' points add up to the
overall score under arithmetic aggregation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import GCIError, problems_frame
from ..inputs.countries import country_name, resolve_country
from ..inputs.framework import Framework
from ..inputs.responses import MISSING, NOT_APPLICABLE, AnswerMatrix
from ..inputs.tiers import TierScheme
from ..inputs.weights import WeightScheme
from ..sanitise import for_html
from .aggregate import Structure
from .ranking import rank_scores, rank_within

OUTPUT_FORMATS = ("csv", "xlsx", "json")


def score_order(overall: np.ndarray, names: list[str]) -> np.ndarray:
    """Row order of :attr:`ScoreResult.scores`: overall highest first (missing last), then name.

    Equal scores are ordered by name, equal names as given: what
    ``DataFrame.sort_values(["overall", "name"], ascending=[False, True], na_position="last")``
    gives (a stable sort), with one ``np.lexsort`` over the arrays.
    """
    n = len(names)
    by_name = np.empty(n, dtype=np.intp)
    by_name[sorted(range(n), key=names.__getitem__)] = np.arange(n)  # stable: ties as given
    overall = np.asarray(overall, dtype=float)
    missing = np.isnan(overall)
    return np.lexsort((by_name, np.where(missing, 0.0, -overall), missing))


@dataclass
class ScoreResult:
    """Scores of one run. Build with :func:`gci.score`.

    Attributes
    ----------
    framework : Framework
    scheme : WeightScheme
    matrix : AnswerMatrix
        The validated answers.
    value, available, share : ndarray (countries, nodes)
        Node credit in [0, 1], availability, and effective share of the overall score (see
        :func:`gci.engine.aggregate.aggregate`).
    options : dict
        Options of the run (scheme, missing policy, aggregation, tie rule, …).
    log : list of dict
        The steps of the run, for the manifest.
    """

    framework: Framework
    scheme: WeightScheme
    matrix: AnswerMatrix
    structure: Structure
    value: np.ndarray
    available: np.ndarray
    share: np.ndarray
    options: dict
    groups: pd.Series
    tier_scheme: TierScheme | None
    inputs: dict = field(default_factory=dict)
    log: list = field(default_factory=list)
    version: str = ""

    # --- basic accessors --------------------------------------------------------------------
    @property
    def countries(self) -> list[str]:
        """Countries scored (ISO3), sorted."""
        return self.matrix.countries

    @property
    def scale(self) -> float:
        """Maximum overall score."""
        return self.scheme.scale

    def _col(self, code: str) -> int:
        return self.structure.codes.index(code)

    def points(self, codes: list[str] | None = None) -> pd.DataFrame:
        """Points (contribution to the overall score) of nodes, countries × codes."""
        codes = codes or self.structure.codes
        idx = [self._col(c) for c in codes]
        pts = np.where(self.available[:, idx], self.share[:, idx] * self.value[:, idx], np.nan)
        return pd.DataFrame(pts * self.scale, index=pd.Index(self.countries, name="iso3"),
                            columns=codes)

    def credit(self, codes: list[str] | None = None) -> pd.DataFrame:
        """Credit in [0, 1] of nodes (share of their maximum reached), countries × codes."""
        codes = codes or self.structure.codes
        idx = [self._col(c) for c in codes]
        return pd.DataFrame(self.value[:, idx], index=pd.Index(self.countries, name="iso3"),
                            columns=codes)

    @cached_property
    def overall(self) -> pd.Series:
        """Overall score per country (0 … scale)."""
        return pd.Series(self.value[:, 0] * self.scale, index=pd.Index(self.countries,
                                                                       name="iso3"),
                         name="overall")

    @property
    def pillars(self) -> pd.DataFrame:
        """Pillar points per country (each out of its share of the scale)."""
        return self.points([p.code for p in self.framework.pillars])

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Global rank, group (ITU region), regional rank and tier per country."""
        ties, dec = self.options["ties"], self.options["rank_decimals"]
        overall = self.overall
        region = self.groups.reindex(overall.index)
        out = pd.DataFrame(index=overall.index)
        out["global_rank"] = rank_scores(overall, ties, dec)
        out[self.options["groups"]] = region
        out["regional_rank"] = rank_within(overall, region, ties, dec)
        if self.tier_scheme is not None:
            shown = overall.round(dec) if dec is not None else overall
            out["tier"] = self.tier_scheme.assign(shown)
        return out

    @cached_property
    def scores(self) -> pd.DataFrame:
        """The main table: name, overall, pillar points, tier, ranks, missing answers.

        Sorted by overall score (highest first, missing last), then by name, then as the
        countries are listed (:func:`score_order`).
        """
        countries = self.countries
        names = list(map(country_name, countries))
        overall = self.overall.to_numpy()
        pillars = self.pillars
        ranks = self.ranks
        if "tier" in ranks:  # tiers first (GCI 2024 publishes tiers, not ranks)
            ranks = ranks[["tier", *[c for c in ranks.columns if c != "tier"]]]
        labels = ["name", "overall", *pillars.columns, *ranks.columns, "missing_answers",
                  "not_applicable"]
        if len(set(labels)) < len(labels):  # as DataFrame.join refuses overlapping columns
            twice = sorted({c for c in labels if labels.count(c) > 1})
            raise ValueError(f"columns overlap: {twice}")
        state = self.matrix.state
        columns: dict[str, Any] = {"name": names, "overall": overall}
        columns.update({c: pillars[c].to_numpy() for c in pillars.columns})
        columns.update({c: ranks[c] for c in ranks.columns})  # as they are (Int64, tiers)
        columns["missing_answers"] = np.count_nonzero(state == MISSING, axis=1).astype(np.int64)
        columns["not_applicable"] = np.count_nonzero(state == NOT_APPLICABLE,
                                                     axis=1).astype(np.int64)
        out = pd.DataFrame(columns, index=ranks.index)  # the index of the ranks: not compared
        return out.take(score_order(overall, names))

    @property
    def indicators(self) -> pd.DataFrame:
        """Indicator (and sub-indicator) scores, long: iso3, pillar, indicator, credit, points."""
        return self.indicator_table()

    def indicator_table(self, *, coded: bool = False) -> pd.DataFrame:
        """:attr:`indicators`, built straight from the node matrices (one row per unit x node).

        Rows are unit-major (each unit's indicators in framework order). ``coded=True`` gives
        the text columns (iso3, pillar, indicator, name, level) as categoricals: the same
        values held as small integer codes, which the CSV writer
        (:func:`gci.present.tables.csv_blocks`) writes without making a Python string per cell
        (20,000,000 rows at 1,000,000 units).
        """
        nodes = self.framework.nodes
        codes = [c for c, n in nodes.items() if not n.is_question and n.depth >= 2]
        col = {c: j for j, c in enumerate(self.structure.codes)}
        idx = np.asarray([col[c] for c in codes], dtype=np.intp)
        n_units, k = len(self.countries), len(codes)
        credit = self.value[:, idx]
        points = self.share[:, idx]  # a copy: points = share x credit x scale, in place
        points *= credit
        points *= self.scale
        points[~self.available[:, idx]] = np.nan
        per_node = {
            "pillar": [self.framework.pillar_of(c) for c in codes],
            "indicator": codes,
            "name": [nodes[c].name for c in codes],
            "level": [nodes[c].kind for c in codes],
        }
        node_of_row = np.tile(np.arange(k, dtype=np.min_scalar_type(max(k - 1, 0))), n_units)
        units = np.asarray(self.countries, dtype=object)
        out: dict[str, Any] = {}
        if coded:
            out["iso3"] = pd.Categorical.from_codes(
                np.repeat(np.arange(n_units, dtype=np.int32 if n_units < 2**31 else np.int64),
                          k), categories=pd.Index(units, dtype=object))
            for name, values in per_node.items():
                vcodes, uniques = pd.factorize(np.asarray(values, dtype=object))
                out[name] = pd.Categorical.from_codes(
                    vcodes[node_of_row], categories=pd.Index(uniques, dtype=object))
        else:
            out["iso3"] = np.repeat(units, k)
            for name, values in per_node.items():
                out[name] = np.asarray(values, dtype=object)[node_of_row]
        out["credit"] = credit.reshape(-1)
        out["points"] = points.reshape(-1)
        eff = self.effective_weights["max_points"]
        out["max_points"] = np.tile(eff.reindex(codes).to_numpy(dtype=float), n_units)
        frame = pd.DataFrame(out, copy=False)  # every array is new: no copy, no stacking
        if not coded:
            text = ["iso3", *per_node]
            frame[text] = frame[text].astype(str)
        return frame

    @property
    def questions(self) -> pd.DataFrame:
        """Question credit and points, long: iso3, question, answer, state, credit, points."""
        q = self.framework.question_codes
        cred = self.credit(q)
        pts = self.points(q)
        state_names = np.array(["answered", "missing", "not_applicable"])
        out = pd.DataFrame({
            "iso3": np.repeat(self.countries, len(q)),
            "question": np.tile(q, len(self.countries)),
            "answer": self.matrix.raw.to_numpy().reshape(-1),
            "state": state_names[self.matrix.state.reshape(-1)],
            "credit": cred.to_numpy().reshape(-1),
            "points": pts.to_numpy().reshape(-1),
        })
        return out

    @property
    def effective_weights(self) -> pd.DataFrame:
        """Each node's nominal share of the overall score and its maximum points."""
        return self.scheme.effective(self.framework)

    @property
    def validation(self) -> pd.DataFrame:
        """Every problem found (warnings only, since errors stop scoring)."""
        return problems_frame(self.matrix.problems)

    def country(self, iso3: str) -> pd.Series:
        """One country's row of :attr:`scores`."""
        return self.scores.loc[iso3]

    def country_code(self, country: str) -> str:
        """The code of a scored country given by its code or an unambiguous name.

        Raises
        ------
        GCIError
            Unknown or ambiguous name (the message lists candidates), or a known country with
            no responses in this run (the message lists the scored ones).
        """
        text = str(country).strip()
        if text in self.countries:
            return text
        iso3, err = resolve_country(text, set(self.countries))
        if iso3 is not None:
            return iso3
        if resolve_country(text)[0] is not None:
            shown = ", ".join(self.countries[:8]) + (" …" if len(self.countries) > 8 else "")
            raise GCIError(f"country {country!r} has no responses; scored countries: {shown}")
        raise GCIError(err)

    @property
    def plot(self) -> Any:
        """Plots of this result: ``result.plot.pillars()``, ``.radar(iso3)``, … (gci.plots)."""
        from ..present.plots import PlotAccessor

        return PlotAccessor(self)

    # --- output -----------------------------------------------------------------------------
    def weights_table(self) -> pd.DataFrame:
        """:attr:`effective_weights` as a flat table with each node's name after its code."""
        ew = self.effective_weights.reset_index()
        ew.insert(1, "name", ew["code"].map(lambda c: self.framework.nodes[c].name))
        return ew

    def tables(self, *, coded: bool = False) -> dict[str, pd.DataFrame]:
        """The tables written by :meth:`write`, by name.

        ``coded=True``: the long indicators table with its text columns as categoricals (see
        :meth:`indicator_table`; what the CSV writer writes fastest).
        """
        return {
            "scores": self.scores.reset_index(),
            "indicators": self.indicator_table(coded=coded),
            "effective_weights": self.weights_table(),
            "validation": self.validation,
        }

    def to_csv(self, path: str | os.PathLike | None = None) -> str | None:
        """The :attr:`scores` table as CSV (to ``path`` atomically, or returned as text)."""
        from ..present.tables import frame_to_csv_text, write_table

        if path is None:
            return frame_to_csv_text(self.scores.reset_index())
        write_table(self.scores.reset_index(), Path(path))
        return None

    def write(self, folder: str | os.PathLike = "results", fmt: str = "csv", *,
              protect: list[str | os.PathLike] | None = None, command: str | None = None,
              break_lock: bool = False, decimals: int | str | None = 2) -> dict[str, Path]:
        """Write every table and ``manifest.json`` to ``folder`` as one transaction.

        Numbers are written at ``decimals`` (default 2, as published; ``"full"`` for every
        digit); the tables of this result keep full precision. See
        :func:`gci.present.output.write_results`.
        """
        from ..present.output import write_results

        return write_results(self, folder, fmt, protect=protect, command=command,
                             break_lock=break_lock, decimals=decimals)

    def manifest(self, outputs: dict[str, str] | None = None, command: str | None = None) -> dict:
        """What went in and how: version, options, input hashes, steps, counts."""
        from ..present.output import build_manifest

        return build_manifest(self, outputs or {}, command)

    # --- display ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"<ScoreResult: {len(self.countries)} countries, framework "
                f"{self.framework.code!r}, scheme {self.scheme.name!r}, "
                f"missing={self.options['missing']!r}>")

    def _repr_html_(self) -> str:
        top = self.scores.head(10).reset_index()
        head = (f"<p><b>gci</b> {for_html(self.version)} — {len(self.countries)} countries, "
                f"framework <code>{for_html(self.framework.code)}</code>, scheme "
                f"<code>{for_html(self.scheme.name)}</code>, missing answers: "
                f"{for_html(self.options['missing'])}. Top 10:</p>")
        return head + top.to_html(index=False, float_format=lambda x: f"{x:.2f}",
                                  escape=True, na_rep="")

    def summary(self) -> dict[str, Any]:
        """Counts for messages: countries, mean score, warnings, tiers."""
        out = {"countries": len(self.countries), "mean_overall": float(self.overall.mean()),
               "warnings": len(self.matrix.problems),
               "missing_answers": int(self.matrix.missing_counts.sum())}
        if "tier" in self.ranks:
            out["tiers"] = self.ranks["tier"].value_counts().sort_index().to_dict()
        return out
