"""genre.drift against scipy (live), across pandas / pyarrow / dict inputs, with profiles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

import genre

LABELS = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]
REL = 1e-9


def monitoring(rows: int, seed: int, shift: float = 0.0, skew: bool = False) -> pd.DataFrame:
    """Shaped like the seed's monitoring data: 13 mean-MFCC floats + predicted_genre."""
    rng = np.random.default_rng(seed)
    data = {f"mfcc_{i + 1}": rng.normal(-200 / (i + 1) + shift * (i % 2 == 0), 10 + i, rows) for i in range(13)}
    p = np.ones(10) / 10
    if skew:
        p = np.array([0.3] + [0.7 / 9] * 9)
    data["predicted_genre"] = rng.choice(LABELS, size=rows, p=p)
    return pd.DataFrame(data)


def chisquare_p(ref: np.ndarray, cur: np.ndarray) -> float:
    """Evidently's chi-square drift test (expected = reference shares × current size)."""
    keys = sorted(set(ref) | set(cur))
    r = np.array([np.sum(ref == k) for k in keys], float)
    c = np.array([np.sum(cur == k) for k in keys], float)
    return float(stats.chisquare(c, r / r.sum() * c.sum()).pvalue)


@pytest.mark.parametrize("rows", [800, 1000, 1001, 5000])
@pytest.mark.parametrize("shift", [0.0, 4.0])
def test_default_preset_matches_scipy(rows: int, shift: float) -> None:
    ref = monitoring(rows, 11)
    cur = monitoring(rows, 12, shift=shift, skew=shift > 0)
    r = genre.drift.report(ref, cur)
    assert [c.column for c in r.columns] == list(cur.columns)
    for c in r.columns[:13]:
        a, b = ref[c.column].to_numpy(), cur[c.column].to_numpy()
        assert c.type == "numerical" and (c.reference_size, c.current_size) == (rows, rows)
        if rows <= 1000:  # Evidently: ks up to 1000 reference rows, normed Wasserstein above
            assert c.method == "ks" and c.threshold == 0.05
            want = stats.ks_2samp(a, b).pvalue
            assert c.drifted == (want < 0.05)
        else:
            assert c.method == "wasserstein" and c.threshold == 0.1
            want = stats.wasserstein_distance(a, b) / max(np.std(a), 0.001)
            assert c.drifted == (want >= 0.1)
        assert c.score == pytest.approx(want, rel=REL, abs=1e-300)
    g = r.columns[13]
    assert g.type == "categorical"
    if rows <= 1000:
        assert g.method == "chisquare"
        want = chisquare_p(ref["predicted_genre"].to_numpy(), cur["predicted_genre"].to_numpy())
    else:
        assert g.method == "jensenshannon"
        keys = LABELS
        p = ref["predicted_genre"].value_counts(normalize=True).reindex(keys, fill_value=0).to_numpy()
        q = cur["predicted_genre"].value_counts(normalize=True).reindex(keys, fill_value=0).to_numpy()
        want = float(__import__("scipy.spatial.distance", fromlist=["x"]).jensenshannon(p, q))
    assert g.score == pytest.approx(want, rel=REL)
    assert r.count == sum(c.drifted for c in r.columns)
    assert r.share == pytest.approx(r.count / 14)
    assert r.dataset_drift == (r.share >= 0.5)
    assert r.dataset_drift == (shift > 0)


def test_inputs_agree_pandas_arrow_dict() -> None:
    ref, cur = monitoring(900, 1), monitoring(700, 2, shift=2.0)
    by_pandas = genre.drift.report(ref, cur).to_dict()
    by_arrow = genre.drift.report(pa.Table.from_pandas(ref), pa.Table.from_pandas(cur)).to_dict()
    by_dict = genre.drift.report(
        {k: ref[k].to_numpy() for k in ref}, {k: cur[k].tolist() for k in cur}
    ).to_dict()
    assert by_pandas == by_arrow == by_dict


def test_profile_gives_the_same_report(tmp_path: Path) -> None:
    ref, cur = monitoring(1200, 3), monitoring(1200, 4, shift=1.0)
    raw = genre.drift.report(ref, cur)
    profile = genre.drift.Profile.from_reference(ref)
    assert profile.columns == list(ref.columns)
    path = tmp_path / "ref.profile"
    profile.save(path)
    loaded = genre.drift.Profile.load(path)
    for p in (profile, loaded, genre.drift.Profile.from_bytes(profile.to_bytes())):
        assert genre.drift.report(p, cur).to_dict() == raw.to_dict()


