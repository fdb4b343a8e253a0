//! Reading tables the way pandas' `read_csv` types them.
//!
//! Per column: every non-missing field an integer and no missing field → int64;
//! every non-missing field a float (`inf`, `-inf`, `nan` included) → float64;
//! otherwise strings (object). Missing fields are pandas' default `na_values`.

use std::path::Path;

use super::column::{ColumnValues, Dataset};
use crate::error::{Error, Result};

/// pandas' default `na_values`.
const NA_VALUES: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

fn is_na(s: &str) -> bool {
    NA_VALUES.contains(&s)
}

/// Parses a float as pandas does (accepting `inf`, `Infinity`, surrounding spaces).
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let v: f64 = t.parse().ok()?;
    (!v.is_nan() || t.eq_ignore_ascii_case("nan")).then_some(v)
}

/// Types one column of raw fields as pandas would.
pub fn infer_column(fields: Vec<String>) -> ColumnValues {
    let mut any_na = false;
    let mut all_int = true;
    let mut all_float = true;
    for f in &fields {
        if is_na(f) {
            any_na = true;
            continue;
        }
        if all_int && f.trim().parse::<i64>().is_err() {
            all_int = false;
        }
        if all_float && parse_float(f).is_none() {
            all_float = false;
        }
        if !all_float {
            break;
        }
    }
    if all_int && !any_na && !fields.is_empty() {
        return ColumnValues::Int(
            fields
                .iter()
                .map(|f| f.trim().parse::<i64>().unwrap_or_default())
                .collect(),
        );
    }
    if all_float {
        return ColumnValues::Float(
            fields
                .iter()
                .map(|f| {
                    if is_na(f) {
                        f64::NAN
                    } else {
                        parse_float(f).unwrap_or(f64::NAN)
                    }
                })
                .collect(),
        );
    }
    ColumnValues::Str(
        fields
            .into_iter()
            .map(|f| if is_na(&f) { None } else { Some(f) })
            .collect(),
    )
}

/// Reads a CSV file with a header row into a typed [`Dataset`].
pub fn read_csv(path: &Path) -> Result<Dataset> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_csv_from(file, path)
}

/// Reads CSV from any reader; `path` names the source in errors.
pub fn read_csv_from<R: std::io::Read>(reader: R, path: &Path) -> Result<Dataset> {
    let table_err = |row: Option<usize>, column: Option<String>, reason: String| Error::Table {
        path: path.to_path_buf(),
        row,
        column,
        reason,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| table_err(Some(0), None, format!("malformed CSV header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(table_err(None, None, "empty file: no header row".into()));
    }
    let mut fields: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line());
            table_err(
                Some(i + 1),
                None,
                format!(
                    "malformed CSV{}: {e}",
                    line.map(|l| format!(" at line {l}")).unwrap_or_default()
                ),
            )
        })?;
        for (col, f) in fields.iter_mut().zip(rec.iter()) {
            col.push(f.to_string());
        }
    }
    if fields.first().is_none_or(Vec::is_empty) {
        return Err(table_err(None, None, "no data rows".into()));
    }
    let mut out = Dataset::new();
    for (name, col) in headers.into_iter().zip(fields) {
        if out.get(&name).is_some() {
            return Err(table_err(
                Some(0),
                Some(name),
                "duplicate column name".into(),
            ));
        }
        out.push(name, infer_column(col))?;
    }
    Ok(out)
}

/// The first row (1-based) of a string column holding a non-numeric,
/// non-missing value, with that value — for "numeric column" errors.
pub fn first_non_numeric(values: &ColumnValues) -> Option<(usize, String)> {
    match values {
        ColumnValues::Str(v) => v.iter().enumerate().find_map(|(i, s)| {
            let s = s.as_deref()?;
            parse_float(s).is_none().then(|| (i + 1, s.to_string()))
        }),
        _ => None,
    }
}

/// Checks that columns present in both datasets agree on being numeric; a
/// string column facing a numeric one gets an error naming its first bad row.
pub fn check_numeric_agreement(
    reference: &Dataset,
    reference_path: &Path,
    current: &Dataset,
    current_path: &Path,
) -> Result<()> {
    for name in current.names() {
        let (Some(r), Some(c)) = (reference.get(name), current.get(name)) else {
            continue;
        };
        let numeric = |v: &ColumnValues| !matches!(v, ColumnValues::Str(_));
        let (bad, path) = match (numeric(r), numeric(c)) {
            (true, false) => (c, current_path),
            (false, true) => (r, reference_path),
            _ => continue,
        };
        if let Some((row, value)) = first_non_numeric(bad) {
            return Err(Error::Table {
                path: path.to_path_buf(),
                row: Some(row),
                column: Some(name.to_string()),
                reason: format!(
                    "non-numeric value {value:?} in a column that is numeric in the other dataset"
                ),
            });
        }
    }
    Ok(())
}
