"""Data drift with Evidently 0.7's numbers: ``report`` and saved reference ``Profile``\\ s.

``reference`` and ``current`` are pandas DataFrames, pyarrow Tables or dicts
of columns (arrays or lists). Column types, cleaning (NaN / ±inf dropped per
column), the default test per column, thresholds and the dataset verdict
(``share >= drift_share``) follow Evidently's ``DataDriftPreset``.

>>> import numpy as np, genre
>>> rng = np.random.default_rng(0)
>>> ref = {"x": rng.normal(0, 1, 500), "genre": ["rock", "jazz"] * 250}
>>> cur = {"x": rng.normal(3, 1, 500), "genre": ["rock", "jazz"] * 250}
>>> r = genre.drift.report(ref, cur)
>>> [(c.column, c.method, c.drifted) for c in r.columns]
[('x', 'ks', True), ('genre', 'z', False)]
>>> r.dataset_drift, r.share
(True, 0.5)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Union

import numpy as np

from genre import _genre
from genre.exceptions import DriftError

__all__ = ["ColumnDrift", "DriftReport", "Profile", "report"]

Columns = list[tuple[str, Any]]


def _labels(values: Any) -> list[str | None]:
    """Labels as optional strings (None = missing)."""
    out: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is getattr(v, "_NA", object()):
            out.append(None)
        else:
            try:
                missing = bool(v != v)  # NaN, pandas.NA-like
            except (TypeError, ValueError):
                missing = False
            out.append(None if missing else str(v))
    return out


def _column(name: str, values: Any) -> Any:
    """One column as float64 / int64 numpy or a list of optional strings."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise DriftError(f"column {name!r}: expected one value per row, got shape {arr.shape}")
    kind = arr.dtype.kind
    if kind == "f":
        return np.ascontiguousarray(arr, dtype=np.float64)
    if kind in "iub":
        return np.ascontiguousarray(arr, dtype=np.int64)
    if kind in "OUS":
        return _labels(arr.tolist())
    raise DriftError(f"column {name!r}: unsupported dtype {arr.dtype}")


def _pandas_column(name: str, series: Any) -> Any:
    dtype = series.dtype
    kind = getattr(dtype, "kind", "O")
    if str(dtype) == "category" or kind in "OUS" or str(dtype).startswith("string"):
        return _labels(series.tolist())
    if kind in "iub" and not series.hasnans:
        return np.ascontiguousarray(series.to_numpy(dtype=np.int64))
    if kind in "fiub":
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    raise DriftError(f"column {name!r}: unsupported dtype {dtype}")


def _columns(data: Any, role: str) -> Columns:
    """The columns of a DataFrame, an Arrow table or a mapping, in order."""
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and hasattr(data, "columns"):
        return [(str(c), _pandas_column(str(c), data[c])) for c in data.columns]
    if module == "pyarrow" and hasattr(data, "column_names"):
        import pyarrow as pa  # type: ignore[import-untyped]

        cols: Columns = []
        for c in data.column_names:
            chunked = data.column(c)
            t = chunked.type
            if pa.types.is_floating(t) or (pa.types.is_integer(t) and chunked.null_count):
                cols.append((c, np.ascontiguousarray(chunked.to_numpy(zero_copy_only=False), dtype=np.float64)))
            elif pa.types.is_integer(t) or pa.types.is_boolean(t):
                cols.append((c, np.ascontiguousarray(chunked.to_numpy(zero_copy_only=False), dtype=np.int64)))
            else:
                cols.append((c, _labels(chunked.to_pylist())))
        return cols
    if isinstance(data, Mapping):
        return [(str(k), _column(str(k), v)) for k, v in data.items()]
    raise DriftError(f"{role}: expected a pandas DataFrame, a pyarrow Table or a dict of columns, not {type(data).__name__}")


@dataclass(frozen=True)
class ColumnDrift:
    """The drift test of one column."""

    column: str
    type: str
    method: str
    score: float | None
    threshold: float
    drifted: bool
    reference_size: int
    current_size: int