def test_overrides_and_output_shapes() -> None:
    ref, cur = monitoring(500, 5), monitoring(500, 6, shift=3.0)
    r = genre.drift.report(
        ref, cur, columns=["mfcc_1", "mfcc_2", "predicted_genre"],
        method={"mfcc_1": "psi", "predicted_genre": "jensenshannon"}, threshold={"mfcc_2": 0.5}, drift_share=0.3,
    )
    assert [(c.column, c.method) for c in r.columns] == [("mfcc_1", "psi"), ("mfcc_2", "ks"), ("predicted_genre", "jensenshannon")]
    assert r.columns[1].threshold == 0.5
    d = r.to_dict()
    assert set(d) == {"columns", "count", "share", "dataset_drift"}
    assert set(d["columns"][0]) == {"column", "type", "method", "score", "threshold", "drifted", "reference_size", "current_size"}
    assert "mfcc_1" in str(r) and r.to_json().startswith("{")
    all_wass = genre.drift.report(ref, cur, columns=["mfcc_1"], method="wasserstein", threshold=0.2)
    assert all_wass.columns[0].method == "wasserstein" and all_wass.columns[0].threshold == 0.2


def test_nan_inf_are_dropped_per_column() -> None:
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=300), rng.normal(size=300)
    a_dirty = a.copy()
    a_dirty[[3, 50, 70]] = [np.nan, np.inf, -np.inf]
    r = genre.drift.report({"x": a_dirty}, {"x": b})
    c = r.columns[0]
    assert c.reference_size == 297
    assert c.score == pytest.approx(stats.ks_2samp(a_dirty[np.isfinite(a_dirty)], b).pvalue, rel=REL)


def test_bad_inputs_raise_drift_or_config_errors() -> None:
    ref = monitoring(100, 1)
    with pytest.raises(genre.DriftError, match="mfcc_99"):
        genre.drift.report(ref, ref, columns=["mfcc_99"])
    with pytest.raises(genre.DriftError):
        genre.drift.report({"x": [1.0, 2.0], "y": [1.0]}, {"x": [1.0, 2.0], "y": [1.0, 2.0]})
    with pytest.raises(genre.DriftError, match="x"):
        genre.drift.report({"x": [np.nan, np.nan]}, {"x": [1.0, 2.0]})
    with pytest.raises(genre.ConfigError, match="method"):
        genre.drift.report(ref, ref, method="magic")
    with pytest.raises(genre.ConfigError, match="drift_share"):
        genre.drift.report(ref, ref, drift_share=2.0)
    with pytest.raises(genre.DriftError):
        genre.drift.report([1, 2, 3], ref)
    with pytest.raises(genre.DriftError):
        genre.drift.Profile.from_bytes(b"not a profile")
    with pytest.raises(FileNotFoundError):
        genre.drift.Profile.load("/nonexistent/ref.profile")


@pytest.mark.filterwarnings("ignore:p-value (capped|floored)")
def test_remaining_evidently_methods_match_scipy() -> None:
    """anderson, cramer_von_mises, es, fisher_exact by name, live against scipy;
    empirical_mmd and TVD reproducible for a seed."""
    ref = monitoring(300, 21)
    cur = monitoring(250, 22, shift=3.0)
    cols = ["mfcc_1", "mfcc_2", "mfcc_3"]
    for method, fn, thr in [
        ("anderson", lambda r, c: stats.anderson_ksamp([r, c], variant="midrank").pvalue, 0.1),
        ("cramer_von_mises", lambda r, c: stats.cramervonmises_2samp(r, c).pvalue, 0.1),
        ("es", lambda r, c: stats.epps_singleton_2samp(r, c).pvalue, 0.05),
    ]:
        rep = genre.drift.report(ref, cur, columns=cols, method=method)
        for col in rep.columns:
            want = float(fn(ref[col.column].to_numpy(), cur[col.column].to_numpy()))
            assert col.method == method
            assert col.threshold == thr
            assert col.score == pytest.approx(want, rel=REL, abs=1e-13)
    binary_ref = {"flag": np.array(["a", "b", "b"] * 40, dtype=object)}
    binary_cur = {"flag": np.array(["a", "a", "b"] * 40, dtype=object)}
    rep = genre.drift.report(binary_ref, binary_cur, method="fisher_exact")
    # rows: current, reference; columns: the two labels (order does not matter two-sided)
    want = stats.fisher_exact([[80, 40], [40, 80]]).pvalue
    assert rep.columns[0].score == pytest.approx(float(want), rel=REL)
    for method in ["empirical_mmd", "TVD"]:
        col = "mfcc_1" if method == "empirical_mmd" else "predicted_genre"
        a = genre.drift.report(ref, cur, columns=[col], method=method, seed=4)
        b = genre.drift.report(ref, cur, columns=[col], method=method, seed=4)
        assert a.columns[0].score == b.columns[0].score
