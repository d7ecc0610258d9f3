"""Weight schemes: loading, validation, effective weights."""

from __future__ import annotations

import pytest

import gci
from gci.errors import WeightsError
from tests.conftest import write


def test_shipped_schemes_effective_weights(root):
    fw = gci.load_framework(root / "indicators.yaml")
    w = gci.load_weights(root / "weights.yaml", fw)
    assert w.default == "equal"
    eq = w.scheme().effective(fw)
    assert eq.loc[["legal", "technical", "cooperation"], "max_points"].tolist() == [20, 20, 20]
    # legal has 2 indicators: each 10 points.
    assert eq.loc["cybercrime_legislation", "max_points"] == pytest.approx(10.0)
    assert eq[eq["kind"] == "question"]["effective_weight"].sum() == pytest.approx(1.0)
    heavy = w.scheme("legal_technical_heavy").effective(fw)
    # 1.5 / (1.5 + 1.5 + 1 + 1 + 1) = 0.25 -> 25 points; the others 1/6 -> 16.67.
    assert heavy.loc["legal", "max_points"] == pytest.approx(25.0)
    assert heavy.loc["cooperation", "max_points"] == pytest.approx(100 / 6)


def test_scaling_all_weights_changes_nothing(tiny_paths):
    fw = gci.load_framework(tiny_paths["framework"])
    a = gci.WeightScheme("a", {"A": 3, "Q2": 3})
    b = gci.WeightScheme("b", {"A": 30, "B": 10, "A1": 10, "A2": 10, "B1": 10, "Q1": 10,
                               "Q2": 30, "Q3": 10, "Q4": 10, "Q5": 10, "Q6": 10})
    ra = gci.score(tiny_paths["responses"], fw, a)
    rb = gci.score(tiny_paths["responses"], fw, b)
    assert ra.overall.tolist() == pytest.approx(rb.overall.tolist())


def bad(tmp_path, text, fw=None):
    path = write(tmp_path / "weights.yaml", text)
    with pytest.raises(WeightsError) as exc:
        gci.load_weights(path, fw)
    assert str(path) in str(exc.value)
    return exc.value


def test_every_problem_reported_together(tmp_path, tiny_paths):
    fw = gci.load_framework(tiny_paths["framework"])
    err = bad(tmp_path, """default: main
schemes:
  main:
    scale: 100
    weights: {A: -1, B: .nan, Q7: 2, Q5: 0, Q6: 0}
  other:
    scale: 0
""", fw)
    by = {(p.kind, p.item) for p in err.errors}
    assert ("bad_weight", "A") in by            # negative
    assert ("bad_weight", "B") in by            # NaN
    assert ("unknown_code", "Q7") in by         # not in the framework
    assert ("all_zero", "B1") in by             # every child of B1 weighs 0
    assert ("bad_scale", "other") in by
    neg = next(p for p in err.errors if p.item == "A")
    assert neg.line == 5 and "expected a finite number >= 0" in neg.message


def test_missing_scheme(tmp_path, tiny_paths):
    err = bad(tmp_path, "default: nope\nschemes:\n  equal: {}\n")
    assert err.errors[0].kind == "unknown_scheme" and "equal" in err.errors[0].message
    w = gci.load_weights(tiny_paths["weights"])
    with pytest.raises(WeightsError, match="no weight scheme 'heavy'; defined: equal, a_heavy"):
        w.scheme("heavy")


def test_no_schemes(tmp_path):
    err = bad(tmp_path, "default: x\n")
    assert err.errors[0].kind == "no_schemes"