@dataclass(frozen=True)
class DriftReport:
    """Per-column results and the dataset verdict (``share >= drift_share``)."""

    columns: list[ColumnDrift]
    count: int
    share: float
    dataset_drift: bool
    _json: str
    _text: str

    def to_dict(self) -> dict[str, Any]:
        """``{"columns": [...], "count", "share", "dataset_drift"}`` — the CLI's ``--json``."""
        result: dict[str, Any] = json.loads(self._json)
        return result

    def to_json(self) -> str:
        """The report as JSON (same shape as :meth:`to_dict`)."""
        return self._json

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"DriftReport(dataset_drift={self.dataset_drift}, count={self.count}, share={self.share})"


class Profile:
    """A reference saved once: exactly the report the raw reference gives, without reloading it.

    >>> import numpy as np, genre
    >>> ref = {"x": np.arange(100.0)}
    >>> p = genre.drift.Profile.from_reference(ref)
    >>> q = genre.drift.Profile.from_bytes(p.to_bytes())
    >>> genre.drift.report(q, {"x": np.arange(100.0) + 50}).to_dict() == genre.drift.report(ref, {"x": np.arange(100.0) + 50}).to_dict()
    True
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def from_reference(cls, reference: Any, columns: Sequence[str] | None = None) -> Profile:
        """Profiles ``columns`` (default: all) of the reference data."""
        return cls(_genre.Profile.from_columns(_columns(reference, "reference"), None if columns is None else list(columns)))

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> Profile:
        """Reads a profile written by :meth:`save` (or ``genre drift --save-profile``)."""
        return cls(_genre.Profile.load(os.fspath(path)))

    @classmethod
    def from_bytes(cls, data: bytes) -> Profile:
        """Reads a profile from :meth:`to_bytes` output."""
        return cls(_genre.Profile.from_bytes(bytes(data)))

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the profile to ``path``."""
        self._native.save(os.fspath(path))

    def to_bytes(self) -> bytes:
        """The serialised profile."""
        data: bytes = self._native.to_bytes()
        return data

    @property
    def columns(self) -> list[str]:
        """Profiled column names."""
        names: list[str] = self._native.columns
        return names

    def __repr__(self) -> str:
        return f"Profile(columns={self.columns!r})"


def report(
    reference: Any,
    current: Any,
    columns: Sequence[str] | None = None,
    method: str | Mapping[str, str] | None = None,
    threshold: float | Mapping[str, float] | None = None,
    drift_share: float = 0.5,
    *,
    column_types: Mapping[str, str] | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
) -> DriftReport:
    """Tests every column of ``current`` (or ``columns``) against ``reference`` (data or a :class:`Profile`).

    ``method`` is one statistic for all columns (``"ks"``, ``"wasserstein"``,
    ``"psi"``, ``"kl_div"``, ``"jensenshannon"``, ``"chisquare"``, ``"z"``,
    ``"hellinger"``, ``"g_test"``, ``"TVD"``, ``"ed"``, ``"mannw"``,
    ``"t_test"``, ``"anderson"``, ``"cramer_von_mises"``, ``"es"``,
    ``"fisher_exact"``, ``"empirical_mmd"``) or ``{column: method}``;
    ``threshold`` likewise. ``column_types`` forces ``"numerical"`` /
    ``"categorical"``. ``seed`` makes permutation tests reproducible.
    """
    ref = reference._native if isinstance(reference, Profile) else _columns(reference, "reference")
    methods = dict(method) if isinstance(method, Mapping) else {}
    thresholds = {k: float(v) for k, v in threshold.items()} if isinstance(threshold, Mapping) else {}
    text_json, text = _genre.drift_report(
        ref,
        _columns(current, "current"),
        columns=None if columns is None else [str(c) for c in columns],
        method=method if isinstance(method, str) else None,
        methods=methods,
        threshold=None if threshold is None or isinstance(threshold, Mapping) else float(threshold),
        thresholds=thresholds,
        column_types=dict(column_types or {}),
        drift_share=float(drift_share),
        seed=int(seed),
        n_jobs=n_jobs,
    )
    raw = json.loads(text_json)
    cols = [ColumnDrift(**{k: c[k] for k in ColumnDrift.__dataclass_fields__}) for c in raw["columns"]]
    return DriftReport(cols, int(raw["count"]), float(raw["share"]), bool(raw["dataset_drift"]), text_json, text)
