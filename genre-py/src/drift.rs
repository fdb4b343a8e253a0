//! `genre.drift`: Evidently-compatible drift reports and reference profiles.
//!
//! The Python layer turns DataFrames, Arrow tables and dicts into columns of
//! float64 / int64 numpy arrays or lists of optional strings; this module
//! builds genre-core's `Dataset` from them and returns the report as JSON
//! plus its text table.

use std::collections::BTreeMap;
use std::path::PathBuf;

use genre_core::drift::{
    self, ColumnKind, ColumnValues, Dataset, DriftOptions, DriftReport, Method, Profile,
};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{IntoPyResult, config_error};
use crate::runtime::detach_on;

/// One column as the Python layer hands it over.
#[derive(FromPyObject)]
pub(crate) enum PyColumn<'py> {
    /// Floating-point values (NaN = missing).
    Float(PyReadonlyArray1<'py, f64>),
    /// Integer values.
    Int(PyReadonlyArray1<'py, i64>),
    /// Labels (`None` = missing).
    Str(Vec<Option<String>>),
}

fn dataset(columns: Vec<(String, PyColumn<'_>)>) -> PyResult<Dataset> {
    let mut data = Dataset::new();
    for (name, column) in columns {
        let values = match column {
            PyColumn::Float(a) => ColumnValues::Float(a.as_slice()?.to_vec()),
            PyColumn::Int(a) => ColumnValues::Int(a.as_slice()?.to_vec()),
            PyColumn::Str(v) => ColumnValues::Str(v),
        };
        data.push(name, values).into_py_result()?;
    }
    Ok(data)
}

fn method(name: &str) -> PyResult<Method> {
    name.parse::<Method>().into_py_result()
}

fn kind(column: &str, name: &str) -> PyResult<ColumnKind> {
    match name {
        "numerical" | "num" | "numeric" => Ok(ColumnKind::Numerical),
        "categorical" | "cat" => Ok(ColumnKind::Categorical),
        other => Err(config_error(
            "column_types",
            &format!("column {column:?}: {other:?} is not \"numerical\" or \"categorical\""),
        )),
    }
}

/// Report options from the Python arguments (validated by genre-core).
#[allow(clippy::too_many_arguments)]
fn options(
    columns: Option<Vec<String>>,
    method_all: Option<&str>,
    methods: BTreeMap<String, String>,
    threshold_all: Option<f64>,
    thresholds: BTreeMap<String, f64>,
    kinds: BTreeMap<String, String>,
    drift_share: f64,
    seed: u64,
) -> PyResult<DriftOptions> {
    Ok(DriftOptions {
        columns,
        method: method_all.map(method).transpose()?,
        per_column_method: methods
            .into_iter()
            .map(|(c, m)| Ok((c, method(&m)?)))
            .collect::<PyResult<_>>()?,
        threshold: threshold_all,
        per_column_threshold: thresholds,
        per_column_kind: kinds
            .into_iter()
            .map(|(c, k)| Ok((c.clone(), kind(&c, &k)?)))
            .collect::<PyResult<_>>()?,
        drift_share,
        seed,
    })
}

/// A saved reference: the cleaned reference data per column, enough to give
/// exactly the report the raw reference gives.
#[pyclass(frozen, module = "genre.drift", name = "Profile")]
pub(crate) struct PyProfile {
    inner: Profile,
}

#[pymethods]
impl PyProfile {
    /// Profiles the reference columns (all when `columns` is None).
    #[staticmethod]
    #[pyo3(signature = (reference, columns=None))]
    fn from_columns(
        reference: Vec<(String, PyColumn<'_>)>,
        columns: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let data = dataset(reference)?;
        let inner = Profile::from_reference(&data, columns.as_deref()).into_py_result()?;
        Ok(PyProfile { inner })
    }
    /// Reads a profile written by `save`.
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        Profile::load(&path)
            .into_py_result()
            .map(|inner| PyProfile { inner })
    }
    /// Reads a profile from `to_bytes` output.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Profile::from_bytes(data, std::path::Path::new("<bytes>"))
            .into_py_result()
            .map(|inner| PyProfile { inner })
    }
    /// Writes the profile to `path`.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        self.inner.save(&path).into_py_result()
    }
    /// The profile's serialised bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }
    /// Profiled column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.inner.names().map(str::to_owned).collect()
    }
    fn __repr__(&self) -> String {
        format!("Profile(columns={:?})", self.columns())
    }
}

/// The reference of a report: raw columns or a profile.
#[derive(FromPyObject)]
pub(crate) enum Reference<'py> {
    Profile(PyRef<'py, PyProfile>),
    Columns(Vec<(String, PyColumn<'py>)>),
}

/// `report(reference, current, ...)` → `(json, text table)`.
#[pyfunction]
#[pyo3(signature = (reference, current, *, columns=None, method=None, methods=BTreeMap::new(), threshold=None, thresholds=BTreeMap::new(), column_types=BTreeMap::new(), drift_share=0.5, seed=0, n_jobs=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn drift_report(
    py: Python<'_>,
    reference: Reference<'_>,
    current: Vec<(String, PyColumn<'_>)>,
    columns: Option<Vec<String>>,
    method: Option<&str>,
    methods: BTreeMap<String, String>,
    threshold: Option<f64>,
    thresholds: BTreeMap<String, f64>,
    column_types: BTreeMap<String, String>,
    drift_share: f64,
    seed: u64,
    n_jobs: Option<i64>,
) -> PyResult<(String, String)> {
    let opts = options(
        columns,
        method,
        methods,
        threshold,
        thresholds,
        column_types,
        drift_share,
        seed,
    )?;
    let current = dataset(current)?;
    let report: genre_core::Result<DriftReport> = match reference {
        Reference::Profile(p) => {
            let profile = &p.inner;
            detach_on(py, n_jobs, || {
                drift::drift_report_with_profile(profile, &current, &opts)
            })?
        }
        Reference::Columns(c) => {
            let reference = dataset(c)?;
            detach_on(py, n_jobs, || {
                drift::drift_report(&reference, &current, &opts)
            })?
        }
    };
    let report = report.into_py_result()?;
    Ok((report.to_json(), report.to_string()))
}
